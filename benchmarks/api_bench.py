"""Sample-status lookups per second through the full stack, against a bare Starlette endpoint.

Both servers are uvicorn, one worker each, in subprocesses started by this script, driven by
the same keep-alive HTTP/1.1 client in the same run:

- full: ``GET /api/samples/{number}`` with a bearer token: token check, tenant-scoped query on
  SQLite (WAL) seeded with the demo data, pydantic response model;
- bare: a Starlette route returning the same JSON document from memory.

Prints the rates, the ratio full/bare (goal >= 0.6) and p50/p99 latencies. Usage:

    python benchmarks/api_bench.py [--seconds 3] [--rounds 3] [--connections 8] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

BENCH_KEY = "bench-only-" + "signing-key"  # a throwaway database in a temporary folder


def _settings(data_dir: Path) -> Any:
    """SQLite under ``data_dir`` whatever the environment says."""
    from samplehub.app.config import Settings

    url = f"sqlite:///{(data_dir / 'samplehub.db').resolve()}"
    return Settings(data_dir=data_dir, database_url=url, secret_key=BENCH_KEY)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def serve_full(data_dir: str, port: int) -> None:
    import uvicorn

    from samplehub.app import bootstrap
    from samplehub.web.app import create_app

    settings = _settings(Path(data_dir))
    services = bootstrap.bootstrap(settings)
    app = create_app(services, settings)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def serve_bare(document: str, port: int) -> None:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    payload = json.loads(Path(document).read_text())

    async def sample(request: Request) -> JSONResponse:
        return JSONResponse(payload | {"number": request.path_params["number"]})

    app = Starlette(routes=[Route("/api/samples/{number}", sample)])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def seed(data_dir: Path) -> dict[str, str]:
    from samplehub.app import bootstrap
    from samplehub.app.demo import seed_demo

    settings = _settings(data_dir)
    bootstrap.upgrade_database(settings)
    services = bootstrap.bootstrap(settings)
    made = seed_demo(services)
    services.close()
    return made


def _start(args: list[str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen([sys.executable, __file__, *args])
    deadline = time.monotonic() + 120  # a loaded machine imports slowly
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"server {args} exited with {process.returncode}") from None
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"server {args} did not start")


def _get_json(url: str, token: str | None = None, body: dict[str, str] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data)  # noqa: S310 - our own local server
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        return json.loads(answer.read())


async def _connection(
    port: int, request: bytes, until: float, latencies: list[float], errors: list[str]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < until:
            start = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = head[9:12]
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            if status != b"200":
                errors.append(status.decode())
    finally:
        writer.close()


async def _load(
    port: int, path: str, token: str | None, seconds: float, conns: int
) -> dict[str, Any]:
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}\r\n".encode()
    warm: list[float] = []
    await asyncio.gather(
        *(_connection(port, request, time.perf_counter() + 1.0, warm, []) for _ in range(conns))
    )
    latencies: list[float] = []
    errors: list[str] = []
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(
        *(_connection(port, request, until, latencies, errors) for _ in range(conns))
    )
    return {"latencies": latencies, "errors": len(errors), "elapsed": time.perf_counter() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds per server per round")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections")
    parser.add_argument("--rounds", type=int, default=3, help="turns each server is measured")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--serve", choices=["full", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve == "full":
        serve_full(args.data, args.port)
        return
    if args.serve == "bare":
        serve_bare(args.data, args.port)
        return

    with tempfile.TemporaryDirectory(prefix="samplehub-bench-") as tmp:
        results = _measure(Path(tmp), args.seconds, args.connections, args.rounds)
    full, bare = results["full"], results["bare"]
    ratio = full["rps"] / bare["rps"]
    report = {
        "full_stack": full,
        "bare_starlette": bare,
        "ratio": ratio,
        "goal": 0.6,
        "connections": args.connections,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "cpus": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(report))
        return
    print(
        f"sample-status lookups, {args.connections} connections, "
        f"{args.rounds} rounds of {args.seconds:g} s per server"
    )
    for name, result in (("full stack (SQLite)", full), ("bare Starlette", bare)):
        print(
            f"  {name:<20} {result['rps']:8.0f} req/s   p50 {result['p50_ms']:6.2f} ms   "
            f"p99 {result['p99_ms']:6.2f} ms   errors {result['errors']}"
        )
    verdict = "meets" if ratio >= 0.6 else "below"
    print(f"  ratio full/bare {ratio:.2f} ({verdict} the goal of 0.6)")


def _measure(tmp: Path, seconds: float, connections: int, rounds: int) -> dict[str, Any]:
    """Start both servers, then load them in turn, ``rounds`` times, so that drifts in the
    machine's load touch both alike."""
    data = tmp / "data"
    number = seed(data)["sample_a5"]
    path = f"/api/samples/{number}"
    ports = {name: _free_port() for name in ("full", "bare")}
    servers: list[subprocess.Popen[bytes]] = []
    try:
        tokens: dict[str, str | None] = {"bare": None}
        servers.append(_start(["--serve", "full", "--data", str(data), "--port",
                               str(ports["full"])], ports["full"]))  # fmt: skip
        login = {"username": "cust-a", "password": "demo123"}
        base = f"http://127.0.0.1:{ports['full']}"
        tokens["full"] = _get_json(f"{base}/api/auth/token", body=login)["access_token"]
        document = _get_json(f"http://127.0.0.1:{ports['full']}{path}", tokens["full"])
        doc_file = tmp / "sample.json"
        doc_file.write_text(json.dumps(document, ensure_ascii=False))
        servers.append(_start(["--serve", "bare", "--data", str(doc_file), "--port",
                               str(ports["bare"])], ports["bare"]))  # fmt: skip
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in ports}
        for _ in range(rounds):
            for name, port in ports.items():
                runs[name].append(
                    asyncio.run(_load(port, path, tokens[name], seconds, connections))
                )
    finally:
        for server in servers:
            server.terminate()
            server.wait()
    return {name: _combine(parts) for name, parts in runs.items()}


def _combine(parts: list[dict[str, Any]]) -> dict[str, Any]:
    latencies = sorted(x for part in parts for x in part["latencies"])
    elapsed = sum(part["elapsed"] for part in parts)

    def pct(p: float) -> float:
        value: float = latencies[min(len(latencies) - 1, int(p * len(latencies)))]
        return value * 1000

    return {
        "requests": len(latencies),
        "errors": sum(part["errors"] for part in parts),
        "rps": len(latencies) / elapsed,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
    }


if __name__ == "__main__":
    main()
