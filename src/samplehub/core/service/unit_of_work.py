"""The unit of work's shared behaviour: events become custody records in the same transaction."""

from __future__ import annotations

import abc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, Self

from samplehub.core.domain import audit
from samplehub.core.domain.events import Event
from samplehub.core.service.ports import (
    AuditLog,
    CustomerRepository,
    OrderRepository,
    OutboxRepository,
    SampleRepository,
    Sequences,
    TransportTaskRepository,
    UserRepository,
)


class HasEvents(Protocol):
    events: list[Event]


@dataclass
class Recorded:
    """Events no aggregate carries (a certificate step, a reminder), kept in the order told."""

    events: list[Event] = field(default_factory=list)


class UnitOfWorkBase(abc.ABC):
    """Subclasses open a transaction in ``__enter__``; repositories add what they hand out or
    write to ``seen``, whose pending events the commit chains, in the order first seen."""

    customers: CustomerRepository
    users: UserRepository
    orders: OrderRepository
    samples: SampleRepository
    tasks: TransportTaskRepository
    audit: AuditLog
    sequences: Sequences
    outbox: OutboxRepository
    committed: list[Event]
    seen: list[HasEvents]
    after_commit: Callable[[Sequence[Event]], None] | None = None

    def __enter__(self) -> Self:
        self.committed = []
        self.seen = []
        return self

    def __exit__(self, *exc: object) -> None:
        self.rollback()  # after a commit there is nothing left to roll back

    def record(self, event: Event) -> None:
        """Append ``event`` to the custody chain with this transaction's commit."""
        self.seen.append(Recorded([event]))

    def commit(self) -> list[Event]:
        self._flush()
        events: list[Event] = []
        for aggregate in list(self.seen):
            events.extend(aggregate.events)
            aggregate.events.clear()
        if events:
            self.audit.append(audit.chain(events, self.audit.last()))
        self._commit()
        self.committed.extend(events)
        if events and self.after_commit is not None:
            self.after_commit(events)
        return events

    def _flush(self) -> None:  # noqa: B027 - a hook: stores handing out live objects need nothing
        """Write changed aggregates back before the events are chained."""

    @abc.abstractmethod
    def _commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...


def tracked(seen: list[HasEvents], item: HasEvents) -> None:
    """Add ``item`` to a unit of work's ``seen`` list once (by identity)."""
    if all(item is not other for other in seen):
        seen.append(item)
