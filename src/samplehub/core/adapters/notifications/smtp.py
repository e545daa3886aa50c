"""Email over SMTP (smtplib): one message per notice, UTF-8, errors mapped at the edge."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from samplehub.core.service.notifications import Channel, Notice, NotificationFailed


class SmtpSender:
    """Implements ``NoticeSender`` for email; a new connection per notice (reminders are few)."""

    channel = Channel.EMAIL

    def __init__(self, host: str, port: int, sender: str, timeout: float = 10.0) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.timeout = timeout

    def send(self, notice: Notice) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = notice.recipient
        message["Subject"] = notice.subject
        message["X-SampleHub-Key"] = notice.key
        message.set_content(notice.body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as error:
            raise NotificationFailed(self.channel, notice.recipient, str(error)) from error
