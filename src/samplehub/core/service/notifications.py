"""The notification port: one message to one person over one channel (email, SMS, WeChat).

Recall reminders and pickup notices compose a ``Notice``; a ``NoticeSender`` per channel delivers
it (SMTP, an SMS gateway's webhook, a WeChat template-message webhook, or the recording fake).
``key`` names the reason a notice exists (for example ``recall:JX2026-000123:30``) so a caller
can record it and never send the same notice twice.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from samplehub.core.domain.errors import SampleHubError


class Channel(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"
    WECHAT = "wechat"


class NotificationFailed(SampleHubError):
    """A sender could not deliver: the channel, the recipient and what happened."""

    def __init__(self, channel: Channel, recipient: str, problem: str) -> None:
        self.channel = channel
        self.recipient = recipient
        self.problem = problem
        super().__init__(f"{channel} to {recipient}: {problem}")


@dataclass(frozen=True)
class Notice:
    channel: Channel
    recipient: str  # an email address, a phone number or a WeChat openid
    subject: str
    body: str
    key: str  # why it exists; the same key is never sent twice


class NoticeSender(Protocol):
    """Delivers notices over one channel; raises ``NotificationFailed``, never a vendor error."""

    channel: Channel

    def send(self, notice: Notice) -> None: ...
