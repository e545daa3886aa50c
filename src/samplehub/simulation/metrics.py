"""Run metrics for the fleet simulation: throughput, travel, task times."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from samplehub.core.domain.flow import percentile


def summarize(
    *,
    task_times: Sequence[float],
    sim_hours: float,
    empty_m: float,
    loaded_m: float,
    deadlocks: int,
    robots: int,
    policy: str,
    wall_s: float,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    done = len(task_times)
    result: dict[str, Any] = {
        "tasks_completed": done,
        "tasks_per_hour": round(done / sim_hours, 2) if sim_hours else 0.0,
        "empty_travel_m": round(empty_m, 1),
        "loaded_travel_m": round(loaded_m, 1),
        "mean_task_time_s": round(sum(task_times) / done, 1) if done else 0.0,
        "p95_task_time_s": round(percentile(task_times, 95), 1),
        "deadlocks": deadlocks,
        "robots": robots,
        "policy": policy,
        "sim_hours": sim_hours,
        "wall_s": round(wall_s, 3),
    }
    result.update(extra or {})
    return result
