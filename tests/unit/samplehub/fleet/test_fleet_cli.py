"""`samplehub simulate fleet` keeps its CONTRACTS.md output."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from samplehub.cli import app
from tests.unit.samplehub.fleet.fakes import PEAK

KEYS = {
    "tasks_completed",
    "tasks_per_hour",
    "empty_travel_m",
    "loaded_travel_m",
    "mean_task_time_s",
    "p95_task_time_s",
    "deadlocks",
    "robots",
    "policy",
    "sim_hours",
    "wall_s",
}


def test_simulate_fleet_prints_one_json_object_and_writes_the_vda_log(tmp_path: Path) -> None:
    log = tmp_path / "vda.jsonl"
    result = CliRunner().invoke(
        app,
        [
            "simulate",
            "fleet",
            "--scenario",
            str(PEAK),
            "--policy",
            "greedy",
            "--hours",
            "0.05",
            "--seed",
            "2",
            "--json",
            "--vda-log",
            str(log),
        ],
    )
    assert result.exit_code == 0, result.output
    lines = [x for x in result.stdout.splitlines() if x.strip()]
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert set(data) >= KEYS
    assert data["policy"] == "greedy"
    assert data["robots"] == 6
    assert data["sim_hours"] == 0.05
    records = [json.loads(x) for x in log.read_text().splitlines()]
    assert {tuple(r) for r in records} == {("topic", "payload")}
    assert any(r["topic"].endswith("/order") for r in records)


def test_same_seed_gives_the_same_run() -> None:
    args = [
        "simulate",
        "fleet",
        "--scenario",
        str(PEAK),
        "--policy",
        "optimal",
        "--hours",
        "0.05",
        "--seed",
        "9",
        "--json",
    ]
    first, second = (json.loads(CliRunner().invoke(app, args).stdout) for _ in range(2))
    first.pop("wall_s"), second.pop("wall_s")
    first.pop("sim_s_per_wall_s"), second.pop("sim_s_per_wall_s")
    assert first == second


def test_a_broken_scenario_is_refused_naming_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("site: {nodes: []}\nstorage: {}\nrobots: {count: 0}\n")
    result = CliRunner().invoke(app, ["simulate", "fleet", "--scenario", str(bad), "--json"])
    assert result.exit_code == 2
    assert "robots.count" in result.output
