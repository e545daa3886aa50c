"""Transport tasks and the dispatch decision: which idle robot takes which open task.

Two policies sit side by side so that one can be measured against the other:

* ``greedy_assign``: first come, first served over the open tasks, each to the nearest idle
  robot (how openTCS's default dispatcher behaves).  It ignores priorities and deadlines.
* the optimal round: ``cost_matrix`` prices every (robot, task) pair by the driving time it
  takes (to the pick-up and on to the drop: under a backlog every task counts once, so short
  tasks first maximise throughput), battery use, priority, waiting time and deadline slack; an
  assignment solver (``scipy.optimize.linear_sum_assignment`` in the fleet's adapters) then
  minimises the sum.

Pairs the robot's battery cannot finish are priced ``INFEASIBLE`` and never assigned by either.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from samplehub.fleet.domain.battery import BatteryModel

INFEASIBLE = 1e12


class TaskKind(StrEnum):
    PUT_AWAY = "put_away"
    LAB_DELIVERY = "lab_delivery"
    RETURN = "return"
    STAGING = "staging"
    RELOCATION = "relocation"


#: Staging for a booked pickup outranks a lab delivery, which outranks returns and put-aways.
DEFAULT_PRIORITY: dict[TaskKind, int] = {
    TaskKind.STAGING: 3,
    TaskKind.LAB_DELIVERY: 2,
    TaskKind.RETURN: 1,
    TaskKind.PUT_AWAY: 1,
    TaskKind.RELOCATION: 0,
}


@dataclass(slots=True)
class TransportTask:
    """Move the sample ``load_id`` (its EPC) from ``source`` to ``destination`` node."""

    task_id: str
    kind: TaskKind
    load_id: str
    source: str
    destination: str
    created_at: float
    deadline: float | None = None
    priority: int = -1
    slot_address: str | None = None
    """The slot the sample goes into (put-away, return, relocation) or comes from."""
    source_slot: str | None = None
    """For a relocation, the slot it leaves."""

    def __post_init__(self) -> None:
        if self.priority < 0:
            self.priority = DEFAULT_PRIORITY[self.kind]


@dataclass(frozen=True, slots=True)
class RobotCandidate:
    """What the dispatcher needs of an idle robot."""

    serial: str
    node: str
    battery_pct: float
    speed: float


@dataclass(frozen=True, slots=True)
class CostWeights:
    """Seconds of driving each term is worth.

    The defaults were chosen on ``peak-hour.yaml`` (see the README): under a backlog every second
    of travel saved is throughput, and large urgency bonuses made robots chase long lab and
    staging trips so hard that fewer tasks got done *and* more became late.  Priorities
    therefore break near-ties, deadlines give a last-call bonus only when still achievable.
    """

    priority_s: float = 10.0
    """Seconds of travel one priority step is worth (staging 3, lab 2, put-away/return 1)."""
    urgency_s: float = 60.0
    """Bonus for an achievable deadline with zero slack, falling to 0 at ``horizon_s`` slack."""
    horizon_s: float = 300.0
    waiting_per_s: float = 0.002
    """Seconds of travel each second of waiting is worth: keeps old tasks from starving."""
    battery_s_per_pct: float = 2.0


DistanceFn = Callable[[str, str], float]


def task_metres(task: TransportTask, robot_node: str, distance: DistanceFn) -> tuple[float, float]:
    """(empty metres to the pick-up, loaded metres to the drop)."""
    return distance(robot_node, task.source), distance(task.source, task.destination)


def feasible(
    robot: RobotCandidate,
    task: TransportTask,
    distance: DistanceFn,
    battery: BatteryModel,
    to_charger: Callable[[str], float],
) -> bool:
    empty, loaded = task_metres(task, robot.node, distance)
    if math.isinf(empty) or math.isinf(loaded):
        return False
    return battery.can_finish(robot.battery_pct, empty + loaded, to_charger(task.destination))


def cost_matrix(
    robots: Sequence[RobotCandidate],
    tasks: Sequence[TransportTask],
    now: float,
    distance: DistanceFn,
    battery: BatteryModel,
    to_charger: Callable[[str], float],
    weights: CostWeights | None = None,
) -> list[list[float]]:
    """Cost of robot *i* taking task *j*; lower is better, ``INFEASIBLE`` when it must not.

    Everything that depends on the task alone is computed once per column, so a round with
    50 robots and 500 tasks stays a few milliseconds of plain Python.
    """
    w = weights or CostWeights()
    columns = []
    for task in tasks:
        loaded = distance(task.source, task.destination)
        bonus = w.priority_s * task.priority + w.waiting_per_s * (now - task.created_at)
        columns.append((task.source, loaded, to_charger(task.destination), bonus, task.deadline))
    rows: list[list[float]] = []
    reserve, drain = battery.reserve_pct, battery.drain_pct_per_m
    for robot in robots:
        row: list[float] = []
        budget_m = (robot.battery_pct - reserve) / drain
        speed = robot.speed
        for source, loaded, home, bonus, deadline in columns:
            empty = distance(robot.node, source)
            metres = empty + loaded
            if metres + home > budget_m or math.isinf(metres):
                row.append(INFEASIBLE)
                continue
            cost = metres / speed + w.battery_s_per_pct * metres * drain - bonus
            if deadline is not None:
                slack = deadline - now - metres / speed
                if slack >= 0.0:
                    cost -= w.urgency_s * max(0.0, min(1.0, 1.0 - slack / w.horizon_s))
            row.append(cost)
        rows.append(row)
    return rows


def pairs_from_solution(
    cost: Sequence[Sequence[float]], pairs: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Drop the pairs a solver had to fill with ``INFEASIBLE`` entries."""
    return [(r, t) for r, t in pairs if cost[r][t] < INFEASIBLE]


