"""Transport tasks inside a unit of work: made with the lifecycle step that needs the move,
advanced by whoever carries the sample, with the sample's own moves in the same transaction.

Slices call ``request`` from their handlers (lab request → to-bench, pickup staging →
to-locker …) so the step and its task commit together; carriers go through the commands in
``transport_handlers``.
"""

from __future__ import annotations

from datetime import datetime

from samplehub.core.domain import reasons
from samplehub.core.domain.epc import EpcError, Giai96, asset_reference_from_sample_no
from samplehub.core.domain.errors import InvalidValue, NotFound
from samplehub.core.domain.lifecycle import HoldReason, SampleState, Transition
from samplehub.core.domain.locations import Location, LocationKind
from samplehub.core.domain.model import Sample
from samplehub.core.domain.transport import (
    ANY_SLOT,
    Confirmation,
    TaskKind,
    TaskState,
    TransportTask,
)
from samplehub.core.service.ports import Places, UnitOfWork

ARRIVAL: dict[LocationKind, Transition] = {
    LocationKind.STORAGE_SLOT: Transition.STORE,
    LocationKind.LAB_BENCH: Transition.DELIVER_TO_LAB,
    LocationKind.LOCKER_COMPARTMENT: Transition.STAGE,
    LocationKind.COUNTER: Transition.STAGE,
}
"""The lifecycle step a sample takes on arriving at each kind of target."""


def request(
    uow: UnitOfWork,
    places: Places,
    sample: Sample,
    kind: TaskKind,
    target: Location,
    *,
    actor: str,
    at: datetime,
    priority: int = 0,
    deadline: datetime | None = None,
    reason: str | None = None,
) -> TransportTask:
    """Make the task that carries ``sample`` from where it is to ``target`` (``ANY_SLOT``: a
    slot storage chooses now); refused while the sample has another open task."""
    if target.kind not in ARRIVAL:
        allowed = ", ".join(k.value for k in ARRIVAL)
        raise InvalidValue("target.kind", target.kind.value, allowed)
    busy = [t.id for t in uow.tasks.for_sample(sample.number) if t.is_open]
    if busy:
        raise InvalidValue("sample", sample.number, f"no open transport task ({busy[0]} is)")
    estimate: dict[str, object] = {}
    if target == ANY_SLOT:
        target, estimate = places.choose_slot(uow, sample, sample.location, at)
    else:
        places.check(uow, target, "target")
    task = TransportTask.create(
        f"TT{uow.sequences.next('transport_task'):06d}", kind, sample.number,
        sample.order_number, sample.location, target, actor=actor, at=at, priority=priority,
        deadline=deadline, reason=reason, estimate=estimate,
    )  # fmt: skip
    uow.tasks.add(task)
    return task


def carrier_location(carrier: str) -> Location:
    """``staff:<username>`` for a person, else the robot's serial."""
    if carrier.startswith("staff:"):
        return Location.parse(carrier, "carrier")
    return Location(LocationKind.ROBOT, carrier)


def move(
    uow: UnitOfWork,
    places: Places,
    sample: Sample,
    transition: Transition,
    location: Location | None,
    *,
    actor: str,
    at: datetime,
    reason: str | None = None,
    hold_reason: HoldReason | None = None,
) -> None:
    """Apply one lifecycle step and keep storage occupancy in the same transaction."""
    before = sample.location
    if location is not None:
        places.check(uow, location, "location")
    sample.apply(
        transition, actor=actor, at=at, location=location, reason=reason, hold_reason=hold_reason
    )
    if sample.location != before:
        places.moved(uow, sample, before, sample.location)


def carry(
    uow: UnitOfWork, places: Places, task: TransportTask, sample: Sample, actor: str, at: datetime
) -> None:
    """The carrier has the sample: it leaves its source for the carrier."""
    assert task.carrier is not None
    if task.kind is TaskKind.BACK_TO_STORAGE and sample.state is SampleState.STAGED:
        transition, reason = Transition.EXPIRE_PICKUP, task.reason or "not collected"
    else:
        transition, reason = Transition.START_TRANSPORT, f"{task.kind.value} {task.id}"
    move(
        uow, places, sample, transition, carrier_location(task.carrier),
        actor=actor, at=at, reason=reason,
    )  # fmt: skip


