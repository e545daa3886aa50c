"""LaneGuard's station and terminals on the Mosquitto configuration shipped in deploy/mosquitto/
(issue 14, finding 7): each connects over TLS with its own login; a terminal reads only its own
alerts and can acknowledge only as itself; a client without a login is refused."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from laneguard.alerting.adapters.crypto import StationSealer, TerminalIdentity, generate_private_key
from laneguard.alerting.adapters.mqtt import MqttAlertTransport, MqttSettings, MqttTerminalClient
from laneguard.alerting.domain.alerts import Acknowledgement, Alert, SealedMessage, Terminal
from laneguard.core.domain.incidents import ObjectClass, Outcome
from tests.integration.deploy_broker import DeployedBroker, deployed_broker, raw_client, wait_for

AT = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeployedBroker]:
    with deployed_broker(tmp_path_factory.mktemp("deploy-lg"), [], ["t-a", "t-b"]) as found:
        yield found


def settings(broker: DeployedBroker, login: str) -> MqttSettings:
    return MqttSettings(
        "127.0.0.1", broker.port, broker.ca, username=login, password=broker.credentials[login]
    )


def test_alerts_and_acks_cross_with_logins_and_only_to_their_terminal(
    broker: DeployedBroker,
) -> None:
    sealer = StationSealer(generate_private_key())
    alice = TerminalIdentity("t-a", "alice", generate_private_key(), sealer.station_public_key)
    alerts: queue.Queue[SealedMessage] = queue.Queue()
    acks: queue.Queue[SealedMessage] = queue.Queue()
    station = MqttAlertTransport(settings(broker, "laneguard-station"), on_ack=acks.put)
    device = MqttTerminalClient(settings(broker, "terminal-t-a"), "t-a", on_alert=alerts.put)
    snoop = raw_client(broker, "terminal-t-b", broker.credentials["terminal-t-b"])
    listener = raw_client(broker, "laneguard-station", broker.credentials["laneguard-station"])
    station.start()
    device.start()
    try:
        snoop.subscribe("laneguard/terminal/+/alert")  # every terminal's alerts: filtered
        listener.subscribe("laneguard/terminal/+/ack")  # what reaches the station, raw
        wait_for(lambda: False, 0.3)
        snoop.publish("laneguard/terminal/t-a/ack", b"forged: not t-b's topic")
        alert = Alert("inc-1", "S1", "cam", "z", "3", ObjectClass.BICYCLE, AT, b"\xff\xd8\xff\xd9")
        station.deliver(sealer.seal_alert(alert, Terminal("t-a", "alice", alice.public_key, AT)))
        assert alice.open_alert(alerts.get(timeout=10)) == alert
        ack = Acknowledgement("inc-1", "t-a", Outcome.TURNED_BACK, AT)
        sealed = alice.seal_ack(ack)
        device.send_ack(sealed)
        terminal = Terminal("t-a", "alice", alice.public_key, AT)
        assert sealer.open_ack(acks.get(timeout=10), terminal) == ack
        assert wait_for(lambda: listener.received)
        wait_for(lambda: False, 0.3)
        # bob's message on alice's topic never reached the station, nor alice's alert bob
        assert listener.received == [("laneguard/terminal/t-a/ack", sealed.to_bytes())]
        assert snoop.received == []
    finally:
        listener.stop()
        snoop.stop()
        device.stop()
        station.stop()


def test_a_client_without_a_login_is_refused(broker: DeployedBroker) -> None:
    stranger = raw_client(broker, None, None)
    try:
        assert stranger.reason == "Not authorized"
        assert not stranger.client.is_connected()
    finally:
        stranger.stop()


def test_the_terminal_command_listens_with_its_login(
    broker: DeployedBroker, tmp_path: Path
) -> None:
    """`laneguard terminal listen` with the password from the environment (login terminal-<id>)
    receives its alert; with a wrong password it stops with an error."""
    sealer = StationSealer(generate_private_key())
    alice = TerminalIdentity("t-a", "alice", generate_private_key(), sealer.station_public_key)
    key_file = tmp_path / "alice.json"
    alice.save(key_file)
    command = [
        str(Path(sys.executable).with_name("laneguard")), "terminal", "listen",
        "--key-file", str(key_file), "--mqtt-host", "127.0.0.1",
        "--mqtt-port", str(broker.port), "--ca-file", str(broker.ca), "--count", "1", "--json",
    ]  # fmt: skip
    wrong = subprocess.run(
        command, env=os.environ | {"LANEGUARD_MQTT_PASSWORD": "wrong"},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert wrong.returncode != 0
    assert "refused the connection" in wrong.stderr
    password = broker.credentials["terminal-t-a"]
    listening = subprocess.Popen(
        command, env=os.environ | {"LANEGUARD_MQTT_PASSWORD": password},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    station = MqttAlertTransport(settings(broker, "laneguard-station"), on_ack=lambda _: None)
    station.start()
    try:
        alert = Alert("inc-7", "S1", "cam", "z", "2", ObjectClass.PEDESTRIAN, AT, b"")
        sealed = sealer.seal_alert(alert, Terminal("t-a", "alice", alice.public_key, AT))
        deadline = time.monotonic() + 30
        while listening.poll() is None and time.monotonic() < deadline:
            station.deliver(sealed)  # until the terminal has subscribed and takes one
            time.sleep(0.5)
        out, err = listening.communicate(timeout=10)
    finally:
        station.stop()
        if listening.poll() is None:
            listening.kill()
    assert listening.returncode == 0, err
    assert json.loads(out.splitlines()[0])["incident_id"] == "inc-7"
