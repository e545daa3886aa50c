"""Lab use cases: record readings, review, approve, correct, issue and verify certificates.

Each function takes its dependencies in ``LabDeps`` and the acting person as a domain ``Actor``
(the entrypoint has authenticated them); time is passed in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from samplehub.lab.domain.calibration import (
    CalibrationReading,
    CalibrationSheet,
    evaluate_calibration,
)
from samplehub.lab.domain.certificate import (
    Actor,
    Certificate,
    CertificateContent,
    Environment,
    Instrument,
    ReferenceStandard,
    VerificationRecord,
    format_certificate_number,
)
from samplehub.lab.domain.dates import valid_until
from samplehub.lab.domain.errors import CertificateNotFoundError, MetrologyInputError, WorkflowError
from samplehub.lab.domain.jjg52 import GaugeSpec, GaugeVerificationResult, PointReadings, evaluate
from samplehub.lab.domain.rules import Method, RuleBook
from samplehub.lab.service.ports import (
    CertificateRenderer,
    CertificateRepository,
    DccWriter,
    DocumentStore,
    ResultsSheetReader,
)


@dataclass(frozen=True)
class LabDeps:
    """What the lab use cases run on; bootstrap builds it."""

    certificates: CertificateRepository
    renderer: CertificateRenderer
    documents: DocumentStore
    dcc: DccWriter
    sheets: ResultsSheetReader
    rules: RuleBook
    number_prefix: str = "ZS"
    verify_base_url: str = ""


@dataclass(frozen=True)
class WorkHeader:
    """What every certificate states besides its results."""

    sample_id: str
    customer: str
    customer_address: str
    instrument: Instrument
    standards: tuple[ReferenceStandard, ...]
    environment: Environment
    performed_on: date
    interval_months: int | None = None
    """The customer's interval when shorter than the instrument type's; None uses the type's."""


def evaluate_gauge(
    rules: RuleBook,
    type_code: str,
    spec: GaugeSpec,
    points: Sequence[PointReadings],
    zero_deviations: Sequence[Decimal],
) -> GaugeVerificationResult:
    """Preview a gauge verification under the instrument type's rule, without saving anything."""
    rule = rules.get(type_code)
    if rule.method is not Method.ELASTIC_GAUGE or rule.gauge is None:
        raise MetrologyInputError(
            "instrument_type", type_code, "an elastic_gauge type for gauge readings"
        )
    return evaluate(spec, points, zero_deviations, rule.gauge)


def record_gauge_readings(
    deps: LabDeps,
    header: WorkHeader,
    spec: GaugeSpec,
    points: Sequence[PointReadings],
    zero_deviations: Sequence[Decimal],
    by: Actor,
    now: datetime,
) -> Certificate:
    """Evaluate JJG 52 readings and save them as a draft certificate under a new number."""
    result = evaluate_gauge(deps.rules, header.instrument.type_code, spec, points, zero_deviations)
    interval = _interval(deps, header)
    return _enter(
        deps, _content(deps, header, result, interval if result.passed else None), by, now
    )


def revise_gauge_readings(
    deps: LabDeps,
    number: str,
    header: WorkHeader,
    spec: GaugeSpec,
    points: Sequence[PointReadings],
    zero_deviations: Sequence[Decimal],
    by: Actor,
    now: datetime,
) -> Certificate:
    """The author re-enters the readings of a draft (e.g. after it was returned for rework)."""
    certificate = get(deps, number)
    result = evaluate_gauge(deps.rules, header.instrument.type_code, spec, points, zero_deviations)
    interval = _interval(deps, header)
    certificate.revise(_content(deps, header, result, interval if result.passed else None), by, now)
    deps.certificates.save(certificate)
    return certificate


def import_gauge_readings(
    deps: LabDeps,
    header: WorkHeader,
    spec: GaugeSpec,
    sheet_name: str,
    sheet: bytes,
    zero_deviations: Sequence[Decimal],
    by: Actor,
    now: datetime,
) -> Certificate:
    """Read a CSV/Excel sheet of readings and record them; a bad sheet saves nothing."""
    rule = deps.rules.get(header.instrument.type_code)
    if rule.gauge is None:
        raise MetrologyInputError(
            "instrument_type",
            header.instrument.type_code,
            "an elastic_gauge type for gauge readings",
        )
    points = deps.sheets.read_gauge(sheet_name, sheet, spec, rule.gauge)
    return record_gauge_readings(deps, header, spec, points, zero_deviations, by, now)


def import_calibration_readings(
    deps: LabDeps,
    header: WorkHeader,
    sheet_name: str,
    sheet: bytes,
    by: Actor,
    now: datetime,
    span: Decimal | None = None,
) -> Certificate:
    """Read a calibration results sheet and record it."""
    readings = deps.sheets.read_calibration(sheet_name, sheet)
    return record_calibration_readings(deps, header, readings, by, now, span)


def record_calibration_readings(
    deps: LabDeps,
    header: WorkHeader,
    readings: Sequence[CalibrationReading],
    by: Actor,
    now: datetime,
    span: Decimal | None = None,
) -> Certificate:
    """Evaluate a calibration results sheet and save it as a draft certificate."""
    rule = deps.rules.get(header.instrument.type_code)
    if rule.calibration is None:
        raise MetrologyInputError(
            "instrument_type", header.instrument.type_code, "a calibration type for a results sheet"
        )
    sheet: CalibrationSheet = evaluate_calibration(rule.calibration, readings, span)
    return _enter(deps, _content(deps, header, sheet, None), by, now)


