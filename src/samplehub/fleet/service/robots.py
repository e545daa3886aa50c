"""What the fleet manager knows of each robot, kept from its VDA 5050 state messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from samplehub.fleet.domain.dispatch import TransportTask
from samplehub.fleet.service.messages import HeaderCounter


class Purpose(StrEnum):
    IDLE = "idle"
    TASK = "task"
    CHARGE = "charge"
    CHARGING = "charging"
    PARK = "park"
    OFFLINE = "offline"
    FAILED = "failed"


@dataclass(slots=True)
class Leg:
    """Drive to ``target`` and run ``action`` there (pick, drop, startCharging or nothing)."""

    target: str
    action: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    action_id: str | None = None
    task: TransportTask | None = None
    """The task whose load a pick or drop moves (a trip may carry several)."""


@dataclass(slots=True)
class RobotRecord:
    serial: str
    manufacturer: str
    header: HeaderCounter
    node: str | None = None
    x: float = 0.0
    y: float = 0.0
    theta: float = 0.0
    battery: float = 100.0
    charging: bool = False
    driving: bool = False
    speed: float = 1.0
    online: bool = False
    last_seen: float = 0.0
    factsheet_read: bool = False
    purpose: Purpose = Purpose.IDLE
    capacity: int = 1
    """Loads it carries at once: its factsheet's load positions (VDA 5050 ``loadPositions``)."""
    task: TransportTask | None = None
    """The first task of its trip not dropped yet; the robot is busy until the last drop."""
    riders: list[TransportTask] = field(default_factory=list)
    """The trip's other tasks not dropped yet: same pick-up and drop (a booking's samples)."""
    aboard: set[str] = field(default_factory=set)
    """Tasks whose load is on the robot (picked, not dropped yet)."""
    legs: list[Leg] = field(default_factory=list)
    requested: bool = False
    evading: bool = False
    wait_since: float | None = None
    stalled: bool = False
    order_id: str | None = None
    halting: str | None = None
    """The ``cancelOrder`` sent to it: until it reports that done and stands still, it keeps
    what it holds and gets no new order (a robot may stop only at its next node)."""
    stopped: str | None = None
    """Its emergency stop waiting for a person (VDA 5050 ``eStop`` MANUAL or REMOTE): it gets
    no new work until released, and goes on with its trip then (work not picked yet goes to
    other robots when the stop lasts: ``FleetSettings.stop_handover_s``)."""
    stopped_since: float = 0.0
    clash: str | None = None
    """The node it reported standing on while another robot stood there (staff were told)."""
    order_update_id: int = 0
    last_seq: int = 0
    action_status: dict[str, str] = field(default_factory=dict)
    action_serial: int = 0
    route: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    history: list[tuple[float, str]] = field(default_factory=list)

    def note(self, now: float, text: str) -> None:
        self.history.append((now, text))
        del self.history[:-50]

    @property
    def loaded(self) -> bool:
        return bool(self.aboard)

    @property
    def trip(self) -> list[TransportTask]:
        return [self.task, *self.riders] if self.task is not None else []

    def carries(self, task_id: str) -> bool:
        return any(t.task_id == task_id for t in self.trip)

    def end_trip(self) -> None:
        self.task, self.riders, self.aboard = None, [], set()

    @property
    def available(self) -> bool:
        return (
            self.online
            and self.stopped is None
            and self.node is not None
            and self.purpose
            not in (
                Purpose.OFFLINE,
                Purpose.FAILED,
            )
        )

    def snapshot(self) -> dict[str, Any]:
        return {
            "serial": self.serial,
            "node": self.node,
            "x": round(self.x, 3),
            "y": round(self.y, 3),
            "theta": round(self.theta, 3),
            "battery": round(self.battery, 1),
            "charging": self.charging,
            "online": self.online,
            "purpose": self.purpose.value,
            "stopped": self.stopped,
            "task": self.task.task_id if self.task else None,
            "load": self.task.load_id if self.task and self.loaded else None,
            "route": list(self.route),
            "order_id": self.order_id,
            "history": [{"t": t, "text": s} for t, s in self.history[-10:]],
        }
