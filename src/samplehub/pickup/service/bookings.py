"""Pickup use cases: offer and book windows, codes, staging into lockers.

A thin facade over the pickup commands (``pickup.service.handlers``): it reads what the
devices say and sends one command per change (each one transaction with its custody records
and the notices it causes, codes included, in the outbox). Codes travel only to
``PickupNotifier.send_code``; logs name bookings and kiosks, never a code.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

from samplehub.core.domain import reasons
from samplehub.core.domain.errors import DomainError
from samplehub.core.domain.locations import Location, LocationKind
from samplehub.core.domain.transport import Confirmation, TaskKind, TaskState, TransportTask
from samplehub.core.service import transport
from samplehub.core.service.commands import Actor, RerouteTask
from samplehub.pickup.domain.booking import Booking
from samplehub.pickup.domain.capacity import (
    Allocation,
    CompartmentSize,
    PickupWindow,
    WindowOffer,
    allocate,
)
from samplehub.pickup.service import commands as pc
from samplehub.pickup.service import lifecycle
from samplehub.pickup.service.deps import (
    COUNTER,
    STAFF,
    PickupDeps,
    offer_for,
    visible,
)
from samplehub.pickup.service.handlers import Returned, WithCode
from samplehub.pickup.service.ports import (
    CompartmentStatus,
    DoorOutcome,
    LockerFault,
    SampleLoader,
    TaskReader,
)

log = logging.getLogger(__name__)
__all__ = [
    "COUNTER",
    "STAFF",
    "PickupDeps",
    "book",
    "book_with_code",
    "cancel",
    "due_for_staging",
    "follow_staging",
    "issue_code",
    "move",
    "move_with_code",
    "offer",
    "open_for_loading",
    "request_staging",
    "reschedule_late",
    "reserve",
    "stage_if_due",
    "unrequested",
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
    return book_with_code(deps, actor, order_number, customer_id, samples, window).booking.id


def book_with_code(
    deps: PickupDeps,
    actor: Actor,
    order_number: str,
    customer_id: str,
    samples: Mapping[str, CompartmentSize],
    window: PickupWindow,
) -> WithCode:
    """``book``, also handing back the code: only the customer's own page may show it."""
    booked: WithCode = deps.handle(pc.BookPickup(actor, order_number, customer_id, samples, window))
    log.info("pickup booked: booking %s, %d samples", booked.booking.id, len(samples))
    _issued(booked)
    return booked


def stage_if_due(deps: PickupDeps, booking_id: str) -> None:
    """What a customer's booking does next: its staging starts at once when its lead has
    begun (a window offered now can be met by construction), so the robots set off without
    waiting for the job's next round."""
    if booking_id not in due_for_staging(deps):
        return
    try:
        request_staging(deps, booking_id)
    except DomainError as error:  # the booking stands; the job's next round tries again
        log.warning("staging of booking %s waits for the job: %s", booking_id, error)


def issue_code(deps: PickupDeps, actor: Actor, booking_id: str) -> None:
    """A fresh code for the booking, sent to the customer; any earlier code dies."""
    _issued(deps.handle(pc.IssuePickupCode(actor, booking_id)))


def _issued(issued: WithCode) -> None:
    log.info("pickup code issued for booking %s; its notice is in the outbox", issued.booking.id)


def cancel(
    deps: PickupDeps, actor: Actor, booking_id: str, reason: str, version: int | None = None
) -> None:
    """Cancel; staged samples go back to storage in the same transaction. ``version``: the
    one the caller loaded (a newer stored one refuses with ``StaleVersion``)."""
    done: Returned = deps.handle(pc.CancelPickup(actor, booking_id, reason, version))
    log.info("pickup %s cancelled; %d samples go back to storage", booking_id, len(done.samples))


def move(
    deps: PickupDeps,
    actor: Actor,
    booking_id: str,
    window: PickupWindow,
    version: int | None = None,
) -> None:
    """Another window and, with it, a new code (sent to the customer); ``version`` as for
    ``cancel``."""
    move_with_code(deps, actor, booking_id, window, version)


