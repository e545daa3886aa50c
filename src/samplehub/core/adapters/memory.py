"""In-memory implementations of the ports, for unit tests and quick experiments.

A rollback restores a snapshot taken when the unit of work was entered, so these fakes keep
the same all-or-nothing promise as the database adapters. One unit of work at a time holds the
store (like SQLite's single writer), so threads see each other's work only once committed.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Self

from samplehub.core.domain.anchors import Anchor
from samplehub.core.domain.audit import AuditRecord
from samplehub.core.domain.events import Event
from samplehub.core.domain.model import Customer, Order, Sample, User
from samplehub.core.domain.outbox import Backlog, OutboxMessage, OutboxStatus
from samplehub.core.domain.transport import TaskState, TransportTask
from samplehub.core.service.ports import Page, SampleFilter
from samplehub.core.service.unit_of_work import UnitOfWorkBase

_DATA = ("customers", "users", "orders", "samples", "audit", "anchors", "counters", "tables")


@dataclass
class MemoryStore:
    customers: dict[str, Customer] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    samples: dict[str, Sample] = field(default_factory=dict)
    audit: list[AuditRecord] = field(default_factory=list)
    anchors: list[Anchor] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    # the slices' rows (certificates, bookings, ...), one dict per table, keyed by primary key;
    # their repositories store and hand out copies and never change a stored row in place
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    def table(self, name: str) -> dict[str, Any]:
        return self.tables.setdefault(name, {})

    def __deepcopy__(self, memo: dict[int, Any]) -> MemoryStore:
        """A copy of the data with a lock of its own (a lock cannot be copied)."""
        return MemoryStore(**{name: copy.deepcopy(getattr(self, name), memo) for name in _DATA})


class MemoryRepository:
    """Base of the in-memory repositories, the slices' included: the store and ``seen``."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self.uow = uow

    @property
    def store(self) -> MemoryStore:
        return self.uow.store

    def _seen(self, item: Any) -> Any:
        if item is not None and all(item is not s for s in self.uow.seen):
            self.uow.seen.append(item)
        return item


class MemoryCustomers(MemoryRepository):
    def add(self, customer: Customer) -> None:
        self.store.customers[customer.id] = self._seen(customer)

    def get(self, customer_id: str) -> Customer | None:
        return self._seen(self.store.customers.get(customer_id))  # type: ignore[no-any-return]

    def by_credit_code(self, credit_code: str) -> Customer | None:
        found = [c for c in self.store.customers.values() if c.credit_code == credit_code]
        return self._seen(found[0]) if found else None

    def all(self) -> list[Customer]:
        return sorted(self.store.customers.values(), key=lambda c: c.name)


class MemoryUsers(MemoryRepository):
    def add(self, user: User) -> None:
        self.store.users[user.username] = self._seen(user)

    def get(self, username: str) -> User | None:
        return self._seen(self.store.users.get(username))  # type: ignore[no-any-return]

    def all(self) -> list[User]:
        return sorted(self.store.users.values(), key=lambda u: u.username)

    def update(self, user: User) -> None:
        self.store.users[user.username] = self._seen(user)


class MemoryOrders(MemoryRepository):
    def add(self, order: Order) -> None:
        self.store.orders[order.number] = self._seen(order)

    def get(self, number: str) -> Order | None:
        return self._seen(self.store.orders.get(number))  # type: ignore[no-any-return]

    def page(self, customer_id: str | None, offset: int, limit: int) -> Page[Order]:
        orders = [
            o
            for o in self.store.orders.values()
            if customer_id is None or o.customer_id == customer_id
        ]
        orders.sort(key=lambda o: o.number, reverse=True)
        return Page(orders[offset : offset + limit], len(orders), offset, limit)


