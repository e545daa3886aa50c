"""Staff alerts written by the change that causes them: a storage capacity level reached and a
transport task failed (its sample on hold) each put one alert per configured staff recipient
into the outbox of their own transaction, in zh-CN and English."""

from __future__ import annotations

import pytest

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.services import Services
from samplehub.app.units import MemoryAppUnitOfWork
from samplehub.app.wiring import notify as notify_wiring
from samplehub.app.wiring.storage import site_places
from samplehub.core.adapters.memory import FixedClock, MemoryStore, PlainHasher
from samplehub.core.domain import reasons
from samplehub.core.domain.errors import Forbidden
from samplehub.core.service import commands as c
from samplehub.storage.adapters.site_yaml import read_site_text
from samplehub.storage.service.site import LoadSite
from tests.unit.samplehub.storage.test_site_places import FLEET, KIOSK, SITE


def _institute(staff: str) -> Services:
    """The app over a memory store, with ``staff`` as its staff recipients."""
    settings = Settings(notify={"staff": staff})
    store = MemoryStore()
    return bootstrap.bootstrap(
        settings,
        uow_factory=lambda: MemoryAppUnitOfWork(store),
        clock=FixedClock(),
        hasher=PlainHasher(),
        places=site_places(settings, notify_wiring.staff_alerts(settings)),
    )


def test_capacity_levels_and_failed_transport_alert_the_configured_staff() -> None:
    services = _institute("email:ops@example.org,sms:13800000000")
    bus = services.bus
    tree, lines = read_site_text(SITE)
    bus.handle(LoadSite(c.SYSTEM, tree, "test", lines))
    gauge = {"instrument_type": "压力表"}
    customer = bus.handle(c.RegisterCustomer(c.SYSTEM, "某公司", "91350100M000100Y43", []))
    order = bus.handle(c.CreateOrder(c.SYSTEM, customer, "verification", [gauge]))
    for _ in range(4):  # the four S slots: 100 %
        number = bus.handle(c.RegisterSample(c.SYSTEM, order, gauge))
        bus.handle(c.ApplyTransition(KIOSK, number, "receive", "intake_platform:K1"))
    with services.uow_factory() as uow:
        alerts = uow.outbox.due(FixedClock().now())
        [task] = uow.tasks.for_sample(number)
    assert [(m.kind, m.channel, m.recipient) for m in alerts] == [
        ("storage_capacity", "email", "ops@example.org"),
        ("storage_capacity", "sms", "13800000000"),
    ]
    assert "存储区 A（S 类库位）占用已达 100%" in (alerts[0].body or "")
    assert "Storage area A (size S slots) is 100% full: 4 of 4" in (alerts[0].body or "")

    bus.handle(c.AdvanceTask(FLEET, task.id, "assigned", carrier="R01"))
    bus.handle(c.AdvanceTask(FLEET, task.id, "picking"))
    bus.handle(c.AdvanceTask(FLEET, task.id, "carrying"))
    bus.handle(c.FailTask(FLEET, task.id, "robot R01 lost the load"))
    with services.uow_factory() as uow:
        failed = [m for m in uow.outbox.due(FixedClock().now()) if m.kind == "transport_failed"]
    assert [m.recipient for m in failed] == ["ops@example.org", "13800000000"]
    assert f"sample {number} is on hold for staff: robot R01 lost the load" in (
        failed[0].body or ""
    )
    number = bus.handle(c.RegisterSample(c.SYSTEM, order, gauge))  # a reason the fleet wrote
    bus.handle(c.ApplyTransition(KIOSK, number, "receive", "intake_platform:K1"))
    with services.uow_factory() as uow:
        [task] = uow.tasks.for_sample(number)
    bus.handle(c.AdvanceTask(FLEET, task.id, "assigned", carrier="R02"))
    bus.handle(c.AdvanceTask(FLEET, task.id, "picking"))
    bus.handle(c.AdvanceTask(FLEET, task.id, "carrying"))
    bus.handle(c.FailTask(FLEET, task.id, reasons.STRANDED(robot="R02")))
    with services.uow_factory() as uow:
        failed = [m for m in uow.outbox.due(FixedClock().now()) if m.kind == "transport_failed"]
    body = failed[-1].body or ""
    assert "样品滞留在机器人 R02 上，需工作人员取下" in body  # said in Chinese, then English
    assert "sample stranded on robot R02; staff must take it off" in body


def test_a_robot_that_needs_a_person_is_told_to_the_staff_recipients() -> None:
    services = _institute("sms:13800000000")
    details = {"robot": "R02", "stop": "MANUAL", "node": "RA3"}
    told = services.bus.handle(
        c.AlertStaff(FLEET, "emergency_stop", "fleet.alert_emergency_stop", details)
    )
    assert told == 1
    with services.uow_factory() as uow:
        [sms] = uow.outbox.due(FixedClock().now())
    assert (sms.kind, sms.recipient) == ("emergency_stop", "13800000000")
    assert "机器人 R02 在 RA3 急停（MANUAL）" in (sms.body or "")
    assert "robot R02 stands on its emergency stop (MANUAL) at RA3" in (sms.body or "")
    with pytest.raises(Forbidden):  # the fleet's word, not a kiosk's
        services.bus.handle(
            c.AlertStaff(KIOSK, "emergency_stop", "fleet.alert_emergency_stop", details)
        )
