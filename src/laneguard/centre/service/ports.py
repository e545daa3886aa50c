"""The centre's ports: where its copies are kept, and how a station's forwarder publishes."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from laneguard.centre.domain.copies import StationCounts
from laneguard.core.domain.forwarding import CameraReport
from laneguard.core.domain.records import IncidentRecord
from laneguard.core.errors import LaneGuardError


class LinkDownError(LaneGuardError):
    """The forwarder's broker cannot be reached, or did not acknowledge in time."""


class CentreStore(Protocol):
    def apply_incident(self, record: IncidentRecord, version: int) -> bool:
        """Keeps the record unless a copy of this or a newer version is kept already; True when
        it changed something. Idempotent."""
        ...

    def apply_camera(self, report: CameraReport) -> bool: ...

    def cameras(self) -> list[CameraReport]: ...

    def counts(self) -> list[StationCounts]:
        """Incidents, open ones and the latest opening, per station."""
        ...

    def list(
        self, since: datetime | None = None, until: datetime | None = None, limit: int | None = None
    ) -> list[IncidentRecord]:
        """Newest first, opened in [since, until), every station."""
        ...


class Publisher(Protocol):
    """A QoS 1 publisher with a persistent session."""

    @property
    def connected(self) -> bool: ...

    def publish(self, topics_payloads: list[tuple[str, bytes]], timeout_s: float) -> list[bool]:
        """Publishes each message and waits for the broker's PUBACKs; True where acknowledged.
        Raises LinkDownError when nothing can be sent now."""
        ...
