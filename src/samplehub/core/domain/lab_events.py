"""Custody-chain events of the lab's certificate workflow (录入、核验、批准、签发、替代).

A certificate step is recorded against the sample the certificate is about, so the sample's
chain of custody shows who entered, reviewed, approved and issued its results, and when.
"""

from __future__ import annotations

from dataclasses import dataclass

from samplehub.core.domain.events import Event

STEPS: dict[str, tuple[str, str]] = {
    "entered": ("检定/校准结果已录入", "Results entered"),
    "revised": ("结果已修改", "Results revised"),
    "reviewed": ("证书已核验", "Certificate reviewed"),
    "returned": ("证书退回修改", "Certificate returned for rework"),
    "approved": ("证书已批准", "Certificate approved"),
    "issued": ("证书已签发", "Certificate issued"),
    "superseded": ("证书已被更正证书替代", "Certificate superseded by a correction"),
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
