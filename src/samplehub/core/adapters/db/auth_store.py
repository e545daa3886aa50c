"""Logins and failed-login counts in the database, so that every worker and every restart sees
a logout, a revoked token and the failures counted against a user or an address."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, insert, or_, select, update

from samplehub.core.adapters.db import tables as t
from samplehub.core.service.ports import SessionRecord


def _utc(value: datetime) -> datetime:
    """SQLite hands back naive times; they were written in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _record(row: Any) -> SessionRecord:
    revoked = _utc(row.revoked_at) if row.revoked_at is not None else None
    return SessionRecord(
        row.sid, row.username, row.kind, _utc(row.issued_at), _utc(row.expires_at), revoked
    )


class SqlAuthStore:
    """Each call is its own short transaction on the process's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def open(self, record: SessionRecord) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(t.auth_sessions).values(
                    sid=record.sid,
                    username=record.username,
                    kind=record.kind,
                    issued_at=record.issued_at,
                    expires_at=record.expires_at,
                    revoked_at=record.revoked_at,
                )
            )

    def get(self, sid: str) -> SessionRecord | None:
        with self.engine.connect() as conn:
            query = select(t.auth_sessions).where(t.auth_sessions.c.sid == sid)
            row = conn.execute(query).first()
        return _record(row) if row is not None else None

    def revoke(self, sid: str, at: datetime) -> None:
        sessions = t.auth_sessions
        with self.engine.begin() as conn:
            conn.execute(
                update(sessions)
                .where(sessions.c.sid == sid, sessions.c.revoked_at.is_(None))
                .values(revoked_at=at)
            )

    def revoke_user(self, username: str, at: datetime) -> int:
        sessions = t.auth_sessions
        with self.engine.begin() as conn:
            done = conn.execute(
                update(sessions)
                .where(sessions.c.username == username, sessions.c.revoked_at.is_(None))
                .values(revoked_at=at)
            )
        return int(done.rowcount)

    def failed(self, keys: Sequence[str], at: datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(t.login_failures), [{"key": key, "at": at} for key in keys])

    def failures(self, key: str, since: datetime) -> list[datetime]:
        failures = t.login_failures
        query = (
            select(failures.c.at)
            .where(failures.c.key == key, failures.c.at >= since)
            .order_by(failures.c.at)
        )
        with self.engine.connect() as conn:
            return [_utc(at) for (at,) in conn.execute(query)]

    def forget(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(t.login_failures).where(t.login_failures.c.key == key))

    def purge(self, before: datetime) -> None:
        sessions = t.auth_sessions
        with self.engine.begin() as conn:
            conn.execute(delete(t.login_failures).where(t.login_failures.c.at < before))
            ended = or_(sessions.c.expires_at < before, sessions.c.revoked_at < before)
            conn.execute(delete(sessions).where(ended))
