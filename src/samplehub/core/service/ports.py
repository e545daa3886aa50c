"""Interfaces of everything outside the service layer. Adapters implement them; fakes too."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, Protocol, Self, TypeVar

from samplehub.core.domain.anchors import Anchor
from samplehub.core.domain.audit import AuditRecord
from samplehub.core.domain.events import Event
from samplehub.core.domain.lifecycle import SampleState
from samplehub.core.domain.locations import Location
from samplehub.core.domain.model import Customer, Order, Sample, User
from samplehub.core.domain.outbox import Backlog, OutboxMessage
from samplehub.core.domain.rfid import TagRead
from samplehub.core.domain.transport import TransportTask

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


@dataclass(frozen=True)
class SessionRecord:
    """A login (a page session or a bearer token): what its signed token's id names."""

    sid: str
    username: str
    kind: str  # "session" or "bearer"
    issued_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None


class AuthStore(Protocol):
    """Logins and failed-login counts, shared by every worker (the database in production)."""

    def open(self, record: SessionRecord) -> None: ...
    def get(self, sid: str) -> SessionRecord | None: ...
    def revoke(self, sid: str, at: datetime) -> None: ...
    def revoke_user(self, username: str, at: datetime) -> int: ...
    def failed(self, keys: Sequence[str], at: datetime) -> None: ...
    def failures(self, key: str, since: datetime) -> list[datetime]:
        """The failures counted against ``key`` since ``since``, oldest first."""
        ...

    def forget(self, key: str) -> None: ...
    def purge(self, before: datetime) -> None:
        """Drop failures and logins that ended before ``before``."""
        ...


class UserRepository(Protocol):
    def add(self, user: User) -> None: ...
    def get(self, username: str) -> User | None: ...
    def all(self) -> list[User]: ...
    def update(self, user: User) -> None: ...


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
    def anchors(self) -> list[Anchor]:
        """The signed heads of the chain, oldest first (append-only like the records)."""
        ...

    def add_anchor(self, anchor: Anchor) -> None: ...


class AnchorSigner(Protocol):
    """Signs anchors with the institute's Ed25519 key."""

    @property
    def key_id(self) -> str: ...
    def sign(self, message: bytes) -> bytes: ...


class AnchorCopy(Protocol):
    """A copy of the anchors outside the database (an append-only file)."""

    def append(self, anchor: Anchor) -> None: ...
    def read(self) -> list[Anchor]: ...


class Sequences(Protocol):
    def next(self, name: str) -> int:
        """The next value of the named counter, in the current transaction."""
        ...


class TransportTaskRepository(Protocol):
    def add(self, task: TransportTask) -> None: ...
    def get(self, task_id: str) -> TransportTask | None:
        """The task, locked for update in this transaction (its changes are written back)."""
        ...

    def open(self, limit: int = 500) -> list[TransportTask]:
        """Open tasks, most urgent first (priority, then deadline, then age)."""
        ...

    def for_sample(self, sample_number: str) -> list[TransportTask]:
        """Every task of the sample, oldest first."""
        ...

    def recent(self, limit: int = 100) -> list[TransportTask]:
        """Tasks by last change, newest first (open and finished)."""
        ...

    def done_between(self, start: datetime, end: datetime) -> list[TransportTask]:
        """Tasks that were done from ``start`` (included) to ``end``, in that order."""
        ...


class OutboxRepository(Protocol):
    """Notices waiting for delivery, written in the transaction of their cause.

    Bodies are kept sealed at rest (the SQL adapter encrypts them) and wiped once delivered.
    """

    def add(self, message: OutboxMessage) -> None: ...
    def get(self, message_id: str) -> OutboxMessage | None:
        """The message with its body opened, locked for update in this transaction."""
        ...

    def save(self, message: OutboxMessage) -> None: ...
    def due(self, now: datetime, limit: int = 50) -> list[OutboxMessage]:
        """Pending messages whose next attempt is due, oldest first, bodies opened."""
        ...

    def recent(self, limit: int = 30) -> list[OutboxMessage]:
        """The newest messages first, without their bodies (what staff may see)."""
        ...

    def backlog(self, failed_since: datetime) -> Backlog:
        """How many wait and since when the oldest has; how many were given up since then."""
        ...


class UnitOfWork(Protocol):
    customers: CustomerRepository
    users: UserRepository
    orders: OrderRepository
    samples: SampleRepository
    tasks: TransportTaskRepository
    audit: AuditLog
    sequences: Sequences
    outbox: OutboxRepository
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


class Places(Protocol):
    """Storage as data, seen from the lifecycle: which slots exist, who occupies them, and where
    a sample should go. Every method works inside the caller's transaction (``uow``), so a
    move and its occupancy commit together. ``AnyPlace`` (in ``core.service.places``) is the
    stand-in without a site: any slot text, no occupancy."""

    def check(self, uow: UnitOfWork, location: Location, field: str) -> None:
        """Raise ``InvalidValue`` naming ``field`` when ``location`` is not a usable place."""
        ...

    def moved(
        self, uow: UnitOfWork, sample: Sample, before: Location | None, after: Location | None
    ) -> None:
        """Keep occupancy: free ``before`` if it was a slot, take ``after`` if it is one
        (raising, which rolls back the move, when it is taken by another sample)."""
        ...

    def choose_slot(
        self, uow: UnitOfWork, sample: Sample, near: Location, now: datetime
    ) -> tuple[Location, dict[str, object]]:
        """A slot for the sample (reserved for it in this transaction, releasing any slot it
        had reserved before), and what the choice was based on; ``transport.ANY_SLOT`` when none
        can be chosen yet."""
        ...

    def node(self, uow: UnitOfWork, location: Location) -> str | None:
        """The site-map node where a carrier picks up or drops at ``location`` (a slot's rack
        access node, the intake platform's, a bench's, a locker port's); None when unknown."""
        ...


class TagReaders(Protocol):
    """The institute's fixed RFID readers (shelves, lockers), by their names in the site file.

    ``inventory`` runs one inventory round of ``seconds`` on the given antennas (all when
    None) and returns every tag read; it raises ``ReaderUnavailable`` when the reader cannot be
    reached. The LLRP adapter and the simulated reader implement it.
    """

    def inventory(
        self, reader: str, antennas: Sequence[int] | None = None, seconds: float = 1.0
    ) -> list[TagRead]: ...