class MemorySamples(MemoryRepository):
    def add(self, sample: Sample) -> None:
        self.store.samples[sample.number] = self._seen(sample)

    def get(self, number: str) -> Sample | None:
        return self._seen(self.store.samples.get(number))  # type: ignore[no-any-return]

    def search(self, query: SampleFilter) -> Page[Sample]:
        def matches(s: Sample) -> bool:
            text = (query.text or "").lower()
            fields = (s.number, s.instrument.serial_number, s.instrument.model,
                      s.instrument.instrument_type)  # fmt: skip
            return (
                (query.customer_id is None or s.customer_id == query.customer_id)
                and (query.order_number is None or s.order_number == query.order_number)
                and (query.state is None or s.state is query.state)
                and (not text or any(text in (f or "").lower() for f in fields))
            )

        found = sorted(filter(matches, self.store.samples.values()), key=lambda s: s.number)
        found.reverse()
        return Page(found[query.offset : query.offset + query.limit], len(found), query.offset,
                    query.limit)  # fmt: skip

    def for_order(self, order_number: str) -> list[Sample]:
        found = [s for s in self.store.samples.values() if s.order_number == order_number]
        return [self._seen(s) for s in sorted(found, key=lambda s: s.number)]


class MemoryAudit(MemoryRepository):
    def last(self) -> AuditRecord | None:
        return self.store.audit[-1] if self.store.audit else None

    def append(self, records: Sequence[AuditRecord]) -> None:
        self.store.audit.extend(records)

    def records(self, sample_number: str | None = None) -> list[AuditRecord]:
        return [r for r in self.store.audit if sample_number in (None, r.sample_number)]

    def anchors(self) -> list[Anchor]:
        return list(self.store.anchors)

    def add_anchor(self, anchor: Anchor) -> None:
        self.store.anchors.append(anchor)


class MemorySequences(MemoryRepository):
    def next(self, name: str) -> int:
        self.store.counters[name] = self.store.counters.get(name, 0) + 1
        return self.store.counters[name]


