"""Interfaces of everything outside the service layer. Adapters implement them; fakes too."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, Protocol, Self, TypeVar

from samplehub.core.domain.audit import AuditRecord
from samplehub.core.domain.events import Event
from samplehub.core.domain.lifecycle import SampleState
from samplehub.core.domain.model import Customer, Order, Sample, User

T = TypeVar("T")


@dataclass(frozen=True)
class SampleFilter:
    """What a sample list asks for. ``customer_id`` is forced for customer users."""

    customer_id: str | None = None
    order_number: str | None = None
    state: SampleState | None = None
    text: str | None = None  # matches sample number, serial number, model or type
    offset: int = 0
    limit: int = 50


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    total: int
    offset: int
    limit: int


class CustomerRepository(Protocol):
    def add(self, customer: Customer) -> None: ...
    def get(self, customer_id: str) -> Customer | None: ...
    def by_credit_code(self, credit_code: str) -> Customer | None: ...
    def all(self) -> list[Customer]: ...


class UserRepository(Protocol):
    def add(self, user: User) -> None: ...
    def get(self, username: str) -> User | None: ...
    def all(self) -> list[User]: ...


class OrderRepository(Protocol):
    def add(self, order: Order) -> None: ...
    def get(self, number: str) -> Order | None: ...
    def page(self, customer_id: str | None, offset: int, limit: int) -> Page[Order]: ...


class SampleRepository(Protocol):
    def add(self, sample: Sample) -> None: ...
    def get(self, number: str) -> Sample | None: ...
    def search(self, query: SampleFilter) -> Page[Sample]: ...
    def for_order(self, order_number: str) -> list[Sample]: ...


class AuditLog(Protocol):
    """Append-only: there is deliberately no update and no delete."""

    def last(self) -> AuditRecord | None:
        """The newest record; it also locks the chain's tail until the transaction ends."""
        ...

    def append(self, records: Sequence[AuditRecord]) -> None: ...
    def records(self, sample_number: str | None = None) -> list[AuditRecord]: ...


class Sequences(Protocol):
    def next(self, name: str) -> int:
        """The next value of the named counter, in the current transaction."""
        ...


class UnitOfWork(Protocol):
    customers: CustomerRepository
    users: UserRepository
    orders: OrderRepository
    samples: SampleRepository
    audit: AuditLog
    sequences: Sequences
    committed: list[Event]  # every event committed through this unit of work
    # told each commit's events once the transaction is durable (bootstrap: the status cache)
    after_commit: Callable[[Sequence[Event]], None] | None

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> None: ...
    def record(self, event: Event) -> None:
        """Chain ``event`` with this unit of work's commit (an event no aggregate carries)."""
        ...

    def commit(self) -> list[Event]:
        """Append the pending events to the audit chain and commit, all or nothing."""
        ...

    def rollback(self) -> None: ...


@dataclass(frozen=True)
class CertificateValidity:
    """An issued certificate that states until when its instrument stays valid.

    What the lab shares with recall through the core: the due dates of instruments.
    """

    certificate: str
    sample: str
    customer: str
    instrument: str
    model: str
    serial_number: str
    valid_until: date


class IssuedCertificates(Protocol):
    def validities(self) -> list[CertificateValidity]:
        """Issued certificates stating a validity, by number; failure notices, drafts and
        superseded certificates are left out."""
        ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...
    def verify(self, password_hash: str, password: str) -> bool: ...


class Clock(Protocol):
    def now(self) -> datetime: ...


class EventPublisher(Protocol):
    """Where committed events go for live updates (pages, devices)."""

    def publish(self, events: Sequence[Event]) -> None: ...
