"""Fleet MQTT had no authentication (issue 14, finding 7): any client on the broker could order
robots or forge their state and FINISHED actions. On the Mosquitto configuration shipped in
deploy/mosquitto/: an anonymous client or a wrong password is refused at CONNECT, a robot
publishes only on its own topics and reads only its own orders, and the fleet manager's
transport connects with its login over ``mqtts://``."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from samplehub.app.config import Settings
from samplehub.app.services import Services
from samplehub.app.wiring import fleet as fleet_wiring
from samplehub.app.wiring.fleet import fleet_transport
from samplehub.core.domain.lifecycle import SampleState
from samplehub.core.domain.transport import TaskState
from samplehub.core.service import commands as c
from samplehub.core.service import queries
from samplehub.fleet.adapters.mqtt.paho_transport import MqttTransport
from samplehub.fleet.domain.sitemap import site_map_from_dict
from samplehub.fleet.service.messages import topic
from samplehub.simulation.clock import SimClock
from samplehub.simulation.robot import SimRobot
from tests.integration.deploy_broker import (
    MANUFACTURER,
    DeployedBroker,
    deployed_broker,
    raw_client,
    wait_for,
)
from tests.integration.samplehub.test_fleet_worker import received_sample, task_state


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeployedBroker]:
    with deployed_broker(tmp_path_factory.mktemp("deploy-mqtt"), ["R01", "R02"], []) as found:
        yield found


@pytest.fixture
def fleet(broker: DeployedBroker, tmp_path: Path) -> Iterator[MqttTransport]:
    """The fleet manager's transport as `serve` makes it from the settings."""
    settings = Settings(
        data_dir=tmp_path, secret_key="integration-key-0123456789",
        mqtt_url=f"mqtts://127.0.0.1:{broker.port}",
        fleet={"mqtt_username": "fleet", "mqtt_password": broker.credentials["fleet"],
               "mqtt_ca_file": str(broker.ca), "serials": ["R01", "R02"]},
    )  # fmt: skip
    transport = fleet_transport(settings, "fleet-manager")
    assert isinstance(transport, MqttTransport)
    assert transport.connected.is_set()
    yield transport
    transport.stop()


def state(serial: str) -> bytes:
    return json.dumps({"serialNumber": serial, "headerId": 1}).encode()


def test_anonymous_and_wrong_password_clients_are_refused(broker: DeployedBroker) -> None:
    for login, password in [(None, None), ("R01", "wrong"), ("stranger", "x")]:
        intruder = raw_client(broker, login, password)
        try:
            assert intruder.reason in {"Not authorized", "Bad user name or password"}, login
            assert not intruder.client.is_connected()
        finally:
            intruder.stop()


def test_a_robot_publishes_only_on_its_own_topics(
    broker: DeployedBroker, fleet: MqttTransport
) -> None:
    seen: list[tuple[str, bytes]] = []
    fleet.subscribe(
        topic("", "+", "+", "state"), lambda name, payload: seen.append((name, payload))
    )
    robot = raw_client(broker, "R01", broker.credentials["R01"])
    try:
        assert robot.reason == "Success"
        wait_for(lambda: False, 0.3)  # the fleet's subscription reaches the broker
        robot.publish(topic("", MANUFACTURER, "R02", "state"), state("R02"))  # forged
        robot.publish(topic("", MANUFACTURER, "R01", "state"), state("R01"))
        assert wait_for(lambda: seen)
        assert not wait_for(lambda: len(seen) > 1, 0.5)
        assert seen == [(topic("", MANUFACTURER, "R01", "state"), state("R01"))]
    finally:
        robot.stop()


def test_a_robot_reads_only_its_own_orders_and_cannot_order_others(
    broker: DeployedBroker, fleet: MqttTransport
) -> None:
    r01 = raw_client(broker, "R01", broker.credentials["R01"])
    r02 = raw_client(broker, "R02", broker.credentials["R02"])
    try:
        # a wider filter is granted, but the broker checks every message against the ACL
        r01.subscribe(topic("", MANUFACTURER, "+", "order"))
        r02.subscribe(topic("", MANUFACTURER, "R02", "order"))
        wait_for(lambda: False, 0.3)  # the subscriptions reach the broker
        r01.publish(topic("", MANUFACTURER, "R02", "order"), b'{"orderId": "forged"}')
        fleet.publish(topic("", MANUFACTURER, "R02", "order"), b'{"orderId": "o-2"}', qos=1)
        fleet.publish(topic("", MANUFACTURER, "R01", "order"), b'{"orderId": "o-1"}', qos=1)
        assert wait_for(lambda: r01.received and r02.received)
        wait_for(lambda: False, 0.5)  # anything else would arrive meanwhile
        assert r01.received == [(topic("", MANUFACTURER, "R01", "order"), b'{"orderId": "o-1"}')]
        assert r02.received == [(topic("", MANUFACTURER, "R02", "order"), b'{"orderId": "o-2"}')]
    finally:
        r01.stop()
        r02.stop()


def test_the_served_fleet_and_a_robot_carry_a_task_with_their_logins(
    broker: DeployedBroker, settings: Settings, services: Services
) -> None:
    """The fleet worker as `serve` makes it and robot R01 (its own login), both over mqtts."""
    url = f"mqtts://127.0.0.1:{broker.port}"
    fleet = {
        "mqtt_username": "fleet",
        "mqtt_password": broker.credentials["fleet"],
        "mqtt_ca_file": str(broker.ca),
        "serials": ["R01"],
        "manufacturer": MANUFACTURER,
    }
    served = settings.model_copy(
        update={"mqtt_url": url, "fleet": settings.fleet.model_copy(update=fleet)}
    )
    number, task_id = received_sample(services)
    clock = SimClock()
    site = fleet_wiring.site_map_section(Settings())
    assert site is not None
    transport = MqttTransport(
        url, "samplehub-R01", username="R01", password=broker.credentials["R01"],
        ca_file=str(broker.ca),
    )  # fmt: skip
    robot = SimRobot(
        "R01", MANUFACTURER, site_map_from_dict(site), "P1", transport, "", speed=4.0,
        state_interval_s=0.5, action_seconds={"pick": 0.5, "drop": 0.5, "startCharging": 0.1},
    )  # fmt: skip
    transport.start()
    robot.connect(0.0)
    worker = fleet_wiring.worker_factory(served, services, site, clock)
    try:
        worker.start()
        deadline = time.monotonic() + 60
        while task_state(services, task_id) is not TaskState.DONE:
            assert time.monotonic() < deadline, "the task was not done over mqtts in time"
            clock.advance(0.25)
            robot.step(clock.t, 0.25)
            worker.step()
            time.sleep(0.01)
    finally:
        transport.stop()
        worker.close()
    sample = queries.get_sample(services.uow_factory, c.SYSTEM, number)
    assert sample.state is SampleState.STORED
