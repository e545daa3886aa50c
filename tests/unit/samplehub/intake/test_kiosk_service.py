"""The kiosk hand-in with fakes: sessions, proposals, one-transaction receipts, refusals."""

from __future__ import annotations

import json

import pytest

from samplehub.app.config import Settings
from samplehub.app.services import Services
from samplehub.app.wiring import intake as intake_wiring
from samplehub.core.adapters.memory import FixedClock, MemoryStore
from samplehub.core.domain.epc import Giai96
from samplehub.core.domain.errors import Conflict, InvalidValue, NotFound
from samplehub.core.domain.model import Role
from samplehub.core.service import commands as c
from samplehub.core.service import queries
from samplehub.core.service.commands import Actor
from samplehub.intake.domain.nameplate import OcrLine, extract_fields
from samplehub.intake.service import queries as queries_intake
from samplehub.intake.service.camera_ports import FakeCamera, Photo
from samplehub.intake.service.errors import KioskRefusal
from samplehub.intake.service.kiosk import KioskDesk
from samplehub.intake.service.ports import FakeNameplateVision, InMemoryLabelPrinter, VisionResult
from samplehub.simulation.tag_roll import TagRollWriter
from samplehub.web.i18n import translate
from tests.unit.samplehub.intake.fakes import RacingBus

KIOSK = Actor("kiosk", Role.KIOSK)
STAFF = Actor("warehouse", Role.WAREHOUSE)
CODE_A = "91350100M000100Y43"
CODE_B = "91350200MA2Y8K3L0G"
PLATE = [
    OcrLine("弹簧管压力表", 0.98),
    OcrLine("型号 Y-100", 0.97),
    OcrLine("出厂编号 2024-0815", 0.96),
    OcrLine("测量范围 0~1.6MPa", 0.95),
    OcrLine("精度等级 1.6级", 0.95),
]


@pytest.fixture
def world(services: Services, store: MemoryStore) -> tuple[KioskDesk, dict[str, str]]:
    bus = services.bus
    a = bus.handle(
        c.RegisterCustomer(c.SYSTEM, "福州恒达仪表有限公司", CODE_A, [("陈", "13905910001")])
    )
    b = bus.handle(c.RegisterCustomer(c.SYSTEM, "厦门海湾化工有限公司", CODE_B, []))
    items = [
        {"instrument_type": "数字压力计", "model": "700G08", "serial_number": "4410023"},
        {"instrument_type": "弹簧管压力表", "model": "Y-100", "serial_number": "2024-0815"},
    ]
    order_a = bus.handle(c.CreateOrder(c.SYSTEM, a, "verification", items))
    order_b = bus.handle(c.CreateOrder(c.SYSTEM, b, "calibration", [{"instrument_type": "温度计"}]))
    vision = FakeNameplateVision(
        results={"gauge.jpg": VisionResult(extract_fields(PLATE), (), ("…",), 12.0)},
        unreadable={"corrupt.jpg"},
    )
    desk = intake_wiring.build_kiosk(
        Settings(),
        services,
        vision=vision,
        printer=InMemoryLabelPrinter(),
        rfid=TagRollWriter(),
        camera=FakeCamera([Photo(b"jpeg", "gauge.jpg")]),
    )
    return desk, {"a": a, "b": b, "order_a": order_a, "order_b": order_b}


def confirmed(**changes: str | None) -> dict[str, str | None]:
    fields: dict[str, str | None] = {
        "instrument_type": "弹簧管压力表", "manufacturer": None, "model": "Y-100",
        "serial_number": "2024-0815", "range_min": "0", "range_max": "1.6", "unit": "MPa",
        "accuracy_class": "1.6",
    }  # fmt: skip
    fields.update(changes)
    return fields


