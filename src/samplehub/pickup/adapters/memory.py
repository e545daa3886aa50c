"""In-memory pickup stores and notifier, for unit tests and the demo.

The stores keep their rows in the memory unit of work's store, so they roll back with it.
``MemoryBookings`` hands out copies and saves with a version check, keeping the same promise as
a database row updated ``WHERE version = :loaded``: of two savers of one booking, one wins.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from samplehub.core.adapters.memory import MemoryRepository
from samplehub.core.domain.errors import Conflict
from samplehub.pickup.domain.booking import Booking
from samplehub.pickup.domain.codes import KioskGuard
from samplehub.pickup.service.ports import CodeAttempt


class MemoryBookings(MemoryRepository):
    """Implements ``BookingRepository``."""

    @property
    def _rows(self) -> dict[str, Any]:
        return self.store.table("pickup_bookings")

    def add(self, booking: Booking) -> None:
        if booking.id in self._rows:
            raise Conflict(f"booking {booking.id}")
        self._rows[booking.id] = _stored(booking)
        self._seen(booking)

    def get(self, booking_id: str) -> Booking | None:
        row = self._rows.get(booking_id)
        return copy.deepcopy(row) if row is not None else None

    def by_code_digest(self, digest: str) -> Booking | None:
        found = [
            row for row in self._rows.values() if row.code is not None and row.code.digest == digest
        ]
        found.sort(key=lambda row: row.code.issued_at, reverse=True)
        return copy.deepcopy(found[0]) if found else None

    def live(self) -> list[Booking]:
        rows = sorted(self._rows.values(), key=lambda b: (b.window.start, b.id))
        return [copy.deepcopy(b) for b in rows if b.live]

    def staged_between(self, start: datetime, end: datetime) -> list[Booking]:
        found = [
            b for b in self._rows.values() if b.staged_at is not None and start <= b.staged_at < end
        ]
        found.sort(key=lambda b: (b.staged_at, b.id))
        return [copy.deepcopy(b) for b in found]

    def save(self, booking: Booking) -> None:
        stored = self._rows.get(booking.id)
        if stored is None or stored.version != booking.version:
            raise Conflict(f"booking {booking.id}")
        booking.version += 1
        self._rows[booking.id] = _stored(booking)
        self._seen(booking)


def _stored(booking: Booking) -> Booking:
    """The row: a copy without the pending events (the unit of work chains those)."""
    row = copy.copy(booking)
    row.events = []
    return copy.deepcopy(row)


class MemoryKioskGuards(MemoryRepository):
    """Implements ``KioskGuards``."""

    @property
    def _rows(self) -> dict[str, Any]:
        return self.store.table("pickup_kiosk_guards")

    def get(self, kiosk_id: str) -> KioskGuard:
        guard: KioskGuard = copy.deepcopy(self._rows.get(kiosk_id, KioskGuard(kiosk_id)))
        return guard

    def save(self, guard: KioskGuard) -> None:
        self._rows[guard.kiosk_id] = copy.deepcopy(guard)


class MemoryCodeAttempts(MemoryRepository):
    """Implements ``CodeAttempts``."""

    @property
    def _rows(self) -> dict[str, Any]:
        return self.store.table("pickup_code_attempts")

    def record(self, attempt: CodeAttempt) -> None:
        self._rows[f"{len(self._rows) + 1:09d}"] = attempt

    def recent(self, limit: int = 50) -> list[CodeAttempt]:
        return [self._rows[key] for key in sorted(self._rows, reverse=True)[:limit]]


class MemoryWrongCounts(MemoryRepository):
    """Implements ``WrongCounts``; the unit of work's lock makes each bump atomic."""

    @property
    def _rows(self) -> dict[str, Any]:
        return self.store.table("pickup_wrong_counts")

    def bump(self, bucket: str, window_end: datetime) -> int:
        count: int = self._rows.get(bucket, 0) + 1
        self._rows[bucket] = count
        return count

    def value(self, bucket: str) -> int:
        count: int = self._rows.get(bucket, 0)
        return count

    def reset(self, bucket: str) -> None:
        self._rows.pop(bucket, None)


class ListNotifier:
    """Keeps what would be sent, at once and whatever the transaction does (the outbox's
    notifier, ``NoticePickupNotifier``, commits with it). For unit tests only."""

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}  # booking id -> latest code
        self.told: list[tuple[str, str, dict[str, str]]] = []
        self.staff: list[tuple[str, dict[str, str]]] = []

    def send_code(self, booking: Booking, code: str, uow: object = None) -> None:
        self.codes[booking.id] = code

    def tell(
        self, booking: Booking, message_key: str, details: dict[str, str], uow: object = None
    ) -> None:
        self.told.append((booking.id, message_key, details))

    def alert_staff(self, message_key: str, details: dict[str, str], uow: object = None) -> None:
        self.staff.append((message_key, details))
