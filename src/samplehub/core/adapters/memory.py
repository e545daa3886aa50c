"""In-memory implementations of the ports, for unit tests and quick experiments.

A rollback restores a deep copy taken when the unit of work was entered, so these fakes keep
the same all-or-nothing promise as the database adapters.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from samplehub.core.domain.audit import AuditRecord
from samplehub.core.domain.events import Event
from samplehub.core.domain.model import Customer, Order, Sample, User
from samplehub.core.service.ports import Page, SampleFilter
from samplehub.core.service.unit_of_work import HasEvents, UnitOfWorkBase


@dataclass
class MemoryStore:
    customers: dict[str, Customer] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    samples: dict[str, Sample] = field(default_factory=dict)
    audit: list[AuditRecord] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)


class _Repo:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self.uow = uow

    @property
    def store(self) -> MemoryStore:
        return self.uow.store

    def _seen(self, item: Any) -> Any:
        if item is not None and all(item is not s for s in self.uow.seen):
            self.uow.seen.append(item)
        return item


class MemoryCustomers(_Repo):
    def add(self, customer: Customer) -> None:
        self.store.customers[customer.id] = self._seen(customer)

    def get(self, customer_id: str) -> Customer | None:
        return self._seen(self.store.customers.get(customer_id))  # type: ignore[no-any-return]

    def by_credit_code(self, credit_code: str) -> Customer | None:
        found = [c for c in self.store.customers.values() if c.credit_code == credit_code]
        return self._seen(found[0]) if found else None

    def all(self) -> list[Customer]:
        return sorted(self.store.customers.values(), key=lambda c: c.name)


class MemoryUsers(_Repo):
    def add(self, user: User) -> None:
        self.store.users[user.username] = self._seen(user)

    def get(self, username: str) -> User | None:
        return self._seen(self.store.users.get(username))  # type: ignore[no-any-return]

    def all(self) -> list[User]:
        return sorted(self.store.users.values(), key=lambda u: u.username)


class MemoryOrders(_Repo):
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


class MemorySamples(_Repo):
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


class MemoryAudit(_Repo):
    def last(self) -> AuditRecord | None:
        return self.store.audit[-1] if self.store.audit else None

    def append(self, records: Sequence[AuditRecord]) -> None:
        self.store.audit.extend(records)

    def records(self, sample_number: str | None = None) -> list[AuditRecord]:
        return [r for r in self.store.audit if sample_number in (None, r.sample_number)]


class MemorySequences(_Repo):
    def next(self, name: str) -> int:
        self.store.counters[name] = self.store.counters.get(name, 0) + 1
        return self.store.counters[name]


class MemoryUnitOfWork(UnitOfWorkBase):
    def __init__(self, store: MemoryStore | None = None) -> None:
        self.store = store if store is not None else MemoryStore()
        self.seen: list[HasEvents] = []
        self._snapshot: MemoryStore | None = None
        self.customers = MemoryCustomers(self)
        self.users = MemoryUsers(self)
        self.orders = MemoryOrders(self)
        self.samples = MemorySamples(self)
        self.audit = MemoryAudit(self)
        self.sequences = MemorySequences(self)
        self.commits = 0

    def __enter__(self) -> MemoryUnitOfWork:
        super().__enter__()
        self.seen = []
        self._snapshot = copy.deepcopy(self.store)
        return self

    def _seen(self) -> Iterable[HasEvents]:
        return list(self.seen)

    def _commit(self) -> None:
        self._snapshot = None
        self.commits += 1

    def rollback(self) -> None:
        if self._snapshot is not None:
            restored = self._snapshot
            for name in ("customers", "users", "orders", "samples", "audit", "counters"):
                setattr(self.store, name, getattr(restored, name))
            self._snapshot = None


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
