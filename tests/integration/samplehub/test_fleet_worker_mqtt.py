"""The served fleet over the real Mosquitto at 127.0.0.1:1883, with robots playing real AGVs
(each its own MQTT client): a known robot carries the task; an unknown serial is refused; a
worker killed mid-transport is rebuilt and the task finishes once."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest

from samplehub.app.config import Settings
from samplehub.app.services import Services
from samplehub.app.wiring import fleet as fleet_wiring
from samplehub.core.domain.lifecycle import SampleState
from samplehub.core.domain.transport import Confirmation, TaskState
from samplehub.core.service import commands as c
from samplehub.core.service import queries
from samplehub.fleet.adapters.mqtt.paho_transport import MqttTransport
from samplehub.fleet.domain.sitemap import site_map_from_dict
from samplehub.fleet.service.ports import TransportError
from samplehub.fleet.service.worker import FleetWorker
from samplehub.simulation.clock import SimClock
from samplehub.simulation.robot import SimRobot

from .test_fleet_worker import received_sample, task_state, task_steps

URL = "mqtt://127.0.0.1:1883"


@pytest.fixture
def mqtt_settings(settings: Settings) -> Settings:
    run = uuid.uuid4().hex[:8]
    fleet = {"serials": ["R1"], "topic_prefix": f"test-{run}", "manufacturer": f"sim{run}"}
    return settings.model_copy(update={"mqtt_url": URL, "fleet": settings.fleet.model_copy(
        update=fleet)})  # fmt: skip


def agv(settings: Settings, serial: str, node: str) -> tuple[SimRobot, MqttTransport]:
    site = fleet_wiring.site_map_section(Settings())
    assert site is not None
    config = settings.fleet
    transport = MqttTransport(URL, f"{config.manufacturer}-{serial}")
    robot = SimRobot(
        serial, config.manufacturer, site_map_from_dict(site), node, transport,
        config.topic_prefix, speed=4.0, state_interval_s=0.5,
        action_seconds={"pick": 0.5, "drop": 0.5, "startCharging": 0.1},
    )  # fmt: skip
    transport.start()
    robot.connect(0.0)
    return robot, transport


def test_a_known_agv_carries_the_task_and_an_unknown_serial_is_refused(
    mqtt_settings: Settings, services: Services
) -> None:
    number, task_id = received_sample(services)
    clock = SimClock()
    site = fleet_wiring.site_map_section(Settings())
    assert site is not None
    worker = fleet_wiring.worker_factory(mqtt_settings, services, site, clock)
    assert worker.floor is None  # real AGVs run on their own
    robots = [agv(mqtt_settings, "R1", "P1"), agv(mqtt_settings, "R9", "P2")]
    try:
        worker.start()
        deadline = time.monotonic() + 60
        while task_state(services, task_id) is not TaskState.DONE:
            assert time.monotonic() < deadline, "the task was not done over MQTT in time"
            clock.advance(0.25)
            for robot, _ in robots:
                robot.step(clock.t, 0.25)
            worker.step()
            time.sleep(0.01)
    finally:
        for _, transport in robots:
            transport.stop()
        worker.close()
    assert "R9" not in worker.fleet.robots
    assert worker.fleet.stats.unknown_serials == {"R9"}
    assert robots[1][0].order_id == ""  # never given an order
    with services.uow_factory() as uow:
        task = uow.tasks.get(task_id)
    assert task is not None
    assert task.carrier == "R1"
    assert task.confirmation is Confirmation.NONE  # no reader at the slot: not claimed
    assert queries.get_sample(services.uow_factory, c.SYSTEM, number).state is SampleState.STORED
    assert queries.verify_audit(services.uow_factory).ok


def test_mqtts_without_a_readable_ca_file_is_refused_at_the_edge(tmp_path: Path) -> None:
    with pytest.raises(TransportError, match="mqtt_ca_file"):
        MqttTransport("mqtts://fleet:secret@127.0.0.1", "t", ca_file=str(tmp_path / "none.pem"))


def test_a_worker_killed_mid_transport_over_mosquitto_finishes_the_task_once(
    mqtt_settings: Settings, services: Services
) -> None:
    """The AGV keeps its load and its state on the broker; a fresh worker rebuilds from the
    tasks table and the robot's state messages, and the task ends exactly once."""
    number, task_id = received_sample(services)
    clock = SimClock()
    site = fleet_wiring.site_map_section(Settings())
    assert site is not None
    robot, robot_transport = agv(mqtt_settings, "R1", "P1")

    def drive(worker: FleetWorker, state: TaskState) -> None:
        deadline = time.monotonic() + 60
        while task_state(services, task_id) is not state:
            assert time.monotonic() < deadline, f"not {state.value} over MQTT in time"
            clock.advance(0.25)
            robot.step(clock.t, 0.25)
            worker.step()
            time.sleep(0.01)

    first = fleet_wiring.worker_factory(mqtt_settings, services, site, clock)
    second = None
    try:
        first.start()
        drive(first, TaskState.CARRYING)
        first.close()  # its broker session gone, as a killed process leaves it
        second = fleet_wiring.worker_factory(mqtt_settings, services, site, clock)
        second.start()
        drive(second, TaskState.DONE)
    finally:
        robot_transport.stop()
        if second is not None:
            second.close()
    assert task_steps(services, number) == [
        "created", "assigned", "picking", "carrying", "delivered", "done",
    ]  # fmt: skip
    assert queries.get_sample(services.uow_factory, c.SYSTEM, number).state is SampleState.STORED
    assert queries.verify_audit(services.uow_factory).ok
