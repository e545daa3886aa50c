"""The pickup kiosk and what follows it: code entry, doors, collection, expiry, recovery.

An unknown, expired, used or revoked code all get the same ``REJECTED`` answer; only the log
says which (without the code). A code entry is one command: the kiosk's guard, the booking and
the attempt log commit together. Of two kiosks entering the same code at once exactly one
wins: the booking is saved with optimistic concurrency, the loser's command is replayed by the
bus and then finds the code used. Doors open only after the commit; the notices an entry
causes (a reissued code, lockout alerts) are in the outbox of its transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from samplehub.core.domain.errors import InvalidValue, NotFound
from samplehub.core.domain.locations import Location, LocationKind
from samplehub.core.domain.messages import Message
from samplehub.pickup.domain.booking import Booking
from samplehub.pickup.domain.codes import normalize_code, parse_qr
from samplehub.pickup.service import bookings as pickup_bookings
from samplehub.pickup.service import commands as pc
from samplehub.pickup.service.deps import STAFF, PickupDeps
from samplehub.pickup.service.handlers import Entered, KioskVerdict, Returned
from samplehub.pickup.service.ports import CompartmentStatus, DoorOutcome, LockerFault

log = logging.getLogger(__name__)
__all__ = [
    "KioskAnswer",
    "KioskVerdict",
    "PickupReceipt",
    "collect_at_counter",
    "doors_closed",
    "enter_code",
    "enter_scan",
    "expire_overdue",
    "recover",
    "to_hand_over",
]


@dataclass(frozen=True)
class KioskAnswer:
    verdict: KioskVerdict
    booking_id: str | None = None
    opened: list[str] = field(default_factory=list)  # compartments now open
    at_counter: list[str] = field(default_factory=list)  # samples to fetch from the counter
    failed: list[str] = field(default_factory=list)  # compartments that did not open
    retry_after: datetime | None = None


def enter_code(
    deps: PickupDeps, kiosk_id: str, typed: str, booking_ref: str | None = None
) -> KioskAnswer:
    """A code typed on the keypad, or scanned from the QR (which also names the booking)."""
    code = normalize_code(typed)
    digest = deps.hasher.digest(code or "000000")  # malformed entries take as long as others
    command = pc.EnterPickupCode(STAFF, kiosk_id, digest if code else None, booking_ref)
    entered: Entered = deps.handle(command)
    if entered.verdict is KioskVerdict.LOCKED:
        log.warning("pickup code entry at kiosk %s refused: locked", kiosk_id)
        return KioskAnswer(KioskVerdict.LOCKED, retry_after=entered.retry_after)
    if entered.verdict is KioskVerdict.ACCEPTED and entered.booking is not None:
        log.info("pickup code accepted at kiosk %s for booking %s", kiosk_id, entered.booking.id)
        return _open(deps, entered.booking, entered.to_open)
    log.warning("pickup code rejected at kiosk %s: %s", kiosk_id, entered.reason)
    if entered.reissued is not None:
        log.warning("pickup code of booking %s revoked after wrong tries", booking_ref)
        log.info("pickup code issued for booking %s", entered.reissued.booking.id)
    if entered.locked:
        log.warning("kiosk %s locks code entry until %s", kiosk_id, entered.retry_after)
    if entered.institute_locked:
        limit = str(deps.wrong_codes.institute_per_hour)
        log.warning("every kiosk refuses pickup codes this hour: %s wrong codes", limit)
    return KioskAnswer(KioskVerdict.REJECTED)


def enter_scan(deps: PickupDeps, kiosk_id: str, scanned: str) -> KioskAnswer:
    """A scanned QR: the booking it names is charged with a wrong try if the code is wrong."""
    parsed = parse_qr(scanned)
    if parsed is None:
        return enter_code(deps, kiosk_id, "")
    booking_id, code = parsed
    return enter_code(deps, kiosk_id, code, booking_ref=booking_id)


def _open(deps: PickupDeps, booking: Booking, to_open: dict[str, Location]) -> KioskAnswer:
    opened: list[str] = []
    failed: list[str] = []
    counter: list[str] = []
    for sample, location in to_open.items():
        if location.kind is LocationKind.COUNTER:
            counter.append(sample)
            continue
        outcome = deps.lockers.open(location.code)
        if outcome is DoorOutcome.OPENED:
            opened.append(location.code)
        else:
            failed.append(location.code)
            deps.out_of_service.add(location.code)
            deps.notifier.alert_staff(
                "locker_fault_at_pickup",
                {"compartment": location.code, "sample": sample, "outcome": outcome},
            )
    return KioskAnswer(KioskVerdict.ACCEPTED, booking.id, opened, counter, failed)


@dataclass(frozen=True)
class PickupReceipt:
    booking_id: str
    collected: list[str]
    left_behind: list[str]
    still_open: list[str]  # doors not yet closed: ask again later
    unreadable: list[str]  # compartments whose controller did not answer


def doors_closed(deps: PickupDeps, booking_id: str) -> PickupReceipt:
    """Read door sensors and RFID for a booking whose code was used; record what was taken.

    Safe to repeat: after a restart it rebuilds the state from the sensors.
    """
    booking = deps.bookings.get(booking_id)
    if booking is None or booking.code is None or booking.code.used_at is None:
        return PickupReceipt(booking_id, [], [], [], [])
    taken: list[str] = []
    left: list[str] = []
    still_open: list[str] = []
    unreadable: list[str] = []
    for sample, location in sorted(booking.placements.items()):
        if sample in booking.collected or location.kind is not LocationKind.LOCKER_COMPARTMENT:
            continue
        out_of_service = location.code in deps.out_of_service
        try:
            status = deps.lockers.status(location.code)
        except LockerFault:
            if not out_of_service:
                unreadable.append(location.code)
            continue
        if out_of_service and not _opened_after_all(status, sample):
            continue  # staff bring it to the counter
        if status.door_open:
            still_open.append(location.code)
        elif status.tags is not None:  # a reader: which item is inside, not only whether
            (left if pickup_bookings.holds(status, sample) else taken).append(sample)
            if status.occupied and not pickup_bookings.holds(status, sample):
                deps.notifier.alert_staff("sample_left_in_locker", {
                    "sample": ", ".join(status.tags) or "?", "where": str(location),
                })  # fmt: skip
        elif status.occupied:
            left.append(sample)
        else:
            taken.append(sample)
    if still_open or unreadable:
        return PickupReceipt(booking.id, taken, left, still_open, unreadable)
    return _complete(deps, booking, taken, left)


def _opened_after_all(status: CompartmentStatus, sample: str) -> bool:
    """A door reported as failed at the kiosk (late to open, or its controller slow to answer)
    that stands open now, or whose sensors no longer see the sample: it did open, and its
    sensors say what was taken, as for any other door."""
    if status.door_open:
        return True
    if status.tags is not None:
        return not pickup_bookings.holds(status, sample)
    return not status.occupied


def to_hand_over(deps: PickupDeps, booking: Booking) -> list[str]:
    """What staff hand over at the counter once the customer's code was used at a kiosk: the
    samples staged to the counter, and those in a compartment that would not open (staff fetch
    them). Nothing before the code was used: the code is how the customer is known."""
    if booking.code is None or booking.code.used_at is None or not booking.live:
        return []
    return sorted(
        sample
        for sample, where in booking.placements.items()
        if sample not in booking.collected
        and (where.kind is LocationKind.COUNTER or where.code in deps.out_of_service)
    )


def collect_at_counter(deps: PickupDeps, booking_id: str, samples: list[str]) -> PickupReceipt:
    """Staff handed ``samples`` over at the counter (after the code was used): recorded as
    collected, with the receipt to the customer, in one transaction."""
    booking = deps.bookings.get(booking_id)
    if booking is None:
        raise NotFound("booking", booking_id)
    allowed = to_hand_over(deps, booking)
    samples = sorted(set(samples))  # a form sending one sample twice hands it over once
    if not samples or set(samples) - set(allowed):
        shown = ", ".join(allowed) or "-"
        raise InvalidValue(
            "samples",
            sorted(samples),
            f"samples to hand over now: {shown} (once the customer's code was used at a kiosk)",
            Message("pickup.allowed_hand_over", {"samples": shown}),
        )
    return _complete(deps, booking, samples, [])


def _complete(
    deps: PickupDeps, booking: Booking, taken: list[str], left: list[str]
) -> PickupReceipt:
    """Booking and every sample taken, in one transaction with the receipt to the customer
    and the staff alerts for samples left behind."""
    completed = deps.handle(pc.CompletePickup(STAFF, booking.id, list(taken), list(left)))
    if completed is None:
        return PickupReceipt(booking.id, [], [], [], [])
    booking = completed
    log.info("pickup %s: %d collected, %d left behind", booking.id, len(taken), len(left))
    return PickupReceipt(booking.id, sorted(taken), sorted(left), [], [])


def recover(deps: PickupDeps) -> list[PickupReceipt]:
    """After a restart or power loss: settle every pickup whose code was used but not finished."""
    receipts = []
    for booking in deps.bookings.live():
        settled = set(booking.placements) - set(booking.collected) == set(booking.left_behind)
        if booking.code is not None and booking.code.used_at is not None and not settled:
            receipts.append(doors_closed(deps, booking.id))
    return receipts


def expire_overdue(deps: PickupDeps) -> list[str]:
    """Bookings past window and grace: samples go back to storage, code revoked, customer told."""
    now = deps.clock.now()
    expired = []
    for booking in deps.bookings.live():
        if not booking.overdue(deps.policy, now):
            continue
        done: Returned | None = deps.handle(pc.ExpirePickup(STAFF, booking.id))
        if done is None:
            continue
        expired.append(booking.id)
    return expired
