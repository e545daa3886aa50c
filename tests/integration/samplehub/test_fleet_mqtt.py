"""The fleet over the real Mosquitto at 127.0.0.1:1883, every message schema-validated.

Each test run uses its own topic prefix and manufacturer so parallel runs never see each other.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from samplehub.core.adapters.clock import SystemClock
from samplehub.fleet.adapters.mqtt.paho_transport import MqttTransport
from samplehub.fleet.domain.battery import BatteryModel
from samplehub.fleet.domain.sitemap import SiteMap, site_map_from_dict
from samplehub.fleet.service.fleet import FleetManager
from samplehub.fleet.service.messages import HeaderCounter, encode, parse_topic, topic
from samplehub.fleet.service.robots import Purpose
from samplehub.fleet.service.settings import FleetSettings
from samplehub.simulation.robot import SimRobot
from samplehub.simulation.storage import StorageOperations
from samplehub.simulation.world import SimWorld
from samplehub.storage.domain.warehouse import ClosestOpenSlot, warehouse_from_dict

URL = "mqtt://127.0.0.1:1883"
SCHEMAS = Path(__file__).resolve().parents[2] / "fixtures" / "samplehub" / "vda5050" / "schemas"


def small_site() -> SiteMap:
    nodes = [
        ("A", 0, 0, "waypoint"),
        ("B", 4, 0, "waypoint"),
        ("C", 8, 0, "waypoint"),
        ("IN", 0, -2, "intake"),
        ("RA", 8, -2, "rack_access"),
        ("P1", 0, 2, "parking"),
        ("P2", 4, 2, "parking"),
        ("P3", 8, 2, "parking"),
        ("CH", 4, -2, "charger"),
    ]
    edges = [
        ("A", "B"),
        ("B", "C"),
        ("A", "IN"),
        ("C", "RA"),
        ("A", "P1"),
        ("B", "P2"),
        ("C", "P3"),
        ("B", "CH"),
    ]
    return site_map_from_dict(
        {
            "nodes": [{"id": n, "x": x, "y": y, "kind": k} for n, x, y, k in nodes],
            "edges": [{"from": a, "to": b, "max_speed": 4.0} for a, b in edges],
        }
    )


class Rig:
    """Fleet manager + two simulated robots, each with its own MQTT client, driven in real time."""

    def __init__(self) -> None:
        run = uuid.uuid4().hex[:8]
        self.prefix = f"test-{run}"
        self.manufacturer = f"sim{run}"
        self.site = small_site()
        self.clock = SystemClock()
        self.world = SimWorld()
        racks = [{"access_node": "RA", "shelves": [{"size_class": "M", "slots": 4}]}]
        wh = warehouse_from_dict({"areas": [{"id": "A", "racks": racks}]}, ("IN",))
        self.storage = StorageOperations(wh, self.site, ClosestOpenSlot(), self.world, "IN")
        self.messages: list[tuple[str, bytes]] = []
        self.tap = MqttTransport(URL, f"tap-{run}")
        self.tap.subscribe(
            f"{self.prefix}/uagv/v2/{self.manufacturer}/#",
            lambda t, p: self.messages.append((t, p)),
        )
        self.tap.start()
        self.mt = MqttTransport(URL, f"fleet-{run}")
        self.fleet = FleetManager(
            self.site,
            self.mt,
            self.clock,
            self.storage,
            BatteryModel(),
            settings=FleetSettings(
                prefix=self.prefix, policy="greedy", offline_after_s=3.0, robots=("R1", "R2")
            ),
        )
        self.storage.fleet = self.fleet
        self.fleet.start()
        self.mt.start()
        self.robots: list[SimRobot] = []
        self.robot_transports: list[MqttTransport] = []
        for serial, node in (("R1", "P1"), ("R2", "P3")):
            self.add_robot(serial, node)
        self.stop = threading.Event()

    def add_robot(self, serial: str, node: str) -> None:
        will_topic = topic(self.prefix, self.manufacturer, serial, "connection")
        holder: dict[str, SimRobot] = {}
        header = HeaderCounter(self.manufacturer, serial).header(
            "connection", self.clock.now().timestamp()
        )
        will = encode({**header, "connectionState": "CONNECTIONBROKEN"})
        robot_t = MqttTransport(URL, f"{self.manufacturer}-{serial}", will=(will_topic, will))
        robot = SimRobot(
            serial,
            self.manufacturer,
            self.site,
            node,
            robot_t,
            self.prefix,
            speed=4.0,
            world=self.world,
            state_interval_s=0.5,
            action_seconds={"pick": 0.2, "drop": 0.2, "startCharging": 0.1},
        )
        holder["r"] = robot
        for sub in ("order", "instantActions"):
            robot_t.subscribe(topic(self.prefix, self.manufacturer, serial, sub), robot.receive)
        robot_t.on_connected.append(lambda: holder["r"].announce(self.clock.now().timestamp()))
        robot_t.start()
        self.robots.append(robot)
        self.robot_transports.append(robot_t)

    def run_until(self, done: Callable[[], bool], timeout_s: float = 20.0) -> None:
        deadline = time.monotonic() + timeout_s
        last = self.clock.now().timestamp()
        while not done():
            assert time.monotonic() < deadline, "condition not reached in time"
            now = self.clock.now().timestamp()
            for robot in self.robots:
                robot.step(now, now - last)
            last = now
            self.fleet.tick()
            time.sleep(0.02)

    def close(self) -> None:
        for t in [*self.robot_transports, self.mt, self.tap]:
            t.stop()

    def validate_all(self) -> dict[str, int]:
        schemas = {
            p.stem: Draft202012Validator(json.loads(p.read_text()))
            for p in SCHEMAS.glob("*.schema")
        }
        seen: dict[str, int] = {}
        for name, payload in self.messages:
            _, _, sub = parse_topic(self.prefix, name)
            message: dict[str, Any] = json.loads(payload)
            errors = [e.message for e in schemas[sub].iter_errors(message)]
            assert errors == [], f"{name}: {errors}"
            assert message["timestamp"].endswith("Z")
            seen[sub] = seen.get(sub, 0) + 1
        return seen


@pytest.fixture
def rig() -> Iterator[Rig]:
    rig = Rig()
    yield rig
    rig.close()


def test_put_away_over_mosquitto_with_schema_valid_messages(rig: Rig) -> None:
    rig.run_until(
        lambda: (
            len(rig.fleet.robots) == 2
            and all(r.factsheet_read and r.node for r in rig.fleet.robots.values())
        )
    )
    task = rig.storage.put_away("3414000000000000000000A1", "S", 3600, rig.clock.now().timestamp())
    rig.world.place("intake", "3414000000000000000000A1")
    rig.run_until(lambda: task.task_id in rig.storage.done)
    assert rig.storage.location["3414000000000000000000A1"].startswith("slot A-01-1-")
    seen = rig.validate_all()
    assert {"order", "state", "connection", "factsheet"} <= set(seen)


def test_manager_connection_loss_resyncs_without_losing_or_repeating_a_task(rig: Rig) -> None:
    rig.run_until(
        lambda: len(rig.fleet.robots) == 2 and all(r.node for r in rig.fleet.robots.values())
    )
    task = rig.storage.put_away("3414000000000000000000B2", "S", 3600, rig.clock.now().timestamp())
    rig.run_until(lambda: any(r.task is task for r in rig.fleet.robots.values()))
    before = rig.mt.connects
    rig.mt.drop_connection()
    rig.run_until(lambda: rig.mt.connects > before, timeout_s=15)
    rig.run_until(lambda: task.task_id in rig.storage.done)
    assert rig.storage.done.count(task.task_id) == 1
    assert len(rig.fleet.stats.completed) == 1


def test_robot_dropping_off_triggers_its_last_will(rig: Rig) -> None:
    rig.run_until(
        lambda: len(rig.fleet.robots) == 2 and all(r.node for r in rig.fleet.robots.values())
    )
    rig.robot_transports[0].kill()
    rig.robots.pop(0)
    rig.run_until(lambda: rig.fleet.robots["R1"].purpose == Purpose.OFFLINE, timeout_s=30)
    wills = [json.loads(p) for t, p in rig.messages if t.endswith("/R1/connection")]
    assert wills[-1]["connectionState"] == "CONNECTIONBROKEN"  # sent by the broker
