"""The fleet's MQTT credentials against a private Mosquitto that refuses anonymous clients:
user name and password from the URL or from the settings connect; a wrong password is refused
at the edge as our own ``TransportError``."""

from __future__ import annotations

import os
import pwd
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from samplehub.app.config import Settings
from samplehub.app.wiring.fleet import fleet_transport
from samplehub.fleet.adapters.mqtt.paho_transport import MqttTransport
from samplehub.fleet.service.ports import TransportError


@pytest.fixture(scope="module")
def locked_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    folder = tmp_path_factory.mktemp("mosquitto-auth")
    passwords = folder / "passwords"
    subprocess.run(
        ["/usr/bin/mosquitto_passwd", "-c", "-b", str(passwords), "fleet", "s3cret:pw"],
        check=True, capture_output=True,
    )  # fmt: skip
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    conf = folder / "mosquitto.conf"
    conf.write_text(
        f"user {pwd.getpwuid(os.getuid()).pw_name}\npersistence false\nlog_dest stderr\n"
        f"listener {port} 127.0.0.1\nallow_anonymous false\npassword_file {passwords}\n"
    )
    broker = subprocess.Popen(
        ["/usr/sbin/mosquitto", "-c", str(conf)], stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            assert broker.poll() is None, "mosquitto exited"
            assert time.monotonic() < deadline, "mosquitto did not listen"
            time.sleep(0.05)
    yield port
    broker.terminate()
    broker.wait(timeout=5)


def test_credentials_in_the_url_connect(locked_broker: int) -> None:
    transport = MqttTransport(f"mqtt://fleet:s3cret%3Apw@127.0.0.1:{locked_broker}", "url-creds")
    transport.start()
    assert transport.connected.is_set()
    transport.stop()


def test_credentials_from_the_settings_connect(locked_broker: int, tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, secret_key="integration-key-0123456789",
        mqtt_url=f"mqtt://127.0.0.1:{locked_broker}",
        fleet={"mqtt_username": "fleet", "mqtt_password": "s3cret:pw", "serials": ["R1"]},
    )  # fmt: skip
    transport = fleet_transport(settings, "settings-creds")
    assert isinstance(transport, MqttTransport)
    assert transport.connected.is_set()
    transport.stop()


def test_a_wrong_password_is_refused_at_the_edge(locked_broker: int) -> None:
    transport = MqttTransport(f"mqtt://fleet:wrong@127.0.0.1:{locked_broker}", "wrong-creds")
    with pytest.raises(TransportError, match="refused"):
        transport.start(timeout_s=2)
