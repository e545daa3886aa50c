"""Notification channels (``notify.*``), each chosen by ``type`` like the device configs, and
the outbox's delivery: attempts, back-off, and the staff who receive alerts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from samplehub.app.config_types import CommaList, Section, chosen_by_type


class MailboxChannel(Section):
    """Notices go into ``<data_dir>/mailbox/<channel>.txt`` (the embedded default)."""

    type: Literal["mailbox"] = "mailbox"


class NoChannel(Section):
    """This channel is not used."""

    type: Literal["none"] = "none"


class SmtpChannel(Section):
    """Email through an SMTP server: STARTTLS, then AUTH when a user is set."""

    type: Literal["smtp"] = "smtp"
    host: str = Field(min_length=1, description="SMTP server host name")
    port: int = Field(587, ge=1, le=65535, description="SMTP port (587: submission)")
    sender: str = Field("samplehub@samplehub.invalid", description="From address")
    starttls: bool = Field(True, description="Upgrade to TLS before AUTH and the message")
    username: str = Field("", description="SMTP AUTH user; empty: no AUTH")
    password: str = Field("", description="SMTP AUTH password")
    ca_file: Path | None = Field(
        None, description="CA certificates for the server (unset: the system's trust store)"
    )
    timeout_s: float = Field(10, gt=0, le=120, description="Seconds per connection")

    @model_validator(mode="after")
    def _auth_over_tls(self) -> SmtpChannel:
        if self.username and not self.starttls:
            raise ValueError(
                f"notify.email.username {self.username!r} with starttls false: the password "
                "would travel in clear; set notify.email.starttls true"
            )
        return self


class SmsGatewayChannel(Section):
    """SMS through an HTTP gateway: the body is the template with the notice filled in."""

    type: Literal["gateway"] = "gateway"
    url: str = Field(min_length=1, description="Gateway URL the request is POSTed to")
    template: str = Field(
        '{"to": "$to", "text": "$text"}',
        description="Request body; $to, $text, $subject and $key are filled in (JSON-escaped "
        "for a JSON content type, URL-encoded otherwise)",
    )
    content_type: str = Field("application/json", description="Content type of the body")
    username: str = Field("", description="HTTP Basic user; empty: none")
    password: str = Field("", description="HTTP Basic password")
    token: str = Field("", description="Bearer token; empty: none")
    timeout_s: float = Field(10, gt=0, le=120, description="Seconds per request")


class WebhookChannel(Section):
    """A JSON POST of ``{channel, to, subject, text, key}`` to a webhook."""

    type: Literal["webhook"] = "webhook"
    url: str = Field(min_length=1, description="Webhook URL")


EmailChannel = Annotated[MailboxChannel | SmtpChannel | NoChannel, Field(discriminator="type")]
SmsChannel = Annotated[
    MailboxChannel | SmsGatewayChannel | WebhookChannel | NoChannel, Field(discriminator="type")
]
WechatChannel = Annotated[WebhookChannel | NoChannel, Field(discriminator="type")]
STAFF_ENTRY = re.compile(r"^(email|sms|wechat):\S+$")


class NotifySettings(Section):
    """Notices to customers and alerts to staff, delivered from the outbox with retries."""

    email: EmailChannel = chosen_by_type(EmailChannel, MailboxChannel, "Email channel")
    sms: SmsChannel = chosen_by_type(SmsChannel, MailboxChannel, "SMS channel")
    wechat: WechatChannel = chosen_by_type(WechatChannel, NoChannel, "WeChat template messages")
    staff: CommaList = Field(
        [],
        description="Who receives staff alerts (kiosk lockouts, failed transport, samples on "
        "hold, storage capacity): entries channel:address, e.g. email:ops@example.org,"
        "sms:13800000000",
    )
    max_attempts: int = Field(8, ge=1, le=100, description="Attempts before a notice is given up")
    first_retry_seconds: float = Field(30, gt=0, description="Wait after the first failure")
    max_retry_seconds: float = Field(3600, gt=0, description="Longest wait between attempts")
    worker_seconds: float = Field(
        5, ge=0, description="How often serve's worker delivers due notices; 0: never"
    )

    @field_validator("staff")
    @classmethod
    def _staff_entries(cls, value: list[str]) -> list[str]:
        for entry in value:
            if not STAFF_ENTRY.match(entry):
                raise ValueError(
                    f"notify.staff entry {entry!r}: channel:address with channel email, sms or "
                    "wechat (e.g. email:ops@example.org)"
                )
        return value