def review(deps: LabDeps, number: str, by: Actor, now: datetime) -> Certificate:
    """核验 by a second person."""
    certificate = get(deps, number)
    certificate.review(by, now)
    deps.certificates.save(certificate)
    return certificate


def return_for_rework(
    deps: LabDeps, number: str, by: Actor, now: datetime, reason: str
) -> Certificate:
    """Send a certificate back to its author with a reason."""
    certificate = get(deps, number)
    certificate.return_for_rework(by, now, reason)
    deps.certificates.save(certificate)
    return certificate


def approve(deps: LabDeps, number: str, by: Actor, now: datetime) -> Certificate:
    """批准 by a third person; a correction's approval supersedes the certificate it replaces."""
    certificate = get(deps, number)
    replaced = get(deps, certificate.replaces) if certificate.replaces else None
    certificate.approve(by, now)
    if replaced is not None:
        replaced.mark_superseded(certificate.number, by, now)
        deps.certificates.save(replaced)
    deps.certificates.save(certificate)
    return certificate


def issue(deps: LabDeps, number: str, now: datetime) -> bytes:
    """Render the approved certificate, store the PDF and fix its SHA-256; returns the PDF."""
    certificate = get(deps, number)
    certificate.ensure_issuable()
    pdf = deps.renderer.render(certificate, verify_url(deps, number))
    deps.documents.put(pdf_name(number), pdf)
    certificate.issue(hashlib.sha256(pdf).hexdigest(), now)
    deps.certificates.save(certificate)
    return pdf


def correct(
    deps: LabDeps,
    number: str,
    content: CertificateContent,
    by: Actor,
    now: datetime,
    reason: str,
) -> Certificate:
    """Start a correction of an approved certificate under a new number, as a draft."""
    old = get(deps, number)
    new_number = _next_number(deps, now)
    corrected = old.correction(new_number, content, by, now, reason)
    deps.certificates.save(corrected)
    return corrected


def verify(deps: LabDeps, number: str) -> VerificationRecord:
    """What /verify/{number} shows; a draft is reported as not found (it is not a certificate)."""
    certificate = get(deps, number)
    if not certificate.is_frozen:
        raise CertificateNotFoundError(number)
    return certificate.verification_record()


def certificate_pdf(deps: LabDeps, number: str) -> bytes:
    """The stored PDF of an issued certificate."""
    certificate = get(deps, number)
    data = deps.documents.get(pdf_name(number)) if certificate.pdf_sha256 else None
    if data is None:
        raise WorkflowError(f"certificate {number} has not been issued", f"证书 {number} 尚未签发")
    return data


def export_dcc(deps: LabDeps, number: str) -> bytes:
    """The certificate as PTB DCC XML; drafts cannot be exported."""
    return dcc_document(deps.certificates, deps.dcc, number)


def dcc_document(certificates: CertificateRepository, writer: DccWriter, number: str) -> bytes:
    """DCC export needing only the repository and the writer (what the CLI is given)."""
    certificate = certificates.get(number)
    if certificate is None:
        raise CertificateNotFoundError(number)
    if not certificate.is_frozen:
        raise WorkflowError(
            f"certificate {number} is not approved; only approved certificates are exported",
            f"证书 {number} 尚未批准，不能导出",
        )
    return writer.write(certificate)


def get(deps: LabDeps, number: str) -> Certificate:
    certificate = deps.certificates.get(number)
    if certificate is None:
        raise CertificateNotFoundError(number)
    return certificate


def verify_url(deps: LabDeps, number: str) -> str:
    return f"{deps.verify_base_url.rstrip('/')}/verify/{number}"


def pdf_name(number: str) -> str:
    return f"certificates/{number}.pdf"


def _content(
    deps: LabDeps,
    header: WorkHeader,
    results: GaugeVerificationResult | CalibrationSheet,
    interval_months: int | None,
) -> CertificateContent:
    rule = deps.rules.get(header.instrument.type_code)
    return CertificateContent(
        sample_id=header.sample_id,
        customer=header.customer,
        customer_address=header.customer_address,
        instrument=header.instrument,
        document=rule.document,
        standards=header.standards,
        environment=header.environment,
        performed_on=header.performed_on,
        valid_until=None
        if interval_months is None
        else valid_until(header.performed_on, interval_months),
        results=results,
    )


def _interval(deps: LabDeps, header: WorkHeader) -> int:
    maximum = deps.rules.get(header.instrument.type_code).interval_months
    if header.interval_months is None:
        return maximum
    if not 1 <= header.interval_months <= maximum:
        raise MetrologyInputError(
            "interval_months",
            header.interval_months,
            f"1 to {maximum} months, the most the instrument type allows",
            f"应为 1～{maximum} 个月（该类仪器的最长周期）",
        )
    return header.interval_months


def _enter(deps: LabDeps, content: CertificateContent, by: Actor, now: datetime) -> Certificate:
    certificate = Certificate.enter(_next_number(deps, now), content, by, now)
    deps.certificates.save(certificate)
    return certificate


def _next_number(deps: LabDeps, now: datetime) -> str:
    return format_certificate_number(
        now.year, deps.certificates.next_sequence(now.year), deps.number_prefix
    )
