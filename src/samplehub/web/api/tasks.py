"""Transport tasks (搬运任务) for staff: the pick list, and a person carrying a task by hand.

Who may use it (``x-roles`` on each operation): the warehouse, lab staff (they carry to and
from their benches only) and admins read and carry; the warehouse and admins cancel and
re-route, with a reason. Kiosks and customers never. Robots report through the fleet, with the
same records and custody.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from samplehub.core.domain import reasons
from samplehub.core.domain.permissions import Action
from samplehub.core.service import commands as c
from samplehub.core.service import task_queries
from samplehub.core.service.task_queries import TaskRow
from samplehub.web.access import allow
from samplehub.web.api.deps import CurrentActor, ServicesDep
from samplehub.web.api.schemas import Strict

router = APIRouter(prefix="/tasks", tags=["tasks"], dependencies=[allow(Action.TASKS_SEE)])
READERS = {"x-roles": ["warehouse", "lab", "approver", "admin"]}
MANAGERS = {"x-roles": ["warehouse", "admin"]}


class TaskOut(BaseModel):
    id: str
    kind: str
    state: str
    sample_number: str
    order_number: str
    instrument: str
    source: str
    target: str = Field(description="Where it goes; storage_slot:* until a slot is named")
    priority: int
    deadline: datetime | None
    late: bool
    carrier: str | None = Field(description="Robot serial or staff:<username>")
    attempts: int
    reason: str | None
    confirmation: str | None = Field(description="rfid, scan, presence_only or none, once done")
    created_at: datetime
    updated_at: datetime
    may_carry: bool = Field(description="Whether the caller may carry this task")

    @classmethod
    def of(cls, row: TaskRow) -> TaskOut:
        t = row.task
        return cls(
            id=t.id, kind=t.kind.value, state=t.state.value, sample_number=t.sample_number,
            order_number=t.order_number, instrument=row.instrument, source=str(t.source),
            target=str(t.target), priority=t.priority, deadline=t.deadline, late=row.late,
            carrier=t.carrier, attempts=t.attempts, reason=t.reason,
            confirmation=t.confirmation.value if t.confirmation else None,
            created_at=t.created_at, updated_at=t.updated_at, may_carry=row.may_carry,
        )  # fmt: skip


class BoardOut(BaseModel):
    open: list[TaskOut]
    late: list[TaskOut]
    failed: list[TaskOut]
    by_kind: dict[str, int]
    by_carrier: dict[str, int] = Field(description="Open tasks per carrier ('-': unclaimed)")


class Step(enum.StrEnum):
    CLAIM = "claim"
    PICK_UP = "pick_up"
    DELIVER = "deliver"
    RELEASE = "release"


class AdvanceIn(Strict):
    action: Step = Field(
        description="claim (assign it to me), pick_up (scan at the source), deliver (scan at "
        "the target, and the slot for a storage task), release (give it back unpicked)"
    )
    scan: str = Field("", max_length=64, description="Sample number or RFID tag EPC (hex)")
    place: str = Field("", max_length=80, description="Storage slot the sample was put in")
    reason: str = Field("", max_length=200, description="Why, when releasing")


class CancelIn(Strict):
    reason: str = Field(min_length=1, max_length=200)


class RerouteIn(Strict):
    target: str = Field(description="kind:code, e.g. storage_slot:A-01-1-07 or lab_bench:P-02")
    reason: str = Field(min_length=1, max_length=200)


def command_for(actor: c.Actor, task_id: str, body: AdvanceIn) -> c.Command:
    """The bus command of one manual step."""
    if body.action is Step.CLAIM:
        return c.AdvanceTask(actor, task_id, "assigned", carrier=f"staff:{actor.username}")
    if body.action is Step.PICK_UP:
        return c.ScanPickUp(actor, task_id, body.scan)
    if body.action is Step.DELIVER:
        return c.ScanDelivery(actor, task_id, body.scan, body.place or None)
    return c.ReleaseTask(actor, task_id, body.reason or reasons.RELEASED_BY(user=actor.username))


@router.get(
    "", response_model=BoardOut, summary="Open, late and failed tasks", openapi_extra=READERS
)
def board(
    actor: CurrentActor, services: ServicesDep, kind: str = "", carrier: str = ""
) -> BoardOut:
    found = task_queries.board(
        services.uow_factory, actor, services.clock.now(), kind or None, carrier or None
    )
    return BoardOut(
        open=[TaskOut.of(r) for r in found.open],
        late=[TaskOut.of(r) for r in found.late],
        failed=[TaskOut.of(r) for r in found.failed],
        by_kind=found.by_kind,
        by_carrier=found.by_carrier,
    )


@router.get("/{task_id}", response_model=TaskOut, summary="One task", openapi_extra=READERS)
def one(task_id: str, actor: CurrentActor, services: ServicesDep) -> TaskOut:
    return TaskOut.of(task_queries.task(services.uow_factory, actor, task_id, services.clock.now()))


def _after(services: Any, actor: c.Actor, task_id: str) -> TaskOut:
    return TaskOut.of(task_queries.task(services.uow_factory, actor, task_id, services.clock.now()))


@router.post(
    "/{task_id}/advance", response_model=TaskOut, summary="Carry by hand", openapi_extra=READERS
)
def advance(task_id: str, body: AdvanceIn, actor: CurrentActor, services: ServicesDep) -> TaskOut:
    task_queries.check(actor)
    services.bus.handle(command_for(actor, task_id, body))
    return _after(services, actor, task_id)


@router.post("/{task_id}/cancel", response_model=TaskOut, summary="Cancel", openapi_extra=MANAGERS)
def cancel(task_id: str, body: CancelIn, actor: CurrentActor, services: ServicesDep) -> TaskOut:
    services.bus.handle(c.CancelTask(actor, task_id, body.reason))
    return _after(services, actor, task_id)


@router.post(
    "/{task_id}/reroute", response_model=TaskOut, summary="Re-route", openapi_extra=MANAGERS
)
def reroute(task_id: str, body: RerouteIn, actor: CurrentActor, services: ServicesDep) -> TaskOut:
    services.bus.handle(c.RerouteTask(actor, task_id, body.target, body.reason))
    return _after(services, actor, task_id)
