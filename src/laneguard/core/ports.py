"""The ports every slice shares: the clock, where incidents come from, and where their records
are kept. Adapters and fakes implement them; only the app's bootstrap picks which."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Protocol

from laneguard.core.domain.forwarding import OutboxEntry
from laneguard.core.domain.incidents import IncidentEvent
from laneguard.core.domain.records import IncidentRecord


class Clock(Protocol):
    def now(self) -> datetime: ...


class IncidentSource(Protocol):
    """Where incidents come from: the detection pipeline, or a simulation."""

    def events(self) -> Iterator[IncidentEvent]:
        """Yields events as they happen; ends when the source is exhausted or closed."""
        ...

    def close(self) -> None: ...


class IncidentRepository(Protocol):
    def add(self, record: IncidentRecord) -> None: ...

    def get(self, incident_id: str) -> IncidentRecord | None: ...

    def save(self, record: IncidentRecord) -> None: ...

    def list(
        self, since: datetime | None = None, until: datetime | None = None, limit: int | None = None
    ) -> list[IncidentRecord]:
        """Newest first, opened in [since, until)."""
        ...


class Outbox(Protocol):
    """The station's messages for the management centre, kept until the centre's broker has
    taken them (records writes an incident's message in the same transaction as the incident)."""

    def add(self, kind: str, payload: str) -> None: ...

    def pending(self, limit: int = 100) -> list[OutboxEntry]:
        """Oldest first."""
        ...

    def delete(self, entry_id: int) -> None: ...

    def count(self) -> int: ...
