"""Fleet benchmark: optimal vs greedy dispatch, deadlocks over long runs, dispatch round time.

Every figure is measured in this run and printed next to the baseline it is compared with:

1. ``peak-hour.yaml`` with the greedy and the optimal policy, same seed: tasks per hour,
   empty travel and p95 task time of optimal as ratios to greedy (goal: tasks/h ratio ≥ 1.25).
2. Deadlocks over ``--robot-hours`` simulated robot-hours of ``stress-20.yaml`` (goal 0), split
   into runs of ``--chunk-hours`` with consecutive seeds, run on ``--workers`` processes.
3. One optimal dispatch round (numpy cost matrix + ``linear_sum_assignment``) with 50 robots and
   500 open tasks on the stress site, median of 30, next to the pure-Python cost matrix and the
   greedy round (goal ≤ 10 ms).
4. Simulated seconds per wall second of the peak-hour runs.

Run: ``.venv/bin/python benchmarks/fleet_bench.py`` (add ``--robot-hours 100`` for a quick look).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from samplehub.fleet.adapters.dispatch_numpy import NumpyCostModel
from samplehub.fleet.adapters.solver_scipy import ScipyAssignmentSolver
from samplehub.fleet.domain.battery import BatteryModel
from samplehub.fleet.domain.dispatch import (
    RobotCandidate,
    TaskKind,
    TransportTask,
    cost_matrix,
    greedy_assign,
    pairs_from_solution,
)
from samplehub.fleet.domain.sitemap import site_map_from_dict
from samplehub.simulation.runner import FleetSimulation
from samplehub.simulation.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
PEAK = ROOT / "scenarios" / "peak-hour.yaml"
STRESS = ROOT / "scenarios" / "stress-20.yaml"


def simulate(path: Path, policy: str, hours: float, seed: int) -> dict[str, Any]:
    return FleetSimulation(load_scenario(path), policy, seed).run(hours)


def dispatch_round_ms(robots: int, tasks: int, seed: int, repeats: int = 30) -> dict[str, float]:
    rng = random.Random(seed)
    scenario = load_scenario(STRESS)
    site = site_map_from_dict(scenario.site)
    battery = BatteryModel()
    nodes = sorted(site.nodes)
    stations = [n.node_id for n in site.nodes.values() if n.kind != "waypoint"]
    chargers = [n.node_id for n in site.nodes_of_kind("charger")]

    def to_charger(node: str) -> float:
        return min(site.distance(node, c) for c in chargers)

    for node in nodes:  # warm the shortest-path tables once, as a running fleet has them
        site.distance(node, node)
        to_charger(node)
    candidates = [
        RobotCandidate(f"R{i}", rng.choice(nodes), rng.uniform(50, 100), 1.2) for i in range(robots)
    ]
    open_tasks = [
        TransportTask(
            f"t{j}",
            rng.choice(list(TaskKind)),
            f"EPC{j}",
            rng.choice(stations),
            rng.choice(stations),
            rng.uniform(0, 600),
            rng.uniform(600, 2400),
        )
        for j in range(tasks)
    ]
    solver = ScipyAssignmentSolver()
    model = NumpyCostModel(site, battery)
    optimal, pure, greedy = [], [], []
    for _ in range(repeats):
        started = time.perf_counter()
        cost = model.matrix(candidates, open_tasks, 600.0)
        pairs = pairs_from_solution(cost, solver.solve(cost))
        optimal.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        reference = cost_matrix(candidates, open_tasks, 600.0, site.distance, battery, to_charger)
        pairs_from_solution(reference, solver.solve(reference))
        pure.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        greedy_assign(candidates, open_tasks, site.distance, battery, to_charger)
        greedy.append((time.perf_counter() - started) * 1000)
    assert len(pairs) == robots
    return {
        "optimal_ms": round(statistics.median(optimal), 3),
        "optimal_pure_python_ms": round(statistics.median(pure), 3),
        "greedy_ms": round(statistics.median(greedy), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--hours", type=float, default=1.0, help="peak-hour run length")
    parser.add_argument("--robot-hours", type=float, default=1000.0)
    parser.add_argument("--chunk-hours", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    greedy = simulate(PEAK, "greedy", args.hours, args.seed)
    optimal = simulate(PEAK, "optimal", args.hours, args.seed)

    robots = load_scenario(STRESS).robot_count
    sim_hours = args.robot_hours / robots
    chunks = max(1, round(sim_hours / args.chunk_hours))
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        runs = list(
            pool.map(
                simulate,
                [STRESS] * chunks,
                ["optimal"] * chunks,
                [sim_hours / chunks] * chunks,
                [args.seed + 100 + i for i in range(chunks)],
            )
        )
    rounds = dispatch_round_ms(50, 500, args.seed)

    def ratio(a: float, b: float) -> float | None:
        return round(a / b, 3) if b else None

    report = {
        "peak_hour": {"seed": args.seed, "greedy": greedy, "optimal": optimal},
        "tasks_per_hour_ratio": ratio(optimal["tasks_per_hour"], greedy["tasks_per_hour"]),
        "empty_travel_ratio": ratio(optimal["empty_travel_m"], greedy["empty_travel_m"]),
        "p95_task_time_ratio": ratio(optimal["p95_task_time_s"], greedy["p95_task_time_s"]),
        "stress": {
            "robot_hours": round(sum(r["robots"] * r["sim_hours"] for r in runs), 1),
            "runs": len(runs),
            "deadlocks": sum(r["deadlocks"] for r in runs),
            "evasions": sum(r["evasions"] for r in runs),
            "long_waits": sum(r["long_waits"] for r in runs),
            "tasks_completed": sum(r["tasks_completed"] for r in runs),
            "sim_s_per_wall_s": round(statistics.mean(r["sim_s_per_wall_s"] for r in runs), 1),
        },
        "dispatch_round_50x500": rounds,
        "dispatch_round_ratio_optimal_to_greedy": ratio(rounds["optimal_ms"], rounds["greedy_ms"]),
        "sim_s_per_wall_s_peak": {
            "greedy": greedy["sim_s_per_wall_s"],
            "optimal": optimal["sim_s_per_wall_s"],
        },
    }
    print(json.dumps(report, indent=2))
    print(
        f"tasks/h optimal {optimal['tasks_per_hour']} vs greedy {greedy['tasks_per_hour']} "
        f"(ratio {report['tasks_per_hour_ratio']}, goal ≥ 1.25); empty travel ratio "
        f"{report['empty_travel_ratio']}; p95 ratio {report['p95_task_time_ratio']}; "
        f"deadlocks {report['stress']['deadlocks']} in {report['stress']['robot_hours']} "
        f"robot-hours (goal 0); dispatch round {rounds['optimal_ms']:.2f} ms "
        f"(greedy {rounds['greedy_ms']:.2f} ms, goal ≤ 10 ms)",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
