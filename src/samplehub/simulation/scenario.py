"""Fleet scenarios: a site, a warehouse, robots and the demand of one period, read from YAML."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from samplehub.core.domain.errors import SampleHubError
from samplehub.fleet.domain.battery import BatteryModel


class ScenarioError(SampleHubError, ValueError):
    """A scenario file that cannot be run; names the field and what is allowed."""


@dataclass(frozen=True, slots=True)
class Demand:
    put_away_per_hour: float = 60.0
    lab_delivery_per_hour: float = 40.0
    staging_per_hour: float = 30.0
    lab_dwell_s: tuple[float, float] = (600.0, 1800.0)
    lab_deadline_s: float = 1200.0
    staging_deadline_s: float = 1800.0
    dwell_days: tuple[float, float] = (0.5, 14.0)
    sizes: dict[str, float] = field(default_factory=lambda: {"S": 0.4, "M": 0.4, "L": 0.2})


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    site: dict[str, Any]
    storage: dict[str, Any]
    robot_count: int
    robot_speed: float
    manufacturer: str
    battery: BatteryModel
    demand: Demand
    initial_fill: float = 0.4
    step_s: float = 0.5
    state_interval_s: float = 1.0
    offline_after_s: float = 5.0
    stall_after_s: float = 300.0


def _pair(raw: Any, where: str, default: tuple[float, float]) -> tuple[float, float]:
    if raw is None:
        return default
    if not isinstance(raw, list) or len(raw) != 2:
        raise ScenarioError(f"{where}: {raw!r}; expected [low, high]")
    return float(raw[0]), float(raw[1])


def scenario_from_dict(data: dict[str, Any], name: str = "scenario") -> Scenario:
    for key in ("site", "storage", "robots"):
        if not isinstance(data.get(key), dict):
            raise ScenarioError(f"{key}: missing or not a mapping")
    robots = data["robots"]
    count = robots.get("count")
    if not isinstance(count, int) or count < 1:
        raise ScenarioError(f"robots.count: {count!r}; need an integer ≥ 1")
    raw_demand = data.get("demand") or {}
    demand = Demand(
        put_away_per_hour=float(raw_demand.get("put_away_per_hour", 60)),
        lab_delivery_per_hour=float(raw_demand.get("lab_delivery_per_hour", 40)),
        staging_per_hour=float(raw_demand.get("staging_per_hour", 30)),
        lab_dwell_s=_pair(raw_demand.get("lab_dwell_s"), "demand.lab_dwell_s", (600, 1800)),
        lab_deadline_s=float(raw_demand.get("lab_deadline_s", 1200)),
        staging_deadline_s=float(raw_demand.get("staging_deadline_s", 1800)),
        dwell_days=_pair(raw_demand.get("dwell_days"), "demand.dwell_days", (0.5, 14)),
        sizes=dict(raw_demand.get("sizes") or {"S": 0.4, "M": 0.4, "L": 0.2}),
    )
    try:
        battery = BatteryModel(**(data.get("battery") or {}))
    except TypeError as exc:
        raise ScenarioError(f"battery: {exc}") from None
    return Scenario(
        name=str(data.get("name", name)),
        site=data["site"],
        storage=data["storage"],
        robot_count=count,
        robot_speed=float(robots.get("speed", 1.2)),
        manufacturer=str(robots.get("manufacturer", "simbot")),
        battery=battery,
        demand=demand,
        initial_fill=float(data.get("initial_fill", 0.4)),
        step_s=float(data.get("step_s", 0.5)),
        state_interval_s=float(data.get("state_interval_s", 1.0)),
        offline_after_s=float(data.get("offline_after_s", 5.0)),
        stall_after_s=float(data.get("stall_after_s", 300.0)),
    )


def load_scenario(path: Path) -> Scenario:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScenarioError(f"scenario: cannot read {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"scenario: {path} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ScenarioError(f"scenario: {path} must hold a mapping at the top")
    return scenario_from_dict(data, path.stem)
