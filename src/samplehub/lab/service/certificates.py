"""What the lab use cases run on, and the certificate queries pages, the API and the CLI ask.

Every change of a certificate is a command (``lab.service.commands``) handled in one unit of
work (``lab.service.handlers``); this module only reads. ``LabDeps.certificates`` reads stored
certificates, each call in a short unit of work of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

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
    DocumentSigner,
    DocumentStore,
    LabUnitOfWork,
    ResultsSheetReader,
    SignatureCheck,
    SignatureChecker,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


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
    signer: DocumentSigner | None = None  # None: documents go out unsigned (unit tests)
    checker: SignatureChecker | None = None
    zone: tzinfo = SHANGHAI
    """The institute's time zone: the year of a certificate number is its calendar year."""


@dataclass(frozen=True)
class VerifiedCertificate:
    """What /verify/<token> shows: the record, the PDF's signature as checked now, when issued."""

    record: VerificationRecord
    signature: SignatureCheck | None
    issued_at: datetime | None


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

    def by_token(self, token: str) -> Certificate | None:
        with self.uow_factory() as uow:
            return uow.certificates.by_token(token)


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


def verify_by_token(deps: LabDeps, token: str) -> VerifiedCertificate:
    """What /verify/<token> shows. Only a certificate that was issued (and may since be
    superseded) is found, and only by the token in its QR code: a number finds nothing, so
    nobody can walk through the institute's certificates."""
    certificate = deps.certificates.by_token(token) if token else None
    if certificate is None or certificate.pdf_sha256 is None:
        raise CertificateNotFoundError(token)
    pdf = deps.documents.get(pdf_name(certificate.number))
    check = None
    if deps.checker is not None and pdf is not None:
        check = deps.checker.check_pdf(pdf)
    return VerifiedCertificate(certificate.verification_record(), check, certificate.issued_at)


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
    """The certificate as PTB DCC XML, signed when a signer is wired; drafts cannot be exported."""
    return dcc_document(deps.certificates, deps.dcc, number, deps.signer)


def dcc_document(
    certificates: CertificateReader,
    writer: DccWriter,
    number: str,
    signer: DocumentSigner | None = None,
) -> bytes:
    """DCC export needing only the certificates, the writer and the signer (what the CLI is
    given); signed with an enveloped XML-DSig signature when ``signer`` is given."""
    certificate = certificates.get(number)
    if certificate is None:
        raise CertificateNotFoundError(number)
    if not certificate.is_frozen:
        raise WorkflowError(
            f"certificate {number} is not approved; only approved certificates are exported",
            Message("lab.error_export_unapproved", {"number": number}),
        )
    xml = writer.write(certificate)
    return xml if signer is None else signer.sign_xml(xml)


def get(deps: LabDeps, number: str) -> Certificate:
    certificate = deps.certificates.get(number)
    if certificate is None:
        raise CertificateNotFoundError(number)
    return certificate


def verify_url(deps: LabDeps, token: str) -> str:
    """The address in the QR code: the certificate's unguessable token, never its number."""
    return f"{deps.verify_base_url.rstrip('/')}/verify/{token}"


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
