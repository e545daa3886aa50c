"""The kiosk with default settings writes each sample's EPC over LLRP to the simulated intake
reader (a real TCP socket), reads it back before the label prints, and retries once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.wiring import intake as intake_wiring
from samplehub.app.wiring.rfid import LlrpIntakeWriter, RfidSite, start_site
from samplehub.core.adapters.memory import (
    FixedClock,
    ListPublisher,
    MemoryStore,
    MemoryUnitOfWork,
    PlainHasher,
)
from samplehub.core.domain.model import Role
from samplehub.core.service import commands as c
from samplehub.core.service.commands import Actor
from samplehub.intake.service.kiosk import KioskDesk
from samplehub.intake.service.ports import FakeNameplateVision, Label
from samplehub.intake.service.session import ReceiptLine
from samplehub.web.i18n import translate

KIOSK = Actor("kiosk", Role.KIOSK)
CODE_A = "91350100M000100Y43"


@dataclass
class CheckingPrinter:
    """Records, for each label, whether the EPC had already been written to a tag."""

    site: RfidSite
    printed: list[tuple[Label, bool]] = field(default_factory=list)

    def print_label(self, label: Label) -> None:
        tag = self.site.world.known(label.epc_hex)
        self.printed.append((label, tag is not None))


@pytest.fixture
def site() -> Iterator[RfidSite]:
    site = start_site(Settings().rfid)
    yield site
    site.close()


@pytest.fixture
def desk(site: RfidSite, monkeypatch: pytest.MonkeyPatch) -> tuple[KioskDesk, str]:
    settings = Settings()
    assert settings.rfid.intake_reader == "INTAKE-K1"  # the default: a simulated LLRP reader
    monkeypatch.setattr("samplehub.app.wiring.rfid.rfid_site", lambda _settings: site)
    store = MemoryStore()
    services = bootstrap.bootstrap(
        settings,
        uow_factory=lambda: MemoryUnitOfWork(store),
        clock=FixedClock(),
        hasher=PlainHasher(),
        publisher=ListPublisher(),
    )
    customer = services.bus.handle(c.RegisterCustomer(c.SYSTEM, "福州恒达仪表有限公司", CODE_A, []))
    items = [{"instrument_type": "弹簧管压力表", "model": "Y-100"} for _ in range(3)]
    order = services.bus.handle(c.CreateOrder(c.SYSTEM, customer, "verification", items))
    kiosk = intake_wiring.build_kiosk(
        settings, services, vision=FakeNameplateVision(), printer=CheckingPrinter(site)
    )
    assert isinstance(kiosk.rfid, LlrpIntakeWriter)
    return kiosk, order


def _hand_in(desk_order: tuple[KioskDesk, str], serial: str) -> ReceiptLine:
    desk, order = desk_order
    session = desk.start_order(KIOSK, order, CODE_A)
    fields = {
        "instrument_type": "弹簧管压力表", "manufacturer": None, "model": "Y-100",
        "serial_number": serial, "range_min": "0", "range_max": "1.6", "unit": "MPa",
        "accuracy_class": "1.6",
    }  # fmt: skip
    return desk.confirm(KIOSK, session.id, fields)


def test_epc_is_written_over_llrp_and_read_back_before_the_label(
    desk: tuple[KioskDesk, str], site: RfidSite
) -> None:
    line = _hand_in(desk, "A-1")
    assert line.rfid == "done", line.rfid_message
    label, written_first = desk[0].printer.printed[0]  # type: ignore[attr-defined]
    assert written_first
    tag = site.world.known(label.epc_hex)
    assert tag is not None
    assert tag.epc == label.epc_hex.lower()
    assert line.rfid_message == f"tag {tag.tid.upper()}"


def test_failed_write_is_retried_once_with_a_fresh_tag(
    desk: tuple[KioskDesk, str], site: RfidSite
) -> None:
    site.world.fail_writes = 1
    line = _hand_in(desk, "A-2")
    assert line.rfid == "done"
    assert "2nd tag" in line.rfid_message


def test_two_failed_writes_are_refused_with_a_message_for_the_customer(
    desk: tuple[KioskDesk, str], site: RfidSite
) -> None:
    site.world.fail_writes = 2
    line = _hand_in(desk, "A-3")
    assert line.rfid == "failed"
    assert "No response from tag" in line.rfid_message
    assert line.label == "done"
    assert "工作人员" in translate("zh-CN", "intake.kiosk_rfid_failed", {})
    assert "fresh tag" in translate("en", "intake.kiosk_rfid_failed", {})


def test_a_site_can_serve_more_simulated_readers(site: RfidSite) -> None:
    site.add_simulated_reader("RACK-A1", 4)
    site.world.place("3034257bf400b7800000162e", "RACK-A1", 3)
    reads = site.readers.inventory("RACK-A1", None, seconds=0.05)
    assert [(r.epc, r.reader, r.antenna) for r in reads] == [
        ("3034257bf400b7800000162e", "RACK-A1", 3)
    ]
