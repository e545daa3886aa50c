"""One fleet per database: the PostgreSQL advisory lock elects the leader, a follower takes over
when the leader's session dies; the supervisor rebuilds its worker after an unexpected error."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import pytest
from sqlalchemy import text

from samplehub.app.config import Settings
from samplehub.app.services import Services
from samplehub.app.wiring import fleet as fleet_wiring
from samplehub.fleet.adapters.leader import PostgresAdvisoryLock, SingleProcess
from samplehub.fleet.service.supervisor import FleetSupervisor
from samplehub.fleet.service.worker import FleetWorker


def eventually(condition: Callable[[], bool], timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.05)


def kill_session(lock: PostgresAdvisoryLock) -> None:
    """What the leader's process dying does to its lock: PostgreSQL ends the session."""
    assert lock.conn is not None
    pid = lock.conn.execute(text("SELECT pg_backend_pid()")).scalar()
    other = lock.engine.connect()
    other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    other.close()


def test_one_leader_per_database_and_the_follower_takes_over(pg_server_url: str) -> None:
    leader = PostgresAdvisoryLock(pg_server_url, check_every_s=0)
    follower = PostgresAdvisoryLock(pg_server_url, check_every_s=0)
    try:
        assert leader.acquire()
        assert not follower.acquire()
        assert leader.held()
        assert not follower.held()
        kill_session(leader)
        eventually(follower.acquire)
        assert not leader.held()
        assert not leader.acquire()  # the old leader, back, follows
    finally:
        leader.dispose()
        follower.dispose()


def supervisor(
    make: Callable[[], FleetWorker], leadership: PostgresAdvisoryLock | SingleProcess
) -> FleetSupervisor:
    return FleetSupervisor(
        make, leadership, step_s=0.05, follower_retry_s=0.1, backoff_s=(0.05, 0.2)
    )


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_second_serve_worker_follows_until_the_leader_dies(
    settings: Settings, services: Services
) -> None:
    site = fleet_wiring.site_map_section(Settings())
    assert site is not None
    url = settings.resolved_database_url()

    def make() -> FleetWorker:
        return fleet_wiring.worker_factory(settings, services, site)

    first_lock = PostgresAdvisoryLock(url, check_every_s=0.1)
    first, second = supervisor(make, first_lock), supervisor(make, PostgresAdvisoryLock(url))
    first.start()
    eventually(lambda: first.worker is not None)
    second.start()
    eventually(lambda: second.role == "follower")
    assert second.worker is None
    assert second.snapshot()["robots"] == []
    first.stopping.set()  # the process stops stepping …
    kill_session(first_lock)  # … and its session ends with it
    eventually(lambda: second.worker is not None)
    eventually(lambda: len(second.snapshot()["robots"]) == settings.fleet.robots)
    second.stop()
    first.stop()
    assert second.role == "stopped"


def test_the_worker_is_rebuilt_after_an_unexpected_error(
    settings: Settings, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    site = fleet_wiring.site_map_section(Settings())
    assert site is not None
    calls: list[int] = []

    def make() -> FleetWorker:
        calls.append(len(calls))
        if len(calls) == 1:
            raise RuntimeError("the database went away (injected)")
        return fleet_wiring.worker_factory(settings, services, site)

    caplog.set_level(logging.INFO, "samplehub.fleet")
    running = supervisor(make, SingleProcess())
    running.start()
    try:
        eventually(lambda: bool(running.snapshot()["robots"]))
        assert running.restarts == 1
        assert len(calls) == 2
        assert "fleet worker failed" in caplog.text
        assert running.robot("R01")["serial"] == "R01"
    finally:
        running.stop()
    assert running.worker is None
