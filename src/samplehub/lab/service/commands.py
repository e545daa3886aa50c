"""Lab commands: the certificate steps and the moves of samples to and from the benches.

A certificate command carries who signs it as the certificate names them (``by``: the
authenticated person with their roles) and when (``at``); ``actor`` is who asked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from samplehub.core.service.commands import Command
from samplehub.lab.domain.calibration import CalibrationReading
from samplehub.lab.domain.certificate import Actor as Signer
from samplehub.lab.domain.certificate import CertificateContent
from samplehub.lab.domain.jjg52 import GaugeSpec, PointReadings
from samplehub.lab.service.certificates import WorkHeader


@dataclass(frozen=True)
class CertificateCommand(Command):
    by: Signer
    at: datetime


@dataclass(frozen=True)
class RecordGaugeReadings(CertificateCommand):
    header: WorkHeader
    spec: GaugeSpec
    points: Sequence[PointReadings]
    zero_deviations: Sequence[Decimal]


@dataclass(frozen=True)
class ImportGaugeReadings(CertificateCommand):
    header: WorkHeader
    spec: GaugeSpec
    sheet_name: str
    sheet: bytes
    zero_deviations: Sequence[Decimal]


@dataclass(frozen=True)
class RecordCalibrationReadings(CertificateCommand):
    header: WorkHeader
    readings: Sequence[CalibrationReading]
    span: Decimal | None = None


@dataclass(frozen=True)
class ImportCalibrationReadings(CertificateCommand):
    header: WorkHeader
    sheet_name: str
    sheet: bytes
    span: Decimal | None = None


@dataclass(frozen=True)
class ReviseGaugeReadings(CertificateCommand):
    number: str
    header: WorkHeader
    spec: GaugeSpec
    points: Sequence[PointReadings]
    zero_deviations: Sequence[Decimal]
    version: int | None = None  # the version the caller loaded; None: the stored one


@dataclass(frozen=True)
class SignOff(CertificateCommand):
    """A sign-off step on certificate ``number``; each step is its own command class."""

    number: str
    version: int | None = None  # the version the caller loaded; None: the stored one


@dataclass(frozen=True)
class ReviewCertificate(SignOff):
    """核验: a second person checks the draft."""


@dataclass(frozen=True)
class ReturnCertificate(CertificateCommand):
    number: str
    reason: str
    version: int | None = None  # the version the caller loaded; None: the stored one


@dataclass(frozen=True)
class ApproveCertificate(SignOff):
    """批准: an authorised signatory approves the reviewed certificate."""


@dataclass(frozen=True)
class IssueCertificate(SignOff):
    """签发: the approved certificate is rendered, sealed and issued."""


@dataclass(frozen=True)
class CorrectCertificate(CertificateCommand):
    number: str
    content: CertificateContent
    reason: str


@dataclass(frozen=True)
class RequestToBench(Command):
    """Retrieve a stored sample for ``bench``; the requester carries it and is assigned it."""

    sample_number: str
    bench: str


@dataclass(frozen=True)
class ConfirmArrival(Command):
    """The label or RFID tag scanned at the bench."""

    scanned: str


@dataclass(frozen=True)
class SendBack(Command):
    """Work done: complete the service and start the return to storage."""

    sample_number: str
