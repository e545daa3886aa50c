"""What the lab's pages and API are given: the console, the certificate desk, the lab deps."""

from __future__ import annotations

from dataclasses import dataclass

from samplehub.lab.service.certificates import LabDeps
from samplehub.lab.service.console import LabConsole
from samplehub.lab.service.desk import CertificateDesk


@dataclass(frozen=True)
class LabServices:
    deps: LabDeps
    console: LabConsole
    desk: CertificateDesk