def test_photo_proposes_fields_with_confidence_and_matches_the_order_item(world) -> None:
    desk, made = world
    session = desk.start_order(KIOSK, f"https://example.cn/o/{made['order_a']}\n", CODE_A)
    proposal = desk.read_photo(KIOSK, session.id, b"jpeg", "gauge.jpg")
    assert proposal.fields["serial_number"] == "2024-0815"
    assert proposal.fields["range_max"] == "1.6"
    assert 0 < proposal.confidence["serial_number"] <= 1
    assert proposal.item_index == 1
    assert proposal.match_reasons == ("serial_number",)
    assert desk.capture(KIOSK, session.id).fields["model"] == "Y-100"


def test_confirm_receives_assigns_epc_prints_writes_and_requests_transport(world, services):
    desk, made = world
    session = desk.start_order(KIOSK, made["order_a"], CODE_A)
    line = desk.confirm(KIOSK, session.id, confirmed(manufacturer="上海四厂"))
    sample = queries.get_sample(services.uow_factory, STAFF, line.sample_number)
    assert sample.state.value == "received"
    assert str(sample.location) == "intake_platform:K1"
    assert sample.instrument.manufacturer == "上海四厂"
    giai = Giai96.from_hex(sample.epc or "")
    assert giai.company_prefix == "0614141"
    assert sample.epc_uri == giai.pure_identity_uri()
    assert line.label == "done"
    assert line.rfid == "done"
    assert desk.printer.printed[0].sample_no == sample.number  # type: ignore[attr-defined]
    with services.uow_factory() as uow:
        kinds = [r.event_type for r in uow.audit.records(sample.number)]
    assert kinds == [
        "SampleRegistered", "SampleTransitioned", "EpcAssigned", "TransportTaskChanged",
        "IntakeDeviceDone", "IntakeDeviceDone",
    ]  # fmt: skip
    queue = queries_intake.transport_queue(services.uow_factory, STAFF)
    # the queue is the open put-away task: from the platform to a slot storage chooses
    assert [(r.sample_number, r.origin, r.destination, r.state, r.label) for r in queue] == [
        (sample.number, "intake_platform:K1", "storage_slot:*", "created", "done")
    ]


def test_a_printer_that_is_down_keeps_the_receipt_and_queues_a_reprint(world, services):
    desk, made = world
    desk.printer.fail_with = "printer 10.0.0.9:9100 unreachable"  # type: ignore[attr-defined]
    session = desk.start_order(KIOSK, made["order_a"], CODE_A)
    line = desk.confirm(KIOSK, session.id, confirmed())
    assert line.label == "failed"
    assert "unreachable" in line.label_message
    assert queries.get_sample(services.uow_factory, STAFF, line.sample_number).state.value == (
        "received"
    )
    faults = queries_intake.device_faults(services.uow_factory, STAFF)
    assert [f.sample_number for f in faults] == [line.sample_number]
    desk.printer.fail_with = None  # type: ignore[attr-defined]
    assert desk.redo_device(KIOSK, line.sample_number, "label")[0] is True
    assert queries_intake.device_faults(services.uow_factory, STAFF) == []


def test_walk_in_registers_company_and_kiosk_order_on_the_first_receipt(world, services):
    desk, _ = world
    code = "91110000600037341L"
    with pytest.raises(InvalidValue) as caught:
        desk.start_walk_in(KIOSK, code, "13800000000")
    assert caught.value.field == "company_name"
    session = desk.start_walk_in(KIOSK, code, "13800000000", company_name="北京某公司")
    with services.uow_factory() as uow:
        assert uow.customers.by_credit_code(code) is None  # nothing written yet
    line = desk.confirm(KIOSK, session.id, confirmed(serial_number="W-1"))
    order, samples = queries.get_order(services.uow_factory, STAFF, session.order_number or "")
    assert order.channel.value == "kiosk"
    assert [s.number for s in samples] == [line.sample_number]
    second = desk.confirm(KIOSK, session.id, confirmed(serial_number="W-2"))
    assert second.sample_number != line.sample_number
    assert len(queries.get_order(services.uow_factory, STAFF, order.number)[1]) == 2


