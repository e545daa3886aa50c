"""`samplehub demo` is `serve` plus the demo data: the fleet worker `serve` runs carries the
demo samples waiting at intake into storage, with the robot and the slot in their timelines."""

from pathlib import Path

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.demo import seed_demo
from samplehub.app.wiring import fleet as fleet_wiring
from samplehub.core.adapters.db import upgrade
from samplehub.core.domain.lifecycle import SampleState
from samplehub.core.domain.locations import LocationKind
from samplehub.core.service import queries
from samplehub.core.service.commands import SYSTEM
from samplehub.simulation.clock import SimClock


def test_the_served_fleet_puts_away_the_demo_samples_waiting_at_intake(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key="integration-key-0123456789")
    upgrade(settings.resolved_database_url())
    services = bootstrap.bootstrap(settings)
    made = seed_demo(services)
    waiting = [made["sample_a2"], made["sample_b1"]]
    supervisor = fleet_wiring.fleet_supervisor(settings, services)
    assert supervisor is not None  # robots are the default mode
    site = fleet_wiring.site_map_section(Settings())
    assert site is not None
    clock = SimClock()
    worker = fleet_wiring.worker_factory(settings, services, site, clock)
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
    snapshot = worker.snapshot()
    assert len(snapshot["robots"]) == settings.fleet.robots
    assert queries.verify_audit(services.uow_factory).ok
    services.close()
