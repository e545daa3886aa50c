"""`samplehub certificate dcc` and `show` over certificates in the memory store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from lxml import etree
from typer.testing import CliRunner

from samplehub.app.units import MemoryAppUnitOfWork
from samplehub.core.adapters.memory import MemoryStore
from samplehub.lab import cli
from samplehub.lab.adapters.certificates.dcc import DccXmlWriter, load_schema
from samplehub.lab.adapters.certificates.institute import Institute
from samplehub.lab.domain import demo
from samplehub.lab.domain.certificate import APPROVER_ROLE, Actor, Certificate
from samplehub.lab.service.certificates import StoredCertificates

AT = datetime(2026, 11, 20, tzinfo=UTC)
SCHEMAS = Path(__file__).resolve().parents[4] / "standards" / "dcc-3.1.2"
runner = CliRunner()


@pytest.fixture
def repository() -> Iterator[StoredCertificates]:
    store = MemoryStore()
    approved = Certificate.enter("ZS2026-000021", demo.gauge_content(), Actor("u1", "张三"), AT)
    approved.review(Actor("u2", "李四"), AT)
    approved.approve(Actor("u3", "王五", frozenset({APPROVER_ROLE})), AT)
    with MemoryAppUnitOfWork(store) as uow:
        uow.certificates.save(approved)
        uow.certificates.save(
            Certificate.enter("ZS2026-000022", demo.gauge_content(), Actor("u1", "张三"), AT)
        )
        uow.commit()
    repository = StoredCertificates(lambda: MemoryAppUnitOfWork(store))
    writer = DccXmlWriter(Institute("示例院", "Example", "地址", "0", "", "a@b.cn"), SCHEMAS)
    cli.configure(lambda: cli.CertificateCliDeps(repository, writer))
    yield repository
    cli.configure(None)


def test_dcc_writes_a_valid_file(repository: StoredCertificates, tmp_path: Path) -> None:
    out = tmp_path / "c.xml"
    result = runner.invoke(cli.app, ["dcc", "ZS2026-000021", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert load_schema(SCHEMAS).validate(etree.parse(str(out)))


def test_dcc_of_unknown_or_draft_fails_with_a_message(
    repository: StoredCertificates, tmp_path: Path
) -> None:
    missing = runner.invoke(cli.app, ["dcc", "ZS2026-000099", "-o", str(tmp_path / "x.xml")])
    assert missing.exit_code == 1
    assert "未找到证书 ZS2026-000099" in missing.output
    draft = runner.invoke(cli.app, ["dcc", "ZS2026-000022", "-o", str(tmp_path / "y.xml")])
    assert draft.exit_code == 1
    assert "尚未批准" in draft.output
    assert not (tmp_path / "y.xml").exists()


def test_show_json(repository: StoredCertificates) -> None:
    result = runner.invoke(cli.app, ["show", "ZS2026-000021", "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["decision"] == "合格"
    assert record["status"] == "已批准"


def test_unconfigured_store_exits_2(tmp_path: Path) -> None:
    cli.configure(None)
    result = runner.invoke(cli.app, ["dcc", "ZS2026-000021", "-o", str(tmp_path / "z.xml")])
    assert result.exit_code == 2


def test_mounts_as_a_group_under_the_root_cli(
    repository: StoredCertificates, tmp_path: Path
) -> None:
    root = typer.Typer()
    root.add_typer(cli.app, name="certificate")

    @root.command()
    def version() -> None:
        """A second command so the root stays a group, as samplehub's does."""

    out = tmp_path / "m.xml"
    result = runner.invoke(root, ["certificate", "dcc", "ZS2026-000021", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"<?xml")
