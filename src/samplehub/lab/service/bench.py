"""Handlers of the lab's sample moves: a request to a bench, the arrival scan, the send-back.

A request to a bench makes a ``to_bench`` transport task to ``lab_bench:<bench>`` in the same
transaction; the sample stays in its slot until a carrier (a robot, or a person on /tasks) picks
it up. The task's reason names the bench and the requester, who is the sample's assignee at the
bench. Scanning the label or the RFID tag at the bench confirms the delivery: the task ends
``done`` (confirmed by ``scan``); a lab member who fetched the sample themselves is recorded as
its carrier on the way. Sending it back completes the service and makes a ``return`` task to
a slot storage chooses. Each is one transaction with its custody records.
"""

from __future__ import annotations

from samplehub.core.domain import permissions, reasons
from samplehub.core.domain.errors import Forbidden, InvalidValue, NotFound
from samplehub.core.domain.lifecycle import SampleState, Transition
from samplehub.core.domain.locations import Location, LocationKind
from samplehub.core.domain.model import Role, Sample
from samplehub.core.domain.transport import (
    ANY_SLOT,
    NEXT,
    Confirmation,
    TaskKind,
    TaskState,
    TransportTask,
)
from samplehub.core.service import transport
from samplehub.core.service.handlers import Context
from samplehub.core.service.ports import UnitOfWork
from samplehub.lab.service.commands import ConfirmArrival, RequestToBench, SendBack

RETURN_REASON = reasons.LAB_RETURN()
REQUEST_PRIORITY = 5  # a bench waits: ahead of routine put-aways


def request_reason(bench: str, username: str) -> str:
    return reasons.LAB_REQUEST(bench=bench, user=username)


def parse_request(reason: str | None) -> tuple[str, str] | None:
    """(bench, assignee) of a lab request's task reason, or None for any other reason."""
    match = reasons.LAB_REQUEST.pattern.fullmatch(reason or "")
    return (match["bench"], match["user"]) if match else None


def bench_task(uow: UnitOfWork, sample: Sample) -> TransportTask | None:
    """The sample's latest to-bench task, while the lab has it or it is on its way there."""
    if sample.state not in (SampleState.STORED, SampleState.IN_TRANSIT, SampleState.IN_LAB):
        return None
    for task in reversed(uow.tasks.for_sample(sample.number)):
        if task.kind is TaskKind.TO_BENCH:
            current = task.is_open or sample.state is SampleState.IN_LAB
            return task if current and task.state is not TaskState.CANCELLED else None
        if not task.is_open:  # a later move (the return) ended the bench's hold on it
            return None
    return None


def assignment(uow: UnitOfWork, sample: Sample) -> tuple[str | None, str | None]:
    """Bench and assignee of the sample's current lab request (none once it is stored again)."""
    task = bench_task(uow, sample)
    found = parse_request(task.reason) if task is not None else None
    return found if found is not None else (None, None)


def request_to_bench(cmd: RequestToBench, uow: UnitOfWork, ctx: Context) -> TransportTask:
    with uow:
        sample = stored_sample(uow, cmd.sample_number)
        if sample.state is not SampleState.STORED or sample.service_completed:
            raise InvalidValue(
                "sample",
                cmd.sample_number,
                "a stored sample waiting for its verification/calibration",
            )
        task = transport.request(
            uow, ctx.places, sample, TaskKind.TO_BENCH,
            Location(LocationKind.LAB_BENCH, cmd.bench), actor=cmd.actor.username,
            at=ctx.clock.now(), priority=REQUEST_PRIORITY,
            reason=request_reason(cmd.bench, cmd.actor.username),
        )  # fmt: skip
        uow.commit()
        return task


def confirm_arrival(cmd: ConfirmArrival, uow: UnitOfWork, ctx: Context) -> Sample:
    text = cmd.scanned.strip()
    if not text:
        raise InvalidValue("scan", cmd.scanned, "a sample number or an EPC (24 hex digits)")
    actor = cmd.actor.username
    with uow:
        sample = _resolve(uow, text)
        task = bench_task(uow, sample)
        if task is None or not task.is_open:
            raise InvalidValue(
                "scan", text, f"a sample requested to a bench; {sample.number} was not"
            )
        locked = uow.tasks.get(task.id)
        assert locked is not None
        _walk_to_done(uow, ctx, locked, sample, cmd.actor.role, actor, text)
        uow.commit()
        return sample


def _walk_to_done(
    uow: UnitOfWork,
    ctx: Context,
    task: TransportTask,
    sample: Sample,
    role: Role,
    actor: str,
    scanned: str,
) -> None:
    """The scan at the bench ends the task: the steps not yet reported are taken now, with the
    scanning person as the carrier when nobody else had it."""
    mine = f"staff:{actor}"
    if task.carrier not in (None, mine) and not task.picked_up:
        raise InvalidValue(
            "scan", scanned, f"a sample not assigned to another carrier ({task.carrier} has it)"
        )
    if task.state is TaskState.CARRYING and task.carrier != mine:
        raise InvalidValue("scan", scanned, f"a sample that has arrived ({task.carrier} has it)")
    if task.carrier is None and not permissions.may_carry_kind(role, task.kind.value):
        raise Forbidden(actor, "carry samples to the bench")
    now = ctx.clock.now()
    while task.state is not TaskState.DONE:
        to = NEXT[task.state]
        transport.step(
            uow, ctx.places, task, sample, to, actor=actor, at=now,
            carrier=mine if to is TaskState.ASSIGNED else None,
            confirmation=Confirmation.SCAN if to is TaskState.DONE else None,
        )  # fmt: skip


def send_back(cmd: SendBack, uow: UnitOfWork, ctx: Context) -> TransportTask:
    with uow:
        sample = stored_sample(uow, cmd.sample_number)
        now, actor = ctx.clock.now(), cmd.actor.username
        if sample.state is not SampleState.IN_LAB:
            raise InvalidValue("sample", cmd.sample_number, "a sample on a lab bench")
        transport.move(
            uow, ctx.places, sample, Transition.COMPLETE_SERVICE, None, actor=actor, at=now
        )
        task = transport.request(
            uow, ctx.places, sample, TaskKind.RETURN, ANY_SLOT, actor=actor, at=now,
            reason=RETURN_REASON,
        )  # fmt: skip
        uow.commit()
        return task


def stored_sample(uow: UnitOfWork, number: str) -> Sample:
    sample = uow.samples.get(number.strip().upper())
    if sample is None:
        raise NotFound("sample", number)
    return sample


def _resolve(uow: UnitOfWork, text: str) -> Sample:
    sample = transport.scanned_sample(uow, text)
    if sample is None:
        raise NotFound("sample with label or EPC", text)
    return sample
