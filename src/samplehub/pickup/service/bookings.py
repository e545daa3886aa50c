"""Pickup use cases: offer and book windows, codes, staging into lockers, the kiosk, expiry.

Every function takes ``PickupDeps`` (ports only) and returns plain results the entrypoints can
render. Codes travel only to ``PickupNotifier.send_code``; logs name bookings and kiosks, never
a code. Wrong and right entries alike are logged.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from samplehub.core.domain.errors import Conflict, Forbidden, InvalidValue, NotFound
from samplehub.core.domain.locations import Location, LocationKind
from samplehub.core.domain.model import Role
from samplehub.core.service.commands import Actor
from samplehub.pickup.domain.booking import Booking
from samplehub.pickup.domain.capacity import (
    Allocation,
    CompartmentSize,
    PickupPolicy,
    PickupWindow,
    WindowOffer,
    allocate,
    offer_windows,
)
from samplehub.pickup.domain.codes import CodeHasher, WrongCodePolicy, new_code
from samplehub.pickup.service.ports import (
    BookingRepository,
    CodeAttempts,
    DoorOutcome,
    KioskGuards,
    LockerController,
    LockerFault,
    PickupClock,
    PickupNotifier,
    SampleLifecycle,
    SampleLoader,
)

log = logging.getLogger(__name__)
COUNTER = Location(LocationKind.COUNTER, "counter")
CODE_DRAWS = 20  # redraws when a fresh code's digest equals a live one
STAFF = Actor("pickup", Role.WAREHOUSE)  # the pickup machinery acting on its own


@dataclass
class PickupDeps:
    bookings: BookingRepository
    guards: KioskGuards
    lockers: LockerController
    notifier: PickupNotifier
    lifecycle: SampleLifecycle
    clock: PickupClock
    hasher: CodeHasher
    policy: PickupPolicy = field(default_factory=PickupPolicy)
    wrong_codes: WrongCodePolicy = field(default_factory=WrongCodePolicy)
    randbelow: Callable[[int], int] = secrets.randbelow
    new_id: Callable[[], str] = lambda: uuid.uuid4().hex
    out_of_service: set[str] = field(default_factory=set)  # compartments found jammed
    attempts: CodeAttempts | None = None  # the log of every code entry (never the code)


def _booking(deps: PickupDeps, actor: Actor, booking_id: str) -> Booking:
    booking = deps.bookings.get(booking_id)
    if booking is None or not (actor.is_staff or actor.customer_id == booking.customer_id):
        raise NotFound("booking", booking_id)
    return booking


def _held(deps: PickupDeps, now: datetime, exclude: str | None = None) -> set[str]:
    """Compartments holding samples of live bookings."""
    return {
        loc.code
        for b in deps.bookings.live()
        if b.id != exclude
        for loc in b.placements.values()
        if loc.kind is LocationKind.LOCKER_COMPARTMENT
    }


def offer(
    deps: PickupDeps, sizes: list[CompartmentSize], moving: str | None = None
) -> list[WindowOffer]:
    """Windows that can really be met for samples of ``sizes`` (leaving out booking ``moving``)."""
    now = deps.clock.now()
    live = [b for b in deps.bookings.live() if b.id != moving]
    # Samples kept past their window (waiting in the grace period) hold their compartments.
    lingering = {loc.code for b in live if b.window.end <= now for loc in b.placements.values()}
    compartments = [
        c
        for c in deps.lockers.compartments()
        if c.code not in lingering and c.code not in deps.out_of_service
    ]
    booked = [b.demand() for b in live if b.window.end > now]
    return offer_windows(deps.policy, now, sizes, compartments, booked)


def _check_offered(
    deps: PickupDeps,
    booking_sizes: list[CompartmentSize],
    window: PickupWindow,
    moving: str | None = None,
) -> None:
    if all(o.window != window for o in offer(deps, booking_sizes, moving)):
        raise InvalidValue("window", window.start.isoformat(), "one of the offered windows")


def book(
    deps: PickupDeps,
    actor: Actor,
    order_number: str,
    customer_id: str,
    samples: Mapping[str, CompartmentSize],
    window: PickupWindow,
) -> str:
    """Book ``samples`` (ready ones of one order, checked by the caller) into an offered window."""
    if not (actor.is_staff or actor.customer_id == customer_id):
        raise Forbidden(actor.username, f"book a pickup for customer {customer_id}")
    taken = {s for b in deps.bookings.live() for s in b.sizes} & set(samples)
    if taken:
        raise InvalidValue("samples", sorted(taken), "samples not in another live booking")
    _check_offered(deps, list(samples.values()), window)
    now = deps.clock.now()
    booking = Booking.create(
        deps.new_id(), order_number, customer_id, samples, window, actor.username, now
    )
    deps.bookings.add(booking)
    issue_code(deps, actor, booking.id)
    log.info("pickup booked: booking %s, %d samples", booking.id, len(samples))
    return booking.id


def issue_code(deps: PickupDeps, actor: Actor, booking_id: str) -> None:
    """A fresh code for the booking, sent to the customer; any earlier code dies."""
    booking = _booking(deps, actor, booking_id)
    now = deps.clock.now()
    for _ in range(CODE_DRAWS):
        code = new_code(deps.randbelow)
        digest = deps.hasher.digest(code)
        holder = deps.bookings.by_code_digest(digest)
        if holder is None or holder.code is None or not holder.code.live(now):
            break
    else:
        raise Conflict("pickup codes (no free code found; try again)")
    booking.issue_code(digest, deps.policy, actor.username, now)
    deps.bookings.save(booking)
    deps.notifier.send_code(booking, code)
    log.info("pickup code issued for booking %s", booking.id)


def cancel(deps: PickupDeps, actor: Actor, booking_id: str, reason: str) -> None:
    booking = _booking(deps, actor, booking_id)
    returned = booking.cancel(reason, actor.username, deps.clock.now())
    deps.bookings.save(booking)
    for sample in returned:
        deps.lifecycle.expire_pickup(sample, f"pickup cancelled: {reason}", actor.username)
    log.info("pickup %s cancelled; %d samples go back to storage", booking.id, len(returned))


def move(deps: PickupDeps, actor: Actor, booking_id: str, window: PickupWindow) -> None:
    booking = _booking(deps, actor, booking_id)
    _check_offered(deps, list(booking.sizes.values()), window, moving=booking.id)
    booking.move(window, actor.username, deps.clock.now())
    deps.bookings.save(booking)
    issue_code(deps, actor, booking.id)


def due_for_staging(deps: PickupDeps) -> list[str]:
    """Booked pickups whose staging should start now (the lead time before the window)."""
    now = deps.clock.now()
    return [
        b.id
        for b in deps.bookings.live()
        if len(b.placements) < len(b.sizes) and b.demand().held_from(deps.policy) <= now
    ]


def reschedule_late(deps: PickupDeps, booking_id: str, ready_at: datetime) -> PickupWindow | None:
    """Staging cannot finish before the window: move to the first window after ``ready_at``.

    The customer is told the new time and gets a new code; None when no window is left.
    """
    booking = _booking(deps, STAFF, booking_id)
    sizes = list(booking.sizes.values())
    later = [o.window for o in offer(deps, sizes, moving=booking.id) if o.window.start >= ready_at]
    if not later:
        deps.notifier.alert_staff("pickup_not_reschedulable", {"booking": booking.id})
        return None
    move(deps, STAFF, booking.id, later[0])
    moved = _booking(deps, STAFF, booking.id)
    deps.notifier.tell(moved, "pickup_rescheduled", {"window_start": later[0].start.isoformat()})
    return later[0]


def reserve(deps: PickupDeps, booking_id: str) -> Allocation:
    """Compartments for the booking's samples not yet placed; the rest go to the counter."""
    booking = _booking(deps, STAFF, booking_id)
    held = _held(deps, deps.clock.now()) | deps.out_of_service
    free = [c for c in deps.lockers.compartments() if c.code not in held]
    todo = {s: size for s, size in booking.sizes.items() if s not in booking.placements}
    return allocate(todo, free)


