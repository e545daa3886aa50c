"""Wiring of the lab: its repositories, console, certificate desk and documents."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from samplehub.app.config import Settings
from samplehub.app.services import AppUnitOfWork
from samplehub.app.wiring.trust import institute_keys
from samplehub.core.service.messagebus import MessageBus
from samplehub.core.service.ports import Clock
from samplehub.lab.service.certificates import LabDeps
from samplehub.lab.service.services import LabServices

if TYPE_CHECKING:
    pass


def lab_services_for(
    settings: Settings,
    deps: LabDeps,
    bus: MessageBus,
    uow_factory: Callable[[], AppUnitOfWork],
    clock: Clock,
) -> LabServices:
    """The lab console and certificate desk over the lab deps, the bus and the unit of work."""
    from samplehub.lab.adapters.metrology_rules.standards import load_standards
    from samplehub.lab.service.console import ConsoleConfig, LabConsole, split_customer_intervals
    from samplehub.lab.service.desk import CertificateDesk

    lab_settings = settings.lab
    config = ConsoleConfig.of(
        lab_settings.disciplines, lab_settings.benches, lab_settings.turnaround_days
    )
    intervals = split_customer_intervals(settings.recall.customer_intervals)
    return LabServices(
        deps=deps,
        console=LabConsole(bus.handle, uow_factory, clock, deps.rules, config),
        desk=CertificateDesk(deps, bus.handle, uow_factory, clock, load_standards(), intervals),
    )


def lab_deps(settings: Settings, uow_factory: Callable[[], AppUnitOfWork]) -> LabDeps:
    """The lab's tools (PDFs under ``data_dir/documents``) and certificate reads over
    ``uow_factory``."""
    from samplehub.lab.adapters.certificates.dcc import DccXmlWriter
    from samplehub.lab.adapters.certificates.institute import Institute
    from samplehub.lab.adapters.certificates.pdf import PdfCertificateRenderer
    from samplehub.lab.adapters.certificates.signing import InstituteSigner, SignatureChecker
    from samplehub.lab.adapters.db import FileDocumentStore
    from samplehub.lab.adapters.metrology_rules.loader import load_rule_book
    from samplehub.lab.adapters.results_import.readers import SheetResultsReader
    from samplehub.lab.service.certificates import StoredCertificates

    institute_settings = settings.institute
    keys = institute_keys(settings)
    institute = Institute(
        name_zh=institute_settings.name_zh,
        name_en=institute_settings.name_en,
        address=institute_settings.address,
        phone=institute_settings.phone,
        authorisation=institute_settings.authorisation,
    )
    return LabDeps(
        certificates=StoredCertificates(uow_factory),
        renderer=PdfCertificateRenderer(institute),
        documents=FileDocumentStore(settings.data_dir / "documents"),
        dcc=DccXmlWriter(institute),
        sheets=SheetResultsReader(),
        rules=load_rule_book(),
        verify_base_url=institute_settings.public_url,
        signer=InstituteSigner(keys.identity, settings.signing.tsa_url),
        checker=SignatureChecker(keys.trusted_roots),
        zone=ZoneInfo(institute_settings.time_zone),
    )
