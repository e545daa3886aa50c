"""Ports of the lab use cases: where certificates, their PDFs and exports come from and go to.

Certificates are one more repository of the unit of work (``LabUnitOfWork``), so a certificate
step and its custody record commit in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from samplehub.core.service.ports import CertificateValidity, UnitOfWork
from samplehub.lab.domain.calibration import CalibrationReading
from samplehub.lab.domain.certificate import Certificate
from samplehub.lab.domain.jjg52 import ElasticGaugeRule, GaugeSpec, PointReadings


class CertificateReader(Protocol):
    """Stored certificates, superseded ones included (nothing is ever deleted)."""

    def get(self, cert_no: str) -> Certificate | None:
        """The certificate with this number, or None."""

    def find(
        self, sample_id: str | None = None, statuses: frozenset[str] | None = None
    ) -> list[Certificate]:
        """Certificates of one sample and/or in some statuses (``Status`` values), by number."""

    def by_token(self, token: str) -> Certificate | None:
        """The certificate whose QR code carries this verification token, or None."""


class CertificateRepository(CertificateReader, Protocol):
    """The certificates of one unit of work: what it saves commits with it."""

    def save(self, certificate: Certificate) -> None:
        """Insert or update a certificate; an approved one's content never changes."""

    def next_sequence(self, year: int) -> int:
        """The next free sequence number of the year (1, 2, ...), never handed out twice."""

    def validities(self) -> list[CertificateValidity]:
        """Issued certificates stating a validity (the core's ``IssuedCertificates``)."""


class LabUnitOfWork(UnitOfWork, Protocol):
    @property
    def certificates(self) -> CertificateRepository: ...


class CertificateRenderer(Protocol):
    """Turns an approved certificate into a printable document."""

    def render(self, certificate: Certificate, verify_url: str) -> bytes:
        """The PDF bytes; ``verify_url`` goes into the QR code."""


class DccWriter(Protocol):
    """Writes a certificate as a PTB Digital Calibration Certificate (XML)."""

    def write(self, certificate: Certificate) -> bytes:
        """The DCC document, UTF-8 XML."""


@dataclass(frozen=True)
class SignatureCheck:
    """The outcome of checking a signed document: valid or why not, and who signed it."""

    valid: bool
    detail: str
    signer: str = ""
    signed_at: str | None = None
    number: str | None = None  # the certificate number the document states


class DocumentSigner(Protocol):
    """Signs certificates with the institute's key (PAdES on PDFs, XML-DSig on DCCs)."""

    @property
    def signer_name(self) -> str: ...
    def sign_pdf(self, pdf: bytes, reason: str) -> bytes: ...
    def sign_xml(self, xml: bytes) -> bytes: ...


class SignatureChecker(Protocol):
    """Checks a signed document offline against the institute CA."""

    def check_pdf(self, pdf: bytes) -> SignatureCheck: ...
    def check_xml(self, xml: bytes) -> SignatureCheck: ...


class DocumentStore(Protocol):
    """Files kept for good: rendered certificates."""

    def put(self, name: str, data: bytes) -> None:
        """Store ``data`` under ``name``, a relative path (certificates/ZS2026-000001.pdf)."""

    def get(self, name: str) -> bytes | None:
        """The stored bytes, or None."""


class ResultsSheetReader(Protocol):
    """Reads uploaded result sheets (CSV, Excel); errors name the cell and derive MetrologyError."""

    def read_gauge(
        self, name: str, data: bytes, spec: GaugeSpec, rule: ElasticGaugeRule
    ) -> Sequence[PointReadings]:
        """Check-point readings, already checked against the gauge's range and points."""

    def read_calibration(self, name: str, data: bytes) -> Sequence[CalibrationReading]:
        """Calibration points."""
