"""One life of the fleet in the running product: a fresh fleet manager, rebuilt from the tasks
table and the robots' state messages, stepped in time with its robots and the bridge.

A crash or restart throws the whole life away; the next one is built anew by the same factory
(``app.wiring.fleet``) and finds everything it needs in the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field
from typing import Any

from samplehub.fleet.service.bridge import TaskBridge
from samplehub.fleet.service.fleet import FleetManager
from samplehub.fleet.service.ports import Floor
from samplehub.fleet.service.view import FleetView, alert_view


def nothing() -> None:
    """Nothing to pump or close (a broker delivers by itself)."""


@dataclass(eq=False, repr=False)
class FleetWorker:
    fleet: FleetManager
    bridge: TaskBridge
    _: KW_ONLY
    floor: Floor | None = None
    pump: Callable[[], object] = nothing
    close: Callable[[], None] = nothing
    poll_s: float = 1.0
    view: FleetView = field(init=False)
    _last: float = field(init=False, default=0.0)
    _polled: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        self.view = FleetView(self.fleet)

    def now(self) -> float:
        return self.fleet.clock.now().timestamp()

    def start(self) -> None:
        """Subscribe, rebuild from the open tasks, then bring the simulated robots online (a
        robot that held a load before the restart is put back with it first)."""
        now = self.now()
        self.fleet.start()
        self.bridge.poll(now)
        if self.floor is not None:
            self.floor.connect(now)
        self.pump()
        self._last = self._polled = now

    def step(self) -> None:
        now = self.now()
        dt, self._last = max(0.0, now - self._last), now
        if self.floor is not None:
            self.floor.step(now, dt)
        self.pump()
        self.fleet.tick()
        self.pump()
        self.bridge.after_tick(now)
        if now - self._polled >= self.poll_s:
            self._polled = now
            self.bridge.poll(now)

    def snapshot(self) -> dict[str, Any]:
        alerts = [alert_view(m, t) for t, m in self.bridge.alerts]
        snap = self.view.snapshot() | {"site": self.view.site()}
        return snap | {"alerts": alerts[-20:], "known": sorted(self.fleet.known)}
