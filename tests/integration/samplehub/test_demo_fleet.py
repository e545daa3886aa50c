"""The demo hands the samples waiting at intake to the simulated fleet, which stores them."""

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

SCENARIO = Path(__file__).parents[3] / "scenarios" / "peak-hour.yaml"


def test_demo_fleet_puts_away_the_samples_waiting_at_intake(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key="integration-key-0123456789")
    upgrade(settings.resolved_database_url())
    services = bootstrap.bootstrap(settings)
    made = seed_demo(services)
    waiting = [made["sample_a2"], made["sample_b1"]]
    fleet = fleet_wiring.demo_fleet(settings, SCENARIO, services=services)
    assert fleet is not None
    fleet.sim.run(2, lambda _done: None)
    for number in waiting:
        sample = queries.get_sample(services.uow_factory, SYSTEM, number)
        assert sample.state is SampleState.STORED, number
        assert sample.location.kind is LocationKind.STORAGE_SLOT
        every = queries.timeline(services.uow_factory, SYSTEM, number)
        timeline = [e for e in every if e.task is None]  # the sample's moves, not task steps
        assert [e.state for e in timeline][-3:] == ["received", "in_transit", "stored"]
        assert timeline[-2].location is not None
        assert timeline[-2].location.startswith("robot:")
        assert "RFID confirmed" in (timeline[-1].reason or "")
    assert queries.verify_audit(services.uow_factory).ok
    services.close()
