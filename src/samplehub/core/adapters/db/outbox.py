"""The notice outbox on the database: bodies sealed at rest, opened only for delivery."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from samplehub.core.adapters.db import tables as t
from samplehub.core.adapters.db.repositories import _utc
from samplehub.core.adapters.sealing import AesGcmSealer, SealError
from samplehub.core.domain.outbox import Backlog, OutboxMessage, OutboxStatus

O = t.notice_outbox  # noqa: E741 - the table, as in the other repositories


class SqlOutbox:
    """Implements ``OutboxRepository`` on the unit of work's connection."""

    def __init__(self, conn: Connection, sealer: AesGcmSealer) -> None:
        self.conn = conn
        self.sealer = sealer

    def _row(self, message: OutboxMessage) -> dict[str, Any]:
        body = None if message.body is None else self.sealer.seal(message.body, message.id)
        return {
            "id": message.id, "kind": message.kind, "channel": message.channel,
            "recipient": message.recipient, "subject": message.subject, "body": body,
            "key": message.key, "status": message.status.value, "attempts": message.attempts,
            "created_at": message.created_at, "next_attempt_at": message.next_attempt_at,
            "last_attempt_at": message.last_attempt_at, "last_error": message.last_error,
        }  # fmt: skip

    def _message(self, row: Any, opened: bool) -> OutboxMessage:
        body = None
        if opened and row.body is not None:
            try:
                body = self.sealer.open(row.body, row.id)
            except SealError:
                body = None  # sealed under another secret key: its delivery fails, logged
        return OutboxMessage(
            row.id, row.kind, row.channel, row.recipient, row.subject, body, row.key,
            _utc(row.created_at) or row.created_at, OutboxStatus(row.status), row.attempts,
            _utc(row.next_attempt_at), _utc(row.last_attempt_at), row.last_error,
        )  # fmt: skip

    def add(self, message: OutboxMessage) -> None:
        self.conn.execute(insert(O).values(**self._row(message)))

    def get(self, message_id: str) -> OutboxMessage | None:
        query = select(O).where(O.c.id == message_id)
        if self.conn.dialect.name == "postgresql":
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        return None if row is None else self._message(row, opened=True)

    def save(self, message: OutboxMessage) -> None:
        values = self._row(message)
        values.pop("id")
        self.conn.execute(update(O).where(O.c.id == message.id).values(**values))

    def due(self, now: datetime, limit: int = 50) -> list[OutboxMessage]:
        query = (
            select(O)
            .where(O.c.status == OutboxStatus.PENDING.value, O.c.next_attempt_at <= now)
            .order_by(O.c.created_at, O.c.id)
            .limit(limit)
        )
        return [self._message(row, opened=True) for row in self.conn.execute(query)]

    def recent(self, limit: int = 30) -> list[OutboxMessage]:
        query = select(O).order_by(O.c.created_at.desc(), O.c.id.desc()).limit(limit)
        return [self._message(row, opened=False) for row in self.conn.execute(query)]

    def backlog(self, failed_since: datetime) -> Backlog:
        pending = O.c.status == OutboxStatus.PENDING.value
        count = self.conn.execute(select(func.count()).where(pending)).scalar_one()
        oldest = self.conn.execute(
            select(O.c.created_at).where(pending).order_by(O.c.created_at).limit(1)
        ).scalar()  # the column, not min(): its type turns SQLite's text into a time
        given_up = (O.c.status == OutboxStatus.FAILED.value) & (
            O.c.last_attempt_at >= failed_since.astimezone(UTC)  # given up at its last attempt
        )
        failed = self.conn.execute(select(func.count()).where(given_up)).scalar_one()
        return Backlog(count, _utc(oldest) if oldest is not None else None, failed)
