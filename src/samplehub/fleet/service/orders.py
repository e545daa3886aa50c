"""Builds the VDA 5050 orders and instant actions the fleet manager sends to one robot.

An order covers one purpose (a transport task, a trip to a charger or to parking).  Each leg is
released as its traffic grant arrives: the first grant starts a new ``orderId`` with
``orderUpdateId`` 0; each further leg is an order *update* (same ``orderId``, ``orderUpdateId``
+ 1) whose first node is the last node of the previous base with the same ``sequenceId`` (the
stitching node).  The next leg beyond the granted one travels along as the unreleased horizon, so
the robot knows where it is going before it may go there.
"""

from __future__ import annotations

import itertools
from typing import Any

from samplehub.fleet.domain.dispatch import TaskKind, TransportTask
from samplehub.fleet.domain.sitemap import SiteMap
from samplehub.fleet.service.messages import action, order_nodes_edges
from samplehub.fleet.service.robots import Leg, RobotRecord


def _action_for(robot: RobotRecord, leg: Leg) -> list[dict[str, Any]]:
    if leg.action is None:
        return []
    if leg.action_id is None:
        robot.action_serial += 1
        leg.action_id = f"{robot.serial}-{leg.action}-{robot.action_serial}"
    return [action(leg.action, leg.action_id, leg.params)]


def _run(legs: list[Leg], start: int) -> int:
    """The index after the legs from ``start`` on that end at the same node."""
    end = start + 1
    while end < len(legs) and legs[end].target == legs[start].target:
        end += 1
    return end


def build_order(
    site: SiteMap, robot: RobotRecord, base: list[str], rest: list[str], header: dict[str, Any]
) -> dict[str, Any]:
    """Order (or update) releasing ``base``; the rest of the leg and the next leg are horizon.
    Legs that end at the same node (pick and drop at one rack, the picks of one trip) run their
    actions there one after the other.

    ``base`` starts at the stitching node (the robot's node for a new order); ``rest`` is the
    part of the current leg not granted yet, without its first node (the new base end).
    """
    nodes = base + rest
    here = _run(robot.legs, 0)
    actions = {len(nodes) - 1: [a for leg in robot.legs[:here] for a in _action_for(robot, leg)]}
    if here < len(robot.legs):
        path = site.path(nodes[-1], robot.legs[here].target)
        if path and len(path) > 1:
            nodes += path[1:]
            then = robot.legs[here : _run(robot.legs, here)]
            actions[len(nodes) - 1] = [a for leg in then for a in _action_for(robot, leg)]
    positions = {n: (site.nodes[n].x, site.nodes[n].y) for n in nodes}
    lengths = {}
    for a, b in itertools.pairwise(nodes):
        edge = site.edge_between(a, b)
        lengths[(a, b)] = (edge.length, edge.max_speed)
    first_seq = robot.last_seq if robot.order_update_id else 0
    out_nodes, out_edges = order_nodes_edges(
        site.map_id, positions, nodes, first_seq, len(base), actions, lengths
    )
    robot.last_seq = first_seq + 2 * (len(base) - 1)
    robot.route = nodes
    return {
        **header,
        "orderId": robot.order_id,
        "orderUpdateId": robot.order_update_id,
        "nodes": out_nodes,
        "edges": out_edges,
    }


def build_plain_order(
    site: SiteMap, robot: RobotRecord, path: list[str], header: dict[str, Any]
) -> dict[str, Any]:
    """A fully released order with no actions (evasion trips)."""
    positions = {n: (site.nodes[n].x, site.nodes[n].y) for n in path}
    lengths = {}
    for a, b in itertools.pairwise(path):
        edge = site.edge_between(a, b)
        lengths[(a, b)] = (edge.length, edge.max_speed)
    out_nodes, out_edges = order_nodes_edges(
        site.map_id, positions, path, 0, len(path), {}, lengths
    )
    robot.last_seq = 2 * (len(path) - 1)
    robot.route = list(path)
    return {
        **header,
        "orderId": robot.order_id,
        "orderUpdateId": robot.order_update_id,
        "nodes": out_nodes,
        "edges": out_edges,
    }


def build_instant(header: dict[str, Any], action_type: str, action_id: str) -> dict[str, Any]:
    return {**header, "actions": [action(action_type, action_id, None, "NONE")]}


INTO_SLOT = frozenset({TaskKind.PUT_AWAY, TaskKind.RETURN, TaskKind.RELOCATION})


def pick_leg(task: TransportTask) -> Leg:
    """Pick ``task``'s load at its source: from its slot where it leaves one."""
    from_slot = task.kind in (TaskKind.LAB_DELIVERY, TaskKind.STAGING)
    station = task.source_slot or (task.slot_address if from_slot else task.source)
    return Leg(task.source, "pick", load_params(task, station), task=task)


def drop_leg(task: TransportTask) -> Leg:
    """Drop ``task``'s load at its destination: into its slot where it goes into one."""
    station = task.slot_address if task.kind in INTO_SLOT else task.destination
    return Leg(task.destination, "drop", load_params(task, station), task=task)


def load_params(task: TransportTask, station: str | None) -> dict[str, Any]:
    """VDA 5050 pick/drop parameters: the load (the sample's EPC) and the station."""
    return {
        "loadId": task.load_id,
        "loadType": "sample",
        "stationName": station or "",
        "stationType": "shelf" if station in (task.slot_address, task.source_slot) else "station",
    }
