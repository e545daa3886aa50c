"""The certificate steps inside one unit of work: each changes the certificate and records the
step (``CertificateStep``) in the chain of custody; the caller commits both together.

Entered, revised, reviewed, returned, approved (superseding what a correction replaces) and
issued. Nothing is saved unless every check (four eyes, status, readings) has passed.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from samplehub.core.domain.errors import StaleVersion
from samplehub.core.domain.lab_events import CertificateStep
from samplehub.core.domain.messages import Message
from samplehub.lab.domain.calibration import (
    CalibrationReading,
    CalibrationSheet,
    evaluate_calibration,
)
from samplehub.lab.domain.certificate import (
    Actor,
    Certificate,
    CertificateContent,
    format_certificate_number,
)
from samplehub.lab.domain.dates import valid_until
from samplehub.lab.domain.errors import CertificateNotFoundError, MetrologyInputError
from samplehub.lab.domain.jjg52 import GaugeSpec, GaugeVerificationResult, PointReadings
from samplehub.lab.domain.rules import not_a_gauge_type
from samplehub.lab.service.certificates import LabDeps, WorkHeader, evaluate_gauge, pdf_name
from samplehub.lab.service.certificates import verify_url as _verify_url
from samplehub.lab.service.ports import LabUnitOfWork


def record_gauge_readings(
    uow: LabUnitOfWork,
    deps: LabDeps,
    header: WorkHeader,
    spec: GaugeSpec,
    points: Sequence[PointReadings],
    zero_deviations: Sequence[Decimal],
    by: Actor,
    now: datetime,
    detail: str | None = None,
) -> Certificate:
    """Evaluate JJG 52 readings and save them as a draft certificate under a new number."""
    content = _gauge_content(deps, header, spec, points, zero_deviations)
    return _enter(uow, deps, content, by, now, detail)


def _gauge_content(
    deps: LabDeps,
    header: WorkHeader,
    spec: GaugeSpec,
    points: Sequence[PointReadings],
    zero_deviations: Sequence[Decimal],
) -> CertificateContent:
    """The certificate content of evaluated JJG 52 readings; valid for an interval if passed."""
    result = evaluate_gauge(deps.rules, header.instrument.type_code, spec, points, zero_deviations)
    interval = _interval(deps, header)
    return _content(deps, header, result, interval if result.passed else None)


def import_gauge_readings(
    uow: LabUnitOfWork,
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
        raise not_a_gauge_type(header.instrument.type_code)
    points = deps.sheets.read_gauge(sheet_name, sheet, spec, rule.gauge)
    return record_gauge_readings(
        uow, deps, header, spec, points, zero_deviations, by, now, f"imported from {sheet_name}"
    )


def record_calibration_readings(
    uow: LabUnitOfWork,
    deps: LabDeps,
    header: WorkHeader,
    readings: Sequence[CalibrationReading],
    by: Actor,
    now: datetime,
    span: Decimal | None = None,
    detail: str | None = None,
) -> Certificate:
    """Evaluate a calibration results sheet and save it as a draft certificate."""
    rule = deps.rules.get(header.instrument.type_code)
    if rule.calibration is None:
        raise MetrologyInputError(
            "instrument_type",
            header.instrument.type_code,
            "a calibration type for a results sheet",
            Message("lab.allowed_calibration_type"),
        )
    sheet: CalibrationSheet = evaluate_calibration(rule.calibration, readings, span)
    return _enter(uow, deps, _content(deps, header, sheet, None), by, now, detail)


def import_calibration_readings(
    uow: LabUnitOfWork,
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
    return record_calibration_readings(
        uow, deps, header, readings, by, now, span, f"imported from {sheet_name}"
    )


def revise_gauge_readings(
    uow: LabUnitOfWork,
    deps: LabDeps,
    number: str,
    header: WorkHeader,
    spec: GaugeSpec,
    points: Sequence[PointReadings],
    zero_deviations: Sequence[Decimal],
    by: Actor,
    now: datetime,
    version: int | None = None,
) -> Certificate:
    """The author re-enters the readings of a draft (e.g. after it was returned for rework)."""
    certificate = stored(uow, number, version)
    certificate.revise(_gauge_content(deps, header, spec, points, zero_deviations), by, now)
    return _save(uow, certificate, "revised", by, now)


def review(
    uow: LabUnitOfWork, number: str, by: Actor, now: datetime, version: int | None = None
) -> Certificate:
    """核验 by a second person."""
    certificate = stored(uow, number, version)
    certificate.review(by, now)
    return _save(uow, certificate, "reviewed", by, now)


def return_for_rework(
    uow: LabUnitOfWork,
    number: str,
    by: Actor,
    now: datetime,
    reason: str,
    version: int | None = None,
) -> Certificate:
    """Send a certificate back to its author with a reason."""
    certificate = stored(uow, number, version)
    certificate.return_for_rework(by, now, reason)
    return _save(uow, certificate, "returned", by, now, reason.strip())


def approve(
    uow: LabUnitOfWork, number: str, by: Actor, now: datetime, version: int | None = None
) -> Certificate:
    """批准 by a third person; a correction's approval supersedes the certificate it replaces."""
    certificate = stored(uow, number, version)
    replaced = stored(uow, certificate.replaces) if certificate.replaces else None
    certificate.approve(by, now)
    if replaced is not None:
        replaced.mark_superseded(certificate.number, by, now)
    _save(uow, certificate, "approved", by, now)
    if replaced is not None:
        _save(uow, replaced, "superseded", by, now, f"by {certificate.number}")
    return certificate