def open_for_loading(deps: PickupDeps, booking_id: str, sample: str) -> Location:
    """Open a compartment for ``sample``; a jammed or silent one is set aside and the next tried.

    Returns where the sample is to go: an opened compartment, or the counter.
    """
    while True:
        allocation = reserve(deps, booking_id)
        compartment = allocation.lockers.get(sample)
        if compartment is None:
            return COUNTER
        outcome = deps.lockers.open(compartment)
        if outcome is DoorOutcome.OPENED:
            return Location(LocationKind.LOCKER_COMPARTMENT, compartment)
        deps.out_of_service.add(compartment)
        deps.notifier.alert_staff("locker_fault", {"compartment": compartment, "outcome": outcome})


def confirm_placed(deps: PickupDeps, booking_id: str, sample: str, location: Location) -> bool:
    """After loading: the RFID reader must see the sample, then it is ``staged``.

    Returns False (nothing changed) when the compartment reads empty.
    """
    booking = _booking(deps, STAFF, booking_id)
    if location.kind is LocationKind.LOCKER_COMPARTMENT:
        try:
            if not deps.lockers.status(location.code).occupied:
                return False
        except LockerFault:
            return False
    now = deps.clock.now()
    booking.place(sample, location, STAFF.username, now)
    deps.bookings.save(booking)
    deps.lifecycle.stage(sample, location, STAFF.username)
    if location.kind is LocationKind.COUNTER:
        deps.notifier.tell(booking, "pickup_at_counter", {"sample": sample})
    return True


def stage_booking(deps: PickupDeps, loader: SampleLoader, booking_id: str) -> dict[str, Location]:
    """Stage every sample not yet placed: open, load, confirm by RFID; else the counter.

    A sample the loader cannot place, or the RFID does not see, goes to the counter (staff
    put it there) and the customer is told. Returns where each sample was staged.
    """
    booking = _booking(deps, STAFF, booking_id)
    staged: dict[str, Location] = {}
    for sample in sorted(s for s in booking.sizes if s not in booking.placements):
        where = open_for_loading(deps, booking_id, sample)
        if where.kind is LocationKind.LOCKER_COMPARTMENT:
            if loader.load(sample, where.code) and confirm_placed(deps, booking_id, sample, where):
                staged[sample] = where
                continue
            deps.out_of_service.add(where.code)
            deps.notifier.alert_staff(
                "loading_failed", {"sample": sample, "compartment": where.code}
            )
        confirm_placed(deps, booking_id, sample, COUNTER)
        staged[sample] = COUNTER
    return staged
