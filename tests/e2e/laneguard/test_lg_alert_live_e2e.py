"""End to end: the live service on a simulated source; an alert arrives encrypted at the simulated
terminal (MQTT over TLS, on a Mosquitto with the test's own CA) and at the web terminal in
Chromium (WebSocket, decrypted by WebCrypto); both acknowledge; the statistics show the outcomes."""

from __future__ import annotations

import base64
import json
import os
import queue
import secrets
import signal
import ssl
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import create_engine, text

from laneguard.demo import VTEST
from laneguard.simulation.broker import LocalMosquitto, free_port

pytestmark = pytest.mark.browser

LANEGUARD = [str(Path(sys.executable).parent / "laneguard")]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OPERATOR = ("e2e-operator", "e2e-operator-pass")  # seeded by web.operator_user / _password
AUTH = {"Authorization": "Basic " + base64.b64encode(":".join(OPERATOR).encode()).decode()}


def _cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*LANEGUARD, *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def _get(url: str, context: ssl.SSLContext | None = None) -> Any:
    req = urllib.request.Request(url, headers=AUTH)  # noqa: S310 - local test server
    with urllib.request.urlopen(req, timeout=10, context=context) as r:  # noqa: S310 - local
        return json.loads(r.read())


def _post(url: str, body: dict[str, Any]) -> Any:
    req = urllib.request.Request(  # noqa: S310 - local test server
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **AUTH},
    )
    with urllib.request.urlopen(req, timeout=10) as r:  # noqa: S310
        return json.loads(r.read())


def _lines(stream: IO[str], sink: queue.Queue[str]) -> None:
    for line in stream:
        sink.put(line)


SIMULATED = {
    "cameras": [
        {
            "camera": "cam-e2e",
            "source": "sim://",
            "zones": [
                {"name": "z2", "lane": "2", "polygon": [[0, 0], [10, 0], [10, 10]]},
                {"name": "z3", "lane": "3", "polygon": [[20, 0], [30, 0], [30, 10]]},
            ],
        }
    ],
    "source": {"type": "simulated", "interval_s": 0, "duration_s": 2},
}
LOOPED_VTEST = {
    "cameras": [
        {
            "camera": "cam-vtest",
            "source": str(VTEST),
            "loop": True,
            "zones": [
                {
                    "name": "lane-2",
                    "lane": "2",
                    "polygon": [[470, 300], [768, 240], [768, 490], [600, 420], [450, 355]],
                },
            ],
        }
    ],
    "source": {"type": "pipeline", "detector": {"type": "coco_tflite"}},
}


