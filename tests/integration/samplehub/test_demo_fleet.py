"""`samplehub demo` is `serve` plus the demo data: the fleet worker `serve` runs carries the
demo samples waiting at intake into storage, with the robot and the slot in their timelines;
each put-away is confirmed by a read of its slot's antenna over LLRP (the shelf readers as
`serve` wires them: simulated LLRP readers on TCP sockets over the robots' world)."""

from pathlib import Path

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.demo import seed_demo, tag_demo_samples
from samplehub.app.wiring import fleet as fleet_wiring
from samplehub.app.wiring import inventory as inventory_wiring
from samplehub.app.wiring import storage as storage_wiring
from samplehub.core.adapters.db import upgrade
from samplehub.core.domain.lifecycle import SampleState
from samplehub.core.domain.locations import LocationKind
from samplehub.core.domain.transport import Confirmation
from samplehub.core.service import queries
from samplehub.core.service.commands import SYSTEM
from samplehub.simulation.clock import SimClock
from samplehub.simulation.world import SimWorld


def test_the_served_fleet_puts_away_the_demo_samples_waiting_at_intake(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key="integration-key-0123456789")
    upgrade(settings.resolved_database_url())
    services = bootstrap.bootstrap(settings)
    storage_wiring.ensure_site(settings, services)
    made = seed_demo(services)
    kiosk = settings.kiosk
    tagged = tag_demo_samples(services, made.values(), kiosk.epc_company_prefix, kiosk.epc_filter)
    waiting = [made["sample_a2"], made["sample_b1"]]
    assert set(waiting) <= set(tagged)
    world = SimWorld()
    shelves = inventory_wiring.llrp_shelves(settings, services, world)
    supervisor = fleet_wiring.fleet_supervisor(settings, services, world, shelves)
    assert supervisor is not None  # robots are the default mode
    site = fleet_wiring.site_map_section(Settings())
    assert site is not None
    clock = SimClock()
    worker = fleet_wiring.worker_factory(settings, services, site, clock, world, shelves)
    worker.start()

    def stored() -> bool:
        states = [queries.get_sample(services.uow_factory, SYSTEM, n).state for n in waiting]
        return all(s is SampleState.STORED for s in states)

    while not stored():
        assert clock.elapsed < 1800, "the demo samples were not stored in 30 simulated minutes"
        clock.advance(0.5)
        worker.step()
    for number in waiting:
        sample = queries.get_sample(services.uow_factory, SYSTEM, number)
        assert sample.location.kind is LocationKind.STORAGE_SLOT
        timeline = queries.timeline(services.uow_factory, SYSTEM, number)
        moves = [e for e in timeline if e.task is None]  # the sample's moves, not task steps
        assert [e.state for e in moves][-3:] == ["received", "in_transit", "stored"]
        assert (moves[-2].location or "").startswith("robot:R0")
        with services.uow_factory() as uow:
            [put_away] = uow.tasks.for_sample(number)
        assert put_away.confirmation is Confirmation.RFID  # its slot's antenna read its tag
    snapshot = worker.snapshot()
    assert len(snapshot["robots"]) == settings.fleet.robots
    assert worker.bridge.alerts == []
    assert queries.verify_audit(services.uow_factory).ok
    shelves.close()
    services.close()
