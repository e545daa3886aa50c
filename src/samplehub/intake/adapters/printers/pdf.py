"""A sample label as a PDF page, for printers that do not speak ZPL (any office printer).

WenQuanYi Micro Hei is embedded (subset) so Chinese customer and instrument names print anywhere.
QR and Code 128 are reportlab's own vector barcodes, so they stay sharp at any printer's dpi.
"""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode import code128, qr
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from samplehub.core.adapters.fonts import CJK_FONT
from samplehub.intake.service.ports import IntakeDeviceError, Label

DEFAULT_FONT = CJK_FONT
_FONT_NAME = "WenQuanYiMicroHei"


def _register_font(path: Path) -> str:
    if _FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        try:
            pdfmetrics.registerFont(TTFont(_FONT_NAME, str(path), subfontIndex=0))
        except Exception as exc:  # reportlab raises TTFError and plain IOError alike
            raise IntakeDeviceError(f"label font {path} cannot be loaded: {exc}") from exc
    return _FONT_NAME


def render_label_pdf(
    label: Label, *, width_mm: float = 60, height_mm: float = 40, font: Path = DEFAULT_FONT
) -> bytes:
    """One label page, the same content as the ZPL label."""
    font_name = _register_font(font)
    width, height = width_mm * mm, height_mm * mm
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(width, height))
    page.setTitle(f"Sample label {label.sample_no}")
    page.setFont(font_name, 12)
    page.drawString(2 * mm, height - 6 * mm, label.sample_no)
    page.setFont(font_name, 8)
    page.drawString(2 * mm, height - 11 * mm, label.customer_short_name)
    page.drawString(2 * mm, height - 15 * mm, label.instrument[:24])
    side = 18 * mm
    widget = qr.QrCodeWidget(label.tracking_url)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(side, side, transform=[side / (x1 - x0), 0, 0, side / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, page, width - side - 1 * mm, height - side - 1 * mm)
    barcode = code128.Code128(
        label.code128, barHeight=8 * mm, barWidth=0.25 * mm, humanReadable=True
    )
    barcode.drawOn(page, 1 * mm, 3 * mm)
    page.showPage()
    page.save()
    return buffer.getvalue()


class PdfLabelPrinter:
    """The LabelPrinter port that writes one PDF per label into a folder (a print spool).

    Each PDF is written as a hidden ``.<name>.pdf.part`` and renamed when whole, so a printer
    or a folder watcher that takes every ``*.pdf`` never prints half a label.
    """

    def __init__(self, spool_dir: Path, *, font: Path = DEFAULT_FONT) -> None:
        self.spool_dir = spool_dir
        self.font = font

    def print_label(self, label: Label) -> None:
        data = render_label_pdf(label, font=self.font)
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in label.sample_no)
        try:
            self.spool_dir.mkdir(parents=True, exist_ok=True)
            partial = self.spool_dir / f".{safe}.pdf.part"
            partial.write_bytes(data)
            partial.replace(self.spool_dir / f"{safe}.pdf")
        except OSError as exc:
            raise IntakeDeviceError(
                f"label PDF cannot be written to {self.spool_dir}: {exc}"
            ) from exc
