"""Configuration read from the environment (and secrets handed over by the UI)."""

from __future__ import annotations

import math
import os
import re
import secrets
import tomllib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine

from core.kernel.errors import TandemError
from core.kernel.i18n import N_, t
from db import crypto

ROOT = Path(__file__).resolve().parents[2]
MIN_COOKIE_KEY_CHARS = 32
MIN_COOKIE_KEY_DISTINCT = 8  # characters; 32 random hex digits have 8 or fewer about once in 10^6
MIN_COOKIE_KEY_BITS = 88  # estimated from the characters' frequencies (32 hex digits: ~110)
KEY_COMMAND = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'
# Sample values that appear (or appeared) in Tandem's README and docs, in
# streamlit-authenticator's defaults and examples, and the usual placeholders.
# Compared without case, spaces, quotes, dashes or underscores.
EXAMPLE_COOKIE_KEYS = frozenset(
    {
        "at least 32 random characters, the same on every server",
        "…",
        "...",
        "some_key",
        "some_signature_key",
        "random_signature_key",
        "abcdef",
        "changeme",
        "secret",
        "your-secret-key",
        "your_cookie_key",
    }
)
# Words that give a key away as a placeholder typed by hand (6 letters or more, so a
# random 64-character key contains one by chance with a probability below 1e-7).
PLACEHOLDER_WORDS = (
    "changeme",
    "change_me",
    "example",
    "secret",
    "password",
    "random",
    "replace",
    "placeholder",
    "sample",
    "default",
    "cookie",
    "tandem",
    "characters",
)


def _squash(text: str) -> str:
    return re.sub(r"[\s'\"`_\-]+", "", text.lower())


_EXAMPLES = frozenset(_squash(k) for k in EXAMPLE_COOKIE_KEYS)


