"""A carrier that moves at once: takes a transport task through its steps in one go.

Stands in for a robot or a person in tests and quick demos. Every step is the same bus
command a real carrier sends (``AdvanceTask``), each its own transaction with custody records.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from samplehub.core.domain.model import Role
from samplehub.core.domain.transport import NEXT, TaskState
from samplehub.core.service.commands import Actor, AdvanceTask, Command
from samplehub.core.service.ports import UnitOfWork

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
