"""The sign-in page with single sign-on configured: the provider's button, passwords off (AppTest)."""

from streamlit.testing.v1 import AppTest

from db.models import Setting
from tests.pages.conftest import ROOT

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-cookie-secret-of-enough-length-1234",
    "client_id": "tandem",
    "client_secret": "secret",
    "server_metadata_url": "http://localhost:9999/.well-known/openid-configuration",
    "provider_name": "Okta",
}


def _app(auth=None, lang=None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=30)
    if auth is not None:
        at.secrets["auth"] = auth
    if lang:
        at.session_state["tandem_lang"] = lang
    return at.run()


def test_without_sso_configured_there_is_no_provider_button(demo_url):
    at = _app()
    assert not [b for b in at.button if b.label.startswith("Sign in with")]
    assert {ti.label for ti in at.text_input} >= {"Username", "Password"}


def test_with_sso_configured_the_provider_button_shows_next_to_the_password_form(demo_url):
    at = _app(AUTH)
    assert [b.label for b in at.button if b.label.startswith("Sign in with")] == [
        "Sign in with Okta"
    ]
    assert {ti.label for ti in at.text_input} >= {"Username", "Password"}


def test_the_provider_button_is_translated(demo_url):
    at = _app(AUTH, lang="fr")
    assert "Se connecter avec Okta" in [b.label for b in at.button]


def test_with_passwords_off_the_password_form_is_not_shown(demo_url, demo_store):
    with demo_store.sf.begin() as s:
        s.add(Setting(key="passwords_enabled", value="0"))
    at = _app(AUTH)
    assert not {ti.label for ti in at.text_input} & {"Username", "Password"}
    assert "Sign in with Okta" in [b.label for b in at.button]


def test_the_admin_cannot_turn_passwords_off_while_sso_is_not_configured(open_app):
    at = open_app("admin", page="pages/admin_accounts.py")
    next(b for b in at.button if b.label == "Turn local passwords off").click()
    at.run()
    assert any("Single sign-on is not configured" in e.value for e in at.error)
    assert "Turn local passwords off" in [b.label for b in at.button]  # nothing changed
