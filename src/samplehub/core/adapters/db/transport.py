"""Transport tasks over SQLAlchemy Core, with the version checked on every write-back."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, case, insert, select, update

from samplehub.core.adapters.db import tables as t
from samplehub.core.adapters.db.repositories import _utc
from samplehub.core.domain.errors import Conflict
from samplehub.core.domain.locations import Location
from samplehub.core.domain.transport import (
    OPEN,
    Confirmation,
    TaskKind,
    TaskState,
    TransportTask,
)

C = t.transport_tasks.c


def _row(task: TransportTask) -> dict[str, Any]:
    return {
        "id": task.id, "kind": task.kind.value, "sample_number": task.sample_number,
        "order_number": task.order_number, "source": str(task.source),
        "target": str(task.target), "priority": task.priority, "deadline": task.deadline,
        "state": task.state.value, "carrier": task.carrier, "attempts": task.attempts,
        "reason": task.reason,
        "confirmation": task.confirmation.value if task.confirmation else None,
        "estimate": task.estimate, "created_at": task.created_at, "updated_at": task.updated_at,
    }  # fmt: skip


class SqlTasks:
    """Implements ``TransportTaskRepository``; tasks loaded join ``seen``, so their events are
    chained at commit, and changed ones are written back by ``flush``."""

    def __init__(self, conn: Connection, seen: list[Any]) -> None:
        self.conn = conn
        self.seen = seen
        self.loaded: dict[str, tuple[int, dict[str, Any], TransportTask]] = {}

    def add(self, task: TransportTask) -> None:
        task.version = 1
        row = _row(task)
        self.conn.execute(insert(t.transport_tasks).values(version=1, **row))
        self.loaded[task.id] = (1, row, task)
        self.seen.append(task)

    def _load(self, row: Any) -> TransportTask:
        if row.id in self.loaded:
            return self.loaded[row.id][2]
        task = TransportTask(
            id=row.id, kind=TaskKind(row.kind), sample_number=row.sample_number,
            order_number=row.order_number, source=Location.parse(row.source),
            target=Location.parse(row.target), priority=row.priority,
            deadline=_utc(row.deadline), state=TaskState(row.state),
            created_at=_utc(row.created_at) or row.created_at,
            updated_at=_utc(row.updated_at) or row.updated_at, carrier=row.carrier,
            attempts=row.attempts, reason=row.reason,
            confirmation=Confirmation(row.confirmation) if row.confirmation else None,
            estimate=dict(row.estimate or {}), version=row.version,
        )  # fmt: skip
        self.loaded[task.id] = (row.version, _row(task), task)
        self.seen.append(task)
        return task

    def get(self, task_id: str) -> TransportTask | None:
        row = self.conn.execute(select(t.transport_tasks).where(C.id == task_id)).first()
        return None if row is None else self._load(row)

    def open(self, limit: int = 500) -> list[TransportTask]:
        no_deadline = case((C.deadline.is_(None), 1), else_=0)
        rows = self.conn.execute(
            select(t.transport_tasks)
            .where(C.state.in_([s.value for s in OPEN]))
            .order_by(C.priority.desc(), no_deadline, C.deadline, C.created_at, C.id)
            .limit(limit)
        )
        return [self._load(r) for r in rows]

    def for_sample(self, sample_number: str) -> list[TransportTask]:
        rows = self.conn.execute(
            select(t.transport_tasks)
            .where(C.sample_number == sample_number)
            .order_by(C.created_at, C.id)
        )
        return [self._load(r) for r in rows]

    def recent(self, limit: int = 100) -> list[TransportTask]:
        rows = self.conn.execute(
            select(t.transport_tasks).order_by(C.updated_at.desc(), C.id.desc()).limit(limit)
        )
        return [self._load(r) for r in rows]

    def done_between(self, start: datetime, end: datetime) -> list[TransportTask]:
        rows = self.conn.execute(
            select(t.transport_tasks)
            .where(
                C.state == TaskState.DONE.value,
                C.updated_at >= start.astimezone(UTC),
                C.updated_at < end.astimezone(UTC),
            )
            .order_by(C.updated_at, C.id)
        )
        return [self._load(r) for r in rows]

    def flush(self) -> None:
        """Write back every loaded task that changed, refusing lost updates."""
        for task_id, (version, before, task) in list(self.loaded.items()):
            row = _row(task)
            if row == before:
                continue
            result = self.conn.execute(
                update(t.transport_tasks)
                .where(C.id == task_id, C.version == version)
                .values(version=version + 1, **row)
            )
            if result.rowcount != 1:
                raise Conflict(f"transport task {task_id}")
            task.version = version + 1
            self.loaded[task_id] = (version + 1, row, task)
