"""A simulated robot speaking the AGV side of VDA 5050 2.1.

It accepts orders and order updates by the standard's rules (same ``orderId``: a higher
``orderUpdateId`` must stitch at the last base node, an equal one is a duplicate, a lower one is
rejected; a new ``orderId`` is accepted only when the base is done and the order starts where the
robot stands), drives the released nodes at its speed, runs pick/drop/charging actions with their
action states, drains its battery by distance, and reports state once per ``state_interval_s`` and
on every event.  Faults can be switched on: a fatal error, silence (stops answering and moving
while still holding its node), and rejecting the next order.

Time is whatever ``step`` is given, so the same code runs in real time for the demo and in
simulated time for benchmarks.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Protocol

from samplehub.fleet.domain.battery import BatteryModel
from samplehub.fleet.domain.sitemap import SiteMap
from samplehub.fleet.service.messages import (
    IN_CONTROL,
    HeaderCounter,
    MessageError,
    decode,
    encode,
    field_of,
    params_of,
    topic,
)
from samplehub.fleet.service.ports import Transport
from samplehub.simulation.factsheet import factsheet

ACTION_SECONDS = {"pick": 8.0, "drop": 8.0, "startCharging": 1.0, "stopCharging": 0.5}


class LoadWorld(Protocol):
    def picked(self, load_id: str, station: str | None) -> None: ...

    def dropped(self, load_id: str, station: str | None) -> None: ...


@dataclass(slots=True)
class Faults:
    silent: bool = False
    fatal: bool = False
    reject_next_order: bool = False
    operating_mode: str = "AUTOMATIC"
    """MANUAL, SERVICE or TEACHIN: people drive it; it refuses orders and drives none."""
    position_initialized: bool = True
    e_stop: str = "NONE"
    """MANUAL, REMOTE or AUTOACK: it stands until released (``NONE``)."""


@dataclass(slots=True)
class RunningAction:
    action_id: str
    action_type: str
    params: dict[str, Any]
    status: str = "WAITING"
    ends_at: float = 0.0


@dataclass(slots=True)
class Odometer:
    empty_m: float = 0.0
    loaded_m: float = 0.0


def _progress(items: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """The nodes or edges of the order still ahead, as the state message lists them."""
    return [{key: i[key], "sequenceId": i["sequenceId"], "released": i["released"]} for i in items]


@dataclass(slots=True)
class SimRobot:
    serial: str
    manufacturer: str
    site: SiteMap
    node: str
    transport: Transport
    prefix: str = ""
    battery_model: BatteryModel = field(default_factory=BatteryModel)
    speed: float = 1.2
    trays: int = 1
    battery: float = 100.0
    state_interval_s: float = 1.0
    visualization_interval_s: float = 0.0
    """0 turns the high-rate ``visualization`` topic off (benchmarks); the live map sets it."""
    world: LoadWorld | None = None
    faults: Faults = field(default_factory=Faults)
    action_seconds: dict[str, float] = field(default_factory=lambda: dict(ACTION_SECONDS))
    x: float = 0.0
    y: float = 0.0
    theta: float = 0.0
    odometer: Odometer = field(default_factory=Odometer)
    order_id: str = ""
    order_update_id: int = 0
    last_seq: int = 0
    node_states: list[dict[str, Any]] = field(default_factory=list)
    edge_states: list[dict[str, Any]] = field(default_factory=list)
    actions: list[RunningAction] = field(default_factory=list)
    loads: list[str] = field(default_factory=list)
    charging: bool = False
    errors: list[dict[str, Any]] = field(default_factory=list)
    edge_progress_m: float = 0.0
    inbox: deque[tuple[str, bytes]] = field(default_factory=deque)
    _header: HeaderCounter | None = None
    _next_state_at: float = 0.0
    _next_visual_at: float = 0.0
    _dirty: bool = True

    def __post_init__(self) -> None:
        self._header = HeaderCounter(self.manufacturer, self.serial)
        here = self.site.nodes[self.node]
        self.x, self.y = here.x, here.y

    def _topic(self, sub: str) -> str:
        return topic(self.prefix, self.manufacturer, self.serial, sub)

    def _send(self, sub: str, body: dict[str, Any], now: float, retain: bool = False) -> None:
        assert self._header is not None
        message = {**self._header.header(sub, now), **body}
        self.transport.publish(
            self._topic(sub), encode(message), qos=1 if sub != "visualization" else 0, retain=retain
        )

    # -- connection -----------------------------------------------------------------------------
    def connect(self, now: float) -> None:
        for sub in ("order", "instantActions"):
            self.transport.subscribe(self._topic(sub), self.receive)
        self.announce(now)

    def announce(self, now: float) -> None:
        """ONLINE, factsheet and a state: on first connect and after every reconnect."""
        self._send("connection", {"connectionState": "ONLINE"}, now, retain=True)
        self._send_factsheet(now)
        self.publish_state(now)

    def disconnect(self, now: float, *, broken: bool = True) -> None:
        state = "CONNECTIONBROKEN" if broken else "OFFLINE"
        self._send("connection", {"connectionState": state}, now, retain=True)

    def receive(self, name: str, payload: bytes) -> None:
        """Transport handler: queue the message; ``step`` applies it on the robot's own time."""
        self.inbox.append((name, payload))

    def _send_factsheet(self, now: float) -> None:
        self._send(
            "factsheet", factsheet(self.speed, self.state_interval_s, self.trays), now, retain=True
        )

    # -- orders ---------------------------------------------------------------------------------
    def _error(self, error_type: str, order_id: str, description: str) -> None:
        self.errors = [
            {
                "errorType": error_type,
                "errorLevel": "WARNING",
                "errorDescription": description,
                "errorReferences": [{"referenceKey": "orderId", "referenceValue": order_id}],
            }
        ]
        self._dirty = True

    def _base_done(self) -> bool:
        driving_left = any(n["released"] for n in self.node_states)
        acting = any(a.status in ("WAITING", "INITIALIZING", "RUNNING") for a in self.actions)
        return not driving_left and not acting

    def handle_order(self, msg: dict[str, Any], now: float) -> None:
        order_id = field_of(msg, "orderId", str)
        update_id = field_of(msg, "orderUpdateId", int)
        nodes = field_of(msg, "nodes", list)
        edges = field_of(msg, "edges", list)
        if not nodes:
            raise MessageError("nodes: empty; an order needs at least one node")
        if self.faults.operating_mode not in IN_CONTROL:
            self._error("orderError", order_id, f"operatingMode {self.faults.operating_mode}")
            return
        if self.faults.reject_next_order:
            self.faults.reject_next_order = False
            self._error("orderError", order_id, "order rejected (fault injected)")
            return
        if order_id == self.order_id:
            if update_id == self.order_update_id:
                return
            if update_id < self.order_update_id:
                self._error("orderUpdateError", order_id, f"update {update_id} is outdated")
                return
            released = [n for n in self.node_states if n["released"]]
            end_id, end_seq = (
                (released[-1]["nodeId"], released[-1]["sequenceId"])
                if released
                else (self.node, self.last_seq)
            )
            if nodes[0]["nodeId"] != end_id or nodes[0]["sequenceId"] != end_seq:
                self._error(
                    "orderUpdateError", order_id, f"update must stitch at {end_id}/{end_seq}"
                )
                return
            self.errors = []
            self.order_update_id = update_id
            self.node_states = released + [dict(n) for n in nodes[1:]]
            self.edge_states = [e for e in self.edge_states if e["released"]] + [
                dict(e) for e in edges
            ]
            self._dirty = True
            return
        if not self._base_done() or nodes[0]["nodeId"] != self.node:
            self._error("orderError", order_id, f"busy or order does not start at {self.node}")
            return
        self.actions = []
        self.errors = []
        self.order_id, self.order_update_id = order_id, update_id
        self.last_seq = int(nodes[0]["sequenceId"])
        self.node_states = [dict(n) for n in nodes[1:]]
        self.edge_states = [dict(e) for e in edges]
        self.edge_progress_m = 0.0
        self._start_actions(nodes[0].get("actions") or [], now)
        self._dirty = True

    def handle_instant(self, msg: dict[str, Any], now: float) -> None:
        for act in field_of(msg, "actions", list):
            kind = act.get("actionType")
            if kind == "stopCharging":
                self.charging = False
            elif kind == "startCharging":
                self.charging = self.site.nodes[self.node].kind == "charger"
            elif kind == "factsheetRequest":
                self._send_factsheet(now)
            elif kind == "cancelOrder":
                self.node_states = []
                self.edge_states = []
                self.actions = [a for a in self.actions if a.status == "FINISHED"]
            self.actions.append(RunningAction(str(act.get("actionId")), str(kind), {}, "FINISHED"))
        self._dirty = True

    def _start_actions(self, actions: list[dict[str, Any]], now: float) -> None:
        for act in actions:
            self.actions.append(
                RunningAction(str(act["actionId"]), str(act["actionType"]), params_of(act))
            )
        self._dirty = True

    # -- time -----------------------------------------------------------------------------------
    def step(self, now: float, dt: float) -> None:
        if self.faults.silent:
            self.inbox.clear()
            return
        while self.inbox:
            name, payload = self.inbox.popleft()
            try:
                msg = decode(payload)
                if name.endswith("/order"):
                    self.handle_order(msg, now)
                else:
                    self.handle_instant(msg, now)
            except (MessageError, KeyError, TypeError, ValueError) as exc:
                self._error("validationError", "", f"{exc}")
        if self.faults.fatal and not any(e["errorLevel"] == "FATAL" for e in self.errors):
            self.errors.append(
                {
                    "errorType": "driveError",
                    "errorLevel": "FATAL",
                    "errorDescription": "drive fault (injected)",
                }
            )
            self._dirty = True
        moves = self.faults.operating_mode in IN_CONTROL and self.faults.e_stop == "NONE"
        if not self.faults.fatal and moves:
            self._run_actions(now)
            if not any(a.status in ("WAITING", "RUNNING") for a in self.actions):
                self._drive(now, dt)
        if self.charging:
            self.battery = self.battery_model.charge(self.battery, dt)
        if self._dirty or now >= self._next_state_at:
            self.publish_state(now)
        if self.visualization_interval_s > 0 and now >= self._next_visual_at:
            self._next_visual_at = now + self.visualization_interval_s
            moving = bool(self.node_states and self.node_states[0]["released"])
            speed = self.speed if moving else 0.0
            self._send(
                "visualization",
                {
                    "agvPosition": self.state()["agvPosition"],
                    "velocity": {
                        "vx": round(speed * math.cos(self.theta), 3),
                        "vy": round(speed * math.sin(self.theta), 3),
                        "omega": 0.0,
                    },
                },
                now,
            )

    def _run_actions(self, now: float) -> None:
        for act in self.actions:
            if act.status == "WAITING":
                act.status = "RUNNING"
                act.ends_at = now + self.action_seconds.get(act.action_type, 1.0)
                self._dirty = True
                return
            if act.status == "RUNNING":
                if now < act.ends_at:
                    return
                self._finish(act)
                return

    def _finish(self, act: RunningAction) -> None:
        act.status = "FINISHED"
        load = str(act.params.get("loadId", ""))
        station = act.params.get("stationName")
        if act.action_type == "pick":
            self.loads = [*(held for held in self.loads if held != load), load]
            if self.world is not None:
                self.world.picked(load, station)
        elif act.action_type == "drop":
            self.loads = [held for held in self.loads if held != load]
            if self.world is not None:
                self.world.dropped(load, station)
        elif act.action_type == "startCharging":
            if self.site.nodes[self.node].kind == "charger":
                self.charging = True
            else:
                act.status = "FAILED"
        self._dirty = True

    def _drive(self, now: float, dt: float) -> None:
        budget = dt
        while budget > 0 and self.node_states and self.node_states[0]["released"]:
            self.charging = False
            target = self.node_states[0]
            edge = self.edge_states[0]
            length = float(
                edge.get("length") or self.site.edge_between(self.node, target["nodeId"]).length
            )
            speed = min(self.speed, float(edge.get("maxSpeed") or self.speed))
            step_m = min(speed * budget, length - self.edge_progress_m)
            budget -= step_m / speed
            self.edge_progress_m += step_m
            if self.loads:
                self.odometer.loaded_m += step_m
            else:
                self.odometer.empty_m += step_m
            self.battery = self.battery_model.drain(self.battery, step_m)
            a, b = self.site.nodes[self.node], self.site.nodes[target["nodeId"]]
            frac = self.edge_progress_m / length if length else 1.0
            self.x, self.y = a.x + (b.x - a.x) * frac, a.y + (b.y - a.y) * frac
            self.theta = math.atan2(b.y - a.y, b.x - a.x)
            if self.edge_progress_m >= length - 1e-9:
                self.node, self.last_seq = target["nodeId"], int(target["sequenceId"])
                self.node_states.pop(0)
                self.edge_states.pop(0)
                self.edge_progress_m = 0.0
                self._start_actions(target.get("actions") or [], now)
                self._dirty = True
                if target.get("actions"):
                    break

    def state(self) -> dict[str, Any]:
        driving = bool(
            self.node_states
            and self.node_states[0]["released"]
            and not any(a.status == "RUNNING" for a in self.actions)
        )
        return {
            "orderId": self.order_id,
            "orderUpdateId": self.order_update_id,
            "lastNodeId": self.node,
            "lastNodeSequenceId": self.last_seq,
            "nodeStates": _progress(self.node_states, "nodeId"),
            "edgeStates": _progress(self.edge_states, "edgeId"),
            "driving": driving,
            "distanceSinceLastNode": round(self.edge_progress_m, 3),
            "agvPosition": {
                "x": round(self.x, 3),
                "y": round(self.y, 3),
                "theta": round(self.theta, 4),
                "mapId": self.site.map_id,
                "positionInitialized": self.faults.position_initialized,
            },
            "loads": [{"loadId": load, "loadType": "sample"} for load in self.loads],
            "actionStates": [
                {"actionId": a.action_id, "actionType": a.action_type, "actionStatus": a.status}
                for a in self.actions
            ],
            "batteryState": {"batteryCharge": round(self.battery, 2), "charging": self.charging},
            "operatingMode": self.faults.operating_mode,
            "errors": list(self.errors),
            "safetyState": {"eStop": self.faults.e_stop, "fieldViolation": False},
        }

    def publish_state(self, now: float) -> None:
        self._send("state", self.state(), now)
        self._dirty = False
        self._next_state_at = now + self.state_interval_s
