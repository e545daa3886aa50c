"""The station's outbox for the management centre (`lg_outbox`): one row per message, written
in the same transaction as the incident change it reports (SqlIncidentRepository with
`forward=True`), deleted by the forwarder once the broker has acknowledged it (PUBACK). A station
whose link to the centre is down keeps writing here and catches up when the link returns."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    select,
)
from sqlalchemy import delete as sql_delete
from sqlalchemy.exc import SQLAlchemyError

from laneguard.core.domain.forwarding import INCIDENT, OutboxEntry, incident_message
from laneguard.core.domain.records import IncidentRecord
from laneguard.core.errors import StorageError

outbox_table = Table(
    "lg_outbox",
    MetaData(),  # its own: made by revision 0006 only, never by the old create_tables
    Column("entry_id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


def write_entry(conn: Connection, kind: str, message: dict[str, Any]) -> None:
    """Adds a message on `conn`, inside the caller's transaction."""
    conn.execute(
        insert(outbox_table).values(
            kind=kind,
            payload=json.dumps(message, ensure_ascii=False, separators=(",", ":")),
            created_at=datetime.now(UTC),
        )
    )


def forward_incident(conn: Connection, record: IncidentRecord, version: int) -> None:
    """The hook SqlIncidentRepository calls inside its transaction when it forwards."""
    write_entry(conn, INCIDENT, incident_message(record, version))


class SqlOutbox:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, kind: str, payload: str) -> None:
        try:
            with self._engine.begin() as conn:
                conn.execute(
                    insert(outbox_table).values(
                        kind=kind, payload=payload, created_at=datetime.now(UTC)
                    )
                )
        except SQLAlchemyError as exc:
            raise StorageError(f"writing the outbox failed: {exc}") from exc

    def pending(self, limit: int = 100) -> list[OutboxEntry]:
        t = outbox_table
        try:
            with self._engine.connect() as conn:
                rows = conn.execute(select(t).order_by(t.c.entry_id).limit(limit)).all()
        except SQLAlchemyError as exc:
            raise StorageError(f"reading the outbox failed: {exc}") from exc
        return [OutboxEntry(r.entry_id, r.kind, r.payload) for r in rows]

    def delete(self, entry_id: int) -> None:
        try:
            with self._engine.begin() as conn:
                conn.execute(sql_delete(outbox_table).where(outbox_table.c.entry_id == entry_id))
        except SQLAlchemyError as exc:
            raise StorageError(f"deleting outbox entry {entry_id} failed: {exc}") from exc

    def count(self) -> int:
        try:
            with self._engine.connect() as conn:
                return int(
                    conn.execute(select(func.count()).select_from(outbox_table)).scalar_one()
                )
        except SQLAlchemyError as exc:
            raise StorageError(f"reading the outbox failed: {exc}") from exc
