"""Incident-to-alert-delivered latency of LaneGuard's alerting, against a bare MQTT round trip.

What is timed, per incident: `AlertService.opened()` is called (record written to SQLite, alert
sealed with X25519/HKDF/AES-256-GCM for each terminal, published over MQTT with TLS to a private
Mosquitto) until each simulated terminal has received and decrypted it. The baseline, in the same
run and on the same broker and TLS connections, is a bare publish of a payload of the same size
from the station's client to the terminal's client. Goal: p95 <= 300 ms.

With `--video` (default: OpenCV's vtest.avi from laneguard.demo, 768x576), also
frame-to-alert-delivered: each frame of the video goes through the real detection pipeline
(motion gate, SSDLite, tracker, zone rules) and, when it opens an incident, through the alert
service to the terminals; timed from the frame entering the pipeline to the alert decrypted at
every terminal, printed beside the bare
detector's inference time on the same frames in the same run.

    .venv/bin/python benchmarks/laneguard_alert_bench.py [--incidents 200] [--terminals 3]
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from laneguard.alerting.adapters.crypto import StationSealer, TerminalIdentity, generate_private_key
from laneguard.alerting.adapters.db import SqlTerminalRepository
from laneguard.alerting.adapters.mqtt import MqttAlertTransport, MqttSettings, MqttTerminalClient
from laneguard.alerting.domain.alerts import Alert, SealedMessage, Terminal
from laneguard.alerting.service.alerting import AlertService
from laneguard.core.clock import SystemClock
from laneguard.core.domain.incidents import IncidentOpened, ObjectClass
from laneguard.demo import VTEST
from laneguard.records.adapters.db import SqlIncidentRepository, make_engine
from laneguard.records.adapters.migrate import upgrade
from laneguard.simulation.broker import LocalMosquitto
from laneguard.simulation.source import demo_snapshot

VTEST_ZONES = Path(__file__).resolve().parents[1] / "tests/fixtures/laneguard/vtest_zones.json"


def frame_to_alert(
    video: Path, service: AlertService, arrivals: Arrivals
) -> tuple[list[float], list[float]]:
    """(frame-to-alert latencies, bare detector inference times), both in seconds."""
    from laneguard.app.detection_bootstrap import build_detector, build_pipeline
    from laneguard.detection.adapters.config import load_zones_file
    from laneguard.detection.adapters.video import OpenCvVideoSource

    detector = build_detector()
    pipeline = build_pipeline(load_zones_file(VTEST_ZONES), detector)
    source = OpenCvVideoSource(str(video), start=datetime.now(UTC))
    latencies: list[float] = []
    inference: list[float] = []
    for frame in source.frames():
        if frame.index % 4 == 0:
            start = time.perf_counter()
            detector.detect(frame.image)
            inference.append(time.perf_counter() - start)
        start = time.perf_counter()
        result = pipeline.process(frame)
        for event in result.events:
            if isinstance(event, IncidentOpened):
                done = arrivals.expect(event.incident_id)
                service.opened(event)
                if not done.wait(10):
                    raise SystemExit(f"alert {event.incident_id} was not delivered")
                latencies.append(max(arrivals.times[event.incident_id]) - start)
            else:
                service.ended(event)
    source.close()
    return latencies, inference


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Arrivals:
    """Collects, per key, the moment each terminal had it in hand."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.times: dict[str, list[float]] = {}
        self.lock = threading.Lock()
        self.done: dict[str, threading.Event] = {}

    def expect(self, key: str) -> threading.Event:
        event = threading.Event()
        with self.lock:
            self.done[key] = event
            self.times[key] = []
        return event

    def arrived(self, key: str) -> None:
        now = time.perf_counter()
        with self.lock:
            times = self.times.get(key)
            if times is None:
                return
            times.append(now)
            if len(times) == self.expected:
                self.done[key].set()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=200)
    parser.add_argument("--terminals", type=int, default=3)
    parser.add_argument("--video", type=Path, default=VTEST, help="'' to skip frame-to-alert")
    args = parser.parse_args()
    snapshot = demo_snapshot()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        broker = LocalMosquitto(tmp / "broker").start()
        settings = MqttSettings(
            broker.host,
            broker.port,
            broker.tls.ca_cert,
            topic_prefix=f"lgbench-{secrets.token_hex(3)}",
        )
        engine = make_engine(f"sqlite:///{tmp / 'bench.db'}")
        upgrade(engine)
        incidents, terminal_repo = SqlIncidentRepository(engine), SqlTerminalRepository(engine)
        sealer = StationSealer(generate_private_key())
        arrivals = Arrivals(args.terminals)
        clients: list[MqttTerminalClient] = []
        for i in range(args.terminals):
            identity = TerminalIdentity(
                f"t-{i}", f"staff-{i}", generate_private_key(), sealer.station_public_key
            )
            terminal_repo.add(
                Terminal(
                    identity.terminal_id, identity.name, identity.public_key, datetime.now(UTC)
                )
            )

            def on_alert(message: SealedMessage, identity: TerminalIdentity = identity) -> None:
                if message.incident_id.startswith("base-"):
                    arrivals.arrived(message.incident_id)  # baseline: received, not opened
                    return
                arrivals.arrived(identity.open_alert(message).incident_id)

            client = MqttTerminalClient(settings, identity.terminal_id, on_alert)
            client.start()
            clients.append(client)
        transport = MqttAlertTransport(settings)
        transport.start()
        service = AlertService(
            "bench-station", incidents, terminal_repo, sealer, [transport], SystemClock()
        )

        probe = sealer.seal_alert(
            Alert("probe", "s", "c", "z", "1", ObjectClass.PEDESTRIAN, datetime.now(UTC), snapshot),
            terminal_repo.list()[0],
        )
        baseline: list[float] = []
        measured: list[float] = []
        for n in range(args.incidents):
            key = f"base-{n}"
            done = arrivals.expect(key)
            start = time.perf_counter()
            for t in terminal_repo.list():
                payload = SealedMessage(
                    "alert", key, t.terminal_id, probe.salt, probe.nonce, probe.ciphertext
                ).to_bytes()
                transport.publish(settings.alert_topic(t.terminal_id), payload)
            if not done.wait(10):
                raise SystemExit(f"baseline message {key} was lost")
            baseline.append(max(arrivals.times[key]) - start)

            key = f"inc-{n}"
            done = arrivals.expect(key)
            event = IncidentOpened(
                key, "cam-1", "z", "3", ObjectClass.PEDESTRIAN, n, 0.9, datetime.now(UTC), snapshot
            )
            start = time.perf_counter()
            service.opened(event)
            if not done.wait(10):
                raise SystemExit(f"alert {key} was not delivered")
            measured.append(max(arrivals.times[key]) - start)

        video_figures = None
        if str(args.video) and args.video.exists():
            video_figures = frame_to_alert(args.video, service, arrivals)

        transport.stop()
        for client in clients:
            client.stop()
        broker.stop()
        engine.dispose()

    ms = 1000.0
    b50, b95 = p(baseline, 0.5) * ms, p(baseline, 0.95) * ms
    m50, m95 = p(measured, 0.5) * ms, p(measured, 0.95) * ms
    print(
        f"incidents={args.incidents} terminals={args.terminals} "
        f"snapshot={len(snapshot)} B sealed={len(probe.to_bytes())} B"
    )
    print(f"baseline bare MQTT TLS publish->all received: p50 {b50:.2f} ms  p95 {b95:.2f} ms")
    print(
        f"incident->alert decrypted at all terminals:   p50 {m50:.2f} ms  p95 {m95:.2f} ms "
        f"(mean {statistics.mean(measured) * ms:.2f} ms)"
    )
    print(f"ratio p95 alert/baseline: {m95 / b95:.2f}x; overhead p95 {m95 - b95:.2f} ms")
    print(f"goal p95 <= 300 ms: {'met' if m95 <= 300 else 'NOT met'} ({m95:.2f} ms)")
    if video_figures is not None:
        latencies, inference = video_figures
        i50, i95 = p(inference, 0.5) * ms, p(inference, 0.95) * ms
        f50, f95 = p(latencies, 0.5) * ms, p(latencies, 0.95) * ms
        print(
            f"bare detector inference ({len(inference)} frames): p50 {i50:.1f} ms  "
            f"p95 {i95:.1f} ms ({1000 / i50:.1f} frames/s)"
        )
        print(
            f"frame -> alert decrypted ({len(latencies)} incidents): p50 {f50:.1f} ms  "
            f"p95 {f95:.1f} ms; ratio p95 to inference p95 {f95 / i95:.2f}x"
        )
        print(f"goal frame-to-alert p95 <= 300 ms: {'met' if f95 <= 300 else 'NOT met'}")


if __name__ == "__main__":
    main()
