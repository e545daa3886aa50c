"""What the pickup use cases run on (``PickupDeps``), and the reads they share.

Changes go through the bus (``PickupDeps.handle``), whose pickup handlers bootstrap registers
over these same deps; reads (``bookings``, ``attempts``) each run in a short unit of work.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from samplehub.core.domain.errors import NotFound
from samplehub.core.domain.locations import Location, LocationKind
from samplehub.core.domain.model import Role
from samplehub.core.domain.transport import TransportTask
from samplehub.core.service.commands import Actor, Command
from samplehub.core.service.ports import Clock
from samplehub.pickup.domain.booking import Booking
from samplehub.pickup.domain.capacity import (
    CompartmentSize,
    PickupPolicy,
    WindowOffer,
    offer_windows,
)
from samplehub.pickup.domain.codes import CodeHasher, WrongCodePolicy
from samplehub.pickup.service.ports import (
    AttemptReader,
    BookingReader,
    CodeAttempt,
    LockerController,
    PickupNotifier,
    PickupUnitOfWork,
    TaskReader,
)

COUNTER = Location(LocationKind.COUNTER, "counter")
STAFF = Actor("pickup", Role.WAREHOUSE)  # the pickup machinery acting on its own


@dataclass
class PickupDeps:
    handle: Callable[[Command], Any]  # MessageBus.handle, with the pickup handlers registered
    bookings: BookingReader
    lockers: LockerController
    notifier: PickupNotifier
    clock: Clock
    hasher: CodeHasher
    policy: PickupPolicy = field(default_factory=PickupPolicy)
    wrong_codes: WrongCodePolicy = field(default_factory=WrongCodePolicy)
    randbelow: Callable[[int], int] = secrets.randbelow
    new_id: Callable[[], str] = lambda: uuid.uuid4().hex
    out_of_service: set[str] = field(default_factory=set)  # compartments found jammed
    wrong_items: set[str] = field(default_factory=set)  # staging tasks refused for a wrong item
    attempts: AttemptReader | None = None  # the log of every code entry (never the code)
    tasks: TaskReader | None = None  # transport tasks (staging and returns), read-only


class StoredReads:
    """Reads over the app's units of work, each in a unit of work of its own."""

    def __init__(self, uow_factory: Callable[[], PickupUnitOfWork]) -> None:
        self.uow_factory = uow_factory


class StoredTasks(StoredReads):
    """Implements ``TaskReader`` over the app's units of work."""

    def for_sample(self, sample_number: str) -> list[TransportTask]:
        with self.uow_factory() as uow:
            return uow.tasks.for_sample(sample_number)

    def open(self) -> list[TransportTask]:
        with self.uow_factory() as uow:
            return uow.tasks.open()


class StoredBookings(StoredReads):
    """Implements ``BookingReader``: each read in a unit of work of its own."""

    def get(self, booking_id: str) -> Booking | None:
        with self.uow_factory() as uow:
            return uow.bookings.get(booking_id)

    def live(self) -> list[Booking]:
        with self.uow_factory() as uow:
            return uow.bookings.live()


class StoredAttempts(StoredReads):
    """Implements ``AttemptReader``."""

    def recent(self, limit: int = 50) -> list[CodeAttempt]:
        with self.uow_factory() as uow:
            return uow.code_attempts.recent(limit)


def visible(booking: Booking | None, actor: Actor, booking_id: str) -> Booking:
    """The booking if the actor may see it (staff: any; a customer: their company's)."""
    if booking is None or not (actor.is_staff or actor.customer_id == booking.customer_id):
        raise NotFound("booking", booking_id)
    return booking


def offer_for(
    deps: PickupDeps,
    live: list[Booking],
    now: datetime,
    sizes: list[CompartmentSize],
    moving: str | None = None,
) -> list[WindowOffer]:
    """Windows that can really be met for samples of ``sizes`` (leaving out booking ``moving``),
    given the live bookings."""
    live = [b for b in live if b.id != moving]
    # Samples kept past their window (waiting in the grace period) hold their compartments.
    lingering = {loc.code for b in live if b.window.end <= now for loc in b.placements.values()}
    compartments = [
        c
        for c in deps.lockers.compartments()
        if c.code not in lingering and c.code not in deps.out_of_service
    ]
    booked = [b.demand() for b in live if b.window.end > now]
    return offer_windows(deps.policy, now, sizes, compartments, booked)
