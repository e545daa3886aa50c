"""Changing a robot's trip under way: sending it with its samples on board straight to their
drops (after a restart, the loads were picked before it; or when staff re-route a task while it
is carried), taking a task off a trip, or the whole trip."""

from __future__ import annotations

from collections.abc import Sequence

from samplehub.core.domain import reasons
from samplehub.fleet.domain.dispatch import TransportTask
from samplehub.fleet.service import notes
from samplehub.fleet.service.fleet import FleetManager
from samplehub.fleet.service.orders import drop_leg
from samplehub.fleet.service.robots import Purpose, RobotRecord


def to_the_drop(
    fleet: FleetManager, robot: RobotRecord, jobs: Sequence[TransportTask], now: float
) -> None:
    """The robot holds ``jobs``' loads: its only legs are their drops (any order it drives is
    cancelled, and the drops start where it stops)."""
    fleet.halt(robot, now)
    first, *riders = jobs
    robot.task, robot.riders, robot.purpose = first, riders, Purpose.TASK
    robot.aboard = {job.task_id for job in jobs}
    robot.legs = [drop_leg(job) for job in jobs]
    for job in jobs:
        robot.note(now, notes.ON_BOARD(task=job.task_id, sample=job.load_id, place=job.destination))


def drop_rider(fleet: FleetManager, robot: RobotRecord, task_id: str, now: float) -> None:
    """Take one task not picked yet off a trip: the robot goes on with the rest on a fresh
    order (the one it drives may already name the rider's pick)."""
    fleet.halt(robot, now)
    robot.riders = [t for t in robot.riders if t.task_id != task_id]
    robot.legs = [leg for leg in robot.legs if leg.task is None or leg.task.task_id != task_id]
    for leg in robot.legs:
        leg.action_id = None
    fleet.open_tasks.pop(task_id, None)


def drop_trip(fleet: FleetManager, robot: RobotRecord, now: float) -> None:
    """Its first task was withdrawn (nothing is on board yet): the robot's order is cancelled,
    the rest of the trip goes back to the fleet's queue."""
    assert robot.task is not None
    task_id = robot.task.task_id
    fleet.halt(robot, now)
    fleet.abandon(robot, now, reasons.TASK_WITHDRAWN(task=task_id))
    fleet.open_tasks.pop(task_id, None)


def by_robot(tasks: dict[str, str]) -> dict[str, list[str]]:
    """Task → robot, turned into robot → its tasks (in the order they were taken on)."""
    out: dict[str, list[str]] = {}
    for task_id, serial in tasks.items():
        out.setdefault(serial, []).append(task_id)
    return out
