"""`samplehub serve` with default settings on a data folder nobody has set up: it makes its
embedded database, loads the demo site and answers, as a user's first start does."""

from __future__ import annotations

import urllib.request
from pathlib import Path

from samplehub.simulation.serve_process import ServeProcess


def test_serve_starts_on_an_empty_data_folder(tmp_path: Path) -> None:
    server = ServeProcess(tmp_path / "data")
    (tmp_path / "data").mkdir()  # the log lands there; the folder holds nothing else yet
    try:
        server.start(ready_s=120)
        with urllib.request.urlopen(f"{server.url}/healthz", timeout=5) as reply:  # noqa: S310
            assert int(reply.status) == 200
    finally:
        server.stop()
    assert (tmp_path / "data" / "samplehub.db").is_file()
    said = (tmp_path / "data" / "serve-1.log").read_text("utf-8")
    assert "samplehub user add NAME --role admin" in said  # nobody can log in yet: say how
