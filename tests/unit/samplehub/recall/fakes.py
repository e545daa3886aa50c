"""The recall tests' doubles: a mailbox behind a local SMTP server and a webhook gateway for
SMS and WeChat reminders (the integration tests start them on local ports)."""

from __future__ import annotations

import email
import email.policy
import json
import socket
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler
from typing import Any, ClassVar


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Mailbox:
    """An aiosmtpd handler that keeps every message it is given, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"


class Gateway(BaseHTTPRequestHandler):
    """An SMS/WeChat webhook stand-in: keeps each JSON body and answers ``status``."""

    received: ClassVar[list[dict[str, Any]]] = []
    status: ClassVar[int] = 200

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        Gateway.received.append(json.loads(self.rfile.read(length)))
        self.send_response(Gateway.status)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        """Quiet."""
