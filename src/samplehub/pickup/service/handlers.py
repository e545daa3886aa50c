"""Handlers of the pickup commands. Each is one unit of work: the booking, its samples' moves,
the kiosk's guard, the attempt log, every custody record and the notices the change causes
(a new code, a lockout alert, "ready for pickup") commit together, or nothing does.

Notices go into the outbox (``deps.notifier`` given the unit of work) and are delivered by the
worker afterwards; devices stay outside: the caller opens doors once the handler has returned.
"""

from __future__ import annotations

import enum
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from samplehub.core.domain import reasons
from samplehub.core.domain.errors import Conflict, Forbidden, InvalidValue
from samplehub.core.domain.locations import Location
from samplehub.core.domain.messages import Message
from samplehub.core.domain.transport import Confirmation, TaskState, TransportTask
from samplehub.core.service import transport
from samplehub.core.service.commands import Command
from samplehub.core.service.handlers import Context, Handler
from samplehub.pickup.domain.booking import Booking, BookingStatus
from samplehub.pickup.domain.capacity import CompartmentSize, PickupWindow, not_offered
from samplehub.pickup.domain.codes import CodeState, institute_bucket, kiosk_bucket, new_code
from samplehub.pickup.service import commands as pc
from samplehub.pickup.service import lifecycle
from samplehub.pickup.service.deps import STAFF, PickupDeps, offer_for, visible
from samplehub.pickup.service.notify import tell_placed
from samplehub.pickup.service.ports import CodeAttempt, PickupUnitOfWork

CODE_DRAWS = 20  # redraws when a fresh code's digest equals a live one
C = TypeVar("C", bound=Command)
R = TypeVar("R")


