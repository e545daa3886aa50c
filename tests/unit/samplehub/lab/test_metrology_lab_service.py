"""Lab use cases over in-memory fakes: from readings to an issued, verifiable certificate."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from samplehub.lab.adapters.certificates.memory import (
    InMemoryCertificateRepository,
    InMemoryDocumentStore,
)
from samplehub.lab.domain import demo
from samplehub.lab.domain.calibration import CalibrationRule
from samplehub.lab.domain.certificate import (
    APPROVER_ROLE,
    Actor,
    Certificate,
    CertificateKind,
    Status,
)
from samplehub.lab.domain.errors import (
    CertificateImmutableError,
    CertificateNotFoundError,
    MetrologyInputError,
    WorkflowError,
)
from samplehub.lab.domain.jjg52 import JJG52_2013, ElasticGaugeRule, GaugeSpec, PointReadings
from samplehub.lab.domain.rules import InstrumentTypeRule, Method, RuleBook
from samplehub.lab.service import certificates as lab

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


class FakeRenderer:
    """Returns a recognisable byte string and remembers what it rendered."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, Status]] = []

    def render(self, certificate: Certificate, verify_url: str) -> bytes:
        self.calls.append((certificate.number, verify_url, certificate.status))
        return f"%PDF {certificate.number}".encode()


class FakeDcc:
    def write(self, certificate: Certificate) -> bytes:
        return f"<dcc>{certificate.number}</dcc>".encode()


class FakeSheets:
    """Serves the demo's readings for "good.csv" and refuses anything else like a bad sheet."""

    def read_gauge(
        self, name: str, data: bytes, spec: GaugeSpec, rule: ElasticGaugeRule
    ) -> tuple[PointReadings, ...]:
        if name != "good.csv":
            raise MetrologyInputError("C3", data.decode(), "a number such as 1.6")
        return demo.PASSING_POINTS

    def read_calibration(self, name: str, data: bytes) -> list[demo.CalibrationReading]:
        return [demo.CalibrationReading(Decimal(v), Decimal(v), Decimal("0.1")) for v in "012"]


@pytest.fixture
def deps() -> lab.LabDeps:
    return lab.LabDeps(
        certificates=InMemoryCertificateRepository(),
        renderer=FakeRenderer(),
        documents=InMemoryDocumentStore(),
        dcc=FakeDcc(),
        sheets=FakeSheets(),
        rules=RULES,
        number_prefix="ZS",
        verify_base_url="https://lab.example/",
    )


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


def record(
    deps: lab.LabDeps, points: tuple[PointReadings, ...] = demo.PASSING_POINTS
) -> Certificate:
    return lab.record_gauge_readings(deps, header(), demo.GAUGE, points, [Decimal(0)], ENTERER, NOW)


def test_readings_to_issued_certificate(deps: lab.LabDeps) -> None:
    draft = record(deps)
    assert draft.number == "ZS2026-000001"
    assert draft.kind is CertificateKind.VERIFICATION
    assert draft.content.valid_until is not None
    assert str(draft.content.valid_until) == "2027-05-19"
    lab.review(deps, draft.number, REVIEWER, NOW)
    lab.approve(deps, draft.number, APPROVER, NOW)
    pdf = lab.issue(deps, draft.number, NOW)
    assert isinstance(deps.renderer, FakeRenderer)
    assert deps.renderer.calls == [
        ("ZS2026-000001", "https://lab.example/verify/ZS2026-000001", Status.APPROVED)
    ]
    assert lab.certificate_pdf(deps, draft.number) == pdf
    record_ = lab.verify(deps, draft.number)
    assert record_.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    assert (record_.status, record_.decision, record_.sample_id) == (
        Status.ISSUED,
        "合格",
        "JX2026-000123",
    )
    assert lab.export_dcc(deps, draft.number) == b"<dcc>ZS2026-000001</dcc>"


def test_failing_gauge_makes_a_notice_without_validity(deps: lab.LabDeps) -> None:
    draft = record(deps, demo.FAILING_POINTS)
    assert draft.kind is CertificateKind.FAILURE_NOTICE
    assert draft.content.valid_until is None


def test_calibration_sheet_makes_a_calibration_certificate(deps: lab.LabDeps) -> None:
    readings = [
        demo.CalibrationReading(Decimal(v), Decimal(v), Decimal("0.1")) for v in ("0", "50", "100")
    ]
    draft = lab.record_calibration_readings(
        deps, header("digital_thermometer"), readings, ENTERER, NOW
    )
    assert draft.kind is CertificateKind.CALIBRATION
    assert draft.content.document == "SH-CM-T01（院内校准方法）"


def test_gauge_readings_for_a_calibration_type_are_refused(deps: lab.LabDeps) -> None:
    with pytest.raises(MetrologyInputError) as info:
        lab.record_gauge_readings(
            deps,
            header("digital_thermometer"),
            demo.GAUGE,
            demo.PASSING_POINTS,
            [Decimal(0)],
            ENTERER,
            NOW,
        )
    assert info.value.field == "instrument_type"


def test_bad_readings_save_nothing(deps: lab.LabDeps) -> None:
    with pytest.raises(MetrologyInputError):
        lab.record_gauge_readings(
            deps, header(), demo.GAUGE, demo.PASSING_POINTS[:4], [Decimal(0)], ENTERER, NOW
        )
    assert isinstance(deps.certificates, InMemoryCertificateRepository)
    assert deps.certificates.numbers() == []


