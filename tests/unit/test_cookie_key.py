"""The cookie key: known examples and keys with little entropy are refused at start-up."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import pytest

from core.kernel import config
from core.kernel.errors import TandemError

ROOT = Path(__file__).resolve().parents[2]


def _readme_samples() -> list[str]:
    """Every value the README gives for cookie_key / TANDEM_COOKIE_KEY, as written."""
    text = (ROOT / "README.md").read_text()
    return re.findall(r'(?:cookie_key\s*=\s*|TANDEM_COOKIE_KEY=)"([^"]*)"', text)


@pytest.fixture(autouse=True)
def _no_env_key(monkeypatch, tmp_path):
    monkeypatch.delenv("TANDEM_COOKIE_KEY", raising=False)
    monkeypatch.setenv("TANDEM_STATE_DIR", str(tmp_path))


@pytest.mark.parametrize(
    "key",
    [
        "at least 32 random characters, the same on every server",  # README until issue 8
        "…",  # README's PostgreSQL example
        "some_key",  # streamlit-authenticator's default
        "some_signature_key",
        "random_signature_key",
        "changeme",
        "CHANGE-ME-please-this-is-not-a-real-key-at-all",
        "my-super-secret-cookie-key-2024!!",
        "replace this with your own random key, please!",
        "k" * 40,
        "0123456789abcdef0123456789abcdef",
        "abcdefghijklmnopqrstuvwxyz012345",
        "Xq7#Lm2@Rt9!" * 3,
        "short",
    ],
)
def test_an_example_or_weak_key_is_refused_naming_the_setting_and_the_command(key):
    with pytest.raises(TandemError) as e:
        config.cookie_key(key)
    message = str(e.value)
    assert "cookie_key in .streamlit/secrets.toml" in message
    assert config.KEY_COMMAND in message
    assert "forge a sign-in" in message


def test_the_same_goes_for_the_environment_variable(monkeypatch):
    monkeypatch.setenv(
        "TANDEM_COOKIE_KEY", "at least 32 random characters, the same on every server"
    )
    with pytest.raises(TandemError, match="TANDEM_COOKIE_KEY"):
        config.cookie_key(None)


def test_a_generated_key_file_that_someone_overwrote_with_a_weak_key_is_refused(tmp_path):
    (tmp_path / "cookie-key").write_text("changeme-changeme-changeme-changeme")
    with pytest.raises(TandemError, match="cookie-key"):
        config.cookie_key(None)


def test_every_sample_value_in_the_readme_is_refused():
    for sample in _readme_samples():
        assert list(config.cookie_key_problems(sample)), sample


def test_the_readme_shows_the_command_that_generates_a_key():
    assert config.KEY_COMMAND in (ROOT / "README.md").read_text()


@pytest.mark.parametrize(
    "make",
    [
        lambda: secrets.token_urlsafe(48),  # the command the README shows
        lambda: secrets.token_urlsafe(24),
        lambda: secrets.token_hex(32),  # openssl rand -hex 32
        lambda: secrets.token_hex(16),
    ],
)
def test_random_keys_from_the_usual_generators_are_accepted(make):
    for _ in range(2000):
        key = make()
        assert config.cookie_key(key) == key


def test_a_generated_key_is_accepted_when_read_back(tmp_path):
    generated = config.cookie_key(None)
    assert config.cookie_key(None) == generated
    assert not list(config.cookie_key_problems(generated))
