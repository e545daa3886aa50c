"""The whole kiosk transaction in software, 8 kiosks at once against one server.

One server (uvicorn, one worker, the real app over HTTP, SQLite in WAL mode, demo data) runs in
a subprocess started by this script; its kiosk reads photos with the real nameplate reader
(``--vision real``, the default) or with a stand-in that decodes the photo and returns a fixed
reading (``--vision stub``: everything but the OCR). Labels go as ZPL over TCP to a sink socket
in this process (a printer that accepts instantly); RFID is the simulated tag roll.

A transaction is what the kiosk does between "photo received" and "sample received, label
queued, transport requested": ``POST /api/kiosk/sessions/{id}/photo`` then ``…/confirm``.
Each of ``--kiosks`` threads has its own order and session and runs ``--per-kiosk`` of them.
Between the two requests a person checks the proposed fields, and between transactions puts the
next instrument on the platform: each pause lasts ``--person-s`` seconds times a random factor
from 0.5 to 1.5 (seeded), kiosks start at random moments within one pause, and pauses are not
counted in the transaction time. ``--person-s 0`` drops the people: every kiosk fires its next
request the moment the last answer arrives (a saturation test, not a working day).

Baselines measured in the same run, on the same machine:
- bare vision: ``read_image`` on the same photo in this process, one at a time;
- bare receive: ``POST /api/samples`` + ``POST /api/samples/{n}/transitions`` (receive) on the
  same server, one client, one at a time: registering and receiving with nothing else.

Prints p50/p95 of the transaction and the ratios against both baselines; goal p95 ≤ 1 s.
Usage: python benchmarks/intake_bench.py [--vision real|stub] [--kiosks 8] [--per-kiosk 3]
                                         [--person-s 10] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from samplehub.app.wiring import intake as intake_wiring

ROOT = Path(__file__).resolve().parents[1]
PHOTO = ROOT / "tests" / "fixtures" / "samplehub" / "nameplates" / "plate-0006.jpg"
BENCH_KEY = "bench-only-" + "signing-key"  # a throwaway database in a temporary folder
GOAL_P95_S = 1.0
STUB_LINES = ("不锈钢压力表", "规格型号:YN-100", "测量范围0~2.5 MPa", "准确度等级1.6级",
              "出厂编号:201718")  # fmt: skip


def _settings(data_dir: Path, printer_port: int) -> Any:
    from samplehub.app.config import KioskSettings, Settings
    from samplehub.app.config_devices import NoCamera, ZplPrinter

    url = f"sqlite:///{(data_dir / 'samplehub.db').resolve()}"
    kiosk = KioskSettings(
        printer=ZplPrinter(host="127.0.0.1", port=printer_port), camera=NoCamera()
    )
    return Settings(data_dir=data_dir, database_url=url, secret_key=BENCH_KEY, kiosk=kiosk)


class StubVision:
    """Decodes and checks the photo like the reader, then proposes a fixed plate (no OCR)."""

    def read_image(self, data: bytes, name: str = "image") -> Any:
        from samplehub.intake.adapters.vision.images import decode_image
        from samplehub.intake.domain.nameplate import OcrLine, extract_fields
        from samplehub.intake.service.ports import VisionResult

        started = time.perf_counter()
        decode_image(data, name)
        reading = extract_fields([OcrLine(text, 0.95) for text in STUB_LINES])
        return VisionResult(reading, (), STUB_LINES, (time.perf_counter() - started) * 1000)


def _vision(kind: str) -> Any:

    return intake_wiring.build_vision() if kind == "real" else StubVision()


def serve(data_dir: str, port: int, printer_port: int, vision: str) -> None:
    import uvicorn

    from samplehub.app import bootstrap
    from samplehub.web.app import create_app

    settings = _settings(Path(data_dir), printer_port)
    services = bootstrap.bootstrap(settings)
    reader = _vision(vision)
    reader.read_image(PHOTO.read_bytes(), PHOTO.name)  # load the models before the clock runs
    kiosk = intake_wiring.build_kiosk(settings, services, vision=reader)
    app = create_app(services, settings, kiosk=kiosk)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def seed(data_dir: Path, printer_port: int, orders: int) -> dict[str, Any]:
    from samplehub.app import bootstrap
    from samplehub.app.demo import seed_demo
    from samplehub.core.service import commands as c

    settings = _settings(data_dir, printer_port)
    bootstrap.upgrade_database(settings)
    services = bootstrap.bootstrap(settings)
    made = seed_demo(services)
    item = [{"instrument_type": "不锈钢压力表", "model": "YN-100"}]
    numbers = [
        services.bus.handle(c.CreateOrder(c.SYSTEM, made["customer_a"], "verification", item))
        for _ in range(orders)
    ]
    services.close()
    return {"orders": numbers, "order_a": made["order_a"]}


class ZplSink:
    """A label printer that takes every document at once and counts them."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port: int = self.server.getsockname()[1]
        self.labels = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                while conn.recv(65536):
                    pass
            self.labels += 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _token(base: str) -> str:
    answer = httpx.post(
        f"{base}/api/auth/token",
        json={"username": "kiosk", "password": "demo123"},
        timeout=120,
    )
    answer.raise_for_status()
    token: str = answer.json()["access_token"]
    return token


