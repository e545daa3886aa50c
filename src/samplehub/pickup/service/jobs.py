"""The pickup work that runs on its own: staging before windows, expiry after the grace period.

``run_due`` is what the app's periodic job, the staff page's buttons and ``samplehub pickup run``
call: it makes the to-locker transport tasks of every booking whose staging lead has begun (to
compartments reserved by size, the counter when they run out), looks once at the tasks on their
way (nobody waits here: robots or people carry them, see /tasks), tells the customer when every
sample is confirmed in its compartment, moves a booking whose staging can no longer finish in
time to a later window, and sends uncollected samples back to storage (back-to-storage tasks)
once window and grace are over. The clock is ``deps.clock``, so tests move time by hand.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from samplehub.core.domain.errors import DomainError
from samplehub.core.domain.lifecycle import SampleState
from samplehub.core.domain.model import Order, Sample
from samplehub.core.service import queries
from samplehub.core.service.commands import Actor
from samplehub.core.service.ports import SampleFilter, UnitOfWork
from samplehub.pickup.domain.booking import Booking
from samplehub.pickup.domain.capacity import CompartmentSize
from samplehub.pickup.service import bookings as pickup
from samplehub.pickup.service import kiosk as pickup_kiosk
from samplehub.pickup.service.ports import SampleLoader

log = logging.getLogger(__name__)


@dataclass
class JobReport:
    requested: dict[str, dict[str, str]] = field(default_factory=dict)  # booking -> task targets
    staged: dict[str, dict[str, str]] = field(default_factory=dict)  # booking -> sample -> where
    rescheduled: list[str] = field(default_factory=list)
    expired: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # bookings whose staging raised; retried

    @property
    def empty(self) -> bool:
        return not (
            self.requested or self.staged or self.rescheduled or self.expired or self.failed
        )


def stage_due(deps: pickup.PickupDeps, loader: SampleLoader, report: JobReport) -> None:
    """Make the to-locker tasks of bookings whose staging is due, then look once at every
    booking's tasks on their way: a sample confirmed in its compartment is placed, and a
    booking with every sample placed is ready (the customer is told then)."""
    now = deps.clock.now()
    per_sample = timedelta(seconds=deps.policy.staging_seconds_per_sample)
    for booking_id in pickup.due_for_staging(deps):
        booking = deps.bookings.get(booking_id)
        if booking is None:
            continue
        waiting = pickup.unrequested(deps, booking)
        if not waiting:
            continue
        ready_at = now + per_sample * len(waiting)
        # Too late to finish before the window: a later window (and code) for the customer.
        # Once the window has begun, stage at once instead: the customer may be on the way.
        late = now < booking.window.start < ready_at
        if late and pickup.reschedule_late(deps, booking_id, ready_at) is not None:
            report.rescheduled.append(booking_id)
            continue
        try:
            requested = pickup.request_staging(deps, booking_id)
        except DomainError as error:
            log.warning("staging of booking %s stopped: %s", booking_id, error)
            report.failed.append(booking_id)
            continue
        if requested:
            report.requested[booking_id] = {s: str(loc) for s, loc in requested.items()}
    for booking in deps.bookings.live():
        if len(booking.placements) == len(booking.sizes):
            continue
        try:
            placed = pickup.follow_staging(deps, loader, booking.id)
        except DomainError as error:
            log.warning("staging of booking %s: %s", booking.id, error)
            report.failed.append(booking.id)
            continue
        if placed:  # the customer is told in the transaction that places the last one
            report.staged[booking.id] = {s: str(loc) for s, loc in placed.items()}


def run_due(deps: pickup.PickupDeps, loader: SampleLoader) -> JobReport:
    """Stage what is due, expire what is overdue; safe to call as often as wanted."""
    report = JobReport()
    stage_due(deps, loader, report)
    report.expired = pickup_kiosk.expire_overdue(deps)
    if not report.empty:
        log.info(
            "pickup job: %d requested, %d staged, %d rescheduled, %d expired, %d failed",
            len(report.requested),
            len(report.staged),
            len(report.rescheduled),
            len(report.expired),
            len(report.failed),
        )
    return report


@dataclass(frozen=True)
class ReadyOrder:
    order: Order
    samples: list[Sample]  # back in storage with the service completed, in no live booking


def ready_for_pickup(
    uow_factory: Callable[[], UnitOfWork], actor: Actor, bookings: list[Booking]
) -> list[ReadyOrder]:
    """The actor's samples that can be booked for pickup now, grouped by order."""
    booked = {s for b in bookings if b.live for s in b.sizes}
    found = queries.list_samples(
        uow_factory, actor, SampleFilter(state=SampleState.STORED, limit=200)
    )
    by_order: dict[str, list[Sample]] = {}
    for sample in found.items:
        if sample.service_completed and sample.number not in booked:
            by_order.setdefault(sample.order_number, []).append(sample)
    ready = []
    for number in sorted(by_order):
        order, _ = queries.get_order(uow_factory, actor, number)
        ready.append(ReadyOrder(order, sorted(by_order[number], key=lambda s: s.number)))
    return ready


def sizes_for(samples: list[Sample], default: CompartmentSize) -> dict[str, CompartmentSize]:
    """The compartment size each sample needs; instruments carry no size yet, so the
    configured default (``pickup.default_size``)."""
    return {sample.number: default for sample in samples}
