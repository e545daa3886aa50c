"""The pickup notifier over the notification port: bilingual notices to customers and staff.

Each notice carries the zh-CN text first and the English below it, both from the catalogue
the notifier is given (``texts``). The code is put into a notice only by ``send_code``;
nothing here logs a notice's body, so codes stay out of logs.
A channel that fails is logged (channel and recipient) and the pickup carries on.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone

from samplehub.core.service.notifications import Channel, Notice, NoticeSender, NotificationFailed
from samplehub.core.service.ports import Clock
from samplehub.pickup.domain.booking import Booking
from samplehub.pickup.domain.codes import qr_payload
from samplehub.pickup.service.messages import (
    DEFAULT_SUBJECT,
    STAFF_KEYS,
    SUBJECTS,
    Translate,
    render,
)
from samplehub.pickup.service.ports import PickupNotifier

log = logging.getLogger(__name__)
CHINA = timezone(timedelta(hours=8), "CST")
Recipients = Callable[[str], list[tuple[Channel, str]]]  # customer id -> where to reach them


def local_time(at: datetime) -> str:
    return at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def bilingual(texts: Translate, key: str, details: dict[str, str]) -> str:
    return f"{render(texts, key, details, 'zh-CN')}\n{render(texts, key, details, 'en')}"


class NoticePickupNotifier:
    """Implements ``PickupNotifier`` over one ``NoticeSender`` per channel."""

    def __init__(
        self,
        senders: Sequence[NoticeSender],
        recipients: Recipients,
        staff: Sequence[tuple[Channel, str]] = (),
        clock: Clock | None = None,
        *,
        texts: Translate,
    ) -> None:
        self.texts = texts
        self.clock = clock  # stamps staff alerts, which may repeat, so each key stays unique
        self.senders = {s.channel: s for s in senders}
        self.recipients = recipients
        self.staff = list(staff)

    def _deliver(self, to: Sequence[tuple[Channel, str]], key: str, body: str, why: str) -> None:
        subject = SUBJECTS.get(key, DEFAULT_SUBJECT)
        zh, en = self.texts("zh-CN", subject, {}), self.texts("en", subject, {})
        for channel, recipient in to:
            sender = self.senders.get(channel)
            if sender is None:
                continue
            notice = Notice(channel, recipient, f"{zh} / {en}", body, why)
            try:
                sender.send(notice)
            except NotificationFailed as failure:
                log.warning("pickup notice %s not delivered: %s", key, failure)

    def _customer(self, booking: Booking) -> list[tuple[Channel, str]]:
        try:
            return self.recipients(booking.customer_id)
        except Exception:  # a lookup failure must not stop a pickup; staff see the log
            log.exception("no recipients found for booking %s", booking.id)
            return []

    def send_code(self, booking: Booking, code: str) -> None:
        valid_until = local_time(booking.code.valid_until) if booking.code else ""
        details = {"code": code, "valid_until": valid_until}
        body = bilingual(self.texts, "pickup_code", details)
        body += f"\n{local_time(booking.window.start)}–{local_time(booking.window.end)}"
        body += f"\nQR: {qr_payload(booking.id, code)}"
        issued = booking.code.issued_at.isoformat() if booking.code else ""
        why = f"pickup:{booking.id}:code:{issued}"
        self._deliver(self._customer(booking), "pickup_code", body, why)

    def tell(self, booking: Booking, message_key: str, details: dict[str, str]) -> None:
        full = {
            "window_start": local_time(booking.window.start),
            "window_end": local_time(booking.window.end),
            "samples": ", ".join(sorted(booking.sizes)),
        } | details
        why = f"pickup:{booking.id}:{message_key}:{_fingerprint(full)}"
        body = bilingual(self.texts, message_key, full)
        self._deliver(self._customer(booking), message_key, body, why)

    def alert_staff(self, message_key: str, details: dict[str, str]) -> None:
        key = STAFF_KEYS.get(message_key, message_key)
        text = {k: str(v) for k, v in details.items()}
        at = self.clock.now().isoformat() if self.clock is not None else ""
        why = f"pickup-staff:{key}:{_fingerprint(text)}:{at}"
        self._deliver(self.staff, key, bilingual(self.texts, key, text), why)


def _fingerprint(details: dict[str, str]) -> str:
    text = "|".join(f"{k}={details[k]}" for k in sorted(details))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class CapturingNotifier:
    """Passes everything on and keeps the last code sent, so one page can show it once."""

    def __init__(self, inner: PickupNotifier) -> None:
        self.inner = inner
        self.codes: dict[str, str] = {}

    def send_code(self, booking: Booking, code: str) -> None:
        self.codes[booking.id] = code
        self.inner.send_code(booking, code)

    def tell(self, booking: Booking, message_key: str, details: dict[str, str]) -> None:
        self.inner.tell(booking, message_key, details)

    def alert_staff(self, message_key: str, details: dict[str, str]) -> None:
        self.inner.alert_staff(message_key, details)