def test_refusing_a_damaged_instrument_rejects_it_with_the_reason(world, services):
    desk, made = world
    session = desk.start_order(KIOSK, made["order_a"], CODE_A)
    with pytest.raises(InvalidValue) as caught:
        desk.refuse(KIOSK, session.id, confirmed(), "  ")
    assert caught.value.field == "reason"
    line = desk.refuse(KIOSK, session.id, confirmed(), "表盘玻璃破碎 / cracked dial glass")
    sample = queries.get_sample(services.uow_factory, STAFF, line.sample_number)
    assert sample.state.value == "rejected"
    assert sample.epc is None
    timeline = queries.timeline(services.uow_factory, STAFF, sample.number)
    assert timeline[-1].reason == "表盘玻璃破碎 / cracked dial glass"


def test_bad_photos_are_refused_naming_the_field(world) -> None:
    desk, made = world
    session = desk.start_order(KIOSK, made["order_a"], CODE_A)
    with pytest.raises(KioskRefusal) as corrupt:
        desk.read_photo(KIOSK, session.id, b"x", "corrupt.jpg")
    assert corrupt.value.field == "photo.content"
    with pytest.raises(KioskRefusal) as big:
        desk.read_photo(KIOSK, session.id, b"\0" * (20 * 1024 * 1024 + 1), "big.jpg")
    assert big.value.field == "photo.size"
    assert "20 MB" in translate("en", big.value.text.id, big.value.text.params)


def test_another_company_order_and_a_serial_received_twice_are_refused(world, services):
    desk, made = world
    with pytest.raises(KioskRefusal) as other:
        desk.start_order(KIOSK, made["order_b"], credit_code=CODE_A)
    assert other.value.field == "order_number"
    assert other.value.value == made["order_b"]
    with pytest.raises(NotFound):
        desk.start_order(KIOSK, "WT2026-999999", CODE_A)
    for missing in ("", "  "):  # an order number alone opens nothing: it is sequential
        with pytest.raises(InvalidValue) as no_code:
            desk.start_order(KIOSK, made["order_b"], missing)
        assert no_code.value.field == "credit_code"
    session = desk.start_order(KIOSK, made["order_a"], credit_code=CODE_A)
    desk.confirm(KIOSK, session.id, confirmed())
    with services.uow_factory() as uow:
        before = len(uow.audit.records())
    with pytest.raises(KioskRefusal) as twice:
        desk.confirm(KIOSK, session.id, confirmed(serial_number="2024 0815"))
    assert twice.value.field == "serial_number"
    with services.uow_factory() as uow:
        assert len(uow.audit.records()) == before


def test_an_abandoned_or_idle_session_ends_and_nothing_was_written(world, services, store):
    desk, made = world
    clock: FixedClock = services.clock  # type: ignore[assignment]
    session = desk.start_order(KIOSK, made["order_a"], CODE_A)
    desk.read_photo(KIOSK, session.id, b"jpeg", "gauge.jpg")
    desk.abandon(KIOSK, session.id)
    with pytest.raises(KioskRefusal) as ended:
        desk.confirm(KIOSK, session.id, confirmed())
    assert ended.value.field == "session"
    idle = desk.start_order(KIOSK, made["order_a"], CODE_A)
    clock.advance(desk.options.idle_timeout_s + 1)
    with pytest.raises(KioskRefusal):
        desk.read_photo(KIOSK, idle.id, b"jpeg", "gauge.jpg")
    assert store.samples == {}
    assert all(json.loads(r.payload) for r in store.audit)  # only the set-up records
    assert {r.event_type for r in store.audit} == {"CustomerRegistered", "OrderCreated"}


def test_a_receipt_that_lost_a_race_is_replayed(world, services) -> None:
    desk, made = world
    desk.bus = RacingBus(desk.bus, losses=3)
    session = desk.start_order(KIOSK, made["order_a"], CODE_A)
    line = desk.confirm(KIOSK, session.id, confirmed())
    assert queries.get_sample(services.uow_factory, STAFF, line.sample_number).epc == line.epc_hex
    desk.bus = RacingBus(desk.bus.bus, losses=99)
    with pytest.raises(Conflict):
        desk.confirm(KIOSK, session.id, confirmed(serial_number="X-9"))
