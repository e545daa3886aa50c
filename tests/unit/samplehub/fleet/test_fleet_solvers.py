"""Adapters of the optimal round agree with the pure references and with brute force."""

from __future__ import annotations

import itertools
import random

import pytest

from samplehub.fleet.adapters.dispatch_numpy import NumpyCostModel
from samplehub.fleet.adapters.solver_scipy import ScipyAssignmentSolver
from samplehub.fleet.domain.battery import BatteryModel
from samplehub.fleet.domain.dispatch import (
    INFEASIBLE,
    RobotCandidate,
    TaskKind,
    TransportTask,
    cost_matrix,
)
from samplehub.fleet.domain.sitemap import site_map_from_dict
from samplehub.simulation.scenario import load_scenario
from tests.unit.samplehub.fleet.fakes import PEAK


def test_numpy_cost_model_equals_the_pure_cost_matrix() -> None:
    rng = random.Random(5)
    site = site_map_from_dict(load_scenario(PEAK).site)
    battery = BatteryModel(drain_pct_per_m=0.05)
    nodes = sorted(site.nodes)
    robots = [
        RobotCandidate(f"R{i}", rng.choice(nodes), rng.uniform(9, 100), 1.2) for i in range(8)
    ]
    tasks = [
        TransportTask(
            f"t{j}",
            rng.choice(list(TaskKind)),
            "E",
            rng.choice(nodes),
            rng.choice(nodes),
            rng.uniform(0, 100),
            rng.choice([None, rng.uniform(100, 3000)]),
        )
        for j in range(40)
    ]
    chargers = [n.node_id for n in site.nodes_of_kind("charger")]

    def to_charger(node: str) -> float:
        return min(site.distance(node, c) for c in chargers)

    reference = cost_matrix(robots, tasks, 120.0, site.distance, battery, to_charger)
    fast = NumpyCostModel(site, battery).matrix(robots, tasks, 120.0)
    assert any(v == INFEASIBLE for row in reference for v in row)
    for i, row in enumerate(reference):
        for j, value in enumerate(row):
            assert fast[i][j] == pytest.approx(value)


@pytest.mark.parametrize("shape", [(3, 3), (2, 5), (5, 2)])
def test_scipy_solver_matches_brute_force(shape: tuple[int, int]) -> None:
    rows, cols = shape
    cost = [[float((r * 7 + c * 13) % 11 + (r == c)) for c in range(cols)] for r in range(rows)]
    pairs = ScipyAssignmentSolver().solve(cost)
    best = (
        min(
            sum(cost[r][c] for r, c in zip(range(rows), perm, strict=False))
            for perm in itertools.permutations(range(cols), min(rows, cols))
        )
        if rows <= cols
        else min(
            sum(cost[r][c] for c, r in zip(range(cols), perm, strict=False))
            for perm in itertools.permutations(range(rows), cols)
        )
    )
    assert len(pairs) == min(rows, cols)
    assert sum(cost[r][c] for r, c in pairs) == pytest.approx(best)
    assert ScipyAssignmentSolver().solve([]) == []
