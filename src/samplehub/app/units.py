"""Units of work with every slice's repositories on one transaction, SQL and in memory.

The core's units of work hold what every slice shares (samples, orders, customers, users, the
custody chain); these add the lab's certificates, pickup's bookings, kiosk guards and code
attempts, recall's reminder log and storage's slots, on the same connection (or memory
store). Bootstrap makes one ``SqlAppUowFactory`` per process: one engine, one connection pool.
"""

from __future__ import annotations

from sqlalchemy import Connection

from samplehub.core.adapters.db.uow import SqlUnitOfWork, SqlUowFactory
from samplehub.core.adapters.memory import MemoryStore, MemoryUnitOfWork
from samplehub.lab.adapters.certificates.memory import MemoryCertificates
from samplehub.lab.adapters.db import SqlCertificates
from samplehub.pickup.adapters.db import (
    SqlBookings,
    SqlCodeAttempts,
    SqlKioskGuards,
    SqlWrongCounts,
)
from samplehub.pickup.adapters.memory import (
    MemoryBookings,
    MemoryCodeAttempts,
    MemoryKioskGuards,
    MemoryWrongCounts,
)
from samplehub.recall.adapters.db import SqlReminderLog
from samplehub.recall.adapters.memory import MemoryReminderLog
from samplehub.storage.adapters.db import SqlSlots
from samplehub.storage.adapters.inventory_db import SqlInventory
from samplehub.storage.adapters.memory import MemoryInventory, MemorySlots


class SqlAppUnitOfWork(SqlUnitOfWork):
    """Implements ``AppUnitOfWork`` on the database."""

    certificates: SqlCertificates
    bookings: SqlBookings
    kiosk_guards: SqlKioskGuards
    code_attempts: SqlCodeAttempts
    wrong_counts: SqlWrongCounts
    reminders: SqlReminderLog
    slots: SqlSlots
    inventory: SqlInventory

    def _open(self, conn: Connection) -> None:
        self.certificates = SqlCertificates(conn)
        self.bookings = SqlBookings(conn, self.seen)
        self.kiosk_guards = SqlKioskGuards(conn)
        self.code_attempts = SqlCodeAttempts(conn)
        self.wrong_counts = SqlWrongCounts(conn)
        self.reminders = SqlReminderLog(conn)
        self.slots = SqlSlots(conn)
        self.inventory = SqlInventory(conn)


class SqlAppUowFactory(SqlUowFactory):
    """Makes ``SqlAppUnitOfWork`` over the one engine (one connection pool) of the process."""

    def __call__(self) -> SqlAppUnitOfWork:
        return SqlAppUnitOfWork(self.engine, self.sealer)


class MemoryAppUnitOfWork(MemoryUnitOfWork):
    """Implements ``AppUnitOfWork`` in memory: unit tests, quick experiments."""

    def __init__(self, store: MemoryStore | None = None) -> None:
        super().__init__(store)
        self.certificates = MemoryCertificates(self)
        self.bookings = MemoryBookings(self)
        self.kiosk_guards = MemoryKioskGuards(self)
        self.code_attempts = MemoryCodeAttempts(self)
        self.wrong_counts = MemoryWrongCounts(self)
        self.reminders = MemoryReminderLog(self)
        self.slots = MemorySlots(self)
        self.inventory = MemoryInventory(self)
