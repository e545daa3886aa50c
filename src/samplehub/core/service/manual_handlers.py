"""Manual mode: a person carries a transport task, confirming each end by scanning.

The same task records and custody as a robot's (``transport.step``); the scan is checked
against the task's sample in the transaction that takes the step, so a wrong label changes
nothing. A person is the carrier ``staff:<username>``.
"""

from __future__ import annotations

from samplehub.core.domain import permissions
from samplehub.core.domain.errors import Forbidden, InvalidValue
from samplehub.core.domain.locations import Location, LocationKind
from samplehub.core.domain.messages import Message
from samplehub.core.domain.model import Sample
from samplehub.core.domain.transport import NEXT, Confirmation, TaskState, TransportTask
from samplehub.core.service import commands as c
from samplehub.core.service import transport
from samplehub.core.service.handlers import Context, Handler
from samplehub.core.service.ports import UnitOfWork


def person(actor: c.Actor) -> str:
    return f"staff:{actor.username}"


def _check_scan(sample: Sample, scanned: str) -> None:
    if not transport.scanned_is(sample.number, sample.epc, scanned):
        raise InvalidValue(
            "scan",
            scanned.strip(),
            f"the label or tag of sample {sample.number} (wrong sample)",
            Message("core.allowed_scan_of_sample", {"sample": sample.number}),
        )


def _mine(task: TransportTask, actor: c.Actor) -> None:
    if task.carrier not in (None, person(actor)):
        raise InvalidValue("task", task.id, f"a task not carried by {task.carrier}")
    if not permissions.may_carry_kind(actor.role, task.kind.value):
        raise Forbidden(actor.username, f"carry {task.kind.value} tasks")


def _walk(
    uow: UnitOfWork, ctx: Context, task: TransportTask, sample: Sample, upto: TaskState,
    actor: c.Actor, place: Location | None = None,
) -> None:  # fmt: skip
    now = ctx.clock.now()
    while task.state is not upto:
        to = NEXT[task.state]
        transport.step(
            uow, ctx.places, task, sample, to, actor=actor.username, at=now,
            carrier=person(actor) if to is TaskState.ASSIGNED else None,
            place=place if to is TaskState.DELIVERED else None,
            confirmation=Confirmation.SCAN if to is TaskState.DONE else None,
        )  # fmt: skip


def scan_pick_up(cmd: c.ScanPickUp, uow: UnitOfWork, ctx: Context) -> str:
    with uow:
        task, sample = transport.load(uow, cmd.task_id)
        _mine(task, cmd.actor)
        if task.state not in (TaskState.CREATED, TaskState.ASSIGNED, TaskState.PICKING):
            raise InvalidValue(
                f"task {task.id}.state", task.state.value, "created, assigned or picking to pick up"
            )
        _check_scan(sample, cmd.scanned)
        _walk(uow, ctx, task, sample, TaskState.CARRYING, cmd.actor)
        uow.commit()
        return task.state.value


def _place(task: TransportTask, text: str | None) -> Location | None:
    """The slot a person typed or scanned (``A-01-1-07`` or ``storage_slot:A-01-1-07``)."""
    text = (text or "").strip()
    if not text:
        if task.target.code == "*":
            slot = Message("core.allowed_slot_put_in")
            raise InvalidValue("place", text, "the storage slot the sample was put in", slot)
        return None
    if task.target.kind is not LocationKind.STORAGE_SLOT:
        raise InvalidValue("place", text, f"nothing: the task goes to {task.target}")
    if ":" not in text:
        text = f"{LocationKind.STORAGE_SLOT.value}:{text}"
    return Location.parse(text, "place")


def scan_delivery(cmd: c.ScanDelivery, uow: UnitOfWork, ctx: Context) -> str:
    with uow:
        task, sample = transport.load(uow, cmd.task_id)
        _mine(task, cmd.actor)
        if task.state is not TaskState.CARRYING or task.carrier != person(cmd.actor):
            raise InvalidValue(
                f"task {task.id}.state", task.state.value, f"carrying by {person(cmd.actor)}"
            )
        _check_scan(sample, cmd.scanned)
        place = _place(task, cmd.place)
        # a compartment confirms the sample itself (its reader), once its door is shut
        locker = task.target.kind is LocationKind.LOCKER_COMPARTMENT
        upto = TaskState.DELIVERED if locker else TaskState.DONE
        _walk(uow, ctx, task, sample, upto, cmd.actor, place)
        uow.commit()
        return task.state.value


MANUAL_HANDLERS: dict[type[c.Command], Handler] = {
    c.ScanPickUp: scan_pick_up,
    c.ScanDelivery: scan_delivery,
}
