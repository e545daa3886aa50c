"""Writing notices into the outbox of the caller's unit of work, and staff alerts.

``enqueue`` is how a handler sends a notice: the outbox row commits (or rolls back) with the
change that caused it; the delivery worker (``core.service.delivery``) sends it afterwards.
``StaffAlerts`` writes one alert per configured staff recipient (``notify.staff``): kiosk
lockouts, failed transport tasks and samples put on hold, storage capacity levels.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from samplehub.core.domain.messages import message_id
from samplehub.core.domain.outbox import OutboxMessage
from samplehub.core.service.notifications import Channel, Notice
from samplehub.core.service.ports import UnitOfWork

Translate = Callable[[str, str, Mapping[str, object]], str]  # (locale, message id, values)
ALERT_SUBJECT = message_id("core.alert_subject")


def enqueue(uow: UnitOfWork, notice: Notice, kind: str, at: datetime) -> OutboxMessage:
    """Put ``notice`` into the outbox of ``uow``'s transaction; delivered once it commits."""
    message = OutboxMessage.new(
        uuid.uuid4().hex, kind, notice.channel.value, notice.recipient, notice.subject,
        notice.body, notice.key, at,
    )  # fmt: skip
    uow.outbox.add(message)
    return message


class _Blank(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return ""


def bilingual(texts: Translate | None, msgid: str, details: Mapping[str, object]) -> str:
    """The catalogue's zh-CN text, then the English one; without a catalogue, the id and the
    values (tests and tools that wire none)."""
    if texts is None:
        return f"{msgid} " + ", ".join(f"{k}={details[k]}" for k in sorted(details))
    values = _Blank(details)
    return f"{texts('zh-CN', msgid, values)}\n{texts('en', msgid, values)}"


def fingerprint(details: Mapping[str, object]) -> str:
    text = "|".join(f"{k}={details[k]}" for k in sorted(details))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class StaffAlerts:
    """Alerts to the staff recipients of the settings, written into the caller's outbox."""

    recipients: Sequence[tuple[Channel, str]] = ()
    texts: Translate | None = None

    def subject(self) -> str:
        if self.texts is None:
            return "SampleHub"
        return f"{self.texts('zh-CN', ALERT_SUBJECT, {})} / {self.texts('en', ALERT_SUBJECT, {})}"

    def alert(
        self, uow: UnitOfWork, kind: str, msgid: str, details: Mapping[str, object], at: datetime
    ) -> list[OutboxMessage]:
        """One alert per staff recipient; each time-stamped, so a repeated alert is its own."""
        body = bilingual(self.texts, msgid, details)
        key = f"staff:{kind}:{fingerprint(details)}:{at.isoformat()}"
        subject = self.subject()
        return [
            enqueue(uow, Notice(channel, recipient, subject, body, f"{key}:{recipient}"), kind, at)
            for channel, recipient in self.recipients
        ]
