"""The retention job's view of the incidents' pictures, and the log of who viewed them, in SQL
beside the incident records (`lg_incidents`, `lg_media_access`; migration 0005)."""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    String,
    Table,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from laneguard.core.clock import assume_utc, to_utc
from laneguard.core.errors import StorageError
from laneguard.records.adapters.db import incidents_table, metadata
from laneguard.records.service.ports import MediaAccess

media_access_table = Table(
    "lg_media_access",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("incident_id", String(64), nullable=False),
    Column("user_name", String(64), nullable=False),
    Column("media", String(16), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
)


def _run(engine: Engine, what: str, statement: Any) -> builtins.list[Any]:
    try:
        with engine.begin() as conn:
            result = conn.execute(statement)
            return list(result) if result.returns_rows else []
    except SQLAlchemyError as exc:
        raise StorageError(f"{what} failed: {exc.__class__.__name__}: {exc}") from exc


class SqlMediaStore:
    """MediaStore port over `lg_incidents`."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def expired_media(self, before: datetime) -> builtins.list[tuple[str, str | None]]:
        t = incidents_table
        q = select(t.c.incident_id, t.c.clip_path).where(
            t.c.opened_at < to_utc(before),
            or_(func.length(t.c.snapshot_jpeg) > 0, t.c.clip_path.is_not(None)),
        )
        return [(r.incident_id, r.clip_path) for r in _run(self._engine, "reading pictures", q)]

    def forget_media(self, incident_id: str) -> None:
        t = incidents_table
        _run(
            self._engine,
            "deleting pictures",
            update(t)
            .where(t.c.incident_id == incident_id)
            .values(snapshot_jpeg=b"", clip_path=None, version=t.c.version + 1),
        )


class SqlAccessLog:
    """AccessLog port over `lg_media_access`."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, access: MediaAccess) -> None:
        _run(
            self._engine,
            "logging a view",
            insert(media_access_table).values(
                incident_id=access.incident_id,
                user_name=access.user,
                media=access.media,
                at=to_utc(access.at),
            ),
        )

    def list(self, limit: int = 200) -> builtins.list[MediaAccess]:
        t = media_access_table
        q = select(t).order_by(t.c.at.desc(), t.c.id.desc()).limit(limit)
        return [
            MediaAccess(r.incident_id, r.user_name, r.media, assume_utc(r.at))
            for r in _run(self._engine, "reading the access log", q)
        ]
