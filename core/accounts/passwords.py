"""The rules of usernames and passwords, and hashing a new password with bcrypt."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import bcrypt

from core.kernel.errors import InvalidInput
from core.kernel.i18n import t

MAX_PASSWORD_BYTES = 72  # bcrypt ignores (bcrypt 5: refuses) anything longer
MIN_PASSWORD_CHARS = 10
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,59}$")


def bcrypt_rounds() -> int:
    """bcrypt cost: the library's default (12) unless TANDEM_BCRYPT_ROUNDS says (tests: 4)."""
    return max(4, min(16, int(os.environ.get("TANDEM_BCRYPT_ROUNDS", "12"))))


def normalise_username(username: str) -> str:
    # Same normalisation as streamlit-authenticator's controller.
    return (username or "").strip().lower()


def validate_username(username: str) -> str:
    """A username as stored (normalised), or a clear refusal."""
    username = normalise_username(username)
    if not USERNAME_RE.match(username):
        raise InvalidInput(
            t("A username has 2 to 60 characters: lowercase letters, digits, and . _ @ -")
        )
    return username


def password_problems(password: str) -> Iterator[str]:
    """Readable reasons why ``password`` cannot be used, none when it is fine."""
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        yield t(
            "The password is too long: at most {max} bytes (accented letters and emoji count for 2 to 4).",
            max=MAX_PASSWORD_BYTES,
        )
    if len(password) < MIN_PASSWORD_CHARS:
        yield t("The password is too short: at least {min} characters.", min=MIN_PASSWORD_CHARS)
    if password != password.strip():
        yield t("The password cannot start or end with a space.")


def hash_password(password: str) -> str:
    problems = list(password_problems(password))
    if problems:
        raise InvalidInput(" ".join(problems))
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(bcrypt_rounds())).decode()


def new_password_hash(password: str, repeat: str, differ: str) -> str:
    """The hash of a password typed twice; ``differ`` refuses two different entries."""
    if password != repeat:
        raise InvalidInput(differ)
    return hash_password(password)
