"""PDF certificates (检定证书 / 检定结果通知书 / 校准证书) with reportlab and WenQuanYi Micro
Hei embedded (from a Python package: see samplehub.core.adapters.fonts).

A TrueType CJK font is used because reportlab cannot read CFF-flavoured ones (Noto CJK). The
output is byte-for-byte reproducible (reportlab's invariant mode), so the SHA-256 published on
the verification page identifies one document.
"""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from samplehub.core.adapters.fonts import CJK_FONT
from samplehub.lab.adapters.certificates.institute import Institute
from samplehub.lab.adapters.certificates.tables import (
    Row,
    calibration_rows,
    failure_lines,
    gauge_rows,
    summary_rows,
)
from samplehub.lab.domain.certificate import Certificate, CertificateKind
from samplehub.lab.domain.errors import MetrologyError

DEFAULT_FONT = CJK_FONT
FONT_NAME = "WenQuanYiMicroHei"


class FontUnavailableError(MetrologyError):
    """The CJK font for certificates is missing or unreadable."""


def register_font(path: Path = DEFAULT_FONT, name: str = FONT_NAME) -> str:
    """Register the CJK font once; reportlab embeds the subset of glyphs each PDF uses."""
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    try:
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
    except (OSError, TTFError) as exc:
        raise FontUnavailableError(
            f"cannot load the certificate font {path}: {exc}; "
            "reinstall paperang-p2-fonts-cjk (make run does)"
        ) from exc
    return name


class PdfCertificateRenderer:
    """Implements ``CertificateRenderer``."""

    def __init__(self, institute: Institute, font_path: Path = DEFAULT_FONT):
        self._institute = institute
        self._font = register_font(font_path)
        self._body = ParagraphStyle(
            "body", fontName=self._font, fontSize=9.5, leading=14, wordWrap="CJK"
        )
        self._small = ParagraphStyle("small", parent=self._body, fontSize=8, leading=11)
        self._title = ParagraphStyle(
            "title", parent=self._body, fontSize=20, leading=28, alignment=1, spaceAfter=2
        )
        self._head = ParagraphStyle("head", parent=self._body, fontSize=12, leading=18, alignment=1)
        self._section = ParagraphStyle(
            "section", parent=self._body, fontSize=11, leading=18, spaceBefore=8
        )

    def render(self, certificate: Certificate, verify_url: str) -> bytes:
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=15 * mm,
            bottomMargin=15 * mm,
            title=f"{certificate.kind.value} {certificate.number}",
            author=self._institute.name_zh,
            subject=certificate.content.sample_id,
            creator="SampleHub",
            invariant=1,
            initialFontName=self._font,
        )
        doc.build(self._story(certificate, verify_url))
        return buffer.getvalue()

    def _story(self, certificate: Certificate, verify_url: str) -> list[Flowable]:
        institute = self._institute
        content = certificate.content
        story: list[Flowable] = [
            Paragraph(institute.name_zh, self._head),
            Paragraph(institute.name_en, self._small),
            Paragraph(
                f"{institute.address}　电话 {institute.phone}　{institute.authorisation}",
                self._small,
            ),
            Spacer(1, 4 * mm),
            Paragraph(certificate.kind.value, self._title),
            Paragraph(certificate.kind.english, self._head),
            Paragraph(f"证书编号 Certificate No.：{certificate.number}", self._head),
            Spacer(1, 3 * mm),
            self._grid(summary_rows(certificate), [45 * mm, 129 * mm]),
            Paragraph("计量标准 Standards used", self._section),
            self._grid(
                [
                    ("名称", "编号", "证书编号", "准确度", "有效期至"),
                    *[
                        (
                            s.name,
                            s.identifier,
                            s.certificate_number,
                            s.accuracy,
                            s.valid_until.isoformat(),
                        )
                        for s in content.standards
                    ],
                ],
                header=True,
            ),
            Paragraph(
                f"环境条件 Environment：温度 {content.environment.temperature_c} ℃，"
                f"相对湿度 {content.environment.humidity_pct} %，"
                f"地点 {content.environment.location}",
                self._body,
            ),
        ]
        if certificate.kind is CertificateKind.CALIBRATION:
            story.append(Paragraph("校准结果 Calibration results", self._section))
            story.append(self._grid(calibration_rows(content), header=True))
        else:
            story.append(Paragraph("检定结果 Verification results", self._section))
            story.append(self._grid(gauge_rows(content), header=True))
        if certificate.kind is CertificateKind.FAILURE_NOTICE:
            story.append(Paragraph("不合格项目 Failing items", self._section))
            story.extend(Paragraph(line, self._body) for line in failure_lines(content))
        story.append(Spacer(1, 4 * mm))
        story.append(
            Table(
                [
                    [
                        _qr(verify_url, self._font),
                        Paragraph(
                            f"扫码核验证书真伪 Scan to verify：<br/>{verify_url}", self._small
                        ),
                    ]
                ],
                colWidths=[32 * mm, 142 * mm],
                style=TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                        ("FONTNAME", (0, 0), (-1, -1), self._font),
                    ]
                ),
            )
        )
        return story

    def _grid(
        self, rows: list[Row], widths: list[float] | None = None, *, header: bool = False
    ) -> Table:
        data = [[Paragraph(cell, self._small) for cell in row] for row in rows]
        style = [
            ("FONTNAME", (0, 0), (-1, -1), self._font),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke))
        return Table(data, colWidths=widths, style=TableStyle(style), repeatRows=1 if header else 0)


def _qr(url: str, font: str) -> Drawing:
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    size = 28 * mm
    drawing = Drawing(
        size,
        size,
        transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0],
        initialFontName=font,
    )
    drawing.add(widget)
    return drawing
