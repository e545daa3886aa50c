"""The unit of work's shared behaviour: events become custody records in the same transaction."""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol, Self

from samplehub.core.domain import audit
from samplehub.core.domain.events import Event
from samplehub.core.service.ports import (
    AuditLog,
    CustomerRepository,
    OrderRepository,
    SampleRepository,
    Sequences,
    UserRepository,
)


class HasEvents(Protocol):
    events: list[Event]


class UnitOfWorkBase(abc.ABC):
    """Subclasses open a transaction in ``__enter__`` and say which aggregates they handed out."""

    customers: CustomerRepository
    users: UserRepository
    orders: OrderRepository
    samples: SampleRepository
    audit: AuditLog
    sequences: Sequences
    committed: list[Event]
    after_commit: Callable[[Sequence[Event]], None] | None = None

    def __enter__(self) -> Self:
        self.committed = []
        return self

    def __exit__(self, *exc: object) -> None:
        self.rollback()  # after a commit there is nothing left to roll back

    def commit(self) -> list[Event]:
        self._flush()
        events: list[Event] = []
        for aggregate in self._seen():
            events.extend(aggregate.events)
            aggregate.events.clear()
        if events:
            self.audit.append(audit.chain(events, self.audit.last()))
        self._commit()
        self.committed.extend(events)
        if events and self.after_commit is not None:
            self.after_commit(events)
        return events

    @abc.abstractmethod
    def _seen(self) -> Iterable[HasEvents]:
        """Aggregates added or loaded in this unit of work, in the order first seen."""

    def _flush(self) -> None:  # noqa: B027 - a hook: stores handing out live objects need nothing
        """Write changed aggregates back before the events are chained."""

    @abc.abstractmethod
    def _commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...