def test_unapproved_certificate_cannot_be_issued_verified_or_exported(deps: lab.LabDeps) -> None:
    draft = record(deps)
    lab.review(deps, draft.number, REVIEWER, NOW)
    with pytest.raises(WorkflowError, match="only an approved"):
        lab.issue(deps, draft.number, NOW)
    with pytest.raises(CertificateNotFoundError):
        lab.verify(deps, draft.number)
    with pytest.raises(WorkflowError, match="not approved"):
        lab.export_dcc(deps, draft.number)
    with pytest.raises(WorkflowError, match="not been issued"):
        lab.certificate_pdf(deps, draft.number)


def test_author_cannot_approve_through_the_service(deps: lab.LabDeps) -> None:
    author = Actor("u1", "张三", frozenset({APPROVER_ROLE}))
    draft = lab.record_gauge_readings(
        deps, header(), demo.GAUGE, demo.PASSING_POINTS, [Decimal(0)], author, NOW
    )
    lab.review(deps, draft.number, REVIEWER, NOW)
    with pytest.raises(WorkflowError, match="four eyes"):
        lab.approve(deps, draft.number, author, NOW)
    assert lab.get(deps, draft.number).status is Status.REVIEWED


def test_correction_supersedes_on_approval_and_keeps_both(deps: lab.LabDeps) -> None:
    old = record(deps)
    lab.review(deps, old.number, REVIEWER, NOW)
    lab.approve(deps, old.number, APPROVER, NOW)
    lab.issue(deps, old.number, NOW)
    new = lab.correct(deps, old.number, demo.gauge_content(), ENTERER, NOW, "客户地址错误")
    assert new.number == "ZS2026-000002"
    assert lab.get(deps, old.number).status is Status.ISSUED
    lab.review(deps, new.number, REVIEWER, NOW)
    lab.approve(deps, new.number, APPROVER, NOW)
    stored_old = lab.get(deps, old.number)
    assert stored_old.status is Status.SUPERSEDED
    assert lab.verify(deps, old.number).superseded_by == new.number
    assert lab.certificate_pdf(deps, old.number).startswith(b"%PDF")
    with pytest.raises(CertificateImmutableError):
        stored_old.revise(demo.gauge_content(), ENTERER, NOW)


def test_rework_revision_then_approval(deps: lab.LabDeps) -> None:
    draft = record(deps)
    lab.review(deps, draft.number, REVIEWER, NOW)
    lab.return_for_rework(deps, draft.number, APPROVER, NOW, "1.2 MPa 读数抄错")
    assert lab.get(deps, draft.number).status is Status.DRAFT
    with pytest.raises(WorkflowError, match="only 张三"):
        lab.revise_gauge_readings(
            deps,
            draft.number,
            header(),
            demo.GAUGE,
            demo.FAILING_POINTS,
            [Decimal(0)],
            REVIEWER,
            NOW,
        )
    revised = lab.revise_gauge_readings(
        deps, draft.number, header(), demo.GAUGE, demo.FAILING_POINTS, [Decimal(0)], ENTERER, NOW
    )
    assert revised.kind is CertificateKind.FAILURE_NOTICE
    assert revised.content.valid_until is None
    lab.review(deps, draft.number, REVIEWER, NOW)
    approved = lab.approve(deps, draft.number, APPROVER, NOW)
    assert [e.name for e in approved.events][-3:] == ["revised", "reviewed", "approved"]


def test_unknown_number(deps: lab.LabDeps) -> None:
    with pytest.raises(CertificateNotFoundError, match="ZS2026-999999") as info:
        lab.verify(deps, "ZS2026-999999")
    assert "未找到" in info.value.zh()


def test_gauge_preview_uses_the_rule(deps: lab.LabDeps) -> None:
    result = lab.evaluate_gauge(
        RULES, "pressure_gauge", demo.GAUGE, demo.PASSING_POINTS, [Decimal(0)]
    )
    assert result.regulation == "JJG 52-2013"
    assert result.passed


def test_import_records_a_sheet(deps: lab.LabDeps) -> None:
    draft = lab.import_gauge_readings(
        deps, header(), demo.GAUGE, "good.csv", b"...", [Decimal(0)], ENTERER, NOW
    )
    assert draft.content.results.passed  # type: ignore[union-attr]
    cal = lab.import_calibration_readings(
        deps, header("digital_thermometer"), "cal.xlsx", b"...", ENTERER, NOW
    )
    assert cal.kind is CertificateKind.CALIBRATION


def test_bad_sheet_saves_nothing(deps: lab.LabDeps) -> None:
    with pytest.raises(MetrologyInputError, match="C3"):
        lab.import_gauge_readings(
            deps, header(), demo.GAUGE, "bad.csv", b"1,6", [Decimal(0)], ENTERER, NOW
        )
    assert isinstance(deps.certificates, InMemoryCertificateRepository)
    assert deps.certificates.numbers() == []


def test_customer_interval_shortens_validity_and_cannot_exceed_the_type(deps: lab.LabDeps) -> None:
    short = dataclasses.replace(header(), interval_months=3)
    draft = lab.record_gauge_readings(
        deps, short, demo.GAUGE, demo.PASSING_POINTS, [Decimal(0)], ENTERER, NOW
    )
    assert str(draft.content.valid_until) == "2027-02-19"
    with pytest.raises(MetrologyInputError) as info:
        lab.record_gauge_readings(
            deps,
            dataclasses.replace(header(), interval_months=12),
            demo.GAUGE,
            demo.PASSING_POINTS,
            [Decimal(0)],
            ENTERER,
            NOW,
        )
    assert info.value.field == "interval_months"
