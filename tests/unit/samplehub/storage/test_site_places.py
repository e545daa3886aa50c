"""``SitePlaces`` on the memory unit of work: slotting by size, dwell and distance, the
reservation turned into occupancy on arrival, capacity levels told once, nodes of places."""

from __future__ import annotations

import pytest

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.services import Services
from samplehub.app.units import MemoryAppUnitOfWork
from samplehub.app.wiring.storage import site_places
from samplehub.core.adapters.memory import FixedClock, MemoryStore, PlainHasher
from samplehub.core.domain.errors import InvalidValue
from samplehub.core.domain.locations import Location
from samplehub.core.domain.model import Role
from samplehub.core.service import commands as c
from samplehub.storage.adapters.site_yaml import read_site_text
from samplehub.storage.service import queries
from samplehub.storage.service.site import LoadSite

FLEET = c.Actor("fleet", Role.WAREHOUSE)
KIOSK = c.Actor("kiosk", Role.KIOSK)
SITE = """\
map:
  nodes:
  - {id: IN1, x: 0, y: 0}
  - {id: NEAR, x: 5, y: 0}
  - {id: FAR, x: 100, y: 0}
  - {id: LAB1, x: 50, y: 10}
storage:
  areas:
  - id: A
    racks:
    - number: 1
      access_node: NEAR
      shelves: [{size_class: S, slots: 2}, {size_class: L, slots: 1}]
    - number: 2
      access_node: FAR
      shelves: [{size_class: S, slots: 2}, {size_class: M, slots: 2}]
places:
  intake_platform:K1: IN1
  lab_bench:P-01: LAB1
"""


@pytest.fixture
def services() -> Services:
    store = MemoryStore()
    services = bootstrap.bootstrap(
        Settings(),
        uow_factory=lambda: MemoryAppUnitOfWork(store),
        clock=FixedClock(),
        hasher=PlainHasher(),
        places=site_places(Settings()),
    )
    tree, lines = read_site_text(SITE)
    services.bus.handle(LoadSite(c.SYSTEM, tree, "test", lines))
    return services


def _received(services: Services, instrument: dict[str, str]) -> tuple[str, str]:
    bus = services.bus
    customer = bus.handle(c.RegisterCustomer(c.SYSTEM, "某公司", "91350100M000100Y43", []))
    order = bus.handle(c.CreateOrder(c.SYSTEM, customer, "verification", [instrument]))
    number = bus.handle(c.RegisterSample(c.SYSTEM, order, instrument))
    bus.handle(c.ApplyTransition(KIOSK, number, "receive", "intake_platform:K1"))
    with services.uow_factory() as uow:
        [task] = uow.tasks.for_sample(number)
    return number, task.id


def test_a_small_short_stay_goes_to_the_nearest_small_slot_reserved(services: Services) -> None:
    number, task_id = _received(services, {"instrument_type": "压力表", "model": "Y-100"})
    with services.uow_factory() as uow:
        task = uow.tasks.get(task_id)
        slot = uow.slots.get("A-01-1-01")
    assert task is not None
    assert str(task.target) == "storage_slot:A-01-1-01"
    assert task.estimate["size_class"] == "S"
    assert task.estimate["size_rule"] == "pressure gauge, dial 100 mm"
    assert task.estimate["access_node"] == "NEAR"
    assert slot is not None
    assert slot.reserved_for == number


def test_a_big_instrument_gets_the_smallest_slot_that_fits(services: Services) -> None:
    _, task_id = _received(services, {"instrument_type": "电子天平"})
    with services.uow_factory() as uow:
        task = uow.tasks.get(task_id)
    assert task is not None
    assert str(task.target) == "storage_slot:A-01-2-01"  # the only L slot


def test_arrival_turns_the_reservation_into_occupancy(services: Services) -> None:
    number, task_id = _received(services, {"instrument_type": "压力表", "model": "Y-100"})
    bus = services.bus
    for step in ("assigned", "picking", "carrying", "delivered", "done"):
        carrier = "R01" if step == "assigned" else None
        bus.handle(c.AdvanceTask(FLEET, task_id, step, carrier=carrier))
    with services.uow_factory() as uow:
        slot = uow.slots.get("A-01-1-01")
        node = services.bus.context.places.node(uow, Location.parse("storage_slot:A-01-1-01"))
        bench = services.bus.context.places.node(uow, Location.parse("lab_bench:P-01"))
    assert slot is not None
    assert (slot.occupant, slot.reserved_for) == (number, None)
    assert (node, bench) == ("NEAR", "LAB1")


def test_an_unknown_bench_or_slot_is_refused_naming_the_field(services: Services) -> None:
    number, put_away = _received(services, {"instrument_type": "压力表"})
    services.bus.handle(c.CancelTask(FLEET, put_away, "carried by hand"))
    with pytest.raises(InvalidValue) as refused:
        services.bus.handle(c.RequestTransport(FLEET, number, "to_bench", "lab_bench:Z-09"))
    assert (refused.value.field, refused.value.allowed) == ("target", "lab_bench:P-01")
    with pytest.raises(InvalidValue) as refused:
        services.bus.handle(c.RequestTransport(FLEET, number, "relocate", "storage_slot:B-1"))
    assert refused.value.field == "target"
    assert refused.value.allowed.startswith("a slot of the site (areas A;")


def test_reaching_a_capacity_level_is_recorded_once(services: Services) -> None:
    gauge = {"instrument_type": "压力表"}
    bus = services.bus
    customer = bus.handle(c.RegisterCustomer(c.SYSTEM, "某公司", "91350100M000100Y43", []))
    order = bus.handle(c.CreateOrder(c.SYSTEM, customer, "verification", [gauge]))
    for _ in range(5):  # four S slots, then the smallest larger one
        number = bus.handle(c.RegisterSample(c.SYSTEM, order, gauge))
        bus.handle(c.ApplyTransition(KIOSK, number, "receive", "intake_platform:K1"))
    with services.uow_factory() as uow:
        told = [r.payload for r in uow.audit.records() if r.event_type == "CapacityLevelReached"]
        reserved = sorted(s.address for s in uow.slots.all() if s.reserved_for)
    assert reserved == ["A-01-1-01", "A-01-1-02", "A-02-1-01", "A-02-1-02", "A-02-2-01"]
    assert len(told) == 1  # 3 of 4 is 75 %; the fourth makes 100 %
    assert '"level":100' in told[0]
    assert '"size_class":"S"' in told[0]
    view = queries.overview(services.uow_factory)
    assert [(a.area, a.size_class, a.level, a.used) for a in view.alerts] == [("A", "S", 100, 4)]
    assert [(w.area, w.size_class) for w in view.warnings] == [("A", "S")]
