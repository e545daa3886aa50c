"""Applies the robots' VDA 5050 messages (state, connection, factsheet) to the fleet's records.

A misbehaving robot must never take the manager down: garbage, unknown topics and messages with
wrong fields are logged, counted and dropped; a robot that goes quiet for ``offline_after_s`` is
taken out of dispatch and its task re-planned (or stranded with an alert if it carries a sample).
A serial the fleet was not told of (``FleetSettings.robots``) is refused and logged, never
taken on. A robot that answers again is re-synchronised from its state: its position is
re-placed in the reservation table; its work was re-planned when it went quiet, so an order it
still drives is cancelled (``cancelOrder``) rather than finished twice. A robot that people
drive (``operatingMode`` MANUAL, SERVICE or TEACHIN) or that does not know where it is gets no
order: it is treated as a silent one, an obstacle where it reports standing, until it reports
otherwise.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from samplehub.core.domain import reasons
from samplehub.core.domain.messages import Message
from samplehub.fleet.domain.traffic import NodeTaken, TrafficError, TrafficManager
from samplehub.fleet.service import notes
from samplehub.fleet.service.messages import (
    HeaderCounter,
    MessageError,
    decode,
    field_of,
    not_in_control,
    parse_topic,
)
from samplehub.fleet.service.robots import Purpose, RobotRecord

if TYPE_CHECKING:
    from samplehub.fleet.domain.dispatch import TransportTask
    from samplehub.fleet.service.ports import FleetListener
    from samplehub.fleet.service.settings import FleetSettings, FleetStats

log = logging.getLogger(__name__)


class InboundMixin:
    robots: dict[str, RobotRecord]
    traffic: TrafficManager
    inbox: deque[tuple[str, bytes]]
    known: frozenset[str]
    settings: FleetSettings
    stats: FleetStats
    listener: FleetListener
    open_tasks: dict[str, TransportTask]

    def leg_done(self, robot: RobotRecord, now: float) -> None:
        raise NotImplementedError

    def abandon(self, robot: RobotRecord, now: float, reason: str) -> None:
        """Take the robot's work away: requeue each task not picked yet, strand each load on
        board (a task already dropped is its listener's)."""
        robot.note(now, notes.ABANDONS(reason=reason))
        dropping = {leg.task.task_id for leg in robot.legs if leg.action == "drop" and leg.task}
        for task in robot.trip:
            if task.task_id in robot.aboard:
                self.stats.stranded += 1
                self.listener.on_stranded(task.task_id, task.load_id, robot.serial, now)
                self.listener.on_alert(
                    Message(
                        "fleet.alert_sample_on_robot",
                        {"sample": task.load_id, "robot": robot.serial, "reason": reason},
                    ),
                    now,
                )
            elif task.task_id in dropping or not robot.legs:
                self.stats.requeued += 1
                self.open_tasks[task.task_id] = task
        robot.end_trip()
        robot.legs = []
        robot.requested = robot.evading = False
        robot.order_id, robot.route = None, []
        if robot.serial in self.traffic.robots:
            self.traffic.withdraw(robot.serial)
        if robot.purpose not in (Purpose.OFFLINE, Purpose.FAILED):
            robot.purpose = Purpose.IDLE

    def request_factsheet(self, robot: RobotRecord, now: float) -> None:
        raise NotImplementedError

    def cancel_order(self, robot: RobotRecord, now: float) -> str:
        raise NotImplementedError

    def drain_inbox(self, now: float) -> None:
        while self.inbox:
            name, payload = self.inbox.popleft()
            try:
                self.apply(name, payload, now)
            except (MessageError, TrafficError, KeyError, TypeError, ValueError) as exc:
                self.stats.bad_messages += 1
                log.warning("dropped message on %s: %s", name, exc)

    def robot_for(self, manufacturer: str, serial: str) -> RobotRecord:
        robot = self.robots.get(serial)
        if robot is None:
            robot = RobotRecord(serial, manufacturer, HeaderCounter(manufacturer, serial))
            self.robots[serial] = robot
        return robot

    def apply(self, name: str, payload: bytes, now: float) -> None:
        manufacturer, serial, sub = parse_topic(self.settings.prefix, name)
        message = decode(payload)
        if message.get("serialNumber") != serial:
            raise MessageError(
                f"serialNumber: {message.get('serialNumber')!r} differs from topic {serial!r}"
            )
        if serial not in self.known:
            self.refuse(manufacturer, serial, sub)
            return
        robot = self.robot_for(manufacturer, serial)
        robot.last_seen = now
        if sub == "connection":
            state = field_of(message, "connectionState", str)
            if state == "ONLINE":
                robot.online = True
            elif state in ("OFFLINE", "CONNECTIONBROKEN"):
                self.go_offline(robot, now, reasons.CONNECTION(state=state))
            else:
                raise MessageError(f"connectionState: {state!r}")
        elif sub == "factsheet":
            physical = field_of(message, "physicalParameters", dict)
            robot.speed = float(field_of(physical, "speedMax", (int, float)))
            loads = message.get("loadSpecification")
            positions = loads.get("loadPositions") if isinstance(loads, dict) else None
            robot.capacity = max(1, len(positions)) if isinstance(positions, list) else 1
            robot.factsheet_read = True
        elif sub == "state":
            self.apply_state(robot, message, now)

    def refuse(self, manufacturer: str, serial: str, sub: str) -> None:
        """A serial not in the fleet's list: refused and logged, never taken on as a robot."""
        self.stats.unknown_robots += 1
        first = serial not in self.stats.unknown_serials
        self.stats.unknown_serials.add(serial)
        level = logging.WARNING if first else logging.DEBUG
        log.log(
            level,
            "refused %s from unknown robot %s/%s: not in fleet.serials (%s)",
            sub, manufacturer, serial, ", ".join(sorted(self.known)) or "none",
        )  # fmt: skip

    def go_offline(self, robot: RobotRecord, now: float, reason: str) -> None:
        if robot.purpose == Purpose.OFFLINE:
            return
        log.warning("robot %s offline: %s", robot.serial, reason)
        robot.online = False
        self.abandon(robot, now, reason)
        robot.purpose = Purpose.OFFLINE
        if robot.serial in self.traffic.robots:
            self.traffic.set_offline(robot.serial, True)

    def check_timeouts(self, now: float) -> None:
        for robot in self.robots.values():
            if robot.online and now - robot.last_seen > self.settings.offline_after_s:
                self.go_offline(robot, now, reasons.SILENT(seconds=f"{now - robot.last_seen:.1f}"))

    def check_stops(self, now: float) -> None:
        """A robot on an emergency stop for ``stop_handover_s`` with nothing on board gives its
        trip to other robots: its order is cancelled, so that once released it drives none of
        it. A sample on board stays: nobody else can carry it, and it goes on once released."""
        for robot in self.robots.values():
            lasted = now - robot.stopped_since
            if robot.stopped is None or not robot.trip or robot.aboard or robot.halting:
                continue
            if lasted >= self.settings.stop_handover_s:
                robot.halting = self.cancel_order(robot, now)
                self.abandon(robot, now, reasons.STOPPED_LONG(seconds=f"{lasted:.0f}"))

    def apply_state(self, robot: RobotRecord, msg: Mapping[str, Any], now: float) -> None:
        node = field_of(msg, "lastNodeId", str)
        battery = field_of(msg, "batteryState", dict)
        robot.battery = float(field_of(battery, "batteryCharge", (int, float)))
        robot.charging = bool(battery.get("charging", False))
        robot.driving = bool(msg.get("driving", False))
        position = msg.get("agvPosition")
        if isinstance(position, dict):
            robot.x = float(position.get("x", robot.x))
            robot.y = float(position.get("y", robot.y))
            robot.theta = float(position.get("theta", robot.theta))
        reason = not_in_control(msg)
        if node and node not in self.traffic.site.nodes:  # its map is not the site's
            reason, node = reasons.OFF_MAP(node=node, map=self.traffic.site.map_id), ""
        if reason is not None:
            self.hands_off(robot, node, reason, now)
            return
        self.watch_emergency_stop(robot, msg, node, now)
        if robot.purpose == Purpose.OFFLINE or robot.node is None:
            self.resync(robot, node, msg, now)
            if not robot.factsheet_read:
                self.request_factsheet(robot, now)
            return
        if node and node != robot.node:
            try:
                self.traffic.reached(robot.serial, node)
            except TrafficError:
                # driving an order this manager does not know (e.g. after a restart): follow it
                if not self.stand(robot, node, now):
                    return
                robot.note(now, notes.RESYNCHRONISED(node=node))
            robot.node = node
        for state in msg.get("actionStates") or []:
            if isinstance(state, dict) and isinstance(state.get("actionId"), str):
                robot.action_status[state["actionId"]] = str(state.get("actionStatus"))
        cancel = robot.action_status.get(robot.halting or "")
        if cancel in ("FINISHED", "FAILED") and not robot.driving:
            robot.halting = None  # the cancel took effect and the robot stands: shrink to it
            if not self.stand(robot, robot.node, now):
                return
            robot.note(now, notes.STOPPED(node=robot.node))
        if self.rejected(robot, msg):
            self.stats.rejected_orders += 1
            self.abandon(robot, now, reasons.ORDER_REJECTED())
            self.stand(robot, robot.node, now)
            return
        fatal = [
            e
            for e in msg.get("errors") or []
            if isinstance(e, dict) and e.get("errorLevel") == "FATAL"
        ]
        if fatal:
            robot.errors = [str(e.get("errorType")) for e in fatal]
            self.abandon(robot, now, reasons.FATAL(errors=", ".join(robot.errors)))
            robot.purpose = Purpose.FAILED
            self.traffic.set_offline(robot.serial, True, silent=False)  # it stands, it answers
            return
        self.progress(robot, now)

    def rejected(self, robot: RobotRecord, msg: Mapping[str, Any]) -> bool:
        for error in msg.get("errors") or []:
            if not isinstance(error, dict) or error.get("errorType") not in (
                "orderError",
                "orderUpdateError",
                "noRouteError",
            ):
                continue
            for ref in error.get("errorReferences") or []:
                if (
                    isinstance(ref, dict)
                    and ref.get("referenceKey") == "orderId"
                    and (ref.get("referenceValue") == robot.order_id)
                    and robot.order_id is not None
                ):
                    return True
        return False

    def progress(self, robot: RobotRecord, now: float) -> None:
        if robot.evading:
            if robot.route and robot.node == robot.route[-1]:
                robot.evading, robot.order_id, robot.route = False, None, []
                robot.requested = False
            return
        # several legs may end at this node (a trip's picks): each finished action ends one
        while robot.legs and robot.node == robot.legs[0].target and robot.order_id is not None:
            leg = robot.legs[0]
            if leg.action is not None:
                status = robot.action_status.get(leg.action_id or "")
                if status == "FAILED":
                    self.abandon(robot, now, reasons.ACTION_FAILED(action=leg.action))
                    return
                if status != "FINISHED":
                    return
            self.leg_done(robot, now)

    def resync(self, robot: RobotRecord, node: str, msg: Mapping[str, Any], now: float) -> None:
        """A robot seen for the first time or back after silence: place it where it says it is."""
        if not node:
            raise MessageError("lastNodeId: empty; the robot must report where it stands")
        if not self.stand(robot, node, now):
            return
        robot.node, robot.online = node, True
        robot.purpose = Purpose.IDLE
        robot.order_id, robot.route, robot.legs = None, [], []
        robot.requested = robot.evading = False
        robot.halting = None
        if msg.get("orderId") and msg.get("nodeStates"):
            robot.note(now, notes.BACK_WITH_ORDER(order=msg.get("orderId")))
            robot.halting = self.cancel_order(robot, now)
        robot.note(now, notes.SYNCHRONISED(node=node))

    def hands_off(self, robot: RobotRecord, node: str, reason: str, now: float) -> None:
        """People drive the robot (manual, service or teach-in mode), it does not know where it
        is, or it reports a node the site map lacks: it gets no order. Its work is taken away as
        from a silent robot (re-planned, or a load on board held for staff), it is an obstacle
        only where it reports standing, and it is synchronised again when it reports a mode
        master control drives and a place on the map."""
        if robot.purpose != Purpose.OFFLINE:
            self.go_offline(robot, now, reason)
        known = self.traffic.robots.get(robot.serial)
        here = known is not None and known.base == [node]
        if node and (here or self.stand(robot, node, now)):
            self.traffic.set_offline(robot.serial, True, silent=False)  # it says where it is
            robot.node = node

    def watch_emergency_stop(
        self, robot: RobotRecord, msg: Mapping[str, Any], node: str, now: float
    ) -> None:
        """An emergency stop a person must acknowledge (``eStop`` MANUAL at the robot, REMOTE
        for the facility's) keeps the robot out of new work, staff are told once, and robots
        whose way it blocks look for a way round; it goes on with its trip once released. An
        AUTOACK stop (a bumper, a person in the protective field) clears by itself: noted."""
        safety = msg.get("safetyState")
        pressed = str(safety.get("eStop", "NONE")) if isinstance(safety, Mapping) else "NONE"
        stopped = pressed if pressed in ("MANUAL", "REMOTE") else None
        if stopped == robot.stopped:
            return
        robot.stopped, robot.stopped_since = stopped, now
        if stopped is None:
            robot.note(now, notes.STOP_RELEASED())
        else:
            robot.note(now, notes.STOP(stop=stopped))
            self.listener.on_alert(
                Message(
                    "fleet.alert_emergency_stop",
                    {"robot": robot.serial, "stop": stopped, "node": robot.node or node},
                ),
                now,
            )
        if robot.serial not in self.traffic.robots:
            return
        for serial in self.traffic.set_stopped(robot.serial, stopped is not None):
            self.traffic.withdraw(serial)
            self.robots[serial].requested = False

    def stand(self, robot: RobotRecord, node: str, now: float) -> bool:
        """Place ``robot`` in the reservation table where it reports standing. A robot granted
        that node ahead is stopped short of it. False when another robot that answers stands
        there: one of the two is lost, so this one is kept out of the work, and staff are told
        once; its next reports try again, and it is taken on as soon as the other has moved."""
        try:
            displaced = self.traffic.place(robot.serial, node)
        except NodeTaken as clash:
            if robot.clash != node:
                robot.clash = node
                self.listener.on_alert(
                    Message(
                        "fleet.alert_robots_on_one_node",
                        {"robot": robot.serial, "node": node, "holder": clash.holder},
                    ),
                    now,
                )
            self.go_offline(robot, now, reasons.CLASH(node=node, holder=clash.holder))
            return False
        robot.clash = None
        if robot.stopped is not None:
            self.traffic.set_stopped(robot.serial, True)
        other = self.robots.get(displaced or "")
        if other is not None:
            log.warning("robot %s stands at %s: %s stops short", robot.serial, node, displaced)
            other.note(now, notes.STOPS_SHORT(node=node, robot=robot.serial))
            self.halt(other, now)
        return True

    def halt(self, robot: RobotRecord, now: float) -> None:
        """Stop the order the robot drives (``cancelOrder``), so that a fresh order can start
        where it stops. VDA 5050 lets a robot stop on the spot or only at its next node: it keeps
        every node and lane it holds, and gets no order, until it reports the cancel done and
        itself standing; then its reservations shrink to the node it stands on
        (``apply_state``). A robot with no order in flight and no cancel pending shrinks to its
        node at once. Either way its next legs go out as a fresh order."""
        in_traffic = robot.serial in self.traffic.robots
        if in_traffic:
            self.traffic.withdraw(robot.serial)  # its request is void either way
        if robot.order_id is not None:
            robot.halting = self.cancel_order(robot, now)
        elif robot.halting is None and robot.node is not None and in_traffic:
            self.stand(robot, robot.node, now)
        robot.requested, robot.evading, robot.order_id, robot.route = False, False, None, []
