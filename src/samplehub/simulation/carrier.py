"""A carrier that moves at once: takes a transport task through its steps in one go.

Stands in for a robot or a person in tests and quick demos. Every step is the same bus
command a real carrier sends (``AdvanceTask``), each its own transaction with custody records.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from samplehub.core.domain.locations import Location
from samplehub.core.domain.model import Role
from samplehub.core.domain.transport import NEXT, TaskState, TransportTask
from samplehub.core.service.commands import Actor, AdvanceTask, Command
from samplehub.core.service.ports import UnitOfWork
from samplehub.pickup.service import bookings as pickup
from samplehub.pickup.service.deps import PickupDeps
from samplehub.pickup.service.ports import SampleLoader

FLEET = Actor("fleet", Role.WAREHOUSE)


class InstantCarrier:
    def __init__(
        self,
        handle: Callable[[Command], Any],
        uow_factory: Callable[[], UnitOfWork],
        serial: str = "AMR-01",
        actor: Actor = FLEET,
    ) -> None:
        self.handle = handle
        self.uow_factory = uow_factory
        self.serial = serial
        self.actor = actor

    def tasks(self, sample_number: str) -> list[TransportTask]:
        with self.uow_factory() as uow:
            return uow.tasks.for_sample(sample_number)

    def task_of(self, sample_number: str) -> str:
        """The sample's open task."""
        with self.uow_factory() as uow:
            open_ = [t.id for t in uow.tasks.for_sample(sample_number) if t.is_open]
        if not open_:
            raise LookupError(f"sample {sample_number} has no open transport task")
        return open_[-1]

    def carry(
        self,
        task_id: str,
        upto: TaskState = TaskState.DONE,
        place: str | None = None,
        confirmation: str = "rfid",
    ) -> None:
        """Advance the task step by step until it is in ``upto``; ``place``: where it is
        delivered (a slot for a ``storage_slot:*`` target)."""
        with self.uow_factory() as uow:
            task = uow.tasks.get(task_id)
            state = task.state if task is not None else TaskState.DONE
        while state is not upto and state in NEXT:
            state = NEXT[state]
            self.handle(
                AdvanceTask(
                    self.actor, task_id, state.value,
                    carrier=self.serial if state is TaskState.ASSIGNED else None,
                    place=place if state is TaskState.DELIVERED else None,
                    confirmation=confirmation if state is TaskState.DONE else None,
                )
            )  # fmt: skip

    def carry_sample(
        self, sample_number: str, upto: TaskState = TaskState.DONE, place: str | None = None
    ) -> str:
        task_id = self.task_of(sample_number)
        self.carry(task_id, upto, place)
        return task_id


def stage_at_once(
    deps: PickupDeps, loader: SampleLoader, booking_id: str, carrier: InstantCarrier
) -> dict[str, Location]:
    """Stage a booking as a robot would, without waiting: its to-locker tasks made, carried to
    the port (the compartment opened on the way), delivered, loaded and confirmed. Returns
    where each sample was placed."""
    pickup.request_staging(deps, booking_id)
    booking = deps.bookings.get(booking_id)
    assert booking is not None
    waiting = sorted(s for s in booking.sizes if s not in booking.placements)
    placed: dict[str, Location] = {}
    for upto in (TaskState.CARRYING, TaskState.DELIVERED):
        for sample in waiting:
            carrier.carry_sample(sample, upto)
        placed |= pickup.follow_staging(deps, loader, booking_id)
    return placed
