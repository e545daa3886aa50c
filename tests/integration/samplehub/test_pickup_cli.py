"""`samplehub pickup run`, run as an operator (or cron) runs it."""

import json
import os
import subprocess
import sys
from pathlib import Path

from samplehub.core.adapters.db import upgrade

SAMPLEHUB = str(Path(sys.executable).parent / "samplehub")


def run(args: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"SAMPLEHUB_DATA_DIR": str(data_dir)}
    env.pop("SAMPLEHUB_DATABASE_URL", None)
    return subprocess.run(
        [SAMPLEHUB, *args], env=env, capture_output=True, text=True, timeout=240, check=False
    )


def test_pickup_run_on_a_fresh_database(tmp_path: Path) -> None:
    data = tmp_path / "data"
    upgrade(f"sqlite:///{data / 'samplehub.db'}")
    done = run(["pickup", "run"], data)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report == {
        "requested": {},
        "staged": {},
        "rescheduled": [],
        "expired": [],
        "failed": [],
        "notices": {"delivered": 0, "retrying": 0, "failed": 0},  # the outbox's round
    }
    assert "simulated" in done.stderr
