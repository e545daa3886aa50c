"""Certificates and the four-eyes rule: entered, reviewed (核验), approved (批准) by three people.

An approved certificate is immutable. The only later changes are issuing it (fixing the SHA-256
of its PDF, once) and marking it superseded when a correction, under a new number, is approved;
both certificates are kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum

from samplehub.core.domain.messages import Message, message_id
from samplehub.lab.domain.calibration import CalibrationSheet
from samplehub.lab.domain.errors import (
    CertificateImmutableError,
    FourEyesError,
    MetrologyInputError,
    WorkflowError,
)
from samplehub.lab.domain.jjg52 import GaugeVerificationResult

APPROVER_ROLE = "approver"
_NUMBER = re.compile(r"^(?P<prefix>[A-Z]{0,8})(?P<year>\d{4})-(?P<seq>\d{6})$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class CertificateKind(Enum):
    """The three documents; the value is the title printed on it."""

    VERIFICATION = "检定证书"
    FAILURE_NOTICE = "检定结果通知书"
    CALIBRATION = "校准证书"

    @property
    def english(self) -> str:
        return {
            CertificateKind.VERIFICATION: "Verification Certificate",
            CertificateKind.FAILURE_NOTICE: "Notice of Verification Result",
            CertificateKind.CALIBRATION: "Calibration Certificate",
        }[self]


class Status(Enum):
    """Where a certificate stands; the value is the zh-CN label."""

    DRAFT = "待核验"
    REVIEWED = "待批准"
    APPROVED = "已批准"
    ISSUED = "已签发"
    SUPERSEDED = "已被替代"


STATUS_LABELS = {
    Status.DRAFT: message_id("lab.cert_status_draft"),
    Status.REVIEWED: message_id("lab.cert_status_reviewed"),
    Status.APPROVED: message_id("lab.cert_status_approved"),
    Status.ISSUED: message_id("lab.cert_status_issued"),
    Status.SUPERSEDED: message_id("lab.cert_status_superseded"),
}


def format_certificate_number(year: int, sequence: int, prefix: str = "ZS") -> str:
    """``{prefix}{year}-{sequence:06d}``, e.g. ZS2026-000017: URL-safe for /verify/{number}."""
    if not re.fullmatch(r"[A-Z]{0,8}", prefix):
        raise MetrologyInputError(
            "prefix", prefix, "0 to 8 capital letters A-Z", Message("lab.allowed_prefix")
        )
    if not 1 <= sequence <= 999_999:
        raise MetrologyInputError(
            "sequence", sequence, "1 to 999999", Message("lab.allowed_sequence")
        )
    if not 1900 <= year <= 9999:
        raise MetrologyInputError("year", year, "a four-digit year", Message("lab.allowed_year"))
    return f"{prefix}{year}-{sequence:06d}"


def parse_certificate_number(number: str) -> tuple[str, int, int]:
    """Split a certificate number into prefix, year and sequence, or say what the form is."""
    match = _NUMBER.match(number)
    if match is None:
        raise MetrologyInputError(
            "certificate_number",
            number,
            "the form PREFIX2026-000017 (capital letters, year, six digits)",
            Message("lab.allowed_certificate_number"),
        )
    return match["prefix"], int(match["year"]), int(match["seq"])


@dataclass(frozen=True)
class Actor:
    """A person acting on a certificate, with the roles the caller has authenticated."""

    user_id: str
    name: str
    roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Instrument:
    """The instrument as described on the certificate."""

    name: str
    type_code: str
    manufacturer: str
    model: str
    serial_number: str
    range_text: str
    accuracy: str


@dataclass(frozen=True)
class ReferenceStandard:
    """A measurement standard used, with its own traceability."""

    name: str
    identifier: str
    certificate_number: str
    accuracy: str
    valid_until: date


@dataclass(frozen=True)
class Environment:
    """Ambient conditions during the work."""

    temperature_c: str
    humidity_pct: str
    location: str


@dataclass(frozen=True)
class CertificateContent:
    """Everything a certificate states; replaced whole while a draft, frozen once approved."""

    sample_id: str
    customer: str
    customer_address: str
    instrument: Instrument
    document: str
    standards: tuple[ReferenceStandard, ...]
    environment: Environment
    performed_on: date
    valid_until: date | None
    results: GaugeVerificationResult | CalibrationSheet

    @property
    def kind(self) -> CertificateKind:
        if isinstance(self.results, CalibrationSheet):
            return CertificateKind.CALIBRATION
        if self.results.passed:
            return CertificateKind.VERIFICATION
        return CertificateKind.FAILURE_NOTICE

    @property
    def decision(self) -> str:
        """The conclusion printed on the document."""
        if isinstance(self.results, GaugeVerificationResult):
            return self.results.decision
        conforms = self.results.conforms
        return {True: "符合", False: "不符合", None: "仅给出校准结果"}[conforms]


@dataclass(frozen=True)
class CertificateEvent:
    """Something that happened to a certificate, for the audit trail."""

    number: str
    name: str
    by: str
    at: datetime


@dataclass(frozen=True)
class VerificationRecord:
    """What the public /verify/{number} page shows."""

    number: str
    sample_id: str
    performed_on: date
    decision: str
    kind: CertificateKind
    status: Status
    pdf_sha256: str | None
    superseded_by: str | None


@dataclass
class Certificate:
    """One certificate through entry, review, approval, issue and, perhaps, supersession."""

    number: str
    content: CertificateContent
    entered_by: Actor
    entered_at: datetime
    replaces: str | None = None
    correction_reason: str | None = None
    status: Status = Status.DRAFT
    reviewed_by: Actor | None = None
    reviewed_at: datetime | None = None
    approved_by: Actor | None = None
    approved_at: datetime | None = None
    issued_at: datetime | None = None
    pdf_sha256: str | None = None
    superseded_by: str | None = None
    events: list[CertificateEvent] = field(default_factory=list)
    verify_token: str | None = None  # what the QR code carries: /verify/<token>
    version: int = 0  # the stored copy's version when loaded (0: never saved); saves check it

    @classmethod
    def enter(
        cls,
        number: str,
        content: CertificateContent,
        by: Actor,
        at: datetime,
        replaces: str | None = None,
        correction_reason: str | None = None,
    ) -> Certificate:
        """Start a draft with results entered by ``by``."""
        parse_certificate_number(number)
        certificate = cls(number, content, by, at, replaces, correction_reason)
        certificate._record("entered", by, at)
        return certificate

    @property
    def kind(self) -> CertificateKind:
        return self.content.kind

    @property
    def is_frozen(self) -> bool:
        return self.status in (Status.APPROVED, Status.ISSUED, Status.SUPERSEDED)

    def revise(self, content: CertificateContent, by: Actor, at: datetime) -> None:
        """Replace the results of a draft; only its author may, and only before review."""
        self._refuse_if_frozen()
        if self.status is not Status.DRAFT:
            raise WorkflowError(
                f"certificate {self.number} is reviewed; return it for rework before revising",
                Message("lab.error_revise_reviewed", {"number": self.number}),
            )
        if by.user_id != self.entered_by.user_id:
            raise FourEyesError(
                by.user_id,
                "revise",
                f"only {self.entered_by.name} who entered {self.number} may revise it",
                Message(
                    "lab.error_revise_not_author",
                    {"author": self.entered_by.name, "number": self.number},
                ),
            )
        self.content = content
        self._record("revised", by, at)

    def review(self, by: Actor, at: datetime) -> None:
        """核验: a second person checks the entered results."""
        self._refuse_if_frozen()
        self._expect(Status.DRAFT, "review", message_id("lab.error_cannot_review"))
        if by.user_id == self.entered_by.user_id:
            raise FourEyesError(
                by.user_id,
                "review",
                f"{by.name} entered {self.number} and cannot also review it (four eyes)",
                Message("lab.error_review_own", {"name": by.name, "number": self.number}),
            )
        self.status, self.reviewed_by, self.reviewed_at = Status.REVIEWED, by, at
        self._record("reviewed", by, at)

    def return_for_rework(self, by: Actor, at: datetime, reason: str) -> None:
        """Send a draft or reviewed certificate back to its author."""
        self._refuse_if_frozen()
        if not reason.strip():
            raise MetrologyInputError(
                "reason", reason, "a reason for the author", Message("lab.allowed_return_reason")
            )
        self.status, self.reviewed_by, self.reviewed_at = Status.DRAFT, None, None
        self._record(f"returned: {reason.strip()}", by, at)

    def approve(self, by: Actor, at: datetime) -> None:
        """批准: a third person with the approver role signs; the certificate is then frozen."""
        self._refuse_if_frozen()
        self._expect(Status.REVIEWED, "approve", message_id("lab.error_cannot_approve"))
        if APPROVER_ROLE not in by.roles:
            raise FourEyesError(
                by.user_id,
                "approve",
                f"{by.name} lacks the {APPROVER_ROLE!r} role needed to approve {self.number}",
                Message(
                    "lab.error_approve_no_role",
                    {"name": by.name, "role": APPROVER_ROLE, "number": self.number},
                ),
            )
        reviewer = self.reviewed_by.user_id if self.reviewed_by else None
        if by.user_id in (self.entered_by.user_id, reviewer):
            raise FourEyesError(
                by.user_id,
                "approve",
                f"{by.name} entered or reviewed {self.number} and cannot approve it (four eyes)",
                Message("lab.error_approve_own", {"name": by.name, "number": self.number}),
            )
        self.status, self.approved_by, self.approved_at = Status.APPROVED, by, at
        self._record("approved", by, at)

    def ensure_issuable(self) -> None:
        """Raise unless the certificate is approved and not yet issued."""
        if self.status is not Status.APPROVED:
            raise WorkflowError(
                f"certificate {self.number} is {self.status.name.lower()}; only an approved "
                "certificate can be issued",
                Message("lab.error_cannot_issue", self._where()),
            )

    def issue(self, pdf_sha256: str, at: datetime) -> None:
        """Fix the hash of the rendered PDF; only an approved certificate can be issued."""
        self.ensure_issuable()
        if not _SHA256.match(pdf_sha256):
            raise MetrologyInputError(
                "pdf_sha256", pdf_sha256, "64 lowercase hex digits", Message("lab.allowed_sha256")
            )
        self.status, self.pdf_sha256, self.issued_at = Status.ISSUED, pdf_sha256, at
        approver = self.approved_by.user_id if self.approved_by else ""
        self._record("issued", Actor(approver, ""), at)

    def mark_superseded(self, by_number: str, by: Actor, at: datetime) -> None:
        """Point an approved or issued certificate to its approved correction; it stays stored."""
        if self.status not in (Status.APPROVED, Status.ISSUED):
            raise WorkflowError(
                f"certificate {self.number} is {self.status.name.lower()}; only an approved "
                "certificate can be superseded",
                Message("lab.error_cannot_supersede", self._where()),
            )
        self.status, self.superseded_by = Status.SUPERSEDED, by_number
        self._record(f"superseded by {by_number}", by, at)

    def correction(
        self, new_number: str, content: CertificateContent, by: Actor, at: datetime, reason: str
    ) -> Certificate:
        """Start a corrected certificate under a new number; this one is superseded on approval."""
        if self.status not in (Status.APPROVED, Status.ISSUED):
            raise WorkflowError(
                f"certificate {self.number} is not approved; revise the draft instead",
                Message("lab.error_correct_draft", {"number": self.number}),
            )
        if new_number == self.number:
            raise MetrologyInputError(
                "new_number",
                new_number,
                "a number other than the corrected certificate's",
                Message("lab.allowed_new_number"),
            )
        if not reason.strip():
            raise MetrologyInputError(
                "reason",
                reason,
                "why the certificate is corrected",
                Message("lab.allowed_correction_reason"),
            )
        return Certificate.enter(new_number, content, by, at, self.number, reason.strip())

    def verification_record(self) -> VerificationRecord:
        return VerificationRecord(
            number=self.number,
            sample_id=self.content.sample_id,
            performed_on=self.content.performed_on,
            decision=self.content.decision,
            kind=self.kind,
            status=self.status,
            pdf_sha256=self.pdf_sha256,
            superseded_by=self.superseded_by,
        )

    def _where(self) -> dict[str, object]:
        """The number and status a workflow refusal names (the status as a catalogue label)."""
        return {"number": self.number, "status": Message(STATUS_LABELS[self.status])}

    def _expect(self, status: Status, action: str, refusal: str) -> None:
        if self.status is not status:
            raise WorkflowError(
                f"cannot {action} certificate {self.number}: it is {self.status.name.lower()}",
                Message(refusal, self._where()),
            )

    def _refuse_if_frozen(self) -> None:
        if self.is_frozen:
            raise CertificateImmutableError(
                f"certificate {self.number} is approved and cannot change; issue a correction",
                Message("lab.error_immutable", {"number": self.number}),
            )

    def _record(self, name: str, by: Actor, at: datetime) -> None:
        self.events.append(CertificateEvent(self.number, name, by.user_id, at))
