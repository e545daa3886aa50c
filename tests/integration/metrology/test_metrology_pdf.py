"""PDF certificates read back with poppler: the Chinese fields, the numbers and embedded fonts."""

from __future__ import annotations

import hashlib
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from samplehub.lab.adapters.certificates.institute import Institute
from samplehub.lab.adapters.certificates.pdf import (
    FontUnavailableError,
    PdfCertificateRenderer,
    register_font,
)
from samplehub.lab.domain import demo
from samplehub.lab.domain.certificate import APPROVER_ROLE, Actor, Certificate, CertificateContent

AT = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
INSTITUTE = Institute(
    "示例市计量检定测试院",
    "Example Institute of Metrology",
    "示例市科技路 8 号",
    "021-00000000",
    "计量授权证书号 (沪)法计(2026)00001号",
)
URL = "https://lab.example/verify/ZS2026-000007"


def approved(content: CertificateContent) -> Certificate:
    certificate = Certificate.enter("ZS2026-000007", content, Actor("u1", "张三"), AT)
    certificate.review(Actor("u2", "李四"), AT)
    certificate.approve(Actor("u3", "王五", frozenset({APPROVER_ROLE})), AT)
    return certificate


def text_of(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode()


def fonts_of(pdf: bytes, tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "f.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True)
    return [line.split() for line in out.stdout.splitlines()[2:]]


@pytest.fixture(scope="module")
def renderer() -> PdfCertificateRenderer:
    return PdfCertificateRenderer(INSTITUTE)


def test_verification_certificate_text(renderer: PdfCertificateRenderer, tmp_path: Path) -> None:
    text = text_of(renderer.render(approved(demo.gauge_content()), URL), tmp_path)
    for expected in (
        "示例市计量检定测试院",
        "检定证书",
        "ZS2026-000007",
        "示例化工有限公司",
        "弹簧管式一般压力表",
        "P2026-0042",
        "JJG 52-2013",
        "检定结论",
        "合格",
        "有效期至",
        "2027-05-19",
        "数字压力计",
        "20.5 ℃",
        "核验员",
        "李四",
        "批准人",
        "王五",
        "+0.0120",
        "±0.0256",
        "±0.0400",
        URL,
    ):
        assert expected in text, expected
    assert "不合格" not in text
    assert "检定结果通知书" not in text


def test_failure_notice_names_the_failing_item(
    renderer: PdfCertificateRenderer, tmp_path: Path
) -> None:
    text = text_of(renderer.render(approved(demo.gauge_content(passing=False)), URL), tmp_path)
    assert "检定结果通知书" in text
    assert "不合格项目" in text
    assert "示值误差（1.2 MPa）：+0.0400 超出 ±0.0256" in text
    assert "有效期至 Valid until" not in text


def test_calibration_certificate_text(renderer: PdfCertificateRenderer, tmp_path: Path) -> None:
    text = text_of(renderer.render(approved(demo.calibration_content()), URL), tmp_path)
    for expected in (
        "校准证书",
        "校准结果",
        "扩展不确定度 U",
        "数字温度计",
        "0.062",
        "-0.090",
        "±0.5",
    ):
        assert expected in text, expected
    assert "检定证书" not in text


def test_fonts_are_embedded_and_only_the_cjk_font_is_used(
    renderer: PdfCertificateRenderer, tmp_path: Path
) -> None:
    fonts = fonts_of(renderer.render(approved(demo.gauge_content()), URL), tmp_path)
    assert fonts
    for row in fonts:
        assert "WenQuanYiMicroHei" in row[0]
        assert row[-5:-2] == ["yes", "yes", "yes"]  # embedded, subset, ToUnicode


def test_output_is_reproducible_so_its_hash_identifies_it(renderer: PdfCertificateRenderer) -> None:
    certificate = approved(demo.gauge_content())
    first, second = renderer.render(certificate, URL), renderer.render(certificate, URL)
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()
    assert first.startswith(b"%PDF-")


def test_missing_font_is_reported(tmp_path: Path) -> None:
    with pytest.raises(FontUnavailableError, match=r"absent\.ttc.*paperang-p2-fonts-cjk"):
        register_font(tmp_path / "absent.ttc", name="AbsentFontForTest")


def test_qr_code_decodes_to_the_verify_url(
    renderer: PdfCertificateRenderer, tmp_path: Path
) -> None:
    path = tmp_path / "q.pdf"
    path.write_bytes(renderer.render(approved(demo.gauge_content(passing=False)), URL))
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(path), str(tmp_path / "page")], check=True)
    found = []
    for page in sorted(tmp_path.glob("page*.png")):
        with Image.open(page) as image:
            found += [(r.format.name, r.text) for r in zxingcpp.read_barcodes(image)]
    assert found == [("QRCode", URL)]
