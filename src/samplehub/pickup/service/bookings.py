"""Pickup use cases: offer and book windows, codes, staging into lockers.

A thin facade over the pickup commands (``pickup.service.handlers``): it reads what the
devices say, sends one command per change (each one transaction with its custody records) and
then sends codes and notices. Codes travel only to ``PickupNotifier.send_code``; logs name
bookings and kiosks, never a code.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

from samplehub.core.domain.locations import Location, LocationKind
from samplehub.core.service.commands import Actor
from samplehub.pickup.domain.capacity import (
    Allocation,
    CompartmentSize,
    PickupWindow,
    WindowOffer,
    allocate,
)
from samplehub.pickup.service import commands as pc
from samplehub.pickup.service.deps import (
    COUNTER,
    STAFF,
    PickupDeps,
    offer_for,
    visible,
)
from samplehub.pickup.service.handlers import Returned, WithCode
from samplehub.pickup.service.ports import DoorOutcome, LockerFault, SampleLoader

log = logging.getLogger(__name__)
__all__ = [
    "COUNTER",
    "STAFF",
    "PickupDeps",
    "book",
    "cancel",
    "confirm_placed",
    "due_for_staging",
    "issue_code",
    "move",
    "offer",
    "open_for_loading",
    "reschedule_late",
    "reserve",
    "stage_booking",
]


def _held(deps: PickupDeps, exclude: str | None = None) -> set[str]:
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
    return offer_for(deps, deps.bookings.live(), deps.clock.now(), sizes, moving)


def book(
    deps: PickupDeps,
    actor: Actor,
    order_number: str,
    customer_id: str,
    samples: Mapping[str, CompartmentSize],
    window: PickupWindow,
) -> str:
    """Book ``samples`` (ready ones of one order, checked by the caller) into an offered window."""
    booked: WithCode = deps.handle(pc.BookPickup(actor, order_number, customer_id, samples, window))
    _send_code(deps, booked)
    log.info("pickup booked: booking %s, %d samples", booked.booking.id, len(samples))
    return booked.booking.id


def issue_code(deps: PickupDeps, actor: Actor, booking_id: str) -> None:
    """A fresh code for the booking, sent to the customer; any earlier code dies."""
    _send_code(deps, deps.handle(pc.IssuePickupCode(actor, booking_id)))


def _send_code(deps: PickupDeps, issued: WithCode) -> None:
    deps.notifier.send_code(issued.booking, issued.code)
    log.info("pickup code issued for booking %s", issued.booking.id)


def cancel(deps: PickupDeps, actor: Actor, booking_id: str, reason: str) -> None:
    """Cancel; staged samples go back to storage in the same transaction."""
    done: Returned = deps.handle(pc.CancelPickup(actor, booking_id, reason))
    log.info("pickup %s cancelled; %d samples go back to storage", booking_id, len(done.samples))


def move(deps: PickupDeps, actor: Actor, booking_id: str, window: PickupWindow) -> None:
    """Another window and, with it, a new code."""
    _send_code(deps, deps.handle(pc.MovePickup(actor, booking_id, window)))


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
    booking = visible(deps.bookings.get(booking_id), STAFF, booking_id)
    sizes = list(booking.sizes.values())
    later = [o.window for o in offer(deps, sizes, moving=booking.id) if o.window.start >= ready_at]
    if not later:
        deps.notifier.alert_staff("pickup_not_reschedulable", {"booking": booking.id})
        return None
    moved: WithCode = deps.handle(pc.MovePickup(STAFF, booking.id, later[0]))
    _send_code(deps, moved)
    deps.notifier.tell(
        moved.booking, "pickup_rescheduled", {"window_start": later[0].start.isoformat()}
    )
    return later[0]


def reserve(deps: PickupDeps, booking_id: str) -> Allocation:
    """Compartments for the booking's samples not yet placed; the rest go to the counter."""
    booking = visible(deps.bookings.get(booking_id), STAFF, booking_id)
    held = _held(deps) | deps.out_of_service
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
    """After loading: the RFID reader must see the sample, then booking and sample are staged
    in one transaction.

    Returns False (nothing changed) when the compartment reads empty.
    """
    visible(deps.bookings.get(booking_id), STAFF, booking_id)
    if location.kind is LocationKind.LOCKER_COMPARTMENT:
        try:
            if not deps.lockers.status(location.code).occupied:
                return False
        except LockerFault:
            return False
    booking = deps.handle(pc.PlaceSample(STAFF, booking_id, sample, location))
    if location.kind is LocationKind.COUNTER:
        deps.notifier.tell(booking, "pickup_at_counter", {"sample": sample})
    return True


def stage_booking(deps: PickupDeps, loader: SampleLoader, booking_id: str) -> dict[str, Location]:
    """Stage every sample not yet placed: open, load, confirm by RFID; else the counter.

    A sample the loader cannot place, or the RFID does not see, goes to the counter (staff
    put it there) and the customer is told. Returns where each sample was staged.
    """
    booking = visible(deps.bookings.get(booking_id), STAFF, booking_id)
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
