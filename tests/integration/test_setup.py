"""First start without demo data: the first admin needs the code from the server log."""

import pytest

from core.accounts import auth, setup
from core.kernel import config
from core.kernel.errors import Conflict, InvalidInput, TandemError
from demo import company as demo


def test_the_first_admin_needs_the_printed_code_and_it_works_once(sf):
    code = setup.issue_setup_code(sf)
    assert code
    with pytest.raises(InvalidInput, match="not valid"):
        setup.create_first_admin(sf, code="guess", email="a@example.com", full_name="A", username="boss", password="a-good-password")
    setup.create_first_admin(sf, code=code, email="a@example.com", full_name="A", username="boss", password="a-good-password")
    assert auth.sign_in(sf, "boss", "a-good-password").viewer.has("admin")
    with pytest.raises(Conflict):
        setup.create_first_admin(sf, code=code, email="b@example.com", full_name="B", username="boss2", password="a-good-password")
    assert setup.issue_setup_code(sf) is None


def test_only_the_newest_code_is_valid(sf):
    old = setup.issue_setup_code(sf)
    new = setup.issue_setup_code(sf)
    with pytest.raises(InvalidInput):
        setup.create_first_admin(sf, code=old, email="a@example.com", full_name="A", username="boss", password="a-good-password")
    setup.create_first_admin(sf, code=new, email="a@example.com", full_name="A", username="boss", password="a-good-password")


def test_the_demo_seeds_its_logins_once(sf):
    assert demo.seed_demo(sf)
    assert not demo.seed_demo(sf)
    for username, role in demo.DEMO_LOGINS:
        signed = auth.sign_in(sf, username, demo.DEMO_PASSWORD)
        assert signed and signed.viewer.has(role)


def test_the_cookie_key_comes_from_configuration_or_a_generated_private_file(tmp_path, monkeypatch):
    monkeypatch.setenv("TANDEM_STATE_DIR", str(tmp_path))
    monkeypatch.delenv("TANDEM_COOKIE_KEY", raising=False)
    generated = config.cookie_key(None)
    assert len(generated) >= 32 and config.cookie_key(None) == generated  # kept, not regenerated
    assert (tmp_path / "cookie-key").stat().st_mode & 0o077 == 0  # owner-only
    env_key, secrets_key = "qV3xN8mZ2pL7wK4rT9yB6cD1fG5hJ0sA", "Hn4Rt8Wq2Zx6Lp9Vm3Kc7Jd1Fs5Gb0Ny"
    monkeypatch.setenv("TANDEM_COOKIE_KEY", env_key)
    assert config.cookie_key(None) == env_key
    assert config.cookie_key(secrets_key) == secrets_key  # secrets.toml wins
    with pytest.raises(TandemError, match="too short"):
        config.cookie_key("short")


def test_the_folder_of_generated_secrets_is_created_owner_only(tmp_path, monkeypatch):
    import os

    monkeypatch.setenv("TANDEM_STATE_DIR", str(tmp_path / "state"))
    old = os.umask(0o022)
    try:
        path = config.state_dir()
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o700
