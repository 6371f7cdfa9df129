"""A wrong or missing encryption key stops the app at start-up with a clear message (issue 13)."""

import secrets

from streamlit.testing.v1 import AppTest

from core.kernel import config
from tests.pages.conftest import ROOT


def _start() -> AppTest:
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=30)
    at.run()
    return at


def test_a_wrong_key_shows_a_clear_error_instead_of_the_app(demo_url, monkeypatch):
    monkeypatch.setenv(config.ENCRYPTION_KEYS_ENV, secrets.token_urlsafe(48))
    at = _start()
    assert not at.exception, [e.value for e in at.exception]
    [error] = at.error
    assert "cannot read this database" in error.value and "was written with key" in error.value
    assert not at.text_input  # no sign-in form, no page


def test_a_missing_key_shows_a_clear_error_and_generates_none(demo_url, monkeypatch, tmp_path):
    monkeypatch.delenv(config.ENCRYPTION_KEYS_ENV)
    monkeypatch.setattr(config, "_secrets_files", lambda: [])
    at = _start()
    assert not at.exception, [e.value for e in at.exception]
    [error] = at.error
    assert "No encryption key is configured" in error.value
    assert not (tmp_path / "state" / config.ENCRYPTION_KEYS_FILE).exists()
