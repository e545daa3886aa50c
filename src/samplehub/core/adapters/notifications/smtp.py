"""Email over SMTP (smtplib): one message per notice, UTF-8, errors mapped at the edge.

With ``starttls`` the connection is upgraded before anything else is said, and the server's
certificate is checked (the system's trust store, or ``ssl_context``); with a user name the
sender authenticates (AUTH) only over that encrypted connection, never in clear.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from samplehub.core.service.notifications import Channel, Notice, NotificationFailed


class SmtpSender:
    """Implements ``NoticeSender`` for email; a new connection per notice."""

    channel = Channel.EMAIL

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        timeout: float = 10.0,
        *,
        starttls: bool = False,
        username: str = "",
        password: str = "",
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if username and not starttls:
            raise ValueError(
                f"SMTP user {username!r} without STARTTLS: the password would travel in clear "
                "(set starttls true)"
            )
        self.host = host
        self.port = port
        self.sender = sender
        self.timeout = timeout
        self.starttls = starttls
        self.username = username
        self.password = password
        self.ssl_context = ssl_context

    def send(self, notice: Notice) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = notice.recipient
        message["Subject"] = notice.subject
        message["X-SampleHub-Key"] = notice.key
        message.set_content(notice.body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=self.ssl_context or ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password)
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as error:  # ssl.SSLError is an OSError
            raise NotificationFailed(self.channel, notice.recipient, str(error)) from error
