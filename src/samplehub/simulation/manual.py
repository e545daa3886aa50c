"""The manual baseline: people carrying the transport tasks on foot, with a trolley.

Each person claims the next open task as ``staff:<name>`` (as on /tasks), walks to the
pick-up at ``speed`` m/s along the site map's shortest path (every lane both ways: one-way lanes
are the robots' rule), picks (``handling_s``), walks to the drop, delivers and confirms by
scanning (a to-locker task is confirmed by its compartment); every step is the same
``AdvanceTask`` command a person's page sends, at the simulated time the walk ends. One task at
a time per person, except that the trolley takes a booking's samples to the lockers together
(as the robots' trays do): up to ``trolley`` to-locker tasks with the same pick-up and drop,
``handling_s`` for each sample at either end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from samplehub.core.domain.errors import DomainError
from samplehub.core.domain.locations import Location
from samplehub.core.domain.model import Role
from samplehub.core.domain.transport import TaskKind, TaskState, TransportTask
from samplehub.core.service.commands import Actor, AdvanceTask
from samplehub.core.service.ports import Places, UnitOfWork
from samplehub.fleet.domain.sitemap import SiteMap, on_foot
from samplehub.fleet.service.jobs import NODE_KINDS
from samplehub.simulation.clock import SimClock

S = TaskState


@dataclass
class _Walker:
    actor: Actor
    node: str
    tasks: list[str] = field(default_factory=list)
    phase: str = "idle"  # idle → to_pickup → to_drop
    busy_until: float = 0.0
    target_node: str = ""


class WalkingStaff:
    def __init__(
        self,
        names: tuple[str, ...],
        site: SiteMap,
        handle: Callable[[Any], Any],
        uow_factory: Callable[[], UnitOfWork],
        places: Places,
        clock: SimClock,
        *,
        speed: float = 1.2,
        handling_s: float = 30.0,
        trolley: int = 3,
    ) -> None:
        self.site, self.handle, self.uow_factory = on_foot(site), handle, uow_factory
        self.places, self.clock, self.speed, self.handling_s = places, clock, speed, handling_s
        self.trolley = trolley
        home = site.nodes_of_kind("parking") or list(site.nodes.values())
        self.walkers = [
            _Walker(Actor(name, Role.WAREHOUSE), home[i % len(home)].node_id)
            for i, name in enumerate(names)
        ]
        self.walked_m = 0.0

    def _node(self, uow: UnitOfWork, location: Location) -> str:
        known = self.places.node(uow, location)
        if known is not None:
            return known
        kind = NODE_KINDS.get(location.kind)
        nodes = [n.node_id for n in self.site.nodes_of_kind(kind)] if kind else []
        return location.code if location.code in self.site.nodes else nodes[0]

    def _walk(self, walker: _Walker, to: str) -> float:
        """Seconds to walk to ``to`` and handle each of the walker's samples there."""
        metres = self.site.distance(walker.node, to) if walker.node != to else 0.0
        self.walked_m += metres
        walker.node = to
        return metres / self.speed + self.handling_s * len(walker.tasks)

    def _step(self, walker: _Walker, task_id: str, to: TaskState, **extra: Any) -> None:
        self.handle(AdvanceTask(walker.actor, task_id, to.value, **extra))

    def _steps(self, walker: _Walker, task_id: str, *steps: TaskState, **extra: Any) -> bool:
        """The steps of one task; False if it was cancelled or taken by someone meanwhile
        (the walker lets it go and carries on with the rest)."""
        try:
            for to in steps:
                self._step(walker, task_id, to, **extra)
        except DomainError:
            return False
        return True

    def advance(self, _dt: float) -> None:
        now = self.clock.t
        for walker in self.walkers:
            if walker.busy_until > now:
                continue
            try:
                self._next(walker, now)
            except DomainError:  # cancelled or taken by someone else meanwhile: let it go
                walker.tasks, walker.phase = [], "idle"

    def _next(self, walker: _Walker, now: float) -> None:
        if not walker.tasks:
            self._claim(walker, now)
        elif walker.phase == "to_pickup":
            picked = [t for t in walker.tasks if self._steps(walker, t, S.PICKING, S.CARRYING)]
            walker.tasks, walker.phase = picked, "to_drop" if picked else "idle"
            if picked:
                walker.busy_until = now + self._walk(walker, walker.target_node)
        else:
            self._deliver(walker)

    def _claim(self, walker: _Walker, now: float) -> None:
        with self.uow_factory() as uow:
            waiting = [t for t in uow.tasks.open() if t.state is TaskState.CREATED]
            if not waiting:
                return
            waiting.sort(key=lambda t: (-t.priority, t.created_at, t.id))
            task: TransportTask = waiting[0]
            source, target = self._node(uow, task.source), self._node(uow, task.target)
            along = [
                t.id
                for t in waiting[1:]
                if task.kind is TaskKind.TO_LOCKER and t.kind is task.kind
                and (self._node(uow, t.source), self._node(uow, t.target)) == (source, target)
            ][: self.trolley - 1]  # fmt: skip
        carrier = f"staff:{walker.actor.username}"
        self._step(walker, task.id, S.ASSIGNED, carrier=carrier)
        riders = [t for t in along if self._steps(walker, t, S.ASSIGNED, carrier=carrier)]
        walker.tasks = [task.id, *riders]
        walker.phase, walker.target_node = "to_pickup", target
        walker.busy_until = now + self._walk(walker, source)

    def _deliver(self, walker: _Walker) -> None:
        for task_id in walker.tasks:
            with self.uow_factory() as uow:
                task = uow.tasks.get(task_id)
            if task is None or task.state is not S.CARRYING:
                continue
            delivered = self._steps(walker, task.id, S.DELIVERED)
            if delivered and task.kind is not TaskKind.TO_LOCKER:  # a compartment confirms those
                self._steps(walker, task.id, S.DONE, confirmation="scan")
        walker.tasks, walker.phase = [], "idle"
