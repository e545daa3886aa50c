"""Read side of transport tasks for staff: the open pick list, late and failed tasks, counts by
kind and carrier (the /tasks page and ``GET /api/tasks``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from samplehub.core.domain import permissions
from samplehub.core.domain.errors import Forbidden, InvalidValue, NotFound
from samplehub.core.domain.flow import Wait
from samplehub.core.domain.transport import TaskKind, TaskState, TransportTask
from samplehub.core.service.commands import Actor
from samplehub.core.service.ports import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
LIMIT = 500
FAILED_LIMIT = 50
NOBODY = "-"  # the carrier column of a task nobody has claimed


@dataclass(frozen=True)
class TaskRow:
    task: TransportTask
    instrument: str  # what the sample is, for the person fetching it
    late: bool
    may_carry: bool  # whether the viewer may carry it (lab staff: to and from benches only)


@dataclass
class TaskBoard:
    open: list[TaskRow] = field(default_factory=list)
    late: list[TaskRow] = field(default_factory=list)
    failed: list[TaskRow] = field(default_factory=list)
    by_kind: dict[str, int] = field(default_factory=dict)  # open tasks per kind
    by_carrier: dict[str, int] = field(default_factory=dict)  # open tasks per carrier


def check(actor: Actor) -> None:
    if not permissions.may_see_tasks(actor.role):
        raise Forbidden(actor.username, "see transport tasks")


def _row(uow: UnitOfWork, actor: Actor, task: TransportTask, now: datetime) -> TaskRow:
    sample = uow.samples.get(task.sample_number)
    instrument = ""
    if sample is not None:
        parts = (sample.instrument.instrument_type, sample.instrument.model)
        instrument = " ".join(p for p in parts if p)
    may = permissions.may_carry_kind(actor.role, task.kind.value)
    return TaskRow(task, instrument, task.late(now), may)


def board(
    uow_factory: UowFactory,
    actor: Actor,
    now: datetime,
    kind: str | None = None,
    carrier: str | None = None,
) -> TaskBoard:
    """Open tasks, most urgent first (optionally of one ``kind`` or ``carrier``; ``-``: nobody
    yet), those past their deadline, and the latest failed ones."""
    check(actor)
    if kind and kind not in set(TaskKind):
        raise InvalidValue("kind", kind, ", ".join(k.value for k in TaskKind))
    found = TaskBoard()
    with uow_factory() as uow:
        every = uow.tasks.open(LIMIT)
        found.by_kind = dict(Counter(t.kind.value for t in every))
        found.by_carrier = dict(Counter(t.carrier or NOBODY for t in every))
        for task in every:
            if (kind and task.kind.value != kind) or (
                carrier and (task.carrier or NOBODY) != carrier
            ):
                continue
            row = _row(uow, actor, task, now)
            found.open.append(row)
            if row.late:
                found.late.append(row)
        failed = [t for t in uow.tasks.recent(LIMIT) if t.state is TaskState.FAILED]
        found.failed = [_row(uow, actor, t, now) for t in failed[:FAILED_LIMIT]]
    return found


def task(uow_factory: UowFactory, actor: Actor, task_id: str, now: datetime) -> TaskRow:
    check(actor)
    with uow_factory() as uow:
        found = uow.tasks.get(task_id)
        if found is None:
            raise NotFound("transport task", task_id)
        return _row(uow, actor, found, now)


FLOW_KINDS = {TaskKind.PUT_AWAY: "put_away", TaskKind.TO_BENCH: "to_bench"}
"""The task kinds whose time from created to done is a flow figure (``core/domain/flow.py``)."""


def waits(uow_factory: UowFactory, actor: Actor, start: datetime, end: datetime) -> list[Wait]:
    """The put-away and to-bench waits that ended from ``start`` (included) to ``end``."""
    check(actor)
    with uow_factory() as uow:
        done = uow.tasks.done_between(start, end)
    return [
        Wait(FLOW_KINDS[t.kind], t.created_at, t.updated_at) for t in done if t.kind in FLOW_KINDS
    ]