def move_with_code(
    deps: PickupDeps,
    actor: Actor,
    booking_id: str,
    window: PickupWindow,
    version: int | None = None,
) -> WithCode:
    """``move``, also handing back the new code: only the customer's own page may show it."""
    moved: WithCode = deps.handle(pc.MovePickup(actor, booking_id, window, version=version))
    _issued(moved)
    return moved


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
    moved: WithCode = deps.handle(pc.MovePickup(STAFF, booking.id, later[0], rescheduled=True))
    _issued(moved)
    return later[0]


def _staging(deps: PickupDeps, sample: str) -> TransportTask | None:
    return lifecycle.staging_task(_tasks(deps).for_sample(sample))


def _tasks(deps: PickupDeps) -> TaskReader:
    if deps.tasks is None:
        raise RuntimeError("pickup deps without a task reader (see app.wiring.pickup)")
    return deps.tasks


def _bound(deps: PickupDeps) -> set[str]:
    """Compartments that open to-locker tasks are carrying samples to."""
    return {
        t.target.code for t in _tasks(deps).open()
        if t.kind is TaskKind.TO_LOCKER and t.target.kind is LocationKind.LOCKER_COMPARTMENT
    }  # fmt: skip


def _still_holding(deps: PickupDeps) -> set[str]:
    """Compartments an item has not left yet: the source of an open back-to-storage task not
    picked up (an expired or cancelled booking's sample waits there for its carrier)."""
    return {
        t.source.code for t in _tasks(deps).open()
        if t.source.kind is LocationKind.LOCKER_COMPARTMENT and not t.picked_up
    }  # fmt: skip


def _empty(deps: PickupDeps, code: str) -> bool:
    """Whether the compartment's sensor (or reader) sees nothing inside; unreadable: not empty."""
    try:
        status = deps.lockers.status(code)
    except LockerFault as fault:
        log.warning("compartment %s left out of the allocation: %s", code, fault)
        return False
    return not status.occupied and not status.tags


def reserve(deps: PickupDeps, booking_id: str, samples: list[str] | None = None) -> Allocation:
    """Compartments for the booking's samples not yet placed nor on their way (or ``samples``);
    the rest go to the counter. A compartment that still holds an instrument (a booking that
    expired, an item nobody took) is never given out, whatever the records say."""
    booking = visible(deps.bookings.get(booking_id), STAFF, booking_id)
    held = _held(deps) | _bound(deps) | _still_holding(deps) | deps.out_of_service
    free = [c for c in deps.lockers.compartments() if c.code not in held and _empty(deps, c.code)]
    if samples is None:
        samples = unrequested(deps, booking)
    return allocate({s: booking.sizes[s] for s in samples}, free)


def unrequested(deps: PickupDeps, booking: Booking) -> list[str]:
    """The booking's samples neither placed nor on their way to the locker."""
    return [
        s for s in sorted(booking.sizes)
        if s not in booking.placements and not _on_its_way(deps, s)
    ]  # fmt: skip


def _on_its_way(deps: PickupDeps, sample: str) -> bool:
    task = _staging(deps, sample)
    return task is not None and (task.is_open or task.state is TaskState.DONE)


def request_staging(deps: PickupDeps, booking_id: str) -> dict[str, Location]:
    """A to-locker task for each booked sample neither placed nor on its way, to a compartment
    reserved by size (the counter when they run out). Returns each new task's target."""
    allocation = reserve(deps, booking_id)
    requested: dict[str, Location] = {}
    for sample in sorted(allocation.lockers) + sorted(allocation.counter):
        code = allocation.lockers.get(sample)
        where = Location(LocationKind.LOCKER_COMPARTMENT, code) if code else COUNTER
        task: TransportTask = deps.handle(pc.RequestStaging(STAFF, booking_id, sample, where))
        requested[sample] = task.target
    return requested


def open_for_loading(deps: PickupDeps, booking_id: str, task: TransportTask) -> Location:
    """Open the compartment the sample is being carried to; a jammed or silent one is set
    aside and the task re-routed to the next free compartment (or the counter). Returns where
    the task now goes."""
    target = task.target
    while target.kind is LocationKind.LOCKER_COMPARTMENT:
        if _door_open(deps, target.code) or deps.lockers.open(target.code) is DoorOutcome.OPENED:
            return target
        outcome = "jammed or unreachable"
        deps.out_of_service.add(target.code)
        deps.notifier.alert_staff("locker_fault", {"compartment": target.code, "outcome": outcome})
        code = reserve(deps, booking_id, [task.sample_number]).lockers.get(task.sample_number)
        moved = Location(LocationKind.LOCKER_COMPARTMENT, code) if code else COUNTER
        why = reasons.DOOR_FAILED(compartment=target.code)
        deps.handle(RerouteTask(STAFF, task.id, str(moved), why))
        target = moved
    return target


