"""The fleet's MQTT credentials and TLS against a private Mosquitto that refuses anonymous
clients: user name and password from the URL or from the settings connect, ``mqtts://`` is
verified against ``fleet.mqtt_ca_file``; a wrong password is refused at the edge as our own
``TransportError``."""

from __future__ import annotations

import os
import pwd
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from samplehub.app.config import Settings
from samplehub.app.wiring.fleet import fleet_transport
from samplehub.fleet.adapters.mqtt.paho_transport import MqttTransport
from samplehub.fleet.service.ports import TransportError


@dataclass(frozen=True)
class Broker:
    port: int
    """Plain MQTT, password required."""
    tls_port: int
    """MQTT over TLS, password required; the server certificate is its own CA (``ca``)."""
    ca: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def locked_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    folder = tmp_path_factory.mktemp("mosquitto-auth")
    passwords, cert, key = folder / "passwords", folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["/usr/bin/mosquitto_passwd", "-c", "-b", str(passwords), "fleet", "s3cret:pw"],
        check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    port, tls_port = free_port(), free_port()
    conf = folder / "mosquitto.conf"
    conf.write_text(
        f"user {pwd.getpwuid(os.getuid()).pw_name}\npersistence false\nlog_dest stderr\n"
        f"per_listener_settings false\nallow_anonymous false\npassword_file {passwords}\n"
        f"listener {port} 127.0.0.1\n"
        f"listener {tls_port} 127.0.0.1\ncertfile {cert}\nkeyfile {key}\n"
    )
    broker = subprocess.Popen(
        ["/usr/sbin/mosquitto", "-c", str(conf)], stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", tls_port), timeout=0.2).close()
            break
        except OSError:
            assert broker.poll() is None, "mosquitto exited"
            assert time.monotonic() < deadline, "mosquitto did not listen"
            time.sleep(0.05)
    yield Broker(port, tls_port, cert)
    broker.terminate()
    broker.wait(timeout=5)


def test_credentials_in_the_url_connect(locked_broker: Broker) -> None:
    url = f"mqtt://fleet:s3cret%3Apw@127.0.0.1:{locked_broker.port}"
    transport = MqttTransport(url, "url-creds")
    transport.start()
    assert transport.connected.is_set()
    transport.stop()


def test_tls_and_credentials_from_the_settings_connect(
    locked_broker: Broker, tmp_path: Path
) -> None:
    settings = Settings(
        data_dir=tmp_path, secret_key="integration-key-0123456789",
        mqtt_url=f"mqtts://127.0.0.1:{locked_broker.tls_port}",
        fleet={"mqtt_username": "fleet", "mqtt_password": "s3cret:pw", "serials": ["R1"],
               "mqtt_ca_file": str(locked_broker.ca)},
    )  # fmt: skip
    transport = fleet_transport(settings, "settings-creds")
    assert isinstance(transport, MqttTransport)
    assert transport.connected.is_set()
    transport.stop()


def test_a_wrong_password_is_refused_at_the_edge(locked_broker: Broker) -> None:
    transport = MqttTransport(f"mqtt://fleet:wrong@127.0.0.1:{locked_broker.port}", "wrong")
    with pytest.raises(TransportError, match="refused"):
        transport.start(timeout_s=2)
