"""Shelf inventory as `serve` runs it, on SQLite and PostgreSQL: the shelf readers are simulated
LLRP readers on TCP sockets, read by the project's LLRP client. A sample received at the kiosk
(EPC assigned) is put away; the demo's misplacement (the inbox `samplehub simulate misplace`
writes) is found by the second cycle count, with a relocation task back in the same
transaction; the storage page and the API show it."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from samplehub.app.config import Settings
from samplehub.app.services import Services
from samplehub.app.wiring import inventory as inventory_wiring
from samplehub.app.wiring import storage as storage_wiring
from samplehub.core.domain.model import Role
from samplehub.core.domain.transport import TaskKind
from samplehub.core.service import commands as c
from samplehub.intake.service import commands as ci
from samplehub.simulation.shelf_readers import write_misplacement
from samplehub.simulation.world import SimWorld
from samplehub.storage.domain.inventory import FindingKind
from samplehub.web.app import create_app

FLEET = c.Actor("fleet", Role.WAREHOUSE)
KIOSK = c.Actor("kiosk", Role.KIOSK)
PASSWORD = "Shelf-count-2026!"


def received_at_kiosk(services: Services) -> str:
    """A sample received at the kiosk: its EPC assigned, its put-away task made."""
    bus = services.bus
    customer = bus.handle(c.RegisterCustomer(c.SYSTEM, "某公司", "91350100M000100Y43", []))
    instrument = {"instrument_type": "压力表", "model": "Y-100"}
    order = bus.handle(c.CreateOrder(c.SYSTEM, customer, "verification", [instrument]))
    handed = bus.handle(
        ci.ReceiveAtKiosk(KIOSK, order, None, "verification", instrument, "intake_platform:K1")
    )
    return str(handed.sample.number)


def _stored(services: Services) -> tuple[str, str, str]:
    bus = services.bus
    number = received_at_kiosk(services)
    with services.uow_factory() as uow:
        [task] = uow.tasks.for_sample(number)
    for step in ("assigned", "picking", "carrying", "delivered", "done"):
        bus.handle(c.AdvanceTask(FLEET, task.id, step, carrier="R01"))
    with services.uow_factory() as uow:
        sample = uow.samples.get(number)
        assert sample is not None
        assert sample.epc
    return number, sample.location.code, sample.epc


def test_a_misplacement_is_found_and_a_relocation_task_made(
    settings: Settings, services: Services, request: pytest.FixtureRequest
) -> None:
    storage_wiring.ensure_site(settings, services)
    number, slot, epc = _stored(services)
    settings.storage.inventory_round_seconds = 0.02
    shelves = inventory_wiring.llrp_shelves(settings, services, SimWorld())
    request.addfinalizer(shelves.close)
    runner = shelves.runner
    assert runner(FLEET).confirmed == 1  # the world follows the record: the tag is there
    elsewhere = "B-02-4-10" if slot != "B-02-4-10" else "B-02-4-09"
    write_misplacement(inventory_wiring.misplace_inbox(settings), epc, elsewhere)
    assert runner(FLEET).findings == []  # once is not steady
    [finding] = runner(FLEET).findings
    assert (finding.kind, finding.sample, finding.recorded_slot) == (
        FindingKind.MISPLACED, number, slot,
    )  # fmt: skip
    with services.uow_factory() as uow:
        [task] = [t for t in uow.tasks.for_sample(number) if t.is_open]
        [stored] = uow.inventory.findings()
    assert task.kind is TaskKind.RELOCATE
    assert (str(task.source), str(task.target)) == (
        f"storage_slot:{elsewhere}", f"storage_slot:{slot}",
    )  # fmt: skip
    assert stored.task_id == task.id

    page = _client(services, settings, runner, "warehouse")
    shown = page.get("/storage")
    assert 'data-finding="misplaced" data-state="open"' in shown.text
    assert task.id in shown.text
    assert 'data-testid="inventory-run"' in shown.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', shown.text)
    assert csrf is not None
    ran = page.post("/storage/inventory", data={"csrf": csrf.group(1)}, follow_redirects=False)
    assert ran.status_code == 303
    lab = _client(services, settings, runner, "lab1")
    assert 'data-testid="inventory-run"' not in lab.get("/storage").text  # sees, cannot run
    csrf = re.search(r'name="csrf" value="([^"]+)"', lab.get("/storage").text)
    assert csrf is not None
    refused = lab.post("/storage/inventory", data={"csrf": csrf.group(1)}, follow_redirects=False)
    assert refused.status_code == 403
    with services.uow_factory() as uow:
        assert len(uow.inventory.cycles()) == 4  # the warehouse's cycle ran, the lab's did not


def _client(services: Services, settings: Settings, runner: object, role: str) -> TestClient:
    name = f"{role}-user"
    services.bus.handle(c.CreateUser(c.SYSTEM, name, PASSWORD, role.rstrip("1")))
    client = TestClient(create_app(services, settings, inventory=runner))  # type: ignore[arg-type]
    form = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf is not None
    answer = client.post(
        "/login", data={"username": name, "password": PASSWORD, "csrf": csrf.group(1)},
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303, answer.text
    return client
