"""In-memory pickup stores and notifier, for unit tests and the demo.

``MemoryBookings`` hands out copies and saves with a version check, so it keeps the same
promise as a database row updated ``WHERE version = :loaded``: of two concurrent savers of one
booking, exactly one wins.
"""

from __future__ import annotations

import copy
import threading

from samplehub.core.domain.errors import AlreadyExists, Conflict
from samplehub.core.domain.events import Event
from samplehub.pickup.domain.booking import Booking
from samplehub.pickup.domain.codes import KioskGuard
from samplehub.pickup.service.ports import CodeAttempt


class MemoryBookings:
    def __init__(self) -> None:
        self._rows: dict[str, Booking] = {}
        self._lock = threading.Lock()
        self.events: list[Event] = []  # what a unit of work would append to the custody chain

    def add(self, booking: Booking) -> None:
        with self._lock:
            if booking.id in self._rows:
                raise AlreadyExists("booking", booking.id)
            self.events.extend(booking.events)
            booking.events.clear()
            self._rows[booking.id] = copy.deepcopy(booking)

    def get(self, booking_id: str) -> Booking | None:
        with self._lock:
            row = self._rows.get(booking_id)
            return copy.deepcopy(row) if row is not None else None

    def by_code_digest(self, digest: str) -> Booking | None:
        with self._lock:
            for row in self._rows.values():
                if row.code is not None and row.code.digest == digest:
                    return copy.deepcopy(row)
            return None

    def live(self) -> list[Booking]:
        with self._lock:
            return [copy.deepcopy(b) for b in self._rows.values() if b.live]

    def save(self, booking: Booking) -> None:
        with self._lock:
            stored = self._rows.get(booking.id)
            if stored is None or stored.version != booking.version:
                raise Conflict(f"booking {booking.id}")
            booking.version += 1
            self.events.extend(booking.events)
            booking.events.clear()
            self._rows[booking.id] = copy.deepcopy(booking)


class MemoryKioskGuards:
    def __init__(self) -> None:
        self._guards: dict[str, KioskGuard] = {}
        self._lock = threading.Lock()

    def get(self, kiosk_id: str) -> KioskGuard:
        with self._lock:
            return copy.deepcopy(self._guards.get(kiosk_id, KioskGuard(kiosk_id)))

    def save(self, guard: KioskGuard) -> None:
        with self._lock:
            self._guards[guard.kiosk_id] = copy.deepcopy(guard)


class MemoryCodeAttempts:
    def __init__(self) -> None:
        self.attempts: list[CodeAttempt] = []
        self._lock = threading.Lock()

    def record(self, attempt: CodeAttempt) -> None:
        with self._lock:
            self.attempts.append(attempt)

    def recent(self, limit: int = 50) -> list[CodeAttempt]:
        with self._lock:
            return list(reversed(self.attempts[-limit:]))


class ListNotifier:
    """Keeps what would be sent. Holding codes in memory is for tests and the demo only."""

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}  # booking id -> latest code
        self.told: list[tuple[str, str, dict[str, str]]] = []
        self.staff: list[tuple[str, dict[str, str]]] = []

    def send_code(self, booking: Booking, code: str) -> None:
        self.codes[booking.id] = code

    def tell(self, booking: Booking, message_key: str, details: dict[str, str]) -> None:
        self.told.append((booking.id, message_key, details))

    def alert_staff(self, message_key: str, details: dict[str, str]) -> None:
        self.staff.append((message_key, details))
