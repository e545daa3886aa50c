"""Ports of the pickup use cases: lockers, bookings, kiosk guards, the attempt log, notices.

Bookings, kiosk guards and the attempt log are repositories of the unit of work
(``PickupUnitOfWork``), so a booking, its samples' moves, a kiosk's guard and the attempt log
commit in one transaction with their custody records. Locker adapters turn vendor failures
into ``LockerFault``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from samplehub.core.domain.errors import SampleHubError
from samplehub.core.domain.transport import TransportTask
from samplehub.core.service.ports import UnitOfWork
from samplehub.pickup.domain.booking import Booking
from samplehub.pickup.domain.capacity import Compartment
from samplehub.pickup.domain.codes import KioskGuard


class LockerFault(SampleHubError):
    """A locker controller did not answer, answered nonsense or refused: the project's own error.

    The message names the compartment or cabinet and what happened, never a code.
    """

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem
        super().__init__(f"locker {where}: {problem}")


class DoorOutcome(enum.StrEnum):
    OPENED = "opened"
    JAMMED = "jammed"  # pulsed, but the sensor did not report open within the timeout
    UNREACHABLE = "unreachable"  # the controller did not answer or answered with an error


@dataclass(frozen=True)
class CompartmentStatus:
    compartment: str
    door_open: bool
    occupied: bool  # the compartment's presence flag (or RFID reader) sees a tagged item
    tags: tuple[str, ...] | None = None
    """What the compartment's RFID reader read (sample numbers or EPCs); None where the
    cabinet has only a presence bit and cannot tell whose item is inside."""


class LockerController(Protocol):
    """Speaks to the locker cabinets; every call is bounded in time."""

    def compartments(self) -> list[Compartment]:
        """Every compartment the controller drives, with its size."""
        ...

    def open(self, compartment: str) -> DoorOutcome:
        """Pulse the lock and wait for the door sensor; never raises for device trouble."""
        ...

    def status(self, compartment: str) -> CompartmentStatus:
        """Door sensor and RFID presence now; raises ``LockerFault`` when unreadable."""
        ...


class SampleLoader(Protocol):
    """Puts a sample delivered to the loading port into its open compartment and shuts the
    door: a robot arm, or a person. Never waits: returns whether the door is shut on it now
    (a person still loading is seen at the next look)."""

    def load(self, sample_number: str, compartment: str) -> bool: ...


class TaskReader(Protocol):
    """The transport tasks of samples, each read in a short unit of work of its own."""

    def for_sample(self, sample_number: str) -> list[TransportTask]:
        """Every task of the sample, oldest first."""
        ...

    def open(self) -> list[TransportTask]: ...


class BookingReader(Protocol):
    def get(self, booking_id: str) -> Booking | None: ...
    def live(self) -> list[Booking]:
        """Bookings still booked or staged."""
        ...


class BookingRepository(BookingReader, Protocol):
    """The bookings of one unit of work; a booking's events are chained only once written."""

    def add(self, booking: Booking) -> None: ...
    def staged_between(self, start: datetime, end: datetime) -> list[Booking]:
        """Bookings whose every sample was first placed from ``start`` (included) to ``end``,
        in that order."""
        ...

    def by_code_digest(self, digest: str) -> Booking | None:
        """The booking whose current code has this digest (live or not), if any."""
        ...

    def save(self, booking: Booking) -> None:
        """Store changes if nobody saved since it was loaded, else raise ``Conflict``.

        Bumps ``booking.version``; this is what lets exactly one of two kiosks use a code.
        """
        ...


class WrongCounts(Protocol):
    """Wrong-code counters. ``bump`` is one atomic increment in the store (``UPDATE … SET n =
    n + 1``), so that entries at the same moment at several kiosks never lose a count."""

    def bump(self, bucket: str, window_end: datetime) -> int:
        """Count one more in ``bucket``; the count after it."""
        ...

    def value(self, bucket: str) -> int: ...
    def reset(self, bucket: str) -> None: ...


class KioskGuards(Protocol):
    def get(self, kiosk_id: str) -> KioskGuard: ...
    def save(self, guard: KioskGuard) -> None: ...


class PickupNotifier(Protocol):
    """Tells the customer and staff. The code travels only through ``send_code``, never in
    events. Given ``uow``, the notice commits with that unit of work's change (the outbox);
    without, in a transaction of its own."""

    def send_code(self, booking: Booking, code: str, uow: UnitOfWork | None = None) -> None: ...
    def tell(
        self,
        booking: Booking,
        message_key: str,
        details: dict[str, str],
        uow: UnitOfWork | None = None,
    ) -> None: ...
    def alert_staff(
        self, message_key: str, details: dict[str, str], uow: UnitOfWork | None = None
    ) -> None: ...


@dataclass(frozen=True)
class CodeAttempt:
    """One code entry at a kiosk: when, where, the verdict and why; never the code itself."""

    at: datetime
    kiosk_id: str
    verdict: str  # accepted, rejected, locked
    reason: str  # e.g. "unknown code", "code expired": for staff, never shown at the kiosk
    booking_id: str | None = None


class AttemptReader(Protocol):
    def recent(self, limit: int = 50) -> list[CodeAttempt]:
        """The newest attempts first."""
        ...


class CodeAttempts(AttemptReader, Protocol):
    """The log of every code attempt (right and wrong)."""

    def record(self, attempt: CodeAttempt) -> None: ...


class PickupUnitOfWork(UnitOfWork, Protocol):
    @property
    def bookings(self) -> BookingRepository: ...
    @property
    def kiosk_guards(self) -> KioskGuards: ...
    @property
    def code_attempts(self) -> CodeAttempts: ...
    @property
    def wrong_counts(self) -> WrongCounts: ...