def cookie_key_problems(key: str) -> Iterator[str]:
    """Why ``key`` cannot sign sign-in cookies (an example, too short, too little entropy)."""
    squashed = _squash(key)
    if squashed in _EXAMPLES or any(_squash(w) in squashed for w in PLACEHOLDER_WORDS):
        yield t("it is an example or a placeholder, which anyone can copy")
        return
    if len(key) < MIN_COOKIE_KEY_CHARS:
        yield t("it is too short: use at least {n} random characters", n=MIN_COOKIE_KEY_CHARS)
        return
    counts = Counter(key)
    bits = -sum(n * math.log2(n / len(key)) for n in counts.values())
    # "abcdef…", "0123…": most neighbours one apart; "Xq7#Lm2@"*4: a repeated part.
    steps = sum(1 for a, b in zip(key, key[1:], strict=False) if abs(ord(a) - ord(b)) <= 1)
    repeated = any(
        key == (key[:n] * (len(key) // n + 1))[: len(key)] for n in range(1, len(key) // 2 + 1)
    )
    if (
        len(counts) < MIN_COOKIE_KEY_DISTINCT
        or bits < MIN_COOKIE_KEY_BITS
        or steps * 3 > len(key) * 2
        or repeated
    ):
        yield t("it has too little entropy (too few distinct characters, or a pattern)")


COOKIE_KEY_REFUSED = N_(
    "The cookie key ({setting}) cannot be used: {problem}. Anyone who knows it can forge a sign-in as any user. Generate a key with: {command}"
)
ENCRYPTION_KEY_REFUSED = N_(
    "The encryption key ({setting}) cannot be used: {problem}. Anyone who knows it can read the private text of a copy of the database. Generate a key with: {command}"
)


def _refuse(setting: str, problem: str, message: str = COOKIE_KEY_REFUSED) -> TandemError:
    """The key named by ``setting`` is refused: ``message`` says why it matters and what to do."""
    return TandemError(t(message, setting=setting, problem=problem, command=KEY_COMMAND))


COOKIE_NAME = "tandem_auth"
COOKIE_EXPIRY_DAYS = 7.0


def state_dir() -> Path:
    """Where a single host keeps generated secrets: TANDEM_STATE_DIR or data/ (git-ignored)."""
    path = Path(os.environ.get("TANDEM_STATE_DIR") or ROOT / "data")
    path.mkdir(parents=True, exist_ok=True, mode=0o700)  # owner-only, like the files it holds
    return path


def _flag(name: str, default: bool) -> bool:
    """An on/off setting of the environment: 1/true/yes/on is on; unset or empty, ``default``."""
    value = os.environ.get(name, "").strip().lower()
    return default if not value else value in {"1", "true", "yes", "on"}


def demo_mode() -> bool:
    return _flag("TANDEM_DEMO", False)


def warm_dashboard() -> bool:
    """Whether a server builds the dashboard's parts when it starts (TANDEM_WARM_DASHBOARD,
    on by default: the tests and the benchmarks turn it off)."""
    return _flag("TANDEM_WARM_DASHBOARD", True)


def check_charts() -> bool:
    """Whether every chart drawn is checked against the Vega-Lite schema (TANDEM_CHECK_CHARTS,
    off by default: the check is most of a chart's drawing time; the tests turn it on, so
    every chart a page test draws is checked)."""
    return _flag("TANDEM_CHECK_CHARTS", False)


def cookie_key(configured: str | None = None) -> str:
    """The cookie signing key: secrets.toml, then TANDEM_COOKIE_KEY, then a generated file.

    A configured key that is a known example or has little entropy is refused with a
    message naming the setting and the command that generates a good one. A generated
    key is for a single host only: several servers must share one key through
    configuration, or a cookie signed by one is refused by the others.
    """
    if (configured or "").strip():
        key, setting = (configured or "").strip(), "cookie_key in .streamlit/secrets.toml"
    else:
        key, setting = os.environ.get("TANDEM_COOKIE_KEY", "").strip(), "TANDEM_COOKIE_KEY"
    if key:
        for problem in cookie_key_problems(key):
            raise _refuse(setting, problem)
        return key
    path = state_dir() / "cookie-key"
    if path.exists():
        stored = path.read_text().strip()
        for problem in cookie_key_problems(stored):
            raise _refuse(str(path), problem)
        return stored
    generated = secrets.token_urlsafe(48)
    # Create with owner-only permissions; O_EXCL so two processes do not both write.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(generated)
    return generated


# --------------------------------------------------------------------------- encryption keys

ENCRYPTION_KEYS_SETTING = "encryption_keys"
ENCRYPTION_KEYS_ENV = "TANDEM_ENCRYPTION_KEYS"
ENCRYPTION_KEYS_FILE = "encryption-keys"


def _secrets_files() -> list[Path]:
    """Where Streamlit reads secrets.toml: the user's folder, then the project's (which wins)."""
    return [Path.home() / ".streamlit" / "secrets.toml", Path.cwd() / ".streamlit" / "secrets.toml"]


def _secret_values(name: str) -> Iterator[tuple[Path, object]]:
    """``name`` in each readable secrets.toml, in :func:`_secrets_files` order (the last wins)."""
    for path in _secrets_files():
        if not path.is_file():
            continue
        try:
            with path.open("rb") as fh:
                value = tomllib.load(fh).get(name)
        except (OSError, tomllib.TOMLDecodeError):
            continue  # Streamlit reports a broken secrets.toml itself
        yield path, value


def secrets_section(name: str) -> dict[str, object]:
    """A ``[name]`` table of secrets.toml (the project's keys over the user's); {} if none."""
    merged: dict[str, object] = {}
    for _path, value in _secret_values(name):
        if isinstance(value, dict):
            merged.update(value)
    return merged


def signing_key() -> str:
    """The cookie key, as the app finds it, for signing outside a page (e-mail links)."""
    configured = None
    for _path, value in _secret_values("cookie_key"):
        if isinstance(value, str) and value.strip():
            configured = value
    return cookie_key(configured)


def _split_keys(text: str) -> list[str]:
    return [k for k in re.split(r"[\s,]+", text.strip()) if k]


def _configured_encryption_keys() -> tuple[list[str], str] | None:
    """Keys from secrets.toml (``encryption_keys``), else TANDEM_ENCRYPTION_KEYS; newest first."""
    found: tuple[list[str], str] | None = None
    for path, value in _secret_values(ENCRYPTION_KEYS_SETTING):
        setting = f"{ENCRYPTION_KEYS_SETTING} in {path}"
        if isinstance(value, str):
            found = (_split_keys(value), setting)
        elif isinstance(value, list):
            found = ([str(k).strip() for k in value if str(k).strip()], setting)
    if found is not None and found[0]:
        return found
    env = _split_keys(os.environ.get(ENCRYPTION_KEYS_ENV, ""))
    return (env, ENCRYPTION_KEYS_ENV) if env else None


def encryption_keys(*, may_generate: bool = True) -> tuple[list[str], str]:
    """The keys that encrypt private text at rest, newest first, and where they were set.

    ``encryption_keys`` in .streamlit/secrets.toml (a list, or one string), then
    TANDEM_ENCRYPTION_KEYS (separated by commas or spaces), then the owner-only file
    ``encryption-keys`` of the state folder (one key a line), generated on first use
    for a single host when ``may_generate`` (the database holds no encrypted text yet).
    Each key is checked like the cookie key: examples and weak keys are refused.
    """
    configured = _configured_encryption_keys()
    path = state_dir() / ENCRYPTION_KEYS_FILE
    if configured is None and not path.exists() and may_generate:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process generated it meanwhile: read theirs
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48) + "\n")
    if configured is None and path.exists():
        configured = (_split_keys(path.read_text()), str(path))
    if configured is None or not configured[0]:
        raise TandemError(
            t(
                "No encryption key is configured, but this database holds encrypted private text. Set the key it was written with in {setting} (.streamlit/secrets.toml) or {env}, or put back the key file {path}.",
                setting=ENCRYPTION_KEYS_SETTING,
                env=ENCRYPTION_KEYS_ENV,
                path=path,
            )
        )
    keys, setting = configured
    for key in keys:
        for problem in cookie_key_problems(key):
            raise _refuse(setting, problem, ENCRYPTION_KEY_REFUSED)
    return keys, setting


