"""Custody-chain events of the lab's certificate workflow (录入、核验、批准、签发、替代).

A certificate step is recorded against the sample the certificate is about, so the sample's
chain of custody shows who entered, reviewed, approved and issued its results, and when.
"""

from __future__ import annotations

from dataclasses import dataclass

from samplehub.core.domain.events import Event
from samplehub.core.domain.messages import message_id

STEPS: dict[str, str] = {  # step -> the catalogue message id of its timeline title
    "entered": message_id("core.cert_step_entered"),
    "revised": message_id("core.cert_step_revised"),
    "reviewed": message_id("core.cert_step_reviewed"),
    "returned": message_id("core.cert_step_returned"),
    "approved": message_id("core.cert_step_approved"),
    "issued": message_id("core.cert_step_issued"),
    "superseded": message_id("core.cert_step_superseded"),
}


@dataclass(frozen=True)
class CertificateStep(Event):
    """One step of a certificate; ``step`` is a key of ``STEPS``."""

    certificate: str
    sample: str
    step: str
    detail: str | None = None

    def __post_init__(self) -> None:
        if self.step not in STEPS:
            raise ValueError(f"certificate step {self.step!r} is not one of {', '.join(STEPS)}")

    @property
    def sample_number(self) -> str | None:
        return self.sample