def arrive(
    uow: UnitOfWork, places: Places, task: TransportTask, sample: Sample, actor: str, at: datetime
) -> None:
    """The sample is at the task's target: the lifecycle step of that kind of place."""
    move(
        uow, places, sample, ARRIVAL[task.target.kind], task.target,
        actor=actor, at=at, reason=reasons.ARRIVED(kind=task.kind.value, task=task.id),
    )  # fmt: skip


def step(
    uow: UnitOfWork,
    places: Places,
    task: TransportTask,
    sample: Sample,
    to: TaskState,
    *,
    actor: str,
    at: datetime,
    carrier: str | None = None,
    place: Location | None = None,
    confirmation: Confirmation | None = None,
) -> None:
    """One step of ``task`` and the sample's move it implies (picked up: onto the carrier;
    delivered: at ``place`` or the target, a slot chosen now for ``ANY_SLOT``)."""
    if place is not None:
        places.check(uow, place, "place")
    elif to is TaskState.DELIVERED and task.target == ANY_SLOT:
        place, _ = places.choose_slot(uow, sample, task.target, at)
    task.advance(to, actor=actor, at=at, carrier=carrier, confirmation=confirmation, target=place)
    if to is TaskState.CARRYING:
        carry(uow, places, task, sample, actor, at)
    elif to is TaskState.DELIVERED:
        arrive(uow, places, task, sample, actor, at)


def hold(
    uow: UnitOfWork, places: Places, sample: Sample, reason: str, actor: str, at: datetime
) -> None:
    """Put the sample of a failed task on hold for staff (unless it already is, or is gone)."""
    if Transition.HOLD in sample.allowed():
        hold_reason = HoldReason.MISSING if sample.location.kind is LocationKind.ROBOT else None
        move(
            uow, places, sample, Transition.HOLD, None, actor=actor, at=at, reason=reason,
            hold_reason=hold_reason or HoldReason.MISMATCH,
        )  # fmt: skip


def withdraw_open(uow: UnitOfWork, sample_number: str, why: str, actor: str, at: datetime) -> None:
    """A sample moved by hand: its open tasks cannot be carried out as planned any more.
    Tasks not yet picked up are cancelled, the others failed, each with ``why``."""
    for task in uow.tasks.for_sample(sample_number):
        if not task.is_open:
            continue
        locked = uow.tasks.get(task.id)
        assert locked is not None
        if locked.picked_up:
            locked.fail(why, actor=actor, at=at)
        else:
            locked.cancel(why, actor=actor, at=at)


def scanned_is(number: str, epc: str | None, text: str) -> bool:
    """Whether a scanned label (the sample number) or RFID tag (EPC hex) is that of sample
    ``number`` (whose EPC, when known, is ``epc``)."""
    text = text.strip().upper()
    if not text:
        return False
    if text in (number.upper(), (epc or "").upper()):
        return True
    try:
        tag = Giai96.from_hex(text)
        return asset_reference_from_sample_no(number) == tag.asset_reference
    except EpcError:
        return False


def scanned_sample(uow: UnitOfWork, text: str) -> Sample | None:
    """The sample a scan names: by its number, else by EPC among samples with open tasks."""
    found = uow.samples.get(text.strip().upper())
    if found is not None:
        return found
    for task in uow.tasks.open():
        sample = uow.samples.get(task.sample_number)
        if sample is not None and scanned_is(sample.number, sample.epc, text):
            return sample
    return None


def load(uow: UnitOfWork, task_id: str) -> tuple[TransportTask, Sample]:
    task = uow.tasks.get(task_id)
    if task is None:
        raise NotFound("transport task", task_id)
    sample = uow.samples.get(task.sample_number)
    if sample is None:  # a task names a sample of this database; only a broken row lacks one
        raise NotFound("sample", task.sample_number)
    return task, sample
