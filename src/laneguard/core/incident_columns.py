"""An incident record as the SQL adapters store it: the columns the station's incidents and the
centre's copies of them share (times in UTC), a record read back from such a row, and the
window their lists read (`IncidentRepository.list`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol, Self, TypeVar

from laneguard.core.clock import assume_utc, to_utc
from laneguard.core.domain.incidents import ObjectClass, Outcome
from laneguard.core.domain.records import IncidentRecord


def incident_columns(r: IncidentRecord) -> dict[str, Any]:
    """What both tables store of `r`, keyed by column, but its key (station, incident id)."""
    return {
        "camera": r.camera,
        "zone": r.zone,
        "lane": r.lane,
        "object_class": r.object_class.value,
        "track_id": r.track_id,
        "score": r.score,
        "opened_at": to_utc(r.opened_at),
        "ended_at": to_utc(r.ended_at),
        "frames": r.frames,
        "max_score": r.max_score,
        "outcome": None if r.outcome is None else r.outcome.value,
        "closed_by": r.closed_by,
        "closed_at": to_utc(r.closed_at),
    }


def incident_from_row(row: Any, **more: Any) -> IncidentRecord:
    """The record in a row of either table; `more` gives what only one table keeps."""
    return IncidentRecord(
        incident_id=row.incident_id,
        station=row.station,
        camera=row.camera,
        zone=row.zone,
        lane=row.lane,
        object_class=ObjectClass(row.object_class),
        track_id=row.track_id,
        score=row.score,
        opened_at=assume_utc(row.opened_at),
        ended_at=to_utc(row.ended_at),
        frames=row.frames,
        max_score=row.max_score,
        outcome=None if row.outcome is None else Outcome(row.outcome),
        closed_by=row.closed_by,
        closed_at=to_utc(row.closed_at),
        version=row.version,
        **more,
    )


class Query(Protocol):
    """A SELECT as the SQL adapters build it (SQLAlchemy's `Select`), as far as `opened_between`
    uses it: core imports no third-party package."""

    def where(self, *clauses: Any) -> Self: ...

    def limit(self, limit: int, /) -> Self: ...


SelectT = TypeVar("SelectT", bound=Query)


def opened_between(
    query: SelectT,
    opened_at: Any,
    since: datetime | None,
    until: datetime | None,
    limit: int | None,
) -> SelectT:
    """`query` narrowed to the incidents whose `opened_at` column is in [since, until) (an end
    not given is open), and to at most `limit` rows when given."""
    if since is not None:
        query = query.where(opened_at >= to_utc(since))
    if until is not None:
        query = query.where(opened_at < to_utc(until))
    if limit is not None:
        query = query.limit(limit)
    return query
