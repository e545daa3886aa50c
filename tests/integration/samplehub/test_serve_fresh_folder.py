"""`samplehub serve` with default settings on a data folder nobody has set up: it makes its
embedded database, loads the demo site and answers, as a user's first start does."""

from __future__ import annotations

import os
import subprocess
import urllib.request
from pathlib import Path

from .test_fleet_serve_kill import SAMPLEHUB, free_port, wait_for


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:  # noqa: S310 (local test server)
            return int(reply.status) == 200
    except OSError:
        return False


def test_serve_starts_on_an_empty_data_folder(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAMPLEHUB_")}
    env["SAMPLEHUB_DATA_DIR"] = str(tmp_path / "data")
    port = free_port()
    with (tmp_path / "serve.log").open("wb") as out:
        server = subprocess.Popen(
            [SAMPLEHUB, "serve", "--port", str(port)], env=env, stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_for(lambda: _answers(f"http://127.0.0.1:{port}/healthz"), server, 120)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert (tmp_path / "data" / "samplehub.db").is_file()
