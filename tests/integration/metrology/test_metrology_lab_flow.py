"""From an uploaded CSV sheet to an issued PDF and a valid DCC, through the real adapters."""

from __future__ import annotations

import hashlib
import subprocess
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from lxml import etree

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.units import MemoryAppUnitOfWork
from samplehub.core.adapters.memory import FixedClock, MemoryStore, PlainHasher
from samplehub.core.service.commands import SYSTEM
from samplehub.lab.adapters.certificates.dcc import DccXmlWriter, load_schema
from samplehub.lab.adapters.certificates.institute import Institute
from samplehub.lab.adapters.certificates.memory import InMemoryDocumentStore
from samplehub.lab.adapters.certificates.pdf import PdfCertificateRenderer
from samplehub.lab.adapters.metrology_rules.loader import load_rule_book
from samplehub.lab.adapters.results_import.readers import SheetResultsReader
from samplehub.lab.domain import demo
from samplehub.lab.domain.certificate import APPROVER_ROLE, Actor, Status
from samplehub.lab.service import certificates as lab
from samplehub.lab.service import commands as lc

SCHEMAS = Path(__file__).resolve().parents[3] / "standards" / "dcc-3.1.2"
INSTITUTE = Institute(
    "示例市计量检定测试院", "Example Institute of Metrology", "示例市科技路 8 号",
    "021-00000000", "计量授权证书号 (沪)法计(2026)00001号", "lab@example.cn", "上海",
)  # fmt: skip
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
SHEET = (
    "检定点,升压轻敲前,升压轻敲后,降压轻敲前,降压轻敲后\n"
    "0,0,0,0.002,0.002\n0.4,0.402,0.404,0.408,0.41\n0.8,0.806,0.808,0.812,0.812\n"
    "1.2,1.222,1.23,1.236,1.24\n1.6,1.61,1.612,1.612,1.612\n"
)


def test_sheet_to_failure_notice_pdf_and_dcc(tmp_path: Path) -> None:
    documents = InMemoryDocumentStore()
    store = MemoryStore()

    def units() -> MemoryAppUnitOfWork:
        return MemoryAppUnitOfWork(store)

    deps = lab.LabDeps(
        certificates=lab.StoredCertificates(units),
        renderer=PdfCertificateRenderer(INSTITUTE),
        documents=documents,
        dcc=DccXmlWriter(INSTITUTE, SCHEMAS),
        sheets=SheetResultsReader(),
        rules=load_rule_book(),
        verify_base_url="https://lab.example",
    )
    content = demo.gauge_content()
    header = lab.WorkHeader(
        content.sample_id, content.customer, content.customer_address, content.instrument,
        content.standards, content.environment, content.performed_on,
    )  # fmt: skip
    handle = bootstrap.bootstrap(
        Settings(), uow_factory=units, clock=FixedClock(NOW), hasher=PlainHasher(), lab=deps
    ).bus.handle
    draft = handle(
        lc.ImportGaugeReadings(
            SYSTEM, Actor("u1", "张三"), NOW, header, demo.GAUGE, "readings.csv",
            SHEET.encode(), [Decimal(0)],
        )
    )  # fmt: skip
    approver = Actor("u3", "王五", frozenset({APPROVER_ROLE}))
    handle(lc.ReviewCertificate(SYSTEM, Actor("u2", "李四"), NOW, draft.number))
    handle(lc.ApproveCertificate(SYSTEM, approver, NOW, draft.number))
    pdf = handle(lc.IssueCertificate(SYSTEM, approver, NOW, draft.number))

    token = lab.get(deps, draft.number).verify_token or ""
    record = lab.verify_by_token(deps, token).record
    assert record.status is Status.ISSUED
    assert record.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    assert documents.files[f"certificates/{draft.number}.pdf"] == pdf

    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "检定结果通知书" in text
    assert draft.number in text
    assert "示值误差（1.2 MPa）：+0.0400 超出 ±0.0256" in text
    assert f"https://lab.example/verify/{token}" in text

    xml = lab.export_dcc(deps, draft.number)
    assert load_schema(SCHEMAS).validate(etree.fromstring(xml))
