"""The Mosquitto configuration shipped in deploy/mosquitto/, made by its script into a test
folder and run by /usr/sbin/mosquitto on free ports: TLS with logins and per-client ACLs."""

from __future__ import annotations

import contextlib
import os
import pwd
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "mosquitto" / "make_broker.py"
MANUFACTURER = "samplehub"


@dataclass(frozen=True)
class DeployedBroker:
    port: int
    """The TLS listener."""
    ca: Path
    credentials: dict[str, str]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def deployed_broker(
    folder: Path, robots: list[str], terminals: list[str]
) -> Iterator[DeployedBroker]:
    port = free_port()
    made = subprocess.run(
        [sys.executable, str(SCRIPT), str(folder), "--host", "127.0.0.1", "--bind", "127.0.0.1",
         "--port", str(port), "--run-as", pwd.getpwuid(os.getuid()).pw_name,
         *(f"--robot={r}" for r in robots), *(f"--terminal={t}" for t in terminals)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    credentials = dict(
        line.split(" ", 1) for line in (folder / "credentials").read_text().splitlines()
    )
    log = (folder / "broker.log").open("w")
    broker = subprocess.Popen(
        ["/usr/sbin/mosquitto", "-c", str(folder / "mosquitto.conf")], stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert broker.poll() is None, (folder / "broker.log").read_text()
                assert time.monotonic() < deadline, "mosquitto did not listen"
                time.sleep(0.05)
        yield DeployedBroker(port, folder / "ca.crt", credentials)
    finally:
        broker.terminate()
        broker.wait(timeout=5)
        log.close()


@dataclass
class RawClient:
    """A bare paho client (a robot, a terminal or an intruder): what it receives, how its
    connection was answered."""

    client: mqtt.Client
    received: list[tuple[str, bytes]] = field(default_factory=list)
    answered: threading.Event = field(default_factory=threading.Event)
    reason: str = ""

    def subscribe(self, topic: str) -> None:
        self.client.subscribe(topic, qos=1)

    def publish(self, topic: str, payload: bytes) -> None:
        self.client.publish(topic, payload, qos=1)

    def stop(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def raw_client(
    broker: DeployedBroker, login: str | None, password: str | None, tls: bool = True
) -> RawClient:
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    raw = RawClient(client)
    if tls:
        client.tls_set_context(ssl.create_default_context(cafile=str(broker.ca)))
    if login is not None:
        client.username_pw_set(login, password)

    def on_connect(*args: object) -> None:
        raw.reason = str(args[3])
        raw.answered.set()

    def on_message(_c: object, _u: object, message: mqtt.MQTTMessage) -> None:
        raw.received.append((message.topic, message.payload))

    client.on_connect = on_connect
    client.on_message = on_message
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    assert raw.answered.wait(5), "no CONNACK"
    return raw


def wait_for(condition: object, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert callable(condition)
        if condition():
            return True
        time.sleep(0.05)
    return False