def _door_open(deps: PickupDeps, code: str) -> bool:
    """Whether the door stands open already (opened at an earlier look): the lock is then not
    pulsed again on every look while the carrier is on its way. Unreadable: not known open."""
    try:
        return deps.lockers.status(code).door_open
    except LockerFault:
        return False


def _confirmation(status: CompartmentStatus, sample: str) -> Confirmation | None:
    """How the compartment confirms the sample: its tag read (a compartment with a reader), or
    only the presence bit (a cabinet without one: "presence only"); None while the door is open
    or nothing (or another item) is inside."""
    if status.door_open or not status.occupied:
        return None
    if status.tags is None:
        return Confirmation.PRESENCE_ONLY
    return Confirmation.RFID if holds(status, sample) else None


def holds(status: CompartmentStatus, sample: str) -> bool:
    """Whether the compartment's reader reads the sample's tag (its EPC, or its number)."""
    return any(transport.scanned_is(sample, None, tag) for tag in status.tags or ())


def _wrong_item(deps: PickupDeps, task: TransportTask, status: CompartmentStatus) -> None:
    """The reader reads another item than the task's sample: refused, and staff told once."""
    if task.id in deps.wrong_items:
        return
    deps.wrong_items.add(task.id)
    tags = ", ".join(status.tags or ()) or "-"
    log.warning("compartment %s holds %s, not %s: loading refused", status.compartment, tags,
                task.sample_number)  # fmt: skip
    deps.notifier.alert_staff(
        "locker_wrong_item",
        {"compartment": status.compartment, "sample": task.sample_number, "tags": tags},
    )


def _look(deps: PickupDeps, loader: SampleLoader, task: TransportTask) -> Confirmation | None:
    """At the port: open the door if it is shut on nothing, let the loader put the sample in,
    and read the compartment once more. Never waits."""
    code, sample = task.target.code, task.sample_number
    try:
        status = deps.lockers.status(code)
        shut_empty = not status.occupied and not status.door_open
        if shut_empty and deps.lockers.open(code) is not DoorOutcome.OPENED:
            return None
        if not status.occupied and loader.load(sample, code):
            status = deps.lockers.status(code)
    except LockerFault as fault:
        log.warning("staging %s into %s: %s", sample, code, fault)
        return None
    confirmation = _confirmation(status, sample)
    if confirmation is None and status.occupied and not status.door_open and status.tags:
        _wrong_item(deps, task, status)
    return confirmation


def follow_staging(deps: PickupDeps, loader: SampleLoader, booking_id: str) -> dict[str, Location]:
    """One look at each of the booking's staging tasks: open the compartment when its carrier
    has the sample, confirm it inside once delivered, record a counter hand-over done on
    /tasks. Returns the samples placed now and where."""
    booking = visible(deps.bookings.get(booking_id), STAFF, booking_id)
    placed: dict[str, Location] = {}
    for sample in sorted(s for s in booking.sizes if s not in booking.placements):
        task = _staging(deps, sample)
        if task is None:
            continue
        confirmation = task.confirmation
        if task.state is TaskState.CARRYING:
            open_for_loading(deps, booking_id, task)
            continue
        if task.state is TaskState.DELIVERED and task.target.kind is LocationKind.COUNTER:
            continue  # a person hands it over and confirms on /tasks
        if task.state is TaskState.DELIVERED:
            confirmation = _look(deps, loader, task)
            if confirmation is None:
                continue
        elif task.state is not TaskState.DONE:
            continue
        how = (confirmation or Confirmation.NONE).value
        done: Booking = deps.handle(pc.ConfirmStaged(STAFF, booking_id, sample, task.id, how))
        placed[sample] = done.placements[sample]
    return placed
