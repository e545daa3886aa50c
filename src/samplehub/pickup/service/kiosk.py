"""The pickup kiosk and what follows it: code entry, doors, collection, expiry, recovery.

An unknown, expired, used or revoked code all get the same ``REJECTED`` answer; only the log
says which (without the code). Of two kiosks entering the same code at once exactly one wins:
the booking is saved with optimistic concurrency and the loser's save raises ``Conflict``.
"""

from __future__ import annotations

import enum
import hmac
import logging
from dataclasses import dataclass, field
from datetime import datetime

from samplehub.core.domain.errors import Conflict
from samplehub.core.domain.locations import Location, LocationKind
from samplehub.pickup.domain.booking import Booking
from samplehub.pickup.domain.codes import CodeState, normalize_code, parse_qr
from samplehub.pickup.service.bookings import STAFF, PickupDeps, issue_code
from samplehub.pickup.service.ports import CodeAttempt, DoorOutcome, LockerFault

log = logging.getLogger(__name__)


class KioskVerdict(enum.StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"  # unknown, expired, used or revoked: one answer for all
    LOCKED = "locked"  # too many wrong entries at this kiosk; try again after retry_after


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
    now = deps.clock.now()
    guard = deps.guards.get(kiosk_id)
    if guard.locked(now):
        log.warning("pickup code entry at kiosk %s refused: locked", kiosk_id)
        _attempt(deps, now, kiosk_id, KioskVerdict.LOCKED, "kiosk locked", booking_ref)
        return KioskAnswer(KioskVerdict.LOCKED, retry_after=guard.locked_until)
    code = normalize_code(typed)
    digest = deps.hasher.digest(code or "000000")
    found = deps.bookings.by_code_digest(digest) if code else None
    reason = _why_not(found, digest, booking_ref, now) if code else "malformed"
    if reason is None and found is not None:
        try:
            opened = found.use_code(kiosk_id, STAFF.username, now)
            deps.bookings.save(found)
        except Conflict:
            reason = "used at another kiosk at the same moment"
        else:
            guard.record_success()
            deps.guards.save(guard)
            log.info("pickup code accepted at kiosk %s for booking %s", kiosk_id, found.id)
            _attempt(deps, now, kiosk_id, KioskVerdict.ACCEPTED, "accepted", found.id)
            return _open(deps, found, opened)
    locked = guard.record_wrong(now, deps.wrong_codes)
    deps.guards.save(guard)
    log.warning("pickup code rejected at kiosk %s: %s", kiosk_id, reason)
    named = booking_ref or (found.id if found is not None else None)
    _attempt(deps, now, kiosk_id, KioskVerdict.REJECTED, reason or "rejected", named)
    if booking_ref is not None:
        _count_against(deps, booking_ref, now)
    if locked:
        log.warning("kiosk %s locks code entry until %s", kiosk_id, guard.locked_until)
        deps.notifier.alert_staff("kiosk_locked", {"kiosk": kiosk_id})
    return KioskAnswer(KioskVerdict.REJECTED)


def _attempt(
    deps: PickupDeps,
    now: datetime,
    kiosk_id: str,
    verdict: KioskVerdict,
    reason: str,
    booking_id: str | None,
) -> None:
    """Log the attempt; a failing log must not stop the kiosk (it is logged itself)."""
    if deps.attempts is None:
        return
    try:
        deps.attempts.record(CodeAttempt(now, kiosk_id, verdict.value, reason, booking_id))
    except Exception:  # the attempt log is an aid, never a reason to fail a pickup
        log.exception("could not record a pickup code attempt at kiosk %s", kiosk_id)


def enter_scan(deps: PickupDeps, kiosk_id: str, scanned: str) -> KioskAnswer:
    """A scanned QR: the booking it names is charged with a wrong try if the code is wrong."""
    parsed = parse_qr(scanned)
    if parsed is None:
        return enter_code(deps, kiosk_id, "")
    booking_id, code = parsed
    return enter_code(deps, kiosk_id, code, booking_ref=booking_id)


def _why_not(
    booking: Booking | None, digest: str, booking_ref: str | None, now: datetime
) -> str | None:
    if booking is None or booking.code is None:
        return "unknown code"
    if not hmac.compare_digest(booking.code.digest, digest):
        return "unknown code"
    if booking_ref is not None and booking_ref != booking.id:
        return "code of another booking"
    state = booking.code_state(now)
    return None if state is CodeState.USABLE else f"code {state.value}"


def _count_against(deps: PickupDeps, booking_id: str, now: datetime) -> None:
    booking = deps.bookings.get(booking_id)
    if booking is None or not booking.live:
        return
    revoked = booking.wrong_try(deps.wrong_codes, STAFF.username, now)
    try:
        deps.bookings.save(booking)
    except Conflict:
        return
    if revoked:
        log.warning("pickup code of booking %s revoked after wrong tries", booking.id)
        issue_code(deps, STAFF, booking.id)


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
        if location.code in deps.out_of_service:
            continue  # staff bring it to the counter
        try:
            status = deps.lockers.status(location.code)
        except LockerFault:
            unreadable.append(location.code)
            continue
        if status.door_open:
            still_open.append(location.code)
        elif status.occupied:
            left.append(sample)
        else:
            taken.append(sample)
    if still_open or unreadable:
        return PickupReceipt(booking.id, taken, left, still_open, unreadable)
    return _complete(deps, booking, taken, left)


def collect_at_counter(deps: PickupDeps, booking_id: str, samples: list[str]) -> PickupReceipt:
    """Staff handed ``samples`` over at the counter (after the code was used)."""
    booking = deps.bookings.get(booking_id)
    if booking is None or booking.code is None or booking.code.used_at is None:
        return PickupReceipt(booking_id, [], [], [], [])
    return _complete(deps, booking, samples, list(booking.left_behind))


def _complete(
    deps: PickupDeps, booking: Booking, taken: list[str], left: list[str]
) -> PickupReceipt:
    now = deps.clock.now()
    booking.complete(taken, left, STAFF.username, now)
    deps.bookings.save(booking)
    for sample in taken:
        deps.lifecycle.collect(sample, STAFF.username)
    for sample in left:
        deps.notifier.alert_staff(
            "sample_left_in_locker", {"sample": sample, "where": str(booking.placements[sample])}
        )
    if taken:
        deps.notifier.tell(booking, "pickup_receipt", {"samples": ", ".join(sorted(taken))})
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
        returned = booking.expire(STAFF.username, now)
        deps.bookings.save(booking)
        for sample in returned:
            deps.lifecycle.expire_pickup(sample, "not collected in time", STAFF.username)
        deps.notifier.tell(booking, "pickup_expired", {"samples": ", ".join(returned)})
        expired.append(booking.id)
    return expired
