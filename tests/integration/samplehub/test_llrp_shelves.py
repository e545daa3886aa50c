"""The shelves as `samplehub demo` runs them, on SQLite and PostgreSQL: the seeded stock carries
EPCs, every rack's reader is a simulated LLRP reader on a TCP socket read by the project's LLRP
client; `samplehub simulate misplace` in another process becomes a finding and a relocation
task; a reader that goes away is left out of the cycle and never stops it; a put-away whose tag
is not read at its slot is recorded unconfirmed, with an alert for staff."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.demo import seed_demo, tag_demo_samples
from samplehub.app.services import Services
from samplehub.app.wiring import fleet as fleet_wiring
from samplehub.app.wiring import inventory as inventory_wiring
from samplehub.app.wiring import storage as storage_wiring
from samplehub.app.wiring.inventory import LlrpShelves
from samplehub.cli import app
from samplehub.core.adapters.db import upgrade
from samplehub.core.domain.lifecycle import SampleState
from samplehub.core.domain.model import Role
from samplehub.core.domain.transport import Confirmation, TaskKind, TaskState
from samplehub.core.service import commands as c
from samplehub.fleet.service.worker import FleetWorker
from samplehub.simulation.clock import SimClock
from samplehub.simulation.world import SimWorld
from samplehub.storage.domain.inventory import FindingKind
from tests.integration.samplehub.test_fleet_worker import task_state
from tests.integration.samplehub.test_shelf_inventory import received_at_kiosk

WAREHOUSE = c.Actor("warehouse", Role.WAREHOUSE)


@pytest.fixture
def demo(settings: Settings, services: Services) -> Iterator[tuple[LlrpShelves, dict[str, str]]]:
    storage_wiring.ensure_site(settings, services)
    settings.storage.inventory_round_seconds = 0.02
    made = seed_demo(services)
    kiosk = settings.kiosk
    tag_demo_samples(services, made.values(), kiosk.epc_company_prefix, kiosk.epc_filter)
    shelves = inventory_wiring.llrp_shelves(settings, services, SimWorld())
    yield shelves, made
    shelves.close()


def test_a_misplacement_in_the_running_demo_is_found_over_llrp(
    settings: Settings,
    services: Services,
    demo: tuple[LlrpShelves, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shelves, made = demo
    stored = made["sample_a3"]
    with services.uow_factory() as uow:
        sample = uow.samples.get(stored)
    assert sample is not None
    assert sample.epc  # the seeded stock is tagged: the shelves can see it
    assert sample.location.code == "A-03-2-07"
    assert {"RD-A01", "RD-A03", "RD-B02"} <= set(shelves.served.servers)  # one per rack
    assert all(server.port > 0 for server in shelves.served.servers.values())
    first = shelves.runner(WAREHOUSE)
    assert (first.expected, first.confirmed, first.unavailable) == (1, 1, ())

    monkeypatch.setenv("SAMPLEHUB_DATABASE_URL", settings.resolved_database_url())
    monkeypatch.setenv("SAMPLEHUB_DATA_DIR", str(settings.data_dir))
    moved = CliRunner().invoke(app, ["simulate", "misplace", stored, "A-03-2-09"])
    assert moved.exit_code == 0, moved.output
    assert "A-03-2-09" in moved.output
    assert shelves.runner(WAREHOUSE).findings == []  # once is not steady
    [finding] = shelves.runner(WAREHOUSE).findings
    assert (finding.kind, finding.sample, finding.recorded_slot) == (
        FindingKind.MISPLACED, stored, "A-03-2-07",
    )  # fmt: skip
    with services.uow_factory() as uow:
        [task] = [t for t in uow.tasks.for_sample(stored) if t.is_open]
    assert task.kind is TaskKind.RELOCATE  # within one rack: the fleet carries it (fleet tests)
    assert (str(task.source), str(task.target)) == (
        "storage_slot:A-03-2-09", "storage_slot:A-03-2-07",
    )  # fmt: skip
    assert finding.task_id == task.id
    assert shelves.read("LOC-A-03-2-09") == [sample.epc]  # the tag is where it was put

    shelves.served.servers["RD-A03"].stop()  # the rack's reader goes away
    without = shelves.runner(WAREHOUSE)
    assert without.unavailable == ("RD-A03",)
    assert without.findings == []  # its slots are neither confirmed nor missed
    assert shelves.read("LOC-A-03-2-09") == []  # no confirming read, and no crash


@pytest.fixture
def on_sqlite(tmp_path: Path) -> Iterator[tuple[Settings, Services]]:
    """The embedded database with the demo site, as `samplehub demo` has it."""
    settings = Settings(data_dir=tmp_path, secret_key="integration-key-0123456789")
    settings.storage.inventory_round_seconds = 0.02
    upgrade(settings.resolved_database_url())
    services = bootstrap.bootstrap(settings)
    storage_wiring.ensure_site(settings, services)
    yield settings, services
    services.close()


def carry(
    settings: Settings, services: Services, world: SimWorld, shelves: LlrpShelves, task_id: str
) -> FleetWorker:
    """The fleet `serve` runs (simulated robots in ``world``, put-aways confirmed by
    ``shelves``), stepped until the task is done."""
    site = fleet_wiring.site_map_section(settings)
    assert site is not None
    clock = SimClock()
    worker = fleet_wiring.worker_factory(settings, services, site, clock, world, shelves)
    worker.start()
    while (state := task_state(services, task_id)) is not TaskState.DONE:
        assert state is not TaskState.FAILED
        assert clock.elapsed < 1800, f"{task_id} was not done in 30 simulated minutes"
        clock.advance(0.5)
        worker.step()
    return worker


def test_a_put_away_not_read_at_its_slot_is_recorded_unconfirmed_with_an_alert(
    on_sqlite: tuple[Settings, Services],
) -> None:
    settings, services = on_sqlite
    number = received_at_kiosk(services)
    world = SimWorld()
    shelves = inventory_wiring.llrp_shelves(settings, services, world)
    shelves.shelves.miss = 1.0  # the slot's antenna hears nothing (a detuned antenna)
    with services.uow_factory() as uow:
        [task] = uow.tasks.for_sample(number)
    worker = carry(settings, services, world, shelves, task.id)
    shelves.close()
    with services.uow_factory() as uow:
        done = uow.tasks.get(task.id)
        sample = uow.samples.get(number)
    assert done is not None
    assert sample is not None
    assert done.confirmation is Confirmation.NONE  # recorded as not confirmed by a read
    assert sample.state is SampleState.STORED
    [alert] = [m for _, m in worker.bridge.alerts if m.params.get("task") == task.id]
    assert alert.id == "fleet.alert_not_read_at_slot"


def test_a_relocation_within_one_rack_is_carried_back_and_confirmed_over_llrp(
    on_sqlite: tuple[Settings, Services],
) -> None:
    settings, services = on_sqlite
    made = seed_demo(services)
    tag_demo_samples(services, made.values(), settings.kiosk.epc_company_prefix)
    number = made["sample_a3"]
    world = SimWorld()
    shelves = inventory_wiring.llrp_shelves(settings, services, world)
    with services.uow_factory() as uow:
        sample = uow.samples.get(number)
    assert sample is not None
    assert sample.epc is not None
    shelves.shelves.move(sample.epc, "A-03-2-09")  # a person put it two slots along
    shelves.runner(WAREHOUSE)
    [finding] = shelves.runner(WAREHOUSE).findings
    assert finding.task_id is not None
    carry(settings, services, world, shelves, finding.task_id)
    with services.uow_factory() as uow:
        task = uow.tasks.get(finding.task_id)
        back = uow.samples.get(number)
    assert task is not None
    assert back is not None
    assert task.confirmation is Confirmation.RFID  # read at A-03-2-07 after the drop
    assert (back.state, back.location.code) == (SampleState.STORED, "A-03-2-07")
    assert world.read("LOC-A-03-2-07") == [sample.epc]
    assert shelves.runner(WAREHOUSE).confirmed == 1
    shelves.close()
