"""The fleet tests' doubles: a quiet simulation (no random demand) on the shipped peak-hour site,
its robots simulated behind the same ports as real ones, a way to run it until something holds,
and a fixed read model for the live map's pages. Unit and integration tests share them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from samplehub.fleet.service.ports import FleetLifecycle
from samplehub.simulation.runner import FleetSimulation
from samplehub.simulation.scenario import Demand, load_scenario

ROOT = Path(__file__).resolve().parents[4]
PEAK = ROOT / "scenarios" / "peak-hour.yaml"


def quiet_sim(
    policy: str = "optimal",
    robots: int = 3,
    seed: int = 7,
    lifecycle: FleetLifecycle | None = None,
) -> FleetSimulation:
    """The peak-hour site with ``robots`` robots and no demand; ``lifecycle`` hears each move."""
    scenario = dataclasses.replace(load_scenario(PEAK), demand=Demand(0, 0, 0), robot_count=robots)
    return FleetSimulation(scenario, policy, seed, lifecycle=lifecycle)


def run_until(sim: FleetSimulation, done: Callable[[], bool], max_s: float = 1800) -> float:
    """Step the simulation until ``done``; the simulated seconds it took (fails past ``max_s``)."""
    start = sim.clock.elapsed
    while not done():
        assert sim.clock.elapsed - start < max_s, "condition not reached in simulated time"
        sim.step()
    return sim.clock.elapsed - start


class FakeFleet:
    """A fixed read model: one robot R01 and one slot A-01-1-01."""

    def snapshot(self) -> dict[str, Any]:
        return {"robots": [{"serial": "R01"}], "site": {"nodes": []}}

    def positions(self) -> dict[str, Any]:
        return {"robots": [{"serial": "R01", "x": 1.0, "y": 2.0}]}

    def robot(self, serial: str) -> dict[str, Any]:
        if serial != "R01":
            raise LookupError(f"robot {serial} is unknown")
        return {"serial": serial, "load": None}

    def slot(self, address: str) -> dict[str, Any]:
        if address != "A-01-1-01":
            raise LookupError(f"slot {address} is unknown")
        return {"address": address, "occupant": None}

    def rack(self, node: str) -> list[dict[str, Any]]:
        return []
