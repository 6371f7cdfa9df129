"""Configuration read from the environment (and secrets handed over by the UI)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from core.errors import TandemError
from core.i18n import t

ROOT = Path(__file__).resolve().parent.parent
MIN_COOKIE_KEY_CHARS = 32
COOKIE_NAME = "tandem_auth"
COOKIE_EXPIRY_DAYS = 7.0


def state_dir() -> Path:
    """Where a single host keeps generated secrets: TANDEM_STATE_DIR or data/ (git-ignored)."""
    path = Path(os.environ.get("TANDEM_STATE_DIR") or ROOT / "data")
    path.mkdir(parents=True, exist_ok=True)
    return path


def demo_mode() -> bool:
    return os.environ.get("TANDEM_DEMO", "0").strip().lower() in {"1", "true", "yes", "on"}


def cookie_key(configured: str | None = None) -> str:
    """The cookie signing key: secrets.toml, then TANDEM_COOKIE_KEY, then a generated file.

    A generated key is for a single host only: several servers must share one key
    through configuration, or a cookie signed by one is refused by the others.
    """
    key = (configured or os.environ.get("TANDEM_COOKIE_KEY") or "").strip()
    if key:
        if len(key) < MIN_COOKIE_KEY_CHARS:
            raise TandemError(
                t(
                    "The configured cookie key is too short: use at least {n} random characters.",
                    n=MIN_COOKIE_KEY_CHARS,
                )
            )
        return key
    path = state_dir() / "cookie-key"
    if path.exists():
        stored = path.read_text().strip()
        if len(stored) >= MIN_COOKIE_KEY_CHARS:
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