class KioskVerdict(enum.StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"  # unknown, expired, used or revoked: one answer for all
    LOCKED = "locked"  # too many wrong entries at this kiosk; try again after retry_after


@dataclass(frozen=True)
class WithCode:
    """A booking and the fresh code the caller is to send (never logged, never stored)."""

    booking: Booking
    code: str


@dataclass(frozen=True)
class Entered:
    verdict: KioskVerdict
    reason: str
    booking: Booking | None = None
    to_open: dict[str, Location] = field(default_factory=dict)
    locked: bool = False  # this entry locked the kiosk
    retry_after: datetime | None = None
    reissued: WithCode | None = None  # wrong tries revoked the code of the booking named
    institute_locked: bool = False  # this entry reached the institute's limit for the hour


INSTITUTE = "institute"  # the attempt log's name for every kiosk together
CODE_REASONS = {
    CodeState.NOT_YET_VALID: reasons.CODE_NOT_YET_VALID,
    CodeState.EXPIRED: reasons.CODE_EXPIRED,
    CodeState.USED: reasons.CODE_USED,
    CodeState.REVOKED: reasons.CODE_REVOKED,
}


@dataclass(frozen=True)
class Returned:
    """A booking that ended early (cancelled, expired) and its samples sent back to storage."""

    booking: Booking
    samples: list[str]


def book(cmd: pc.BookPickup, uow: PickupUnitOfWork, ctx: Context, deps: PickupDeps) -> WithCode:
    """Book ready samples of one order (checked by the caller) into an offered window."""
    actor = cmd.actor
    if not (actor.is_staff or actor.customer_id == cmd.customer_id):
        raise Forbidden(actor.username, f"book a pickup for customer {cmd.customer_id}")
    now = deps.clock.now()
    with uow:
        live = uow.bookings.live()
        taken = {s for b in live for s in b.sizes} & set(cmd.samples)
        if taken:
            raise InvalidValue(
                "samples",
                sorted(taken),
                "samples not in another live booking",
                Message("pickup.allowed_not_booked"),
            )
        _check_offered(deps, live, now, list(cmd.samples.values()), cmd.window)
        booking = Booking.create(
            deps.new_id(), cmd.order_number, cmd.customer_id, cmd.samples, cmd.window,
            actor.username, now,
        )  # fmt: skip
        code = _fresh_code(uow, deps, booking, actor.username, now)
        uow.bookings.add(booking)
        deps.notifier.send_code(booking, code, uow)
        uow.commit()
        return WithCode(booking, code)


def move(cmd: pc.MovePickup, uow: PickupUnitOfWork, ctx: Context, deps: PickupDeps) -> WithCode:
    """Another window; the old code dies and the new one comes back to be sent."""
    now = deps.clock.now()
    with uow:
        booking = visible(uow.bookings.get(cmd.booking_id), cmd.actor, cmd.booking_id, cmd.version)
        sizes = list(booking.sizes.values())
        _check_offered(deps, uow.bookings.live(), now, sizes, cmd.window, moving=booking.id)
        booking.move(cmd.window, cmd.actor.username, now)
        moved = _reissue(uow, deps, booking, cmd.actor.username, now)
        if cmd.rescheduled:
            start = {"window_start": cmd.window.start.isoformat()}
            deps.notifier.tell(booking, "pickup_rescheduled", start, uow)
        uow.commit()
        return moved


def issue_code(
    cmd: pc.IssuePickupCode, uow: PickupUnitOfWork, ctx: Context, deps: PickupDeps
) -> WithCode:
    """A fresh code for the booking; any earlier code dies."""
    with uow:
        booking = visible(uow.bookings.get(cmd.booking_id), cmd.actor, cmd.booking_id)
        issued = _reissue(uow, deps, booking, cmd.actor.username, deps.clock.now())
        uow.commit()
        return issued


def cancel(cmd: pc.CancelPickup, uow: PickupUnitOfWork, ctx: Context, deps: PickupDeps) -> Returned:
    """Cancel; samples on their way or staged go back to storage (tasks in this transaction)."""
    now = deps.clock.now()
    with uow:
        booking = visible(uow.bookings.get(cmd.booking_id), cmd.actor, cmd.booking_id, cmd.version)
        booking.cancel(cmd.reason, cmd.actor.username, now)
        uow.bookings.save(booking)
        why = reasons.PICKUP_CANCELLED(reason=cmd.reason)
        returned = lifecycle.send_back(uow, ctx.places, sorted(booking.sizes), why, now)
        deps.notifier.tell(booking, "pickup_cancelled", {}, uow)
        uow.commit()
        return Returned(booking, returned)


def request_staging(
    cmd: pc.RequestStaging, uow: PickupUnitOfWork, ctx: Context, deps: PickupDeps
) -> TransportTask:
    """The to-locker task of one booked sample, due when the window opens."""
    now = deps.clock.now()
    with uow:
        booking = visible(uow.bookings.get(cmd.booking_id), STAFF, cmd.booking_id)
        if not booking.live or cmd.sample not in booking.sizes or cmd.sample in booking.placements:
            allowed = sorted(set(booking.sizes) - set(booking.placements)) if booking.live else []
            raise InvalidValue(
                "sample", cmd.sample, f"an unstaged sample of {booking.id}: {allowed}"
            )
        task = lifecycle.request_staging(
            uow, ctx.places, cmd.sample, cmd.location, booking.id, booking.window.start, now
        )
        uow.commit()
        return task


def confirm_staged(
    cmd: pc.ConfirmStaged, uow: PickupUnitOfWork, ctx: Context, deps: PickupDeps
) -> Booking:
    """The compartment confirmed the sample (its task ends ``done``) and the booking records
    where it is; the booking is staged once every sample is."""
    now = deps.clock.now()
    with uow:
        booking = visible(uow.bookings.get(cmd.booking_id), STAFF, cmd.booking_id)
        task, sample = transport.load(uow, cmd.task_id)
        staging = lifecycle.staging_task(uow.tasks.for_sample(cmd.sample))
        if staging is None or staging.id != task.id:
            raise InvalidValue("task", cmd.task_id, f"the to-locker task of {cmd.sample}")
        if task.state is TaskState.DELIVERED:
            confirmation = Confirmation(cmd.confirmation)
            transport.step(
                uow, ctx.places, task, sample, TaskState.DONE, actor=STAFF.username, at=now,
                confirmation=confirmation,
            )  # fmt: skip
        if task.state is not TaskState.DONE:
            raise InvalidValue(f"task {task.id}.state", task.state.value, "delivered or done")
        staged_before = booking.status is BookingStatus.STAGED
        booking.place(cmd.sample, task.target, STAFF.username, now)
        uow.bookings.save(booking)
        tell_placed(deps.notifier, uow, booking, cmd.sample, task.target, staged_before)
        uow.commit()
        return booking


def complete(
    cmd: pc.CompletePickup, uow: PickupUnitOfWork, ctx: Context, deps: PickupDeps
) -> Booking | None:
    """Record what was collected: the booking and every sample taken, in one transaction.

    None when the booking's code was never used (nothing to complete).
    """
    with uow:
        booking = uow.bookings.get(cmd.booking_id)
        if booking is None or booking.code is None or booking.code.used_at is None:
            return None
        booking.complete(cmd.taken, cmd.left, STAFF.username, deps.clock.now())
        uow.bookings.save(booking)
        for sample in cmd.taken:
            lifecycle.collect(uow, sample, STAFF.username, ctx.clock.now())
        for sample in cmd.left:
            where = {"sample": sample, "where": str(booking.placements[sample])}
            deps.notifier.alert_staff("sample_left_in_locker", where, uow)
        if cmd.taken:
            taken = {"samples": ", ".join(sorted(cmd.taken))}
            deps.notifier.tell(booking, "pickup_receipt", taken, uow)
        uow.commit()
        return booking


def expire(
    cmd: pc.ExpirePickup, uow: PickupUnitOfWork, ctx: Context, deps: PickupDeps
) -> Returned | None:
    """Expire the booking if it is (still) overdue; None when it is not."""
    now = deps.clock.now()
    with uow:
        booking = uow.bookings.get(cmd.booking_id)
        if booking is None or not booking.overdue(deps.policy, now):
            return None
        booking.expire(STAFF.username, now)
        uow.bookings.save(booking)
        left = sorted(set(booking.sizes) - set(booking.collected))
        why = "not collected in time"
        returned = lifecycle.send_back(uow, ctx.places, left, why, now)
        deps.notifier.tell(booking, "pickup_expired", {"samples": ", ".join(returned)}, uow)
        uow.commit()
        return Returned(booking, returned)


def enter_code(
    cmd: pc.EnterPickupCode, uow: PickupUnitOfWork, ctx: Context, deps: PickupDeps
) -> Entered:
    """A code at a kiosk: the guard, the booking, the attempt log, all in one transaction."""
    now = deps.clock.now()
    kiosk = cmd.kiosk_id
    policy = deps.wrong_codes
    institute, hour_end = institute_bucket(now)
    kiosk_count, window_end = kiosk_bucket(kiosk, now, policy)
    with uow:
        guard = uow.kiosk_guards.get(kiosk)
        if guard.locked(now):
            why = reasons.KIOSK_LOCKED()
            _attempt(uow, now, kiosk, KioskVerdict.LOCKED, why, cmd.booking_ref)
            uow.commit()
            return Entered(KioskVerdict.LOCKED, why, retry_after=guard.locked_until)
        if uow.wrong_counts.value(institute) >= policy.institute_per_hour:
            why = reasons.INSTITUTE_LOCKED()
            _attempt(uow, now, kiosk, KioskVerdict.LOCKED, why, cmd.booking_ref)
            uow.commit()
            return Entered(KioskVerdict.LOCKED, why, retry_after=hour_end)
        found = uow.bookings.by_code_digest(cmd.digest) if cmd.digest else None
        reason = (
            _why_not(found, cmd.digest, cmd.booking_ref, now) if cmd.digest else reasons.MALFORMED()
        )
        if reason is None and found is not None:
            to_open = found.use_code(kiosk, STAFF.username, now)
            uow.bookings.save(found)
            uow.wrong_counts.reset(kiosk_count)
            _attempt(uow, now, kiosk, KioskVerdict.ACCEPTED, reasons.ACCEPTED(), found.id)
            uow.commit()
            return Entered(KioskVerdict.ACCEPTED, reasons.ACCEPTED(), found, to_open)
        reason = reason or reasons.REJECTED()
        locked = uow.wrong_counts.bump(kiosk_count, window_end) >= policy.kiosk_limit
        if locked:
            guard.locked_until = now + policy.kiosk_lockout
            uow.kiosk_guards.save(guard)
            uow.wrong_counts.reset(kiosk_count)
            deps.notifier.alert_staff("kiosk_locked", {"kiosk": kiosk}, uow)
        named = cmd.booking_ref or (found.id if found is not None else None)
        _attempt(uow, now, kiosk, KioskVerdict.REJECTED, reason, named)
        tripped = uow.wrong_counts.bump(institute, hour_end) == policy.institute_per_hour
        if tripped:  # once an hour at most: staff see it on the pickup staff page
            why = reasons.INSTITUTE_LOCKED_AT(limit=policy.institute_per_hour)
            _attempt(uow, now, INSTITUTE, KioskVerdict.LOCKED, why, None)
            limit = {"limit": str(policy.institute_per_hour)}
            deps.notifier.alert_staff("institute_codes_locked", limit, uow)
        reissued = None
        if cmd.booking_ref is not None:
            reissued = _count_against(uow, deps, cmd.booking_ref, now)
        uow.commit()
        return Entered(
            KioskVerdict.REJECTED, reason, locked=locked, retry_after=guard.locked_until,
            reissued=reissued, institute_locked=tripped,
        )  # fmt: skip


def _why_not(
    booking: Booking | None, digest: str | None, booking_ref: str | None, now: datetime
) -> str | None:
    if booking is None or booking.code is None or digest is None:
        return reasons.UNKNOWN_CODE()
    if not hmac.compare_digest(booking.code.digest, digest):
        return reasons.UNKNOWN_CODE()
    if booking_ref is not None and booking_ref != booking.id:
        return reasons.OTHER_BOOKING()
    state = booking.code_state(now)
    return None if state is CodeState.USABLE else CODE_REASONS[state]()


def _count_against(
    uow: PickupUnitOfWork, deps: PickupDeps, booking_id: str, now: datetime
) -> WithCode | None:
    """A wrong code naming the booking; enough of them revoke its code and issue a new one."""
    booking = uow.bookings.get(booking_id)
    if booking is None or not booking.live:
        return None
    revoked = booking.wrong_try(deps.wrong_codes, STAFF.username, now)
    reissued = None
    if revoked:
        reissued = WithCode(booking, _fresh_code(uow, deps, booking, STAFF.username, now))
        deps.notifier.send_code(booking, reissued.code, uow)  # the customer's new code
    uow.bookings.save(booking)
    return reissued


def _attempt(
    uow: PickupUnitOfWork,
    now: datetime,
    kiosk_id: str,
    verdict: KioskVerdict,
    reason: str,
    booking_id: str | None,
) -> None:
    uow.code_attempts.record(CodeAttempt(now, kiosk_id, verdict.value, reason, booking_id))


def _reissue(
    uow: PickupUnitOfWork, deps: PickupDeps, booking: Booking, actor: str, now: datetime
) -> WithCode:
    """A fresh code for a stored booking, saved and sent to the customer in ``uow``."""
    code = _fresh_code(uow, deps, booking, actor, now)
    uow.bookings.save(booking)
    deps.notifier.send_code(booking, code, uow)
    return WithCode(booking, code)


def _fresh_code(
    uow: PickupUnitOfWork, deps: PickupDeps, booking: Booking, actor: str, now: datetime
) -> str:
    """Draw a code whose digest no live code has, and make it the booking's only live one."""
    for _ in range(CODE_DRAWS):
        code = new_code(deps.randbelow)
        digest = deps.hasher.digest(code)
        holder = uow.bookings.by_code_digest(digest)
        if holder is None or holder.code is None or not holder.code.live(now):
            break
    else:
        raise Conflict("pickup codes (no free code found; try again)")
    booking.issue_code(digest, deps.policy, actor, now)
    return code


def _check_offered(
    deps: PickupDeps,
    live: list[Booking],
    now: datetime,
    sizes: list[CompartmentSize],
    window: PickupWindow,
    moving: str | None = None,
) -> None:
    if all(o.window != window for o in offer_for(deps, live, now, sizes, moving)):
        raise not_offered(window.start.isoformat())


def _with(
    deps: PickupDeps, handler: Callable[[C, PickupUnitOfWork, Context, PickupDeps], R]
) -> Handler:
    def handle(cmd: C, uow: PickupUnitOfWork, ctx: Context) -> R:
        return handler(cmd, uow, ctx, deps)

    return handle


def pickup_handlers(deps: PickupDeps) -> dict[type[Command], Handler]:
    """The pickup handler table over its deps (clock, policy, code hasher, lockers)."""
    table: dict[type[Command], Callable[[Any, PickupUnitOfWork, Context, PickupDeps], Any]] = {
        pc.BookPickup: book,
        pc.MovePickup: move,
        pc.IssuePickupCode: issue_code,
        pc.CancelPickup: cancel,
        pc.RequestStaging: request_staging,
        pc.ConfirmStaged: confirm_staged,
        pc.CompletePickup: complete,
        pc.ExpirePickup: expire,
        pc.EnterPickupCode: enter_code,
    }
    return {command: _with(deps, handler) for command, handler in table.items()}
