"""Sending a robot with a sample on board straight to its drop: after a restart (the load was
picked before it), or when staff re-route a task while it is carried."""

from __future__ import annotations

from samplehub.fleet.domain.dispatch import TaskKind, TransportTask
from samplehub.fleet.service.fleet import FleetManager
from samplehub.fleet.service.orders import load_params
from samplehub.fleet.service.robots import Leg, Purpose, RobotRecord

INTO_SLOT = frozenset({TaskKind.PUT_AWAY, TaskKind.RETURN, TaskKind.RELOCATION})


def to_the_drop(fleet: FleetManager, robot: RobotRecord, job: TransportTask, now: float) -> None:
    """The robot holds ``job``'s load: its only leg is the drop (any order it drives is
    cancelled and its reservations shrink to the node it stands on)."""
    if robot.order_id is not None:
        fleet.cancel_order(robot, now)
    if robot.node is not None and robot.serial in fleet.traffic.robots:
        fleet.traffic.place(robot.serial, robot.node)
    station = job.slot_address if job.kind in INTO_SLOT else job.destination
    robot.task, robot.purpose, robot.loaded = job, Purpose.TASK, True
    robot.legs = [Leg(job.destination, "drop", load_params(job, station))]
    robot.requested, robot.order_id, robot.route = False, None, []
    robot.note(now, f"{job.task_id}: {job.load_id} on board, on to {job.destination}")