def _wait(base: str, process: subprocess.Popen[bytes], seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server exited before it was ready")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise SystemExit("the server did not start")


class Person:
    """The customer at one kiosk: pauses of ``seconds`` × a seeded factor from 0.5 to 1.5."""

    def __init__(self, seconds: float, seed: int) -> None:
        self.seconds = seconds
        self.rng = random.Random(seed)

    def pause(self) -> None:
        if self.seconds > 0:
            time.sleep(self.seconds * self.rng.uniform(0.5, 1.5))


def _kiosk(
    base: str,
    token: str,
    order: str,
    serial_prefix: str,
    count: int,
    out: list[float],
    person: Person | None = None,
) -> None:
    photo = PHOTO.read_bytes()
    headers = {"Authorization": f"Bearer {token}"}
    person = person or Person(0, 0)
    with httpx.Client(base_url=base, headers=headers, timeout=600) as client:
        sid = client.post("/api/kiosk/sessions", json={"order": order}).json()["id"]
        for i in range(count):
            person.pause()  # walks up, or puts the next instrument on the platform
            started = time.perf_counter()
            proposal = client.post(
                f"/api/kiosk/sessions/{sid}/photo", files={"photo": (PHOTO.name, photo)}
            )
            proposal.raise_for_status()
            elapsed = time.perf_counter() - started
            person.pause()  # reads the proposed fields and corrects the serial number
            fields = proposal.json()["fields"] | {"serial_number": f"{serial_prefix}-{i}"}
            started = time.perf_counter()
            line = client.post(f"/api/kiosk/sessions/{sid}/confirm", json={"fields": fields})
            line.raise_for_status()
            elapsed += time.perf_counter() - started
            body = line.json()
            if not (body["outcome"] == "received" and body["transport_requested"]):
                raise SystemExit(f"not received with a transport request: {body}")
            if not (body["label"] == "done" and body["epc_hex"]):
                raise SystemExit(f"no label or EPC: {body}")
            out.append(elapsed)


def _bare_receive(base: str, token: str, order: str, count: int) -> list[float]:
    headers = {"Authorization": f"Bearer {token}"}
    times: list[float] = []
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        for i in range(count):
            started = time.perf_counter()
            instrument = {"instrument_type": "不锈钢压力表", "serial_number": f"BARE-{i}"}
            made = client.post(
                "/api/samples", json={"order_number": order, "instrument": instrument}
            )
            made.raise_for_status()
            number = made.json()["number"]
            moved = client.post(
                f"/api/samples/{number}/transitions",
                json={"transition": "receive", "location": "intake_platform:K1"},
            )
            moved.raise_for_status()
            times.append(time.perf_counter() - started)
    return times


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vision", choices=["real", "stub"], default="real")
    parser.add_argument("--kiosks", type=int, default=8)
    parser.add_argument("--per-kiosk", type=int, default=3)
    parser.add_argument(
        "--person-s", type=float, default=10.0, help="a person's pause (0: none, saturation)"
    )
    parser.add_argument("--seed", type=int, default=1, help="seeds the people's pauses")
    parser.add_argument("--baseline-runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="one JSON object instead of text")
    parser.add_argument("--serve", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        data_dir, port, printer_port, vision = args.serve
        serve(data_dir, int(port), int(printer_port), vision)
        return

    sink = ZplSink()
    with tempfile.TemporaryDirectory(prefix="intake-bench-") as tmp:
        made = seed(Path(tmp), sink.port, args.kiosks)
        reader = _vision(args.vision)
        photo = PHOTO.read_bytes()
        reader.read_image(photo, PHOTO.name)  # warm: the models load once, as in the server
        bare_vision = []
        for _ in range(args.baseline_runs):
            started = time.perf_counter()
            reader.read_image(photo, PHOTO.name)
            bare_vision.append(time.perf_counter() - started)
        del reader

        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", tmp, str(port), str(sink.port), args.vision]
        )
        try:
            _wait(base, server)
            token = _token(base)
            warm: list[float] = []  # first requests build schemas and open connections: untimed
            _kiosk(base, token, made["order_a"], "WARM", 1, warm)
            bare_receive = _bare_receive(base, token, made["order_a"], args.baseline_runs * 4)
            times: list[float] = []
            threads = [
                threading.Thread(
                    target=_kiosk,
                    args=(base, token, order, f"K{k}", args.per_kiosk, times),
                    kwargs={"person": Person(args.person_s, args.seed * 1000 + k)},
                )
                for k, order in enumerate(made["orders"])
            ]
            wall = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - wall
            queue = httpx.get(
                f"{base}/api/kiosk/transport-requests",
                headers={"Authorization": f"Bearer {token}"},
                timeout=60,
            ).json()
        finally:
            server.terminate()
            server.wait(timeout=30)

    expected = args.kiosks * args.per_kiosk
    if len(times) != expected:
        raise SystemExit(f"only {len(times)} of {expected} transactions completed")
    result = {
        "vision": args.vision,
        "kiosks": args.kiosks,
        "person_s": args.person_s,
        "transactions": len(times),
        "wall_s": round(wall, 2),
        "p50_s": round(_p(times, 0.5), 3),
        "p95_s": round(_p(times, 0.95), 3),
        "max_s": round(max(times), 3),
        "bare_vision_p50_s": round(statistics.median(bare_vision), 3),
        "bare_receive_p50_s": round(statistics.median(bare_receive), 3),
        "bare_receive_p95_s": round(_p(bare_receive, 0.95), 3),
        "labels_printed": sink.labels,
        "transport_requests": len(queue),
        "goal_p95_s": GOAL_P95_S,
    }
    result["ratio_p95_to_bare_vision"] = round(result["p95_s"] / result["bare_vision_p50_s"], 2)
    result["ratio_p95_to_bare_receive"] = round(result["p95_s"] / result["bare_receive_p50_s"], 2)
    result["goal_met"] = result["p95_s"] <= GOAL_P95_S
    if args.json:
        print(json.dumps(result))
        return
    people = f"a person's pause {args.person_s:g} s ×0.5–1.5" if args.person_s else "no people"
    print(f"kiosk transactions: {len(times)} ({args.kiosks} kiosks at once, vision "
          f"{args.vision}, {people})")  # fmt: skip
    print(f"  p50 {result['p50_s']:.3f} s   p95 {result['p95_s']:.3f} s   "
          f"max {result['max_s']:.3f} s   wall {result['wall_s']:.1f} s")  # fmt: skip
    print(f"  labels at the printer {sink.labels}, transport requests queued {len(queue)}")
    print(f"baseline bare vision (1 at a time): p50 {result['bare_vision_p50_s']:.3f} s")
    print(f"baseline bare register+receive over HTTP (1 at a time): "
          f"p50 {result['bare_receive_p50_s']:.3f} s  "
          f"p95 {result['bare_receive_p95_s']:.3f} s")  # fmt: skip
    print(f"ratio kiosk p95 / bare vision p50: {result['ratio_p95_to_bare_vision']:.2f}")
    print(f"ratio kiosk p95 / bare receive p50: {result['ratio_p95_to_bare_receive']:.2f}")
    verdict = "met" if result["goal_met"] else "NOT met"
    print(f"goal p95 <= {GOAL_P95_S:.1f} s: {verdict}")


if __name__ == "__main__":
    main()