def encryption_ring(*, may_generate: bool = True) -> crypto.KeyRing:
    """The key ring of :func:`encryption_keys` (the first key encrypts, all decrypt)."""
    keys, setting = encryption_keys(may_generate=may_generate)
    try:
        return crypto.KeyRing(keys)
    except ValueError as e:
        raise TandemError(
            t(
                "The encryption keys ({setting}) cannot be used: the same key is listed twice.",
                setting=setting,
            )
        ) from e


def unreadable_text() -> str:
    """What a reader sees instead of a text that does not decrypt."""
    return t(
        "[This text could not be decrypted: it was changed outside Tandem, or its key is no longer configured.]"
    )


def install_encryption(engine: Engine) -> crypto.KeyRing:
    """At start-up: load the keys, check that they open ``engine``'s database, install them.

    A key is generated only for a database that holds no encrypted text yet; a missing
    or wrong key is a clear error here, before any page opens.
    """
    with engine.connect() as conn:
        in_use = crypto.sample_key_ids(conn)
    ring = encryption_ring(may_generate=not in_use)
    unknown = sorted(in_use - set(ring.ids))
    if unknown:
        raise TandemError(
            t(
                "The configured encryption keys (ids {configured}) cannot read this database: its private text was written with key {unknown}. Add that key to {setting} or {env}, after the newest one.",
                configured=", ".join(ring.ids),
                unknown=", ".join(unknown),
                setting=ENCRYPTION_KEYS_SETTING,
                env=ENCRYPTION_KEYS_ENV,
            )
        )
    crypto.install(ring, unreadable=unreadable_text)
    return ring
