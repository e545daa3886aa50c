"""Every VDA 5050 message of a run validates against the official 2.1.0 JSON schemas."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from samplehub.fleet.adapters.mqtt.inprocess import InProcessTransport
from samplehub.fleet.domain.sitemap import site_map_from_dict
from samplehub.fleet.service.fleet import FleetManager
from samplehub.fleet.service.messages import parse_topic
from samplehub.fleet.service.settings import FleetSettings
from samplehub.simulation.clock import SimClock
from samplehub.simulation.runner import vda_logger
from tests.unit.samplehub.fleet.fakes import quiet_sim, run_until

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "samplehub" / "vda5050"
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def validators() -> dict[str, Draft202012Validator]:
    return {
        name: Draft202012Validator(
            json.loads((FIXTURES / "schemas" / f"{name}.schema").read_text())
        )
        for name in ("order", "instantActions", "state", "visualization", "connection", "factsheet")
    }


def check_run(lines: list[dict[str, Any]]) -> dict[str, int]:
    schemas = validators()
    last_header: dict[str, int] = {}
    updates: dict[str, int] = {}
    seen: dict[str, int] = {}
    for line in lines:
        _, serial, sub = parse_topic("", line["topic"])
        payload = line["payload"]
        errors = [e.message for e in schemas[sub].iter_errors(payload)]
        assert errors == [], f"{line['topic']}: {errors}"
        assert STAMP.match(payload["timestamp"]), payload["timestamp"]
        assert payload["serialNumber"] == serial
        assert payload["version"] == "2.1.0"
        key = line["topic"]
        assert payload["headerId"] > last_header.get(key, -1), f"headerId not rising on {key}"
        last_header[key] = payload["headerId"]
        if sub == "order":
            order_id, update = payload["orderId"], payload["orderUpdateId"]
            assert update == updates.get(order_id, -1) + 1, f"{order_id} skipped an update"
            updates[order_id] = update
        seen[sub] = seen.get(sub, 0) + 1
    return seen


def test_recorded_fixture_validates() -> None:
    lines = [json.loads(x) for x in (FIXTURES / "put-away-run.jsonl").read_text().splitlines()]
    seen = check_run(lines)
    assert {"order", "state", "connection", "factsheet"} <= set(seen)


def test_a_full_run_with_faults_and_charging_validates() -> None:
    sim = quiet_sim(robots=3)
    buf = io.StringIO()
    sim.transport.taps.append(vda_logger(buf))
    sim.robots[1].faults.reject_next_order = True
    sim.robots[2].battery = 20.0
    sim.robots[0].visualization_interval_s = 1.0
    tasks = [
        sim.storage.put_away(f"34140000000000000000AB{i:02d}", "S", 3600, sim.clock.t)
        for i in range(3)
    ]
    run_until(sim, lambda: all(t.task_id in sim.storage.done for t in tasks), 3600)
    run_until(sim, lambda: not sim.robots[2].charging and sim.robots[2].battery > 80, 900)
    sim.robots[0].disconnect(sim.clock.t)
    sim.transport.pump()
    seen = check_run([json.loads(x) for x in buf.getvalue().splitlines()])
    assert seen["order"] >= 6
    assert seen["instantActions"] >= 1
    assert seen["connection"] == 1


def test_recorded_robot_messages_replay_into_a_fresh_manager() -> None:
    lines = [json.loads(x) for x in (FIXTURES / "put-away-run.jsonl").read_text().splitlines()]
    site = site_map_from_dict(quiet_sim().scenario.site)
    transport = InProcessTransport()

    class Quiet:
        def __getattr__(self, name: str) -> Any:
            return lambda *args: None

    settings = FleetSettings(policy="greedy", robots=("R01", "R02"))
    manager = FleetManager(site, transport, SimClock(), Quiet(), settings=settings)
    manager.start()
    for line in lines:
        if parse_topic("", line["topic"])[2] in ("state", "connection", "factsheet"):
            transport.publish(line["topic"], json.dumps(line["payload"]).encode())
    transport.pump()
    manager.drain_inbox(SimClock().t)
    assert set(manager.robots) == {"R01", "R02"}
    assert manager.robots["R01"].factsheet_read
    assert manager.stats.bad_messages == 0


@pytest.mark.parametrize("sub", ["state", "order", "connection"])
def test_schemas_reject_a_message_without_its_header(sub: str) -> None:
    assert list(validators()[sub].iter_errors({"timestamp": "2026-01-05T08:00:00Z"}))