class MemoryTasks(MemoryRepository):
    """Implements ``TransportTaskRepository``: the store keeps copies, this unit of work hands
    out its own (one per task) and writes the changed ones back at commit."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        super().__init__(uow)
        self.loaded: dict[str, TransportTask] = {}

    @property
    def rows(self) -> dict[str, TransportTask]:
        return self.store.table("transport_tasks")

    def _hand_out(self, stored: TransportTask) -> TransportTask:
        if stored.id not in self.loaded:
            self.loaded[stored.id] = self._seen(_copy(stored))
        return self.loaded[stored.id]

    def add(self, task: TransportTask) -> None:
        self.loaded[task.id] = self._seen(task)
        self.rows[task.id] = _copy(task)

    def get(self, task_id: str) -> TransportTask | None:
        stored = self.rows.get(task_id)
        return None if stored is None else self._hand_out(stored)

    def open(self, limit: int = 500) -> list[TransportTask]:
        found = [t for t in self.rows.values() if t.is_open]
        found.sort(key=lambda t: (-t.priority, t.deadline is None, t.deadline or t.created_at,
                                  t.created_at, t.id))  # fmt: skip
        return [self._hand_out(t) for t in found[:limit]]

    def for_sample(self, sample_number: str) -> list[TransportTask]:
        found = sorted(
            (t for t in self.rows.values() if t.sample_number == sample_number),
            key=lambda t: (t.created_at, t.id),
        )
        return [self._hand_out(t) for t in found]

    def recent(self, limit: int = 100) -> list[TransportTask]:
        found = sorted(self.rows.values(), key=lambda t: (t.updated_at, t.id), reverse=True)
        return [self._hand_out(t) for t in found[:limit]]

    def done_between(self, start: datetime, end: datetime) -> list[TransportTask]:
        found = sorted(
            (t for t in self.rows.values()
             if t.state is TaskState.DONE and start <= t.updated_at < end),
            key=lambda t: (t.updated_at, t.id),
        )  # fmt: skip
        return [self._hand_out(t) for t in found]

    def flush(self) -> None:
        for task_id, task in self.loaded.items():
            self.rows[task_id] = _copy(task)


class MemoryOutbox(MemoryRepository):
    """Implements ``OutboxRepository``; rows are copies, replaced on save (memory is not at
    rest, so bodies are kept as they are)."""

    @property
    def rows(self) -> dict[str, OutboxMessage]:
        return self.store.table("notice_outbox")

    def add(self, message: OutboxMessage) -> None:
        self.rows[message.id] = replace(message)

    def get(self, message_id: str) -> OutboxMessage | None:
        found = self.rows.get(message_id)
        return None if found is None else replace(found)

    def save(self, message: OutboxMessage) -> None:
        self.rows[message.id] = replace(message)

    def due(self, now: datetime, limit: int = 50) -> list[OutboxMessage]:
        found = sorted((m for m in self.rows.values() if m.due(now)), key=lambda m: m.created_at)
        return [replace(m) for m in found[:limit]]

    def recent(self, limit: int = 30) -> list[OutboxMessage]:
        found = sorted(self.rows.values(), key=lambda m: (m.created_at, m.id), reverse=True)
        return [replace(m, body=None) for m in found[:limit]]

    def backlog(self, failed_since: datetime) -> Backlog:
        waiting = [m.created_at for m in self.rows.values() if m.status is OutboxStatus.PENDING]
        failed = [
            m for m in self.rows.values()
            if m.status is OutboxStatus.FAILED and m.last_attempt_at is not None
            and m.last_attempt_at >= failed_since
        ]  # fmt: skip
        return Backlog(len(waiting), min(waiting, default=None), len(failed))


def _copy(task: TransportTask) -> TransportTask:
    """A copy without the pending events (those belong to the unit of work that made them)."""
    return replace(task, estimate=copy.deepcopy(task.estimate), events=[])


class MemoryUnitOfWork(UnitOfWorkBase):
    def __init__(self, store: MemoryStore | None = None) -> None:
        self.store = store if store is not None else MemoryStore()
        self.seen = []
        self._snapshot: dict[str, Any] | None = None
        self._held = False
        self.customers = MemoryCustomers(self)
        self.users = MemoryUsers(self)
        self.orders = MemoryOrders(self)
        self.samples = MemorySamples(self)
        self.tasks = self.memory_tasks = MemoryTasks(self)
        self.audit = MemoryAudit(self)
        self.sequences = MemorySequences(self)
        self.outbox = MemoryOutbox(self)
        self.commits = 0

    def __enter__(self) -> Self:
        self.store.lock.acquire()
        self._held = True
        self.memory_tasks.loaded = {}
        super().__enter__()
        self._snapshot = _snapshot(self.store)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            super().__exit__(*exc)
        finally:
            if self._held:
                self._held = False
                self.store.lock.release()

    def _flush(self) -> None:
        self.memory_tasks.flush()

    def _commit(self) -> None:
        self._snapshot = None
        self.commits += 1

    def rollback(self) -> None:
        if self._snapshot is not None:
            for name, value in self._snapshot.items():
                setattr(self.store, name, value)
            self._snapshot = None


def _snapshot(store: MemoryStore) -> dict[str, Any]:
    """What a rollback restores. The core's aggregates are handed out live and changed in place,
    so they are copied deep; the chain is append-only and the slices' rows are replaced, never
    changed, so copying their containers is enough (and keeps big stores quick)."""
    return {
        "customers": copy.deepcopy(store.customers),
        "users": copy.deepcopy(store.users),
        "orders": copy.deepcopy(store.orders),
        "samples": copy.deepcopy(store.samples),
        "audit": list(store.audit),
        "anchors": list(store.anchors),
        "counters": dict(store.counters),
        "tables": {name: dict(rows) for name, rows in store.tables.items()},
    }


class FixedClock:
    """A clock that moves only when told, for deterministic tests."""

    def __init__(self, start: datetime | None = None) -> None:
        self.at = start or datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


class PlainHasher:
    """A reversible 'hash' for unit tests only: never wired outside tests."""

    def hash(self, password: str) -> str:
        return "plain$" + password

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == "plain$" + password


class ListPublisher:
    def __init__(self) -> None:
        self.published: list[Event] = []

    def publish(self, events: Sequence[Event]) -> None:
        self.published.extend(events)
