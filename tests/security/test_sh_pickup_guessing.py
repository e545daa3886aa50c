"""Pickup code guessing (issue 14, finding 5): wrong codes were counted per kiosk only, by
reading the kiosk's list and writing it back (parallel entries lost counts), with no limit
across kiosks. Against the real pickup side on SQLite and PostgreSQL: entries from parallel
threads lose no count, every kiosk locks at its limit, and the institute-wide hourly limit stops
every kiosk, is logged for staff and shown on their page."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from samplehub.app.config import Settings
from samplehub.app.services import Services
from samplehub.app.wiring import pickup as pickup_wiring
from samplehub.core.adapters.memory import FixedClock
from samplehub.pickup.adapters.lockers.memory import MemoryLoader, MemoryLockers
from samplehub.pickup.domain.capacity import Compartment, CompartmentSize
from samplehub.pickup.domain.codes import WrongCodePolicy, institute_bucket, kiosk_bucket
from samplehub.pickup.service import kiosk as pickup_kiosk
from samplehub.pickup.service.app import PickupApp
from samplehub.pickup.service.handlers import INSTITUTE, KioskVerdict
from samplehub.web.app import create_app
from tests.security.samplehub_site import seeded, signed_in, site_settings

NOW = datetime(2026, 12, 4, 9, 20, tzinfo=UTC)
WRONG = "000000"  # no live code in these tests: every entry is wrong


@pytest.fixture
def pickup(tmp_path: Path, sh_database_url: str) -> Iterator[tuple[Settings, Services, PickupApp]]:
    settings = site_settings(tmp_path, sh_database_url)
    for services, _ in seeded(settings):
        lockers = MemoryLockers([Compartment("C1-01", CompartmentSize.M)])
        side = pickup_wiring.pickup_app(
            settings,
            services,
            clock=FixedClock(NOW),
            lockers=(lockers, MemoryLoader(lockers)),
            senders=[],
        )
        yield settings, services, side
        side.close()


def in_parallel(entries: list[str], side: PickupApp) -> list[KioskVerdict]:
    """Each kiosk id in ``entries`` types a wrong code, all threads released at once."""
    start = threading.Barrier(len(entries))
    verdicts: list[KioskVerdict] = []

    def enter(kiosk: str) -> None:
        start.wait()
        verdicts.append(pickup_kiosk.enter_code(side.deps, kiosk, WRONG).verdict)

    threads = [threading.Thread(target=enter, args=(k,)) for k in entries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return verdicts


def count(services: Services, bucket: str) -> int:
    with services.uow_factory() as uow:
        return uow.wrong_counts.value(bucket)


def test_parallel_wrong_codes_lose_no_count(
    pickup: tuple[Settings, Services, PickupApp],
) -> None:
    _, services, side = pickup
    side.deps.wrong_codes = WrongCodePolicy(kiosk_limit=100, institute_per_hour=1000)
    entries = [f"kiosk-{n % 4}" for n in range(24)]
    verdicts = in_parallel(entries, side)
    assert verdicts == [KioskVerdict.REJECTED] * 24
    assert count(services, institute_bucket(NOW)[0]) == 24
    policy = side.deps.wrong_codes
    assert [count(services, kiosk_bucket(f"kiosk-{n}", NOW, policy)[0]) for n in range(4)] == [
        6
    ] * 4


def test_a_kiosk_locks_at_its_limit_even_when_the_wrong_codes_come_at_once(
    pickup: tuple[Settings, Services, PickupApp],
) -> None:
    _, _, side = pickup
    side.deps.wrong_codes = WrongCodePolicy(kiosk_limit=5, institute_per_hour=1000)
    assert in_parallel(["kiosk-1"] * 5, side) == [KioskVerdict.REJECTED] * 5
    assert pickup_kiosk.enter_code(side.deps, "kiosk-1", WRONG).verdict is KioskVerdict.LOCKED
    assert pickup_kiosk.enter_code(side.deps, "kiosk-2", WRONG).verdict is KioskVerdict.REJECTED


def test_the_institute_limit_stops_every_kiosk_and_staff_see_it(
    pickup: tuple[Settings, Services, PickupApp],
) -> None:
    settings, services, side = pickup
    side.deps.wrong_codes = WrongCodePolicy(kiosk_limit=5, institute_per_hour=8)
    entries = [f"kiosk-{n % 4}" for n in range(8)]  # two each: no kiosk reaches its own limit
    assert in_parallel(entries, side) == [KioskVerdict.REJECTED] * 8
    fresh = pickup_kiosk.enter_code(side.deps, "kiosk-9", WRONG)
    assert fresh.verdict is KioskVerdict.LOCKED
    assert fresh.retry_after == datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
    with services.uow_factory() as uow:
        alerts = [a for a in uow.code_attempts.recent(50) if a.kiosk_id == INSTITUTE]
    assert len(alerts) == 1  # tripped once, however many entries came at once
    assert "8 wrong codes this hour" in alerts[0].reason
    admin, _ = signed_in(create_app(services, settings, pickup=side), "admin")
    page = admin.get("/pickup/staff").text
    assert "全所错误取件码次数已达上限：本小时 8 次" in page  # the record says it in English
