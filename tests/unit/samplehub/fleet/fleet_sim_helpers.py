"""Builds a quiet simulation (no random demand) on the shipped peak-hour site for fleet tests."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from samplehub.simulation.runner import FleetSimulation
from samplehub.simulation.scenario import Demand, load_scenario

ROOT = Path(__file__).resolve().parents[4]
PEAK = ROOT / "scenarios" / "peak-hour.yaml"


def quiet_sim(policy: str = "optimal", robots: int = 3, seed: int = 7) -> FleetSimulation:
    scenario = dataclasses.replace(load_scenario(PEAK), demand=Demand(0, 0, 0), robot_count=robots)
    return FleetSimulation(scenario, policy, seed)


def run_until(sim: FleetSimulation, done: Callable[[], bool], max_s: float = 1800) -> float:
    start = sim.clock.elapsed
    while not done():
        assert sim.clock.elapsed - start < max_s, "condition not reached in simulated time"
        sim.step()
    return sim.clock.elapsed - start
