"""`samplehub serve` killed (SIGKILL) while a robot carries a sample, then started again: the
task finishes exactly once, the sample is stored, and `samplehub audit verify` passes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from samplehub.app.config import Settings
from samplehub.app.services import Services
from samplehub.core.domain.lifecycle import SampleState
from samplehub.core.domain.transport import TaskState
from samplehub.core.service import commands as c
from samplehub.core.service import queries

from .test_fleet_worker import received_sample, task_state, task_steps

SAMPLEHUB = str(Path(sys.executable).with_name("samplehub"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(
    condition: Callable[[], bool], server: subprocess.Popen[bytes], timeout_s: float
) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert server.poll() is None, "samplehub serve exited"
        assert time.monotonic() < deadline, "not reached in time"
        time.sleep(0.2)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the embedded default;
# the PostgreSQL restart runs in process (test_fleet_worker.py), the robots' lanes set the pace
def test_serve_killed_mid_transport_finishes_the_task_once_after_restart(
    settings: Settings, services: Services, tmp_path: Path
) -> None:
    number, task_id = received_sample(services)
    env = {
        **os.environ,
        "SAMPLEHUB_DATABASE_URL": settings.resolved_database_url(),
        "SAMPLEHUB_DATA_DIR": str(settings.data_dir),
        "SAMPLEHUB_SECRET_KEY": settings.secret_key,
        "SAMPLEHUB_FLEET__ROBOTS": "2",
        "SAMPLEHUB_FLEET__SPEED": "5",
        "SAMPLEHUB_PICKUP__JOB_SECONDS": "0",
    }
    env.pop("SAMPLEHUB_MQTT_URL", None)

    def serve(log: str) -> subprocess.Popen[bytes]:
        with (tmp_path / log).open("wb") as out:
            return subprocess.Popen(
                [SAMPLEHUB, "serve", "--port", str(free_port())], env=env, stdout=out,
                stderr=subprocess.STDOUT,
            )  # fmt: skip

    first = serve("first.log")
    try:
        wait_for(lambda: task_state(services, task_id) is TaskState.CARRYING, first, 180)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    second = serve("second.log")
    try:
        wait_for(lambda: task_state(services, task_id) is TaskState.DONE, second, 180)
    finally:
        second.terminate()
        second.wait(timeout=30)
    steps = task_steps(services, number)
    assert steps == ["created", "assigned", "picking", "carrying", "delivered", "done"], steps
    sample = queries.get_sample(services.uow_factory, c.SYSTEM, number)
    assert sample.state is SampleState.STORED
    audit = subprocess.run(
        [SAMPLEHUB, "audit", "verify"], env=env, capture_output=True, text=True, check=False
    )
    assert audit.returncode == 0, audit.stderr
    assert "audit chain intact" in audit.stdout
