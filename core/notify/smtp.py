"""The SMTP server Tandem sends through: its settings and one connection's sending.

Settings come from the ``[smtp]`` table of ``.streamlit/secrets.toml`` or, key by key, from
the environment (``TANDEM_SMTP_HOST``, ``…_PORT``, ``…_SECURITY``, ``…_SENDER``,
``…_USERNAME``, ``…_PASSWORD``), never from the database. Without a host and a sender,
nothing is sent (notifications wait in the outbox).

A failure is *temporary* (the server is down or answers 4xx: try again later) or
*permanent* (5xx, an address refused: trying again would not help).
"""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage

from core.kernel.config import secrets_section

SECURITIES = ("starttls", "ssl", "none")
TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # starttls | ssl | none
    sender: str
    username: str
    password: str

    @property
    def described(self) -> dict[str, str]:
        """The settings as an admin may see them: the password masked."""
        return {
            "host": self.host,
            "port": str(self.port),
            "security": self.security,
            "sender": self.sender,
            "username": self.username or "—",
            "password": "••••••••" if self.password else "—",
        }


class SendFailed(Exception):
    """Sending one message failed; ``temporary`` says whether trying later may work."""

    def __init__(self, reason: str, *, temporary: bool) -> None:
        super().__init__(reason)
        self.reason = reason[:300]
        self.temporary = temporary


def settings() -> SmtpSettings | None:
    """The configured SMTP server, or None when no host or no sender is set."""
    table = secrets_section("smtp")

    def value(name: str, default: str = "") -> str:
        env = os.environ.get(f"TANDEM_SMTP_{name.upper()}")
        raw = env if env is not None else table.get(name, default)
        return str(raw).strip()

    host, sender = value("host"), value("sender")
    if not host or not sender:
        return None
    security = value("security", "starttls").lower()
    if security not in SECURITIES:
        security = "starttls"
    default_port = {"ssl": 465, "starttls": 587, "none": 25}[security]
    try:
        port = int(value("port") or default_port)
    except ValueError:
        port = default_port
    return SmtpSettings(
        host,
        port,
        security,
        sender,
        value("username"),
        os.environ.get("TANDEM_SMTP_PASSWORD", str(table.get("password", ""))),
    )


def configured() -> bool:
    return settings() is not None


def _failure(e: Exception) -> SendFailed:
    if isinstance(e, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in e.recipients.values()]
        temporary = bool(codes) and all(400 <= c < 500 for c in codes)
        return SendFailed(f"recipient refused ({', '.join(map(str, codes))})", temporary=temporary)
    if isinstance(e, smtplib.SMTPResponseException):
        text = e.smtp_error.decode("utf-8", "replace") if isinstance(e.smtp_error, bytes) else ""
        return SendFailed(f"{e.smtp_code} {text}".strip(), temporary=400 <= e.smtp_code < 500)
    if isinstance(e, smtplib.SMTPServerDisconnected | socket.timeout | ConnectionError | OSError):
        return SendFailed(f"server unreachable: {e.__class__.__name__}", temporary=True)
    return SendFailed(str(e) or e.__class__.__name__, temporary=True)


@contextmanager
def connection(config: SmtpSettings) -> Iterator[smtplib.SMTP]:
    """One signed-in SMTP connection; a failure to open it is a temporary SendFailed."""
    try:
        client: smtplib.SMTP
        if config.security == "ssl":
            client = smtplib.SMTP_SSL(
                config.host,
                config.port,
                timeout=TIMEOUT_SECONDS,
                context=ssl.create_default_context(),
            )
        else:
            client = smtplib.SMTP(config.host, config.port, timeout=TIMEOUT_SECONDS)
            if config.security == "starttls":
                client.starttls(context=ssl.create_default_context())
        if config.username:
            client.login(config.username, config.password)
    except (smtplib.SMTPException, OSError) as e:
        failure = _failure(e)
        if isinstance(e, smtplib.SMTPAuthenticationError):
            failure = SendFailed(
                f"sign-in refused by the SMTP server ({e.smtp_code})", temporary=True
            )
        raise failure from e
    try:
        yield client
    finally:
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            pass


def send_one(client: smtplib.SMTP, message: EmailMessage) -> None:
    """Send ``message`` on an open connection; SendFailed says whether to try again."""
    try:
        client.send_message(message)
    except (smtplib.SMTPException, OSError) as e:
        raise _failure(e) from e
