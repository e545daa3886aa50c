"""The centre's copies in SQL (PostgreSQL for a real centre, SQLite for the demo): the newest
version of each station's incidents and each camera's state. Tables are made by LaneGuard's
migrations (revision 0006). An apply reads the stored version and writes in one transaction;
two writers racing on a new key meet the primary key, and the loser re-reads and decides anew."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from laneguard.centre.domain.copies import StationCounts, camera_is_newer, incident_is_newer
from laneguard.core.clock import assume_utc, to_utc
from laneguard.core.domain.cameras import CameraState
from laneguard.core.domain.forwarding import CameraReport
from laneguard.core.domain.records import IncidentRecord
from laneguard.core.errors import StorageError, storage_errors
from laneguard.core.incident_columns import incident_columns, incident_from_row, opened_between

metadata = MetaData()
TZ = DateTime(timezone=True)

centre_incidents_table = Table(
    "lg_centre_incidents",
    metadata,
    Column("station", String(64), primary_key=True),
    Column("incident_id", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("camera", String(64), nullable=False),
    Column("zone", String(64), nullable=False),
    Column("lane", String(64), nullable=False),
    Column("object_class", String(16), nullable=False),
    Column("track_id", Integer, nullable=False),
    Column("score", Float, nullable=False),
    Column("opened_at", TZ, nullable=False, index=True),
    Column("ended_at", TZ),
    Column("frames", Integer, nullable=False),
    Column("max_score", Float, nullable=False),
    Column("outcome", String(16)),
    Column("closed_by", String(128)),
    Column("closed_at", TZ),
    Column("received_at", TZ, nullable=False),
)

centre_cameras_table = Table(
    "lg_centre_cameras",
    metadata,
    Column("station", String(64), primary_key=True),
    Column("camera", String(64), primary_key=True),
    Column("state", String(16), nullable=False),
    Column("since", TZ, nullable=False),
    Column("detail", String(200), nullable=False),
    Column("received_at", TZ, nullable=False),
)


def _values(r: IncidentRecord, version: int) -> dict[str, Any]:
    return {"version": version, **incident_columns(r), "received_at": datetime.now(UTC)}


class SqlCentreStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def apply_incident(self, record: IncidentRecord, version: int) -> bool:
        t = centre_incidents_table
        return self._apply(
            t,
            {"station": record.station, "incident_id": record.incident_id},
            _values(record, version),
            t.c.version,
            lambda stored: incident_is_newer(stored, version),
            what="incident",
            name=f"incident {record.incident_id}",
            guarded=True,
        )

    def apply_camera(self, report: CameraReport) -> bool:
        values = {
            "state": report.state.value,
            "since": report.since,
            "detail": report.detail,
            "received_at": datetime.now(UTC),
        }
        t = centre_cameras_table
        return self._apply(
            t,
            {"station": report.station, "camera": report.camera},
            values,
            t.c.since,
            lambda stored: camera_is_newer(to_utc(stored), report.since),
            what="camera state",
            name=f"camera {report.camera}",
        )

    def _apply(
        self,
        t: Table,
        keys: dict[str, str],
        values: dict[str, Any],
        mark: Column[Any],
        newer: Callable[[Any], bool],
        *,
        what: str,
        name: str,
        guarded: bool = False,
    ) -> bool:
        """Writes `values` at `keys` if `newer` says so of the stored `mark` (none: a new row);
        False when the stored copy is as new. `guarded`: an update also needs the mark it read
        to be still there. Two writers adding the same key meet the primary key; the loser reads
        again and decides anew, three times at most."""
        key = and_(*(t.c[column] == value for column, value in keys.items()))
        for _ in range(3):
            try:
                with self._engine.begin() as conn:
                    stored = conn.execute(select(mark).where(key)).scalar_one_or_none()
                    if not newer(stored):
                        return False
                    if stored is None:
                        conn.execute(insert(t).values(**keys, **values))
                    else:
                        where = key & (mark == stored) if guarded else key
                        conn.execute(update(t).where(where).values(values))
                return True
            except IntegrityError:
                continue  # another writer added it meanwhile: read again
            except SQLAlchemyError as exc:
                raise StorageError(f"centre: writing {what} failed: {exc}") from exc
        raise StorageError(f"centre: {name} kept changing; not applied")

    def cameras(self) -> builtins.list[CameraReport]:
        rows = self._read(select(centre_cameras_table))
        return [
            CameraReport(r.station, r.camera, CameraState(r.state), assume_utc(r.since), r.detail)
            for r in rows
        ]

    def counts(self) -> builtins.list[StationCounts]:
        t = centre_incidents_table
        open_ = func.sum(case((t.c.outcome.is_(None), 1), else_=0))
        q = select(t.c.station, func.count(), open_, func.max(t.c.opened_at)).group_by(t.c.station)
        return [
            StationCounts(station, int(n), int(o or 0), None if last is None else assume_utc(last))
            for station, n, o, last in self._read(q.order_by(t.c.station))
        ]

    def list(
        self, since: datetime | None = None, until: datetime | None = None, limit: int | None = None
    ) -> builtins.list[IncidentRecord]:
        t = centre_incidents_table
        q = select(t).order_by(t.c.opened_at.desc(), t.c.station, t.c.incident_id)
        q = opened_between(q, t.c.opened_at, since, until, limit)
        return [incident_from_row(r) for r in self._read(q)]

    def get(self, incident_id: str) -> IncidentRecord | None:
        """The first station's copy of `incident_id` (ids are unique per station)."""
        t = centre_incidents_table
        rows = self._read(select(t).where(t.c.incident_id == incident_id).limit(1))
        return incident_from_row(rows[0]) if rows else None

    def add(self, record: IncidentRecord) -> None:
        self.apply_incident(record, record.version)

    def save(self, record: IncidentRecord) -> None:
        self.apply_incident(record, record.version)

    def _read(self, statement: Any) -> builtins.list[Any]:
        with storage_errors(SQLAlchemyError, "centre: reading"), self._engine.connect() as conn:
            return builtins.list(conn.execute(statement))
