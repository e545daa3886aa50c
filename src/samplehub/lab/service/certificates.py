"""What the lab use cases run on, and the certificate queries pages, the API and the CLI ask.

Every change of a certificate is a command (``lab.service.commands``) handled in one unit of
work (``lab.service.handlers``); this module only reads. ``LabDeps.certificates`` reads stored
certificates, each call in a short unit of work of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from samplehub.core.domain.messages import Message
from samplehub.core.service.ports import CertificateValidity
from samplehub.lab.domain.certificate import (
    Certificate,
    CertificateKind,
    Environment,
    Instrument,
    ReferenceStandard,
    VerificationRecord,
)
from samplehub.lab.domain.errors import CertificateNotFoundError, WorkflowError
from samplehub.lab.domain.jjg52 import GaugeSpec, GaugeVerificationResult, PointReadings, evaluate
from samplehub.lab.domain.rules import Method, RuleBook, not_a_gauge_type
from samplehub.lab.service.ports import (
    CertificateReader,
    CertificateRenderer,
    DccWriter,
    DocumentStore,
    LabUnitOfWork,
    ResultsSheetReader,
)


@dataclass(frozen=True)
class LabDeps:
    """What the lab use cases run on; bootstrap builds it."""

    certificates: CertificateReader  # reads; changes go through the bus
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


class StoredCertificates:
    """Implements ``CertificateReader``: each read in a unit of work of its own."""

    def __init__(self, uow_factory: Callable[[], LabUnitOfWork]) -> None:
        self.uow_factory = uow_factory

    def get(self, cert_no: str) -> Certificate | None:
        with self.uow_factory() as uow:
            return uow.certificates.get(cert_no)

    def find(
        self, sample_id: str | None = None, statuses: frozenset[str] | None = None
    ) -> list[Certificate]:
        with self.uow_factory() as uow:
            return uow.certificates.find(sample_id, statuses)


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
        raise not_a_gauge_type(type_code)
    return evaluate(spec, points, zero_deviations, rule.gauge)


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
        raise WorkflowError(
            f"certificate {number} has not been issued",
            Message("lab.error_not_issued", {"number": number}),
        )
    return data


def export_dcc(deps: LabDeps, number: str) -> bytes:
    """The certificate as PTB DCC XML; drafts cannot be exported."""
    return dcc_document(deps.certificates, deps.dcc, number)


def dcc_document(certificates: CertificateReader, writer: DccWriter, number: str) -> bytes:
    """DCC export needing only the certificates and the writer (what the CLI is given)."""
    certificate = certificates.get(number)
    if certificate is None:
        raise CertificateNotFoundError(number)
    if not certificate.is_frozen:
        raise WorkflowError(
            f"certificate {number} is not approved; only approved certificates are exported",
            Message("lab.error_export_unapproved", {"number": number}),
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


def validity_of(certificate: Certificate) -> CertificateValidity | None:
    """What recall needs of an issued certificate; None when it states no validity (a failure
    notice, or a calibration certificate without a recall interval)."""
    content = certificate.content
    if content.valid_until is None or certificate.kind is CertificateKind.FAILURE_NOTICE:
        return None
    return CertificateValidity(
        certificate.number,
        content.sample_id,
        content.customer,
        content.instrument.name,
        content.instrument.model,
        content.instrument.serial_number,
        content.valid_until,
    )