def issue(
    uow: LabUnitOfWork,
    deps: LabDeps,
    number: str,
    by: Actor,
    now: datetime,
    version: int | None = None,
) -> bytes:
    """Render the approved certificate, sign it (PAdES, the institute's key), store the PDF and
    fix its SHA-256; returns the PDF. Its QR code carries a fresh unguessable token.

    The PDF is stored before the transaction commits: should the commit fail, the file is
    there but the certificate is not issued, and issuing it again replaces the file.
    """
    certificate = stored(uow, number, version)
    certificate.ensure_issuable()
    certificate.verify_token = certificate.verify_token or secrets.token_urlsafe(16)
    pdf = deps.renderer.render(certificate, _verify_url(deps, certificate.verify_token))
    if deps.signer is not None:
        reason = f"{certificate.kind.value} {number}"
        if certificate.replaces:
            reason += f" (replaces {certificate.replaces})"
        pdf = deps.signer.sign_pdf(pdf, reason)
    deps.documents.put(pdf_name(number), pdf)
    certificate.issue(hashlib.sha256(pdf).hexdigest(), now)
    _save(uow, certificate, "issued", by, now, certificate.pdf_sha256)
    return pdf


def correct(
    uow: LabUnitOfWork,
    deps: LabDeps,
    number: str,
    content: CertificateContent,
    by: Actor,
    now: datetime,
    reason: str,
) -> Certificate:
    """Start a correction of an approved certificate under a new number, as a draft."""
    old = stored(uow, number)
    corrected = old.correction(_next_number(uow, deps, now), content, by, now, reason)
    return _save(uow, corrected, "entered", by, now, f"correction of {number}: {reason.strip()}")


def stored(uow: LabUnitOfWork, number: str, version: int | None = None) -> Certificate:
    """The stored certificate; refused when the caller loaded it at another ``version`` (its
    save checks the same version in the database's WHERE clause)."""
    certificate = uow.certificates.get(number)
    if certificate is None:
        raise CertificateNotFoundError(number)
    if version is not None and version != certificate.version:
        raise StaleVersion(f"certificate {number}", version, certificate.version)
    return certificate


def _save(
    uow: LabUnitOfWork,
    certificate: Certificate,
    step: str,
    by: Actor,
    at: datetime,
    detail: str | None = None,
) -> Certificate:
    """Save the certificate and record the step, in the unit of work's one transaction."""
    uow.certificates.save(certificate)
    uow.record(
        CertificateStep(
            by.user_id, at, certificate.number, certificate.content.sample_id, step, detail
        )
    )
    return certificate


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
            Message("lab.allowed_interval", {"maximum": maximum}),
        )
    return header.interval_months


def _enter(
    uow: LabUnitOfWork,
    deps: LabDeps,
    content: CertificateContent,
    by: Actor,
    now: datetime,
    detail: str | None,
) -> Certificate:
    certificate = Certificate.enter(_next_number(uow, deps, now), content, by, now)
    return _save(uow, certificate, "entered", by, now, detail)


def _next_number(uow: LabUnitOfWork, deps: LabDeps, now: datetime) -> str:
    """The next number of the institute's calendar year (07:00 on 1 January in Shanghai is
    already the new year, though still the old one in UTC)."""
    year = now.astimezone(deps.zone).year
    return format_certificate_number(year, uow.certificates.next_sequence(year), deps.number_prefix)
