"""First start without demo data: the first admin needs the code from the server log."""

import datetime as dt

import pytest

from core.accounts import auth, setup
from core.kernel import clock, config
from core.kernel.errors import Conflict, InvalidInput, TandemError
from demo import company as demo


def test_the_first_admin_needs_the_printed_code_and_it_works_once(sf):
    code = setup.issue_setup_code(sf)
    assert code
    with pytest.raises(InvalidInput, match="not valid"):
        setup.create_first_admin(
            sf,
            code="guess",
            email="a@example.com",
            full_name="A",
            username="boss",
            password="a-good-password",
        )
    setup.create_first_admin(
        sf,
        code=code,
        email="a@example.com",
        full_name="A",
        username="boss",
        password="a-good-password",
    )
    assert auth.sign_in(sf, "boss", "a-good-password").viewer.has("admin")
    with pytest.raises(Conflict):
        setup.create_first_admin(
            sf,
            code=code,
            email="b@example.com",
            full_name="B",
            username="boss2",
            password="a-good-password",
        )
    assert setup.issue_setup_code(sf) is None


def test_servers_starting_together_print_one_code_and_the_others_say_where_it_is(sf):
    first = setup.issue_setup_code(sf)
    assert first and setup.issue_setup_code(sf) is None  # a second server, a moment later
    assert setup.printed_at(sf) is not None
    setup.create_first_admin(
        sf,
        code=first,
        email="a@example.com",
        full_name="A",
        username="boss",
        password="a-good-password",
    )
    assert setup.printed_at(sf) is None


def test_only_the_newest_code_is_valid(sf):
    old = setup.issue_setup_code(sf)
    clock.set_now(clock.now() + setup.SHARED_FOR + dt.timedelta(seconds=1))  # a restart, later
    new = setup.issue_setup_code(sf)
    assert new and new != old
    with pytest.raises(InvalidInput):
        setup.create_first_admin(
            sf,
            code=old,
            email="a@example.com",
            full_name="A",
            username="boss",
            password="a-good-password",
        )
    setup.create_first_admin(
        sf,
        code=new,
        email="a@example.com",
        full_name="A",
        username="boss",
        password="a-good-password",
    )


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


def test_two_servers_starting_at_the_same_moment_issue_one_code(sf):
    """Each server has its own engine on the one database; the set-up lock orders them."""
    from concurrent.futures import ThreadPoolExecutor

    from db.engine import make_engine, make_session_factory

    engines = [
        make_engine(str(sf.kw["bind"].url.render_as_string(hide_password=False))) for _ in range(2)
    ]
    try:
        with ThreadPoolExecutor(2) as pool:
            codes = list(
                pool.map(setup.issue_setup_code, [make_session_factory(e) for e in engines])
            )
    finally:
        for e in engines:
            e.dispose()
    assert sorted(code is None for code in codes) == [False, True]
    assert setup.printed_at(sf) is not None