class Service:
    def __init__(
        self, tmp: Path, broker: LocalMosquitto, setup: dict[str, Any], https: bool = False
    ) -> None:
        self.port = free_port()
        self.https = https
        self.context = ssl.create_default_context(cafile=str(broker.tls.ca_cert))
        self.prefix = f"lge2e-{secrets.token_hex(4)}"
        self.config = tmp / "laneguard.json"
        self.config.write_text(
            json.dumps(
                {
                    "station": "E2E收费站",
                    "timezone": "Asia/Shanghai",
                    "data_dir": str(tmp / "data"),
                    "web": {
                        "host": "127.0.0.1",
                        "port": self.port,
                        "operator_user": OPERATOR[0],
                        "operator_password": OPERATOR[1],
                        **(
                            {
                                "tls_cert": str(broker.tls.server_cert),
                                "tls_key": str(broker.tls.server_key),
                            }
                            if https
                            else {"tls": "off"}
                        ),
                    },
                    "mqtt": {
                        "host": broker.host,
                        "port": broker.port,
                        "ca_file": str(broker.tls.ca_cert),
                        "topic_prefix": self.prefix,
                    },
                    "speakers": [
                        {"type": "local", "lane": "2", "command": []},
                        {"type": "local", "lane": "3", "command": []},
                    ],
                    **setup,
                }
            )
        )
        self.base = f"{'https' if https else 'http'}://127.0.0.1:{self.port}"
        self.log = (tmp / "service.log").open("w")
        self.proc = subprocess.Popen(
            [*LANEGUARD, "run", "--config", str(self.config)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(f"{self.base}/api/incidents", self.context)
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((tmp / "service.log").read_text()) from None
                time.sleep(0.2)

    def code(self, name: str) -> str:
        """A one-time enrolment code for `name`, made as an operator would on the command line."""
        made = _cli("terminal", "code", name, "--config", str(self.config), "--json")
        assert made.returncode == 0, made.stderr
        return str(json.loads(made.stdout)["code"])

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=20)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self.log.close()


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[LocalMosquitto]:
    b = LocalMosquitto(tmp_path / "mosquitto").start()
    yield b
    b.stop()


def _sniff(broker: LocalMosquitto, prefix: str, sink: list[bytes]) -> mqtt.Client:
    """A bystander on the broker: it sees every payload on the LaneGuard topics."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2)
    client.tls_set_context(ssl.create_default_context(cafile=str(broker.tls.ca_cert)))
    subscribed = threading.Event()
    client.on_message = lambda _c, _u, msg: sink.append(bytes(msg.payload))
    client.on_subscribe = lambda *_a: subscribed.set()
    client.on_connect = lambda c, *_a: c.subscribe(f"{prefix}/terminal/#", qos=1)
    client.connect(broker.host, broker.port)
    client.loop_start()
    assert subscribed.wait(10)
    return client


def test_alert_reaches_both_terminals_encrypted_and_outcomes_reach_statistics(
    tmp_path: Path, broker: LocalMosquitto
) -> None:
    service = Service(tmp_path, broker, SIMULATED)
    wire: list[bytes] = []
    sniffer = _sniff(broker, service.prefix, wire)
    listener = None
    try:
        key_file = tmp_path / "wearable.json"
        enrolled = _cli(
            "terminal",
            "enroll",
            "--server",
            service.base,
            "--code",
            service.code("张三"),
            "--name",
            "张三",
            "--key-file",
            str(key_file),
        )
        assert enrolled.returncode == 0, enrolled.stderr
        assert (
            _cli(
                "terminal",
                "enroll",
                "--server",
                service.base,
                "--code",
                "wrong-code",
                "--name",
                "x",
                "--key-file",
                str(tmp_path / "x.json"),
            ).returncode
            == 1
        )

        listener = subprocess.Popen(
            [
                *LANEGUARD,
                "terminal",
                "listen",
                "--key-file",
                str(key_file),
                "--ack",
                "turned_back",
                "--count",
                "1",
                "--json",
                "--snapshot-dir",
                str(tmp_path / "snaps"),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert listener.stderr is not None
        assert "listening as 张三" in listener.stderr.readline()

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(extra_http_headers=AUTH)
            page.goto(f"{service.base}/terminal")
            page.fill("#enrol-name", "李四")
            page.fill("#enrol-code", service.code("李四"))
            page.click("#enrol-button")
            expect(page.locator("#status")).to_have_attribute("data-state", "listening")

            first = _post(f"{service.base}/api/simulate", {"lane": "3"})["incident_id"]
            out, _ = listener.communicate(timeout=30)
            received = json.loads(out.strip().splitlines()[-1])
            assert received["incident_id"] == first
            assert received["lane"] == "3"
            assert received["ack"] == "turned_back"
            snap = (tmp_path / "snaps" / f"{first}.jpg").read_bytes()
            assert snap.startswith(b"\xff\xd8")

            card = page.locator(f'article[data-incident="{first}"]')
            expect(card).to_be_visible()
            expect(card.locator("img")).to_have_attribute(
                "src", "data:image/jpeg;base64," + base64.b64encode(snap).decode()
            )

            second = _post(f"{service.base}/api/simulate", {"lane": "2", "object_class": "e-bike"})[
                "incident_id"
            ]
            card2 = page.locator(f'article[data-incident="{second}"]')
            expect(card2).to_be_visible()
            card2.locator('button[data-outcome="false_alarm"]').click()
            expect(card2.locator(".outcome")).to_have_attribute("data-state", "closed")
            card.locator('button[data-outcome="left_by_itself"]').click()
            expect(card.locator(".outcome")).to_have_attribute("data-state", "refused")

            page.goto(f"{service.base}/stats")
            expect(page.locator("#kpi-incidents")).to_have_text("2")
            expect(page.locator("#kpi-turned-back")).to_have_text("1")
            expect(page.locator("#kpi-false-alarm")).to_have_text("1")
            expect(page.locator("#kpi-turned-back-rate")).to_have_text("100.0%")
            expect(page.locator("#kpi-false-alarm-rate")).to_have_text("50.0%")
            page.goto(f"{service.base}/?lang=en")
            expect(page.locator(f'tr[data-incident="{first}"] .outcome')).to_have_text(
                "Turned back"
            )
            expect(page.locator(f'tr[data-incident="{second}"] .outcome')).to_have_text(
                "False alarm"
            )
            browser.close()

        stats = json.loads(_cli("stats", "--config", str(service.config), "--json").stdout)
        assert stats["total"]["turned_back"] == 1
        assert stats["total"]["false_alarm"] == 1
        assert stats["total"]["false_alarm_rate"] == 0.5
        incidents = {i["incident_id"]: i for i in _get(f"{service.base}/api/incidents")}
        assert incidents[first]["closed_by"].startswith("张三 (t-")
        assert incidents[second]["closed_by"].startswith("李四 (t-")

        assert wire, "the bystander saw the alerts and acks go by"
        for payload in wire:
            assert json.loads(payload)["ciphertext"]
            assert b"cam-e2e" not in payload
            assert b"/9j/" not in payload  # base64 of a JPEG's first bytes
    finally:
        if listener is not None and listener.poll() is None:
            listener.kill()
            listener.communicate()
        sniffer.loop_stop()
        sniffer.disconnect()
        assert service.stop() == 0


def test_revoked_terminal_gets_nothing_new(tmp_path: Path, broker: LocalMosquitto) -> None:
    service = Service(tmp_path, broker, SIMULATED)
    try:
        key_file = tmp_path / "lost-device.json"
        enrolled = _cli(
            "terminal",
            "enroll",
            "--server",
            service.base,
            "--code",
            service.code("丢失的终端"),
            "--name",
            "丢失的终端",
            "--key-file",
            str(key_file),
        )
        terminal_id = json.loads(enrolled.stdout)["terminal_id"]
        revoked = _cli("terminal", "revoke", terminal_id, "--config", str(service.config))
        assert revoked.returncode == 0, revoked.stderr
        listed = [
            json.loads(x)
            for x in _cli("terminal", "list", "--config", str(service.config)).stdout.splitlines()
        ]
        assert listed == [
            {
                "terminal_id": terminal_id,
                "name": "丢失的终端",
                "enrolled_at": listed[0]["enrolled_at"],
                "active": False,
                "station": listed[0]["station"],  # the station that made its code
                "lanes": [],
                "leader": False,
            }
        ]
        assert listed[0]["station"]
        wire: list[bytes] = []
        sniffer = _sniff(broker, service.prefix, wire)
        try:
            incident = _post(f"{service.base}/api/simulate", {"lane": "2"})["incident_id"]
            deadline = time.monotonic() + 10
            while not any(
                i["incident_id"] == incident for i in _get(f"{service.base}/api/incidents")
            ):
                assert time.monotonic() < deadline
                time.sleep(0.1)
            time.sleep(1.0)  # give a (wrong) publish time to show up on the wire
            assert wire == []
        finally:
            sniffer.loop_stop()
            sniffer.disconnect()
    finally:
        assert service.stop() == 0
    assert os.path.exists(tmp_path / "data" / "laneguard.db")


def test_looped_video_through_the_detector_alerts_both_terminals(
    tmp_path: Path, broker: LocalMosquitto
) -> None:
    """The real pipeline on OpenCV's vtest.avi, looped like a camera: people walk into lane 2."""
    service = Service(tmp_path, broker, LOOPED_VTEST)
    listener = None
    try:
        key_file = tmp_path / "wearable.json"
        enrolled = _cli(
            "terminal",
            "enroll",
            "--server",
            service.base,
            "--code",
            service.code("张三"),
            "--name",
            "张三",
            "--key-file",
            str(key_file),
        )
        assert enrolled.returncode == 0, enrolled.stderr
        listener = subprocess.Popen(
            [
                *LANEGUARD,
                "terminal",
                "listen",
                "--key-file",
                str(key_file),
                "--ack",
                "turned_back",
                "--count",
                "1",
                "--json",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(extra_http_headers=AUTH)
            page.goto(f"{service.base}/terminal")
            page.fill("#enrol-name", "李四")
            page.fill("#enrol-code", service.code("李四"))
            page.click("#enrol-button")
            expect(page.locator("#status")).to_have_attribute("data-state", "listening")

            out, _ = listener.communicate(timeout=120)
            received = json.loads(out.strip().splitlines()[-1])
            assert received["camera"] == "cam-vtest"
            assert received["lane"] == "2"
            assert received["ack"] == "turned_back"

            other = page.locator(f'article.alert:not([data-incident="{received["incident_id"]}"])')
            expect(other.first).to_be_visible(timeout=120_000)
            # pinned by its incident: newer alerts of the looping video land above it meanwhile
            chosen = other.first.get_attribute("data-incident")
            card = page.locator(f'article.alert[data-incident="{chosen}"]')
            card.locator('button[data-outcome="false_alarm"]').click()
            expect(card.locator(".outcome")).to_have_attribute("data-state", "closed")
            browser.close()

        stats = _get(f"{service.base}/api/stats?by=lane")
        assert stats["total"]["turned_back"] >= 1
        assert stats["total"]["false_alarm"] >= 1
        assert {r["key"] for r in stats["rows"]} == {"E2E收费站/2"}
        health = _get(f"{service.base}/api/health")
        assert health["cameras"] == {"cam-vtest": "ok"}
        assert health["mqtt"] == "ok"
        live = urllib.request.Request(f"{service.base}/live/cam-vtest.mjpg", headers=AUTH)  # noqa: S310
        with urllib.request.urlopen(live, timeout=10) as r:  # noqa: S310
            assert r.headers["Content-Type"].startswith("multipart/x-mixed-replace")
            assert b"\xff\xd8" in r.read(65536)
    finally:
        if listener is not None and listener.poll() is None:
            listener.kill()
            listener.communicate()
        assert service.stop() == 0


def test_https_web_terminal_enrols_and_decrypts(tmp_path: Path, broker: LocalMosquitto) -> None:
    """Phones reach the station over the wireless network: WebCrypto needs HTTPS there."""
    service = Service(tmp_path, broker, SIMULATED, https=True)
    try:
        enrolled = _cli(
            "terminal",
            "enroll",
            "--server",
            service.base,
            "--server-ca",
            str(broker.tls.ca_cert),
            "--code",
            service.code("王五"),
            "--name",
            "王五",
            "--key-file",
            str(tmp_path / "w.json"),
        )
        assert enrolled.returncode == 0, enrolled.stderr
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_context(ignore_https_errors=True, extra_http_headers=AUTH).new_page()
            page.goto(f"{service.base}/terminal?lang=en")
            page.fill("#enrol-name", "赵六")
            page.fill("#enrol-code", service.code("赵六"))
            page.click("#enrol-button")
            expect(page.locator("#status")).to_have_attribute("data-state", "listening")
            incident = _post_tls(f"{service.base}/api/simulate", {"lane": "3"}, service.context)
            card = page.locator(f'article[data-incident="{incident}"]')
            expect(card.locator("h2")).to_have_text("Lane 3 · Pedestrian")
            browser.close()
    finally:
        assert service.stop() == 0


def _post_tls(url: str, body: dict[str, Any], context: ssl.SSLContext) -> str:
    req = urllib.request.Request(  # noqa: S310 - local test server
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **AUTH},
    )
    with urllib.request.urlopen(req, timeout=10, context=context) as r:  # noqa: S310
        return str(json.loads(r.read())["incident_id"])


@pytest.mark.postgres
def test_management_centre_database_on_postgresql(tmp_path: Path, broker: LocalMosquitto) -> None:
    """The same live service writing its records to PostgreSQL, in a schema of its own."""
    schema = f"lg_e2e_{secrets.token_hex(4)}"
    admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/test")
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"
    service = Service(tmp_path, broker, {**SIMULATED, "database_url": url})
    try:
        key_file = tmp_path / "pg-terminal.json"
        assert (
            _cli(
                "terminal",
                "enroll",
                "--server",
                service.base,
                "--code",
                service.code("孙七"),
                "--name",
                "孙七",
                "--key-file",
                str(key_file),
            ).returncode
            == 0
        )
        listener = subprocess.Popen(
            [
                *LANEGUARD,
                "terminal",
                "listen",
                "--key-file",
                str(key_file),
                "--ack",
                "false_alarm",
                "--count",
                "1",
                "--json",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert listener.stderr is not None
        assert "listening as" in listener.stderr.readline()
        _post(f"{service.base}/api/simulate", {"lane": "2"})
        out, _ = listener.communicate(timeout=30)
        assert json.loads(out.strip().splitlines()[-1])["ack"] == "false_alarm"
        deadline = time.monotonic() + 10
        while True:
            stats = json.loads(_cli("stats", "--database", url, "--json", "--by", "station").stdout)
            if stats["total"]["false_alarm"] == 1 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert stats["rows"][0]["key"] == "E2E收费站"
        assert stats["total"]["false_alarm_rate"] == 1.0
    finally:
        assert service.stop() == 0
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