def greedy_assign(
    robots: Sequence[RobotCandidate],
    tasks: Sequence[TransportTask],
    distance: DistanceFn,
    battery: BatteryModel,
    to_charger: Callable[[str], float],
) -> list[tuple[int, int]]:
    """FCFS baseline: oldest task first, to the nearest idle robot that can finish it."""
    free = set(range(len(robots)))
    result: list[tuple[int, int]] = []
    order = sorted(range(len(tasks)), key=lambda j: (tasks[j].created_at, tasks[j].task_id))
    for j in order:
        if not free:
            break
        options = [i for i in free if feasible(robots[i], tasks[j], distance, battery, to_charger)]
        if not options:
            continue
        best = min(options, key=lambda i: (distance(robots[i].node, tasks[j].source), i))
        free.remove(best)
        result.append((best, j))
    return result


def fellow_travellers(
    task: TransportTask, waiting: Iterable[TransportTask], free_positions: int
) -> list[TransportTask]:
    """Waiting staging tasks that can ride with ``task``: the same pick-up and the same locker
    port, up to the robot's ``free_positions`` (most urgent, then oldest, first), so that a
    booking's samples reach the lockers on one trip. Other kinds travel alone."""
    if free_positions < 1 or task.kind is not TaskKind.STAGING:
        return []
    same = [
        t
        for t in waiting
        if t.kind is task.kind
        and t.task_id != task.task_id
        and (t.source, t.destination) == (task.source, task.destination)
    ]
    same.sort(key=lambda t: (-t.priority, t.created_at, t.task_id))
    return same[:free_positions]


def trips(
    waiting: Sequence[TransportTask], free_positions: int
) -> list[tuple[TransportTask, list[TransportTask]]]:
    """The waiting tasks grouped into trips before any robot is chosen: each task, most urgent
    then oldest first, leads a trip with its fellow travellers not on an earlier trip. The
    dispatcher then chooses a robot for each trip, so that a booking's samples go with the
    robot best placed for all of them, not with whichever robot one of them drew."""
    order = sorted(waiting, key=lambda t: (-t.priority, t.created_at, t.task_id))
    on_a_trip: set[str] = set()
    out: list[tuple[TransportTask, list[TransportTask]]] = []
    for task in order:
        if task.task_id in on_a_trip:
            continue
        left = (t for t in order if t.task_id not in on_a_trip)  # read only for kinds that share
        riders = fellow_travellers(task, left, free_positions)
        on_a_trip.update([task.task_id, *(r.task_id for r in riders)])
        out.append((task, riders))
    return out


def nearest_to_work(
    origin: str, free: Iterable[str], demand: Counter[str], distance: DistanceFn
) -> str | None:
    """Where an idle robot waits: the free node with the least drive there plus, on average, on
    from there to where recent tasks started (``demand`` counts pick-up nodes, each task's by
    its priority + 1), so that robots park where work appears rather than where they stopped
    (on a one-way loop the nearest spot can be a lap from every pick-up). Without demand: the
    nearest free node."""
    total = sum(demand.values())

    def cost(node: str) -> float:
        ahead = sum(n * distance(node, s) for s, n in demand.items()) / total if total else 0.0
        return distance(origin, node) + ahead

    return min(free, key=lambda node: (cost(node), node), default=None)
