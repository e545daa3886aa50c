"""Certificates on SQLite and PostgreSQL, and `samplehub certificate dcc` on the demo data."""

import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from samplehub.app.demo import seed_demo, seed_demo_certificates
from samplehub.app.services import Services
from samplehub.core.adapters.db import upgrade
from samplehub.lab.adapters.certificates.dcc import load_schema
from samplehub.lab.adapters.db import FileDocumentStore
from samplehub.lab.domain.certificate import Status
from samplehub.lab.domain.errors import WorkflowError

SCHEMAS = Path(__file__).parents[3] / "standards" / "dcc-3.1.2"
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


def test_issued_certificate_is_stored_and_frozen(services: Services) -> None:
    assert services.lab is not None
    deps = services.lab.deps
    made = seed_demo(services)
    (number,) = seed_demo_certificates(services, made, NOW)
    stored = deps.certificates.get(number)
    assert stored is not None
    assert stored.status is Status.ISSUED
    assert stored.content.sample_id == made["sample_a5"]
    assert stored.pdf_sha256 is not None
    pdf = deps.documents.get(f"certificates/{number}.pdf")
    assert pdf is not None
    assert pdf.startswith(b"%PDF")

    tampered = replace(stored, content=replace(stored.content, customer="someone else"))
    with pytest.raises(WorkflowError, match="content is fixed"), services.uow_factory() as uow:
        uow.certificates.save(tampered)
    assert deps.certificates.get(number) == stored
    with services.uow_factory() as uow:
        assert uow.certificates.next_sequence(2026) == 2


def test_document_names_stay_inside_their_folder(tmp_path: Path) -> None:
    store = FileDocumentStore(tmp_path / "docs")
    store.put("certificates/A.pdf", b"%PDF-1.4")
    assert store.get("certificates/A.pdf") == b"%PDF-1.4"
    assert store.get("certificates/B.pdf") is None
    for bad in ("../x.pdf", "/etc/passwd", "a//b", "a/./b"):
        with pytest.raises(ValueError, match="relative path"):
            store.put(bad, b"x")


def test_dcc_command_exports_a_valid_document(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = os.environ | {"SAMPLEHUB_DATA_DIR": str(data)}
    env.pop("SAMPLEHUB_DATABASE_URL", None)
    samplehub = str(Path(sys.executable).parent / "samplehub")
    upgrade(f"sqlite:///{data / 'samplehub.db'}")
    seeded = subprocess.run(
        [samplehub, "seed", "--demo"], env=env, capture_output=True, text=True, check=False
    )
    assert seeded.returncode == 0, seeded.stderr
    number = seeded.stdout.split("demo certificate issued: ")[1].split()[0]
    out = tmp_path / "dcc.xml"
    done = subprocess.run(
        [samplehub, "certificate", "dcc", number, "-o", str(out)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert load_schema(SCHEMAS).validate(etree.parse(str(out)))
    missing = subprocess.run(
        [samplehub, "certificate", "dcc", "ZS2026-999999", "-o", str(out)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert missing.returncode == 1
    assert "ZS2026-999999" in missing.stderr
