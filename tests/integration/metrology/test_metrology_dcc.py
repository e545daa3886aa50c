"""DCC export validated with lxml against PTB's dcc.xsd 3.1.2, its D-SI import served locally."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from samplehub.lab.adapters.certificates.dcc import DCC, SI, DccXmlWriter, d_si_unit, load_schema
from samplehub.lab.adapters.certificates.institute import Institute
from samplehub.lab.domain import demo
from samplehub.lab.domain.certificate import APPROVER_ROLE, Actor, Certificate, CertificateContent

SCHEMAS = Path(__file__).resolve().parents[3] / "standards" / "dcc-3.1.2"
AT = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
INSTITUTE = Institute(
    "示例市计量检定测试院",
    "Example Institute of Metrology",
    "示例市科技路 8 号",
    "021-00000000",
    "计量授权证书号 (沪)法计(2026)00001号",
    "lab@example.cn",
    "上海",
)
NS = {"dcc": DCC, "si": SI}


def approved(content: CertificateContent, number: str = "ZS2026-000011") -> Certificate:
    certificate = Certificate.enter(number, content, Actor("u1", "张三"), AT)
    certificate.review(Actor("u2", "李四"), AT)
    certificate.approve(Actor("u3", "王五", frozenset({APPROVER_ROLE})), AT)
    return certificate


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return load_schema(SCHEMAS)


@pytest.mark.parametrize(
    "content",
    [demo.gauge_content(), demo.gauge_content(passing=False), demo.calibration_content()],
    ids=["verification", "failure-notice", "calibration"],
)
def test_export_validates_against_dcc_3_1_2(
    schema: etree.XMLSchema, content: CertificateContent
) -> None:
    xml = DccXmlWriter(INSTITUTE).write(approved(content))
    document = etree.fromstring(xml)
    assert schema.validate(document), schema.error_log
    assert document.get("schemaVersion") == "3.1.2"
    assert (
        document.findtext("dcc:administrativeData/dcc:coreData/dcc:uniqueIdentifier", namespaces=NS)
        == "ZS2026-000011"
    )


def test_gauge_export_carries_points_errors_and_conformity(schema: etree.XMLSchema) -> None:
    document = etree.fromstring(
        DccXmlWriter(INSTITUTE).write(approved(demo.gauge_content(passing=False)))
    )
    values = document.xpath("//si:valueXMLList/text()", namespaces=NS)
    assert values[0] == "0 0.4 0.8 1.2 1.6"
    assert "0.0000 0.0020 0.0060 0.0220 0.0100" in values
    units = document.xpath("//si:unitXMLList/text()", namespaces=NS)
    assert units[0].split() == [r"\mega\pascal"] * 5
    assert document.xpath("//dcc:statement/dcc:conformity/text()", namespaces=NS) == ["fail"]
    texts = document.xpath("//dcc:result/dcc:data/dcc:text/dcc:content/text()", namespaces=NS)
    assert "示值误差（1.2 MPa）：+0.0400 超出 ±0.0256" in texts
    signers = document.xpath(
        "//dcc:respPerson[dcc:mainSigner='true']//dcc:content/text()", namespaces=NS
    )
    assert signers == ["王五"]


def test_calibration_export_carries_uncertainty_and_k(schema: etree.XMLSchema) -> None:
    document = etree.fromstring(DccXmlWriter(INSTITUTE).write(approved(demo.calibration_content())))
    assert document.xpath("//si:uncertaintyXMLList/text()", namespaces=NS) == ["0.062 0.070 0.081"]
    assert document.xpath("//si:coverageFactorXMLList/text()", namespaces=NS) == ["2 2 2"]
    assert document.xpath("//dcc:statement/dcc:conformity/text()", namespaces=NS) == ["pass"]


def test_writer_with_schema_refuses_invalid_output() -> None:
    writer = DccXmlWriter(INSTITUTE, SCHEMAS)
    assert writer.write(approved(demo.gauge_content()))
    schema = load_schema(SCHEMAS)
    document = etree.fromstring(DccXmlWriter(INSTITUTE).write(approved(demo.gauge_content())))
    core = document.find("dcc:administrativeData/dcc:coreData", namespaces=NS)
    assert core is not None
    core.getparent().remove(core)  # type: ignore[union-attr]
    assert not schema.validate(document)


def test_schema_loads_without_network() -> None:
    xsd = (SCHEMAS / "dcc.xsd").read_text(encoding="utf-8")
    assert "https://ptb.de/si/v2.1.0/SI_Format.xsd" in xsd  # the import the resolver serves locally
    assert load_schema(SCHEMAS) is not None


def test_units_map_to_d_si() -> None:
    assert d_si_unit("MPa") == r"\mega\pascal"
    assert d_si_unit("°C") == r"\degreeCelsius"
    assert d_si_unit("psi") == "|psi"
