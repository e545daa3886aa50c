"""Storage as data on SQLite and PostgreSQL: the site file, occupancy with every move (one
transaction), hand-typed slots checked against the site, and the staff storage page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, select

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.demo import seed_demo
from samplehub.app.services import Services
from samplehub.app.units import SqlAppUnitOfWork, SqlAppUowFactory
from samplehub.app.wiring import storage as wiring
from samplehub.core.adapters.db import upgrade
from samplehub.core.adapters.db.tables import metadata
from samplehub.core.adapters.memory import PlainHasher
from samplehub.core.domain.errors import InvalidValue
from samplehub.core.domain.lifecycle import SampleState
from samplehub.core.service import commands as c
from samplehub.storage.domain.site import SiteError
from samplehub.web.app import create_app
from tests.integration.samplehub.conftest import signed_in

DEMO_SLOTS = 5 * (20 + 20 + 15 + 10)


class Injected(Exception):
    """The failure a test injects."""


class FailingSlots:
    """The slot store, whose ``save`` fails while armed (after the move was applied)."""

    def __init__(self, inner: Any, world: World) -> None:
        self.inner, self.world = inner, world

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def save(self, slot: Any) -> None:
        if self.world.armed == "slots.save":
            self.world.failures += 1
            raise Injected("slots.save failed")
        self.inner.save(slot)


class FailingAudit:
    """The custody chain, whose ``append`` fails while armed (after the occupancy write)."""

    def __init__(self, inner: Any, world: World) -> None:
        self.inner, self.world = inner, world

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def append(self, records: Any) -> None:
        if self.world.armed == "audit.append":
            self.world.failures += 1
            raise Injected("audit.append failed")
        self.inner.append(records)


@dataclass
class World:
    services: Services
    engine: Engine
    armed: str = ""
    failures: int = 0

    def tables(self) -> dict[str, list[tuple[Any, ...]]]:
        with self.engine.connect() as conn:
            return {
                table.name: sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
                for table in metadata.sorted_tables
            }

    def handle(self, command: c.Command) -> Any:
        return self.services.bus.handle(command)

    def slot(self, address: str) -> Any:
        with self.services.uow_factory() as uow:
            return uow.slots.get(address)

    def sample(self, number: str) -> Any:
        with self.services.uow_factory() as uow:
            return uow.samples.get(number)


class FaultyUnitOfWork(SqlAppUnitOfWork):
    world: World

    def _open(self, conn: Connection) -> None:
        super()._open(conn)
        self.slots = FailingSlots(self.slots, self.world)  # type: ignore[assignment]
        self.audit = FailingAudit(self.audit, self.world)  # type: ignore[assignment]


@pytest.fixture
def world(settings: Settings) -> Iterator[World]:
    url = settings.resolved_database_url()
    upgrade(url)
    holder: list[World] = []

    class Factory(SqlAppUowFactory):
        def __call__(self) -> FaultyUnitOfWork:
            uow = FaultyUnitOfWork(self.engine)
            uow.world = holder[0]
            return uow

    units = Factory(url)
    services = bootstrap.bootstrap(
        settings, uow_factory=units, hasher=PlainHasher(), places=wiring.site_places(settings)
    )
    holder.append(World(services, units.engine))
    assert wiring.ensure_site(settings, services) is not None
    yield holder[0]
    units.dispose()


def _site_text(**changes: str) -> str:
    text = wiring.DEMO_SITE.read_text(encoding="utf-8")
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "site.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_loading_the_same_site_twice_changes_nothing(world: World) -> None:
    before = world.tables()
    again = wiring.load_site(world.services, wiring.DEMO_SITE)
    assert (again.added, again.changed, again.removed, again.slots) == (0, 0, 0, DEMO_SLOTS)
    assert world.tables() == before
    assert world.slot("A-01-1-01").blocked
    assert world.slot("B-02-3-11").access_node == "RA4"


def test_a_site_file_adds_and_changes_slots(world: World, tmp_path: Path) -> None:
    shelf = "      - {size_class: L, slots: 10, first_antenna: 401}\n  - id: B"
    text = _site_text(**{shelf: shelf.replace("slots: 10", "slots: 12")})
    done = wiring.load_site(world.services, _write(tmp_path, text))
    assert (done.added, done.removed) == (2, 0)
    assert world.slot("A-03-4-12").size_class == "L"


def test_a_site_dropping_or_shrinking_an_occupied_slot_is_refused(
    world: World, tmp_path: Path
) -> None:
    number = _stored_sample(world)
    world.handle(c.ApplyTransition(c.SYSTEM, number, "store", "storage_slot:A-03-3-01"))
    before = world.tables()
    dropped = _site_text(**{"    - number: 3\n": "    - number: 4\n"})  # rack A-03 goes
    with pytest.raises(SiteError, match=rf"A-03-3-01 \(holds {number}\) would be dropped"):
        wiring.load_site(world.services, _write(tmp_path, dropped))
    assert world.tables() == before
    head, rack_3 = _site_text().split("    - number: 3\n", 1)
    rack_3 = rack_3.replace("{size_class: M, slots: 15,", "{size_class: S, slots: 15,", 1)
    with pytest.raises(SiteError, match=rf"A-03-3-01 \(holds {number}\) would shrink to S"):
        wiring.load_site(world.services, _write(tmp_path, head + "    - number: 3\n" + rack_3))
    assert world.tables() == before


def test_a_wrong_site_file_names_the_line_and_the_field(world: World, tmp_path: Path) -> None:
    text = _site_text(**{"access_node: RA4": "access_node: RA9"})
    line = text.splitlines().index("      access_node: RA9") + 1
    before = world.tables()
    with pytest.raises(SiteError) as refused:
        wiring.load_site(world.services, _write(tmp_path, text))
    assert refused.value.line == line
    assert refused.value.field == "storage.areas[1].racks[1].access_node"
    assert str(refused.value).startswith(f"line {line}: storage.areas[1].racks[1].access_node")
    assert world.tables() == before


def _stored_sample(world: World) -> str:
    """A received demo sample, picked up by a robot (its put-away slot reserved)."""
    made = seed_demo(world.services)
    number = made["sample_a2"]
    world.handle(c.ApplyTransition(c.SYSTEM, number, "start_transport", "robot:AMR-01"))
    return number


@pytest.mark.parametrize("failing", ["slots.save", "audit.append"])
def test_occupancy_commits_with_the_move_or_not_at_all(world: World, failing: str) -> None:
    number = _stored_sample(world)
    before = world.tables()
    world.armed = failing
    with pytest.raises(Injected):
        world.handle(c.ApplyTransition(c.SYSTEM, number, "store", "storage_slot:B-01-2-05"))
    assert world.failures == 1
    assert world.tables() == before  # neither the sample's move nor the slot's occupant
    world.armed = ""
    world.handle(c.ApplyTransition(c.SYSTEM, number, "store", "storage_slot:B-01-2-05"))
    assert world.slot("B-01-2-05").occupant == number
    assert world.sample(number).state is SampleState.STORED
    assert all(number not in (s.occupant, s.reserved_for) for s in _other_slots(world, "B-01-2-05"))


def _other_slots(world: World, address: str) -> list[Any]:
    with world.services.uow_factory() as uow:
        return [s for s in uow.slots.all() if s.address != address]


def test_one_sample_per_slot_and_leaving_frees_it(world: World) -> None:
    number = _stored_sample(world)
    taken = "A-03-2-07"  # the demo seed stored sample a3 there
    holder = world.slot(taken).occupant
    assert holder is not None
    before = world.tables()
    with pytest.raises(InvalidValue) as refused:
        world.handle(c.ApplyTransition(c.SYSTEM, number, "store", f"storage_slot:{taken}"))
    assert refused.value.field == "location"
    assert f"holds {holder}" in refused.value.allowed
    assert world.tables() == before
    world.handle(c.ApplyTransition(c.SYSTEM, holder, "start_transport", "robot:AMR-02"))
    assert world.slot(taken).occupant is None
    world.handle(c.ApplyTransition(c.SYSTEM, number, "store", f"storage_slot:{taken}"))
    assert world.slot(taken).occupant == number


@pytest.mark.parametrize(
    ("slot", "allowed"),
    [("Z-99-9-99", "a slot of the site"), ("A-01-1-01", "a slot that is not blocked")],
)
def test_a_hand_typed_slot_is_checked_against_the_site(
    world: World, slot: str, allowed: str
) -> None:
    number = _stored_sample(world)
    before = world.tables()
    with pytest.raises(InvalidValue) as refused:
        world.handle(c.ApplyTransition(c.SYSTEM, number, "store", f"storage_slot:{slot}"))
    assert refused.value.field == "location"
    assert refused.value.value == f"storage_slot:{slot}"
    assert refused.value.allowed.startswith(allowed)
    assert world.tables() == before


def test_receiving_reserves_a_slot_by_size_and_records_the_estimate(world: World) -> None:
    made = seed_demo(world.services)
    with world.services.uow_factory() as uow:
        tasks = uow.tasks.for_sample(made["sample_b1"])
        slots = uow.slots.holding(made["sample_b1"])
    put_away = [t for t in tasks if t.kind.value == "put_away"][-1]
    assert put_away.target.code == slots[0].address
    assert slots[0].reserved_for == made["sample_b1"]
    estimate = put_away.estimate
    assert estimate["size_class"] in ("S", "M", "L")
    assert estimate["dwell_s"] > 0
    assert "lab queue" in str(estimate["dwell_basis"]) or "due" in str(estimate["dwell_basis"])


def _page_client(world: World, settings: Settings, username: str) -> TestClient:
    return signed_in(create_app(world.services, settings), username)


def test_the_storage_page_shows_occupancy_to_the_warehouse_and_not_to_the_kiosk(
    world: World, settings: Settings
) -> None:
    made = seed_demo(world.services)
    warehouse = _page_client(world, settings, "warehouse")
    page = warehouse.get("/storage")
    assert page.status_code == 200
    assert "库存与库容" in page.text
    assert 'data-area="A" data-size="M"' in page.text
    assert f'href="/samples/{made["sample_a3"]}"' in page.text
    assert "<meter" in page.text
    kiosk = _page_client(world, settings, "kiosk")
    assert kiosk.get("/storage").status_code == 403
    customer = _page_client(world, settings, "cust-a")
    assert customer.get("/storage").status_code == 403


def test_a_full_area_warns_staff_on_their_pages_and_keeps_the_alert(
    world: World, settings: Settings, tmp_path: Path
) -> None:
    made = seed_demo(world.services)
    with world.services.uow_factory() as uow:
        small_b = [s.address for s in uow.slots.all() if s.area == "B" and s.size_class == "S"]
    keep = {"B-01-1-01", "B-01-1-02"}
    blocked = ", ".join(["A-01-1-01", "B-01-4-10", *sorted(set(small_b) - keep)])
    text = _site_text(**{"blocked: [A-01-1-01, B-01-4-10]": f"blocked: [{blocked}]"})
    wiring.load_site(world.services, _write(tmp_path, text))
    for number, slot in ((made["sample_a2"], "B-01-1-01"), (made["sample_b1"], "B-01-1-02")):
        world.handle(c.ApplyTransition(c.SYSTEM, number, "start_transport", "robot:AMR-01"))
        world.handle(c.ApplyTransition(c.SYSTEM, number, "store", f"storage_slot:{slot}"))
    warehouse = _page_client(world, settings, "warehouse")
    page = warehouse.get("/storage")
    assert 'data-testid="storage-banner"' in page.text
    assert 'data-testid="storage-alerts"' in page.text
    assert "2/2" in page.text
    assert 'data-testid="storage-banner"' in warehouse.get("/samples").text
    kiosk_page = _page_client(world, settings, "kiosk").get("/samples")
    assert 'data-testid="storage-banner"' not in kiosk_page.text
    with world.services.uow_factory() as uow:
        alerts = uow.slots.alerts()
        kinds = [r.event_type for r in uow.audit.records()]
    assert [(a.area, a.size_class, a.level) for a in alerts][:1] == [("B", "S", 100)]
    assert "CapacityLevelReached" in kinds


def test_put_aways_received_at_once_never_share_a_slot(world: World) -> None:
    import threading

    made = seed_demo(world.services)
    bus = world.services.bus
    numbers = [
        bus.handle(c.RegisterSample(c.SYSTEM, made["order_a"], {"instrument_type": "压力表"}))
        for _ in range(6)
    ]
    errors: list[BaseException] = []

    def receive(number: str) -> None:
        try:
            bus.handle(c.ApplyTransition(c.SYSTEM, number, "receive", "intake_platform:K1"))
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=receive, args=(n,)) for n in numbers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with world.services.uow_factory() as uow:
        targets = {n: [t.target.code for t in uow.tasks.for_sample(n)][-1] for n in numbers}
        reserved = {s.address: s.reserved_for for s in uow.slots.all() if s.reserved_for}
    assert len(set(targets.values())) == len(numbers)
    assert all(reserved[slot] == number for number, slot in targets.items())
