"""Lab use cases over in-memory fakes: from readings to an issued, verifiable certificate."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.units import MemoryAppUnitOfWork
from samplehub.core.adapters.memory import FixedClock, MemoryStore, PlainHasher
from samplehub.core.service.commands import SYSTEM
from samplehub.lab.adapters.certificates.memory import InMemoryDocumentStore
from samplehub.lab.domain import demo
from samplehub.lab.domain.calibration import CalibrationReading, CalibrationRule
from samplehub.lab.domain.certificate import (
    APPROVER_ROLE,
    Actor,
    Certificate,
    CertificateContent,
    CertificateKind,
    Status,
)
from samplehub.lab.domain.errors import (
    CertificateImmutableError,
    CertificateNotFoundError,
    MetrologyInputError,
    WorkflowError,
)
from samplehub.lab.domain.jjg52 import JJG52_2013, GaugeSpec, PointReadings
from samplehub.lab.domain.rules import InstrumentTypeRule, Method, RuleBook
from samplehub.lab.service import certificates as lab
from samplehub.lab.service import commands as lc
from samplehub.web.error_text import error_text
from samplehub.web.i18n import Translator
from tests.unit.samplehub.lab.fakes import FakeDcc, FakeRenderer, FakeSheets

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
ENTERER = Actor("u1", "张三", frozenset({"lab"}))
REVIEWER = Actor("u2", "李四", frozenset({"lab"}))
APPROVER = Actor("u3", "王五", frozenset({APPROVER_ROLE}))

RULES = RuleBook(
    [
        InstrumentTypeRule(
            "pressure_gauge",
            "一般压力表",
            "Pressure gauge",
            "pressure",
            "JJG 52-2013",
            6,
            Method.ELASTIC_GAUGE,
            gauge=JJG52_2013,
        ),
        InstrumentTypeRule(
            "digital_thermometer",
            "数字温度计",
            "Digital thermometer",
            "temperature",
            "SH-CM-T01（院内校准方法）",
            12,
            Method.CALIBRATION,
            calibration=CalibrationRule("temperature", "°C"),
        ),
    ]
)


@dataclasses.dataclass(frozen=True)
class World(lab.LabDeps):
    """The lab deps, with the bus they are wired to and the memory store below it."""

    handle: Callable[[Any], Any] = print
    store: MemoryStore = dataclasses.field(default_factory=MemoryStore)


@pytest.fixture
def deps() -> World:
    store = MemoryStore()

    def factory() -> MemoryAppUnitOfWork:
        return MemoryAppUnitOfWork(store)

    base = lab.LabDeps(
        certificates=lab.StoredCertificates(factory),
        renderer=FakeRenderer(),
        documents=InMemoryDocumentStore(),
        dcc=FakeDcc(),
        sheets=FakeSheets(),
        rules=RULES,
        number_prefix="ZS",
        verify_base_url="https://lab.example/",
    )
    services = bootstrap.bootstrap(
        Settings(), uow_factory=factory, clock=FixedClock(NOW), hasher=PlainHasher(), lab=base
    )
    fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
    return World(**fields, handle=services.bus.handle, store=store)


# The certificate steps, each one command through the bus (one unit of work).
def record_gauge_readings(
    d: World, header: lab.WorkHeader, spec: GaugeSpec, points: Sequence[PointReadings],
    zero: Sequence[Decimal], by: Actor, now: datetime,
) -> Certificate:  # fmt: skip
    return d.handle(lc.RecordGaugeReadings(SYSTEM, by, now, header, spec, points, zero))


def record_calibration_readings(
    d: World, header: lab.WorkHeader, readings: Sequence[CalibrationReading], by: Actor,
    now: datetime,
) -> Certificate:  # fmt: skip
    return d.handle(lc.RecordCalibrationReadings(SYSTEM, by, now, header, readings))


def import_gauge_readings(
    d: World, header: lab.WorkHeader, spec: GaugeSpec, name: str, sheet: bytes,
    zero: Sequence[Decimal], by: Actor, now: datetime,
) -> Certificate:  # fmt: skip
    command = lc.ImportGaugeReadings(SYSTEM, by, now, header, spec, name, sheet, zero)
    return d.handle(command)


def import_calibration_readings(
    d: World, header: lab.WorkHeader, name: str, sheet: bytes, by: Actor, now: datetime
) -> Certificate:
    return d.handle(lc.ImportCalibrationReadings(SYSTEM, by, now, header, name, sheet))


def revise_gauge_readings(
    d: World, number: str, header: lab.WorkHeader, spec: GaugeSpec,
    points: Sequence[PointReadings], zero: Sequence[Decimal], by: Actor, now: datetime,
) -> Certificate:  # fmt: skip
    command = lc.ReviseGaugeReadings(SYSTEM, by, now, number, header, spec, points, zero)
    return d.handle(command)


def review(d: World, number: str, by: Actor, now: datetime) -> Certificate:
    return d.handle(lc.ReviewCertificate(SYSTEM, by, now, number))


def return_for_rework(d: World, number: str, by: Actor, now: datetime, reason: str) -> Certificate:
    return d.handle(lc.ReturnCertificate(SYSTEM, by, now, number, reason))


def approve(d: World, number: str, by: Actor, now: datetime) -> Certificate:
    return d.handle(lc.ApproveCertificate(SYSTEM, by, now, number))


def issue(d: World, number: str, now: datetime, by: Actor = APPROVER) -> bytes:
    return d.handle(lc.IssueCertificate(SYSTEM, by, now, number))


def correct(
    d: World, number: str, content: CertificateContent, by: Actor, now: datetime, reason: str
) -> Certificate:
    return d.handle(lc.CorrectCertificate(SYSTEM, by, now, number, content, reason))


def numbers(d: World) -> list[str]:
    """The certificate numbers stored."""
    return sorted(d.store.table("certificates"))


def header(type_code: str = "pressure_gauge") -> lab.WorkHeader:
    content = demo.gauge_content()
    instrument = content.instrument
    if type_code != instrument.type_code:
        instrument = demo.calibration_content().instrument
    return lab.WorkHeader(
        sample_id=content.sample_id,
        customer=content.customer,
        customer_address=content.customer_address,
        instrument=instrument,
        standards=content.standards,
        environment=content.environment,
        performed_on=content.performed_on,
    )


def record(deps: World, points: tuple[PointReadings, ...] = demo.PASSING_POINTS) -> Certificate:
    return record_gauge_readings(deps, header(), demo.GAUGE, points, [Decimal(0)], ENTERER, NOW)


def test_readings_to_issued_certificate(deps: World) -> None:
    draft = record(deps)
    assert draft.number == "ZS2026-000001"
    assert draft.kind is CertificateKind.VERIFICATION
    assert draft.content.valid_until is not None
    assert str(draft.content.valid_until) == "2027-05-19"
    review(deps, draft.number, REVIEWER, NOW)
    approve(deps, draft.number, APPROVER, NOW)
    pdf = issue(deps, draft.number, NOW)
    assert isinstance(deps.renderer, FakeRenderer)
    token = lab.get(deps, draft.number).verify_token
    assert token is not None
    assert len(token) >= 22
    assert deps.renderer.calls == [
        ("ZS2026-000001", f"https://lab.example/verify/{token}", Status.APPROVED)
    ]
    assert lab.certificate_pdf(deps, draft.number) == pdf
    with pytest.raises(CertificateNotFoundError):
        lab.verify_by_token(deps, draft.number)  # a number finds nothing
    record_ = lab.verify_by_token(deps, token).record
    assert record_.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    assert (record_.status, record_.decision, record_.sample_id) == (
        Status.ISSUED,
        "合格",
        "JX2026-000123",
    )
    assert lab.export_dcc(deps, draft.number) == b"<dcc>ZS2026-000001</dcc>"


def test_failing_gauge_makes_a_notice_without_validity(deps: World) -> None:
    draft = record(deps, demo.FAILING_POINTS)
    assert draft.kind is CertificateKind.FAILURE_NOTICE
    assert draft.content.valid_until is None


def test_calibration_sheet_makes_a_calibration_certificate(deps: World) -> None:
    readings = [
        demo.CalibrationReading(Decimal(v), Decimal(v), Decimal("0.1")) for v in ("0", "50", "100")
    ]
    draft = record_calibration_readings(deps, header("digital_thermometer"), readings, ENTERER, NOW)
    assert draft.kind is CertificateKind.CALIBRATION
    assert draft.content.document == "SH-CM-T01（院内校准方法）"


def test_gauge_readings_for_a_calibration_type_are_refused(deps: World) -> None:
    with pytest.raises(MetrologyInputError) as info:
        record_gauge_readings(
            deps,
            header("digital_thermometer"),
            demo.GAUGE,
            demo.PASSING_POINTS,
            [Decimal(0)],
            ENTERER,
            NOW,
        )
    assert info.value.field == "instrument_type"


def test_bad_readings_save_nothing(deps: World) -> None:
    with pytest.raises(MetrologyInputError):
        record_gauge_readings(
            deps, header(), demo.GAUGE, demo.PASSING_POINTS[:4], [Decimal(0)], ENTERER, NOW
        )
    assert numbers(deps) == []


def test_unapproved_certificate_cannot_be_issued_verified_or_exported(deps: World) -> None:
    draft = record(deps)
    review(deps, draft.number, REVIEWER, NOW)
    with pytest.raises(WorkflowError, match="only an approved"):
        issue(deps, draft.number, NOW)
    with pytest.raises(CertificateNotFoundError):
        lab.verify_by_token(deps, draft.number)
    with pytest.raises(WorkflowError, match="not approved"):
        lab.export_dcc(deps, draft.number)
    with pytest.raises(WorkflowError, match="not been issued"):
        lab.certificate_pdf(deps, draft.number)


def test_approved_but_not_issued_is_not_shown(deps: World) -> None:
    draft = record(deps)
    review(deps, draft.number, REVIEWER, NOW)
    approve(deps, draft.number, APPROVER, NOW)
    approved = lab.get(deps, draft.number)
    approved.verify_token = "a-token-given-before-issue"
    deps.store.table("certificates")[draft.number] = approved
    with pytest.raises(CertificateNotFoundError):
        lab.verify_by_token(deps, "a-token-given-before-issue")


def test_author_cannot_approve_through_the_service(deps: World) -> None:
    author = Actor("u1", "张三", frozenset({APPROVER_ROLE}))
    draft = record_gauge_readings(
        deps, header(), demo.GAUGE, demo.PASSING_POINTS, [Decimal(0)], author, NOW
    )
    review(deps, draft.number, REVIEWER, NOW)
    with pytest.raises(WorkflowError, match="four eyes"):
        approve(deps, draft.number, author, NOW)
    assert lab.get(deps, draft.number).status is Status.REVIEWED


def test_correction_supersedes_on_approval_and_keeps_both(deps: World) -> None:
    old = record(deps)
    review(deps, old.number, REVIEWER, NOW)
    approve(deps, old.number, APPROVER, NOW)
    issue(deps, old.number, NOW)
    new = correct(deps, old.number, demo.gauge_content(), ENTERER, NOW, "客户地址错误")
    assert new.number == "ZS2026-000002"
    assert lab.get(deps, old.number).status is Status.ISSUED
    review(deps, new.number, REVIEWER, NOW)
    approve(deps, new.number, APPROVER, NOW)
    stored_old = lab.get(deps, old.number)
    assert stored_old.status is Status.SUPERSEDED
    token = stored_old.verify_token or ""
    assert lab.verify_by_token(deps, token).record.superseded_by == new.number
    assert lab.certificate_pdf(deps, old.number).startswith(b"%PDF")
    with pytest.raises(CertificateImmutableError):
        stored_old.revise(demo.gauge_content(), ENTERER, NOW)


def test_rework_revision_then_approval(deps: World) -> None:
    draft = record(deps)
    review(deps, draft.number, REVIEWER, NOW)
    return_for_rework(deps, draft.number, APPROVER, NOW, "1.2 MPa 读数抄错")
    assert lab.get(deps, draft.number).status is Status.DRAFT
    with pytest.raises(WorkflowError, match="only 张三"):
        revise_gauge_readings(
            deps,
            draft.number,
            header(),
            demo.GAUGE,
            demo.FAILING_POINTS,
            [Decimal(0)],
            REVIEWER,
            NOW,
        )
    revised = revise_gauge_readings(
        deps, draft.number, header(), demo.GAUGE, demo.FAILING_POINTS, [Decimal(0)], ENTERER, NOW
    )
    assert revised.kind is CertificateKind.FAILURE_NOTICE
    assert revised.content.valid_until is None
    review(deps, draft.number, REVIEWER, NOW)
    approved = approve(deps, draft.number, APPROVER, NOW)
    assert [e.name for e in approved.events][-3:] == ["revised", "reviewed", "approved"]


def test_unknown_number(deps: World) -> None:
    with pytest.raises(CertificateNotFoundError, match="ZS2026-999999") as info:
        lab.verify_by_token(deps, "ZS2026-999999")
    assert "未找到" in error_text(Translator("zh-CN"), info.value)


def test_gauge_preview_uses_the_rule(deps: World) -> None:
    result = lab.evaluate_gauge(
        RULES, "pressure_gauge", demo.GAUGE, demo.PASSING_POINTS, [Decimal(0)]
    )
    assert result.regulation == "JJG 52-2013"
    assert result.passed


def test_import_records_a_sheet(deps: World) -> None:
    draft = import_gauge_readings(
        deps, header(), demo.GAUGE, "good.csv", b"...", [Decimal(0)], ENTERER, NOW
    )
    assert draft.content.results.passed  # type: ignore[union-attr]
    cal = import_calibration_readings(
        deps, header("digital_thermometer"), "cal.xlsx", b"...", ENTERER, NOW
    )
    assert cal.kind is CertificateKind.CALIBRATION


def test_bad_sheet_saves_nothing(deps: World) -> None:
    with pytest.raises(MetrologyInputError, match="C3"):
        import_gauge_readings(
            deps, header(), demo.GAUGE, "bad.csv", b"1,6", [Decimal(0)], ENTERER, NOW
        )
    assert numbers(deps) == []


def test_customer_interval_shortens_validity_and_cannot_exceed_the_type(deps: World) -> None:
    short = dataclasses.replace(header(), interval_months=3)
    draft = record_gauge_readings(
        deps, short, demo.GAUGE, demo.PASSING_POINTS, [Decimal(0)], ENTERER, NOW
    )
    assert str(draft.content.valid_until) == "2027-02-19"
    with pytest.raises(MetrologyInputError) as info:
        record_gauge_readings(
            deps,
            dataclasses.replace(header(), interval_months=12),
            demo.GAUGE,
            demo.PASSING_POINTS,
            [Decimal(0)],
            ENTERER,
            NOW,
        )
    assert info.value.field == "interval_months"


def test_certificate_year_is_the_institutes_calendar_year(deps: World) -> None:
    """07:00 on 1 January in Shanghai is 23:00 on 31 December in UTC: the new year's number."""
    new_year_morning = datetime(2026, 12, 31, 23, 0, tzinfo=UTC)
    last_evening = datetime(2026, 12, 31, 15, 59, tzinfo=UTC)  # 23:59 in Shanghai
    before = record_gauge_readings(
        deps, header(), demo.GAUGE, demo.PASSING_POINTS, [Decimal(0)], ENTERER, last_evening
    )
    after = record_gauge_readings(
        deps, header(), demo.GAUGE, demo.PASSING_POINTS, [Decimal(0)], ENTERER, new_year_morning
    )
    assert (before.number, after.number) == ("ZS2026-000001", "ZS2027-000001")
