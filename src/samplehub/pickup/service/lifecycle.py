"""The sample lifecycle as the pickup handlers need it, inside their unit of work.

Staging and the way back are transport tasks made in the same transaction as the booking's
change (``core.service.transport``): the sample moves when its carrier picks it up. Collecting
is a transition applied with the booking's change, so a booking and its samples never
disagree. The machinery acts as ``system``; the reason names the pickup actor.
"""

from __future__ import annotations

from datetime import datetime

from samplehub.core.domain import reasons
from samplehub.core.domain.errors import NotFound
from samplehub.core.domain.lifecycle import SampleState, Transition
from samplehub.core.domain.locations import Location, LocationKind
from samplehub.core.domain.model import Sample
from samplehub.core.domain.transport import (
    ANY_SLOT,
    Confirmation,
    TaskKind,
    TaskState,
    TransportTask,
)
from samplehub.core.service import transport
from samplehub.core.service.commands import SYSTEM
from samplehub.core.service.ports import Places, UnitOfWork

CUSTOMER = Location(LocationKind.CUSTOMER, "customer")
STAGING_PRIORITY = 6  # a customer is booked: ahead of routine storage moves
RETURN_PRIORITY = 2


def staging_reason(booking_id: str) -> str:
    return f"pickup {booking_id}"


def staging_task(tasks: list[TransportTask]) -> TransportTask | None:
    """The staging task among a sample's tasks: its newest task (the last made: numbers are
    drawn in order), if that is a to-locker one. A sample is in one live booking at most, and
    any move after staging (the way back) is a newer task, so this is the live booking's."""
    newest = max(tasks, key=lambda t: (len(t.id), t.id), default=None)
    return newest if newest is not None and newest.kind is TaskKind.TO_LOCKER else None


def request_staging(
    uow: UnitOfWork,
    places: Places,
    number: str,
    location: Location,
    booking_id: str,
    deadline: datetime,
    at: datetime,
) -> TransportTask:
    return transport.request(
        uow, places, _sample(uow, number), TaskKind.TO_LOCKER, location, actor=SYSTEM.username,
        at=at, priority=STAGING_PRIORITY, deadline=deadline, reason=staging_reason(booking_id),
    )  # fmt: skip


def collect(uow: UnitOfWork, number: str, by: str, at: datetime) -> None:
    _sample(uow, number).apply(
        Transition.COLLECT,
        actor=SYSTEM.username,
        at=at,
        location=CUSTOMER,
        reason=reasons.COLLECTED(by=by),
    )


def send_back(
    uow: UnitOfWork, places: Places, numbers: list[str], why: str, at: datetime
) -> list[str]:
    """The booking ended early (cancelled, not collected): its samples go back to storage.

    A sample already staged gets a back-to-storage task (it moves when a carrier picks it
    up); a to-locker task not yet picked up is cancelled; one on its way is re-routed to a
    storage slot. Returns the samples that got a back-to-storage task.
    """
    returned = []
    for number in numbers:
        sample = _sample(uow, number)
        found = staging_task(uow.tasks.for_sample(number))
        task = uow.tasks.get(found.id) if found is not None and found.is_open else None
        if task is not None and not task.picked_up:
            task.cancel(why, actor=SYSTEM.username, at=at)
            continue
        if task is not None and task.state is TaskState.CARRYING:
            slot, _ = places.choose_slot(uow, sample, task.target, at)
            task.reroute(slot, why, actor=SYSTEM.username, at=at)
            continue
        if task is not None:  # delivered, not confirmed: it is in the compartment all the same
            transport.step(
                uow, places, task, sample, TaskState.DONE, actor=SYSTEM.username, at=at,
                confirmation=Confirmation.NONE,
            )  # fmt: skip
        if sample.state is SampleState.STAGED:
            transport.request(
                uow, places, sample, TaskKind.BACK_TO_STORAGE, ANY_SLOT, actor=SYSTEM.username,
                at=at, priority=RETURN_PRIORITY, reason=why,
            )  # fmt: skip
            returned.append(number)
    return returned


def _sample(uow: UnitOfWork, number: str) -> Sample:
    sample = uow.samples.get(number)
    if sample is None:
        raise NotFound("sample", number)
    return sample
