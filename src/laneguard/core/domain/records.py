"""The record kept of each incident: what was seen, for how long, and how staff closed it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from laneguard.core.domain.incidents import IncidentEnded, IncidentOpened, ObjectClass, Outcome


class IncidentAlreadyClosedError(Exception):
    """A second terminal tried to close an incident another one already closed."""

    def __init__(self, incident_id: str, outcome: Outcome, closed_by: str) -> None:
        super().__init__(
            f"incident {incident_id} is already closed as {outcome.value} by {closed_by}"
        )
        self.incident_id = incident_id


class StaleIncidentError(Exception):
    """A save of an incident read before someone else saved it: refused, nothing written
    (HTTP 409); the writer reads it again and decides anew."""

    def __init__(self, incident_id: str, version: int) -> None:
        super().__init__(
            f"incident {incident_id} changed since it was read (version {version}); "
            "read it again and retry"
        )
        self.incident_id = incident_id


@dataclass
class IncidentRecord:
    """One incident as the records and statistics see it."""

    incident_id: str
    station: str
    camera: str
    zone: str
    lane: str
    object_class: ObjectClass
    track_id: int
    score: float
    opened_at: datetime
    snapshot_jpeg: bytes = field(repr=False, default=b"")
    ended_at: datetime | None = None
    frames: int = 0
    max_score: float = 0.0
    outcome: Outcome | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None
    clip_path: str | None = None  # the short video written after it, once written
    version: int = 0  # as read; a save checks it and moves it on, so stale writes are refused

    @classmethod
    def from_opened(cls, event: IncidentOpened, station: str) -> IncidentRecord:
        return cls(
            incident_id=event.incident_id,
            station=station,
            camera=event.camera,
            zone=event.zone,
            lane=event.lane,
            object_class=event.object_class,
            track_id=event.track_id,
            score=event.score,
            opened_at=event.at,
            snapshot_jpeg=event.snapshot_jpeg,
            max_score=event.score,
        )

    def end(self, event: IncidentEnded) -> None:
        self.ended_at = event.at
        self.frames = event.frames
        self.max_score = max(self.max_score, event.max_score)

    def close(self, outcome: Outcome, closed_by: str, at: datetime) -> None:
        """Staff's outcome. The first terminal to answer closes it; later answers are refused."""
        if self.outcome is not None:
            raise IncidentAlreadyClosedError(self.incident_id, self.outcome, self.closed_by or "?")
        self.outcome = outcome
        self.closed_by = closed_by
        self.closed_at = at

    def track_summary(self) -> dict[str, object]:
        """The track in a few figures, for the list and the CSV export."""
        seconds = (self.ended_at - self.opened_at).total_seconds() if self.ended_at else None
        return {
            "track_id": self.track_id,
            "frames": self.frames,
            "max_score": round(self.max_score, 3),
            "seconds": None if seconds is None else round(seconds, 1),
        }
