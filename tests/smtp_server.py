"""A real SMTP server for the tests (aiosmtpd on a free port) and what it received."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


class _Handler:
    def __init__(self) -> None:
        self.received: list[bytes] = []
        self.reply = "250 OK"  # a test sets "451 …" or "550 …" to make the server refuse

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        if not self.reply.startswith("250"):
            return self.reply
        self.received.append(envelope.content)
        return "250 OK"


class SmtpServer:
    def __init__(self) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.handler = _Handler()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def refuse(self, reply: str) -> None:
        self.handler.reply = reply

    @property
    def raw(self) -> list[bytes]:
        return list(self.handler.received)

    @property
    def messages(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[misc]
            for raw in self.handler.received
        ]


def text_of(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


@pytest.fixture
def smtp_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    """A running local SMTP server, and Tandem configured to send through it."""
    server = SmtpServer()
    server.start()
    monkeypatch.setenv("TANDEM_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TANDEM_SMTP_PORT", str(server.port))
    monkeypatch.setenv("TANDEM_SMTP_SECURITY", "none")
    monkeypatch.setenv("TANDEM_SMTP_SENDER", "tandem@example.org")
    monkeypatch.setenv("TANDEM_BASE_URL", "https://tandem.example.org")
    yield server
    server.stop()
