"""Runs a fleet scenario in real time (or faster) on a background thread, for the live map.

The simulation is the same ``FleetSimulation`` the benchmarks use; only the pacing differs.  One
lock guards it, so the map's snapshot never sees a half-applied step.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from samplehub.fleet.service.view import FleetView
from samplehub.simulation.runner import FleetSimulation


class LiveFleet:
    def __init__(self, sim: FleetSimulation, speed: float = 1.0) -> None:
        self.sim = sim
        self.speed = speed
        for robot in sim.robots:
            robot.visualization_interval_s = 1.0
        self.view = FleetView(sim.fleet, sim.storage)
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="live-fleet", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _loop(self) -> None:
        step = self.sim.scenario.step_s
        wall_per_step = step / self.speed
        next_at = time.monotonic()
        while not self._stop.is_set():
            with self.lock:
                self.sim.step()
            next_at += wall_per_step
            delay = next_at - time.monotonic()
            if delay > 0:
                self._stop.wait(delay)
            else:
                next_at = time.monotonic()

    # thread-safe reads for the API --------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return self.view.snapshot() | {"site": self.view.site()}

    def positions(self) -> dict[str, Any]:
        with self.lock:
            return self.view.positions()

    def robot(self, serial: str) -> dict[str, Any]:
        with self.lock:
            return self.view.robot(serial)

    def slot(self, address: str) -> dict[str, Any]:
        with self.lock:
            return self.view.slot(address)

    def rack(self, node: str) -> list[dict[str, Any]]:
        with self.lock:
            return self.view.rack_slots(node)
