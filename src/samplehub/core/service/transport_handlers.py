"""Handlers of the transport commands: each step of a task and the sample's move it implies
commit in one transaction, with their custody records."""

from __future__ import annotations

import enum
from typing import TypeVar

from samplehub.core.domain import permissions, reasons
from samplehub.core.domain.errors import Forbidden, InvalidValue, NotFound
from samplehub.core.domain.locations import Location
from samplehub.core.domain.messages import message_id
from samplehub.core.domain.transport import ANY_SLOT, Confirmation, TaskKind, TaskState
from samplehub.core.service import commands as c
from samplehub.core.service import transport
from samplehub.core.service.handlers import Context, Handler
from samplehub.core.service.ports import UnitOfWork

E = TypeVar("E", bound=enum.StrEnum)
TRANSPORT_FAILED = message_id("core.alert_transport_failed")


def _enum(kind: type[E], field: str, value: str) -> E:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(v.value for v in kind)
        raise InvalidValue(field, value, allowed) from None


def _may_carry(actor: c.Actor) -> None:
    if not permissions.may_carry(actor.role):
        raise Forbidden(actor.username, "carry samples")


def request_transport(cmd: c.RequestTransport, uow: UnitOfWork, ctx: Context) -> str:
    kind = _enum(TaskKind, "kind", cmd.kind)
    target = Location.parse(cmd.target, "target")
    if not permissions.may_request_transport(cmd.actor.role):
        raise Forbidden(cmd.actor.username, "request transport")
    with uow:
        sample = uow.samples.get(cmd.sample_number)
        if sample is None:
            raise NotFound("sample", cmd.sample_number)
        task = transport.request(
            uow, ctx.places, sample, kind, target, actor=cmd.actor.username,
            at=ctx.clock.now(), priority=cmd.priority, deadline=cmd.deadline, reason=cmd.reason,
        )  # fmt: skip
        uow.commit()
        return task.id


def advance_task(cmd: c.AdvanceTask, uow: UnitOfWork, ctx: Context) -> str:
    to = _enum(TaskState, "to", cmd.to)
    confirmation = _enum(Confirmation, "confirmation", cmd.confirmation or "none")
    now, actor = ctx.clock.now(), cmd.actor.username
    place = Location.parse(cmd.place, "place") if cmd.place else None
    with uow:
        task, sample = transport.load(uow, cmd.task_id)
        if not permissions.may_carry_kind(cmd.actor.role, task.kind.value):  # before any step
            raise Forbidden(cmd.actor.username, f"carry {task.kind.value} tasks")
        transport.step(
            uow, ctx.places, task, sample, to, actor=actor, at=now, carrier=cmd.carrier,
            place=place, confirmation=confirmation,
        )  # fmt: skip
        uow.commit()
        return task.state.value


def release_task(cmd: c.ReleaseTask, uow: UnitOfWork, ctx: Context) -> str:
    _may_carry(cmd.actor)
    now, actor = ctx.clock.now(), cmd.actor.username
    with uow:
        task, sample = transport.load(uow, cmd.task_id)
        mine = task.carrier == f"staff:{actor}"
        if not (mine or permissions.may_manage_tasks(cmd.actor.role)):
            raise Forbidden(actor, f"release a task carried by {task.carrier}")
        if task.release(cmd.reason, actor=actor, at=now):
            transport.hold(uow, ctx.places, sample, task.reason or cmd.reason, actor, now)
            _alert_failed(uow, ctx, task.id, sample.number, task.reason or cmd.reason)
        uow.commit()
        return task.state.value


def fail_task(cmd: c.FailTask, uow: UnitOfWork, ctx: Context) -> str:
    _may_carry(cmd.actor)
    now, actor = ctx.clock.now(), cmd.actor.username
    with uow:
        task, sample = transport.load(uow, cmd.task_id)
        task.fail(cmd.reason, actor=actor, at=now)
        held = reasons.FOR_TASK(task=task.id, reason=task.reason)
        transport.hold(uow, ctx.places, sample, held, actor, now)
        _alert_failed(uow, ctx, task.id, sample.number, task.reason or cmd.reason)
        uow.commit()
        return task.state.value


def _alert_failed(uow: UnitOfWork, ctx: Context, task: str, sample: str, reason: str) -> None:
    """Staff are told in the transaction that fails the task and holds the sample."""
    details = {"task": task, "sample": sample, "reason": reasons.reading(reason) or reason}
    ctx.alerts.alert(uow, "transport_failed", TRANSPORT_FAILED, details, ctx.clock.now())


def alert_staff(cmd: c.AlertStaff, uow: UnitOfWork, ctx: Context) -> int:
    """The fleet's word to the staff recipients, through the outbox; how many were told."""
    _may_carry(cmd.actor)
    with uow:
        told = ctx.alerts.alert(uow, cmd.kind, cmd.message, dict(cmd.details), ctx.clock.now())
        uow.commit()
        return len(told)


def cancel_task(cmd: c.CancelTask, uow: UnitOfWork, ctx: Context) -> str:
    if not permissions.may_manage_tasks(cmd.actor.role):
        raise Forbidden(cmd.actor.username, "cancel transport tasks")
    with uow:
        task, _ = transport.load(uow, cmd.task_id)
        task.cancel(cmd.reason, actor=cmd.actor.username, at=ctx.clock.now())
        uow.commit()
        return task.state.value


def reroute_task(cmd: c.RerouteTask, uow: UnitOfWork, ctx: Context) -> str:
    if not permissions.may_manage_tasks(cmd.actor.role):
        raise Forbidden(cmd.actor.username, "re-route transport tasks")
    target = Location.parse(cmd.target, "target")
    now = ctx.clock.now()
    with uow:
        task, sample = transport.load(uow, cmd.task_id)
        if target == ANY_SLOT:
            target, _ = ctx.places.choose_slot(uow, sample, task.target, now)
        else:
            ctx.places.check(uow, target, "target")
        task.reroute(target, cmd.reason, actor=cmd.actor.username, at=now)
        uow.commit()
        return str(task.target)


TRANSPORT_HANDLERS: dict[type[c.Command], Handler] = {
    c.RequestTransport: request_transport,
    c.AdvanceTask: advance_task,
    c.ReleaseTask: release_task,
    c.FailTask: fail_task,
    c.AlertStaff: alert_staff,
    c.CancelTask: cancel_task,
    c.RerouteTask: reroute_task,
}
