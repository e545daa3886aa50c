"""What the lab's pages and API are given: the console, the certificate desk, the lab deps."""

from __future__ import annotations

from dataclasses import dataclass

from samplehub.service.lab import LabDeps
from samplehub.service.lab_console import LabConsole
from samplehub.service.lab_desk import CertificateDesk


@dataclass(frozen=True)
class LabServices:
    deps: LabDeps
    console: LabConsole
    desk: CertificateDesk
