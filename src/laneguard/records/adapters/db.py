"""Incident records in SQL: SQLite (WAL) by default, PostgreSQL for a management centre.
SQLAlchemy 2 Core; tables are prefixed `lg_` so they share a database with SampleHub. The
terminals' table, in the same database, is alerting's (laneguard.alerting.adapters.db). The
schema is made and upgraded by the Alembic migrations beside this module (`migrate.upgrade`)."""

from __future__ import annotations

import builtins
import functools
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Engine,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from laneguard.core.domain.records import IncidentRecord, StaleIncidentError
from laneguard.core.errors import storage_errors
from laneguard.core.incident_columns import incident_columns, incident_from_row, opened_between

metadata = MetaData()

incidents_table = Table(
    "lg_incidents",
    metadata,
    Column("incident_id", String(64), primary_key=True),
    Column("station", String(64), nullable=False, index=True),
    Column("camera", String(64), nullable=False),
    Column("zone", String(64), nullable=False),
    Column("lane", String(64), nullable=False),
    Column("object_class", String(16), nullable=False),
    Column("track_id", Integer, nullable=False),
    Column("score", Float, nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False, index=True),
    Column("snapshot_jpeg", LargeBinary, nullable=False),
    Column("ended_at", DateTime(timezone=True)),
    Column("frames", Integer, nullable=False, default=0),
    Column("max_score", Float, nullable=False, default=0.0),
    Column("track_summary", Text, nullable=False, default="{}"),
    Column("outcome", String(16)),
    Column("closed_by", String(128)),
    Column("closed_at", DateTime(timezone=True)),
    Column("clip_path", String(512)),
    Column("version", Integer, nullable=False, default=0, server_default="0"),
)


def make_engine(url: str) -> Engine:
    """An engine with SQLite in WAL mode (readers never wait for the writer)."""
    engine = create_engine(url, future=True, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _wal(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()

    return engine


def _incident_values(r: IncidentRecord) -> dict[str, Any]:
    return {
        "incident_id": r.incident_id,
        "station": r.station,
        **incident_columns(r),
        "snapshot_jpeg": r.snapshot_jpeg,
        "track_summary": json.dumps(r.track_summary()),
    }


def _incident(row: Any) -> IncidentRecord:
    return incident_from_row(row, snapshot_jpeg=bytes(row.snapshot_jpeg), clip_path=row.clip_path)


_storage = functools.partial(storage_errors, SQLAlchemyError)
Forward = Callable[[Connection, IncidentRecord, int], None]


class SqlIncidentRepository:
    """`forward`, when given, is called inside the transaction of every add and save with the
    record and the version it then has: the station's outbox for the management centre is
    written with the change or not at all (laneguard.records.adapters.outbox)."""

    def __init__(self, engine: Engine, forward: Forward | None = None) -> None:
        self._engine = engine
        self._forward = forward

    def add(self, record: IncidentRecord) -> None:
        with _storage("writing incident"), self._engine.begin() as conn:
            conn.execute(insert(incidents_table).values(**_incident_values(record)))
            if self._forward is not None:
                self._forward(conn, record, record.version)

    def save(self, record: IncidentRecord) -> None:
        """Writes the record if nobody saved it since it was read (its `version` is still the
        stored one), then moves its version on; else StaleIncidentError and nothing written."""
        values = _incident_values(record)
        t = incidents_table
        statement = (
            update(t)
            .where(t.c.incident_id == values.pop("incident_id"), t.c.version == record.version)
            .values(**values, version=t.c.version + 1)
        )
        with _storage("writing incident"), self._engine.begin() as conn:
            changed = conn.execute(statement).rowcount
            if changed == 1 and self._forward is not None:
                self._forward(conn, record, record.version + 1)
        if changed != 1:
            raise StaleIncidentError(record.incident_id, record.version)
        record.version += 1

    def set_clip(self, incident_id: str, path: str) -> None:
        """Only the clip column, so a clip finished while staff close the incident never
        overwrites their outcome (nor `save` the clip: `_incident_values` leaves it out)."""
        self._write(
            update(incidents_table)
            .where(incidents_table.c.incident_id == incident_id)
            .values(clip_path=path)
        )

    def get(self, incident_id: str) -> IncidentRecord | None:
        rows = self._read(
            select(incidents_table).where(incidents_table.c.incident_id == incident_id)
        )
        return _incident(rows[0]) if rows else None

    def list(
        self, since: datetime | None = None, until: datetime | None = None, limit: int | None = None
    ) -> list[IncidentRecord]:
        opened_at = incidents_table.c.opened_at
        q = select(incidents_table).order_by(opened_at.desc())
        return [_incident(r) for r in self._read(opened_between(q, opened_at, since, until, limit))]

    def _write(self, statement: Any) -> None:
        with _storage("writing incident"), self._engine.begin() as conn:
            conn.execute(statement)

    def _read(self, statement: Any) -> builtins.list[Any]:
        with _storage("reading incidents"), self._engine.connect() as conn:
            return list(conn.execute(statement))
