"""The pickup notifier over the outbox: bilingual notices to customers and staff.

Each notice carries the zh-CN text first and the English below it, both from the catalogue
the notifier is given (``texts``). A notice is written into the outbox of the unit of work it
is given, so it commits with the change that caused it (a booking and its code, a reissued
code, a kiosk lockout); without one it is written in a transaction of its own. The delivery
worker sends it later, with retries. The code is put into a notice only by ``send_code``;
nothing here logs a notice's body, and the outbox keeps the body sealed until delivered.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from datetime import datetime, timedelta, timezone

from samplehub.core.domain.locations import Location, LocationKind
from samplehub.core.service.notifications import Channel, Notice
from samplehub.core.service.outbox import StaffAlerts, enqueue, fingerprint
from samplehub.core.service.ports import Clock, UnitOfWork
from samplehub.pickup.domain.booking import Booking, BookingStatus
from samplehub.pickup.domain.codes import qr_payload
from samplehub.pickup.service.messages import (
    DEFAULT_SUBJECT,
    NOTICES,
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
    """Implements ``PickupNotifier`` by writing into the outbox.

    Customers are reached at their contacts' phones (SMS) and email addresses (email), over
    the ``channels`` in use; ``recipients`` replaces that look-up where given (tests).
    """

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        *,
        texts: Translate,
        channels: Collection[Channel] = (Channel.SMS,),
        staff: StaffAlerts | None = None,
        recipients: Recipients | None = None,
    ) -> None:
        self.uow_factory = uow_factory
        self.clock = clock
        self.texts = texts
        self.channels = set(channels)
        self.staff = staff or StaffAlerts((), texts)
        self.recipients = recipients

    def _write(self, uow: UnitOfWork | None, write: Callable[[UnitOfWork], object]) -> None:
        if uow is not None:
            write(uow)
            return
        with self.uow_factory() as own:
            write(own)
            own.commit()

    def _customer(self, uow: UnitOfWork, booking: Booking) -> list[tuple[Channel, str]]:
        if self.recipients is not None:
            return self.recipients(booking.customer_id)
        customer = uow.customers.get(booking.customer_id)
        if customer is None:
            log.warning("booking %s: customer %s not found", booking.id, booking.customer_id)
            return []
        found: list[tuple[Channel, str]] = []
        for contact in customer.contacts:
            if Channel.SMS in self.channels and contact.phone:
                found.append((Channel.SMS, contact.phone))
            if Channel.EMAIL in self.channels and contact.email:
                found.append((Channel.EMAIL, contact.email))
        return found

    def _tell(
        self, uow: UnitOfWork | None, booking: Booking, key: str, body: str, why: str
    ) -> None:
        subject_id = SUBJECTS.get(key, DEFAULT_SUBJECT)
        subject = f"{self.texts('zh-CN', subject_id, {})} / {self.texts('en', subject_id, {})}"
        now = self.clock.now()

        def write(into: UnitOfWork) -> None:
            to = self._customer(into, booking)
            if not to:
                log.warning("pickup notice %s for booking %s: nobody to tell", key, booking.id)
            for channel, recipient in to:
                notice = Notice(channel, recipient, subject, body, f"{why}:{channel.value}")
                enqueue(into, notice, key, now)

        self._write(uow, write)

    def send_code(self, booking: Booking, code: str, uow: UnitOfWork | None = None) -> None:
        valid_until = local_time(booking.code.valid_until) if booking.code else ""
        details = {"code": code, "valid_until": valid_until}
        body = bilingual(self.texts, "pickup_code", details)
        body += f"\n{local_time(booking.window.start)}–{local_time(booking.window.end)}"
        body += f"\nQR: {qr_payload(booking.id, code)}"
        issued = booking.code.issued_at.isoformat() if booking.code else ""
        self._tell(uow, booking, "pickup_code", body, f"pickup:{booking.id}:code:{issued}")

    def tell(
        self,
        booking: Booking,
        message_key: str,
        details: dict[str, str],
        uow: UnitOfWork | None = None,
    ) -> None:
        full = {
            "window_start": local_time(booking.window.start),
            "window_end": local_time(booking.window.end),
            "samples": ", ".join(sorted(booking.sizes)),
        } | details
        why = f"pickup:{booking.id}:{message_key}:{fingerprint(full)}"
        self._tell(uow, booking, message_key, bilingual(self.texts, message_key, full), why)

    def alert_staff(
        self, message_key: str, details: dict[str, str], uow: UnitOfWork | None = None
    ) -> None:
        key = STAFF_KEYS.get(message_key, message_key)
        text = {k: str(v) for k, v in details.items()}
        msgid = NOTICES.get(key, key)
        now = self.clock.now()
        self._write(uow, lambda into: self.staff.alert(into, key, msgid, text, now))


def tell_placed(
    notifier: PickupNotifier,
    uow: UnitOfWork,
    booking: Booking,
    sample: str,
    where: Location,
    staged_before: bool,
) -> None:
    """A sample handed to the counter, or the whole booking now in the lockers: the customer
    is told in the transaction that records it."""
    if where.kind is LocationKind.COUNTER:
        notifier.tell(booking, "pickup_at_counter", {"sample": sample}, uow)
    if staged_before or booking.status is not BookingStatus.STAGED:
        return
    in_lockers = sorted(
        s for s, loc in booking.placements.items() if loc.kind is LocationKind.LOCKER_COMPARTMENT
    )
    if in_lockers:
        notifier.tell(booking, "pickup_ready", {"samples": ", ".join(in_lockers)}, uow)


def staff_of(entries: Sequence[tuple[Channel, str]], texts: Translate) -> StaffAlerts:
    """Staff alerts to ``entries`` (tests and tools that name recipients directly)."""
    return StaffAlerts(tuple(entries), texts)
