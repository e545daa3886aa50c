"""A sample label in ZPL II, the language Zebra-compatible label printers speak on TCP 9100.

Layout for a 60 × 40 mm label at 203 dpi (8 dots/mm): sample number large, customer and
instrument below, the tracking URL as a QR code on the right, the sample number as Code 128
along the bottom. Field data goes through ^FH so that ^, ~ and _ in names cannot break out of
a field; ^CI28 makes the printer read UTF-8 (Chinese names need a CJK font on the printer,
named by ``cjk_font``, e.g. E:SIMSUN.TTF).
"""

from __future__ import annotations

from dataclasses import dataclass

from samplehub.intake.service.ports import Label


@dataclass(frozen=True)
class ZplLayout:
    """Label stock and fonts; the defaults fit 60 × 40 mm stock on a 203 dpi printer."""

    width_mm: float = 60
    height_mm: float = 40
    dots_per_mm: int = 8
    cjk_font: str = "E:SIMSUN.TTF"

    @property
    def width(self) -> int:
        return round(self.width_mm * self.dots_per_mm)

    @property
    def height(self) -> int:
        return round(self.height_mm * self.dots_per_mm)


def field_data(text: str) -> str:
    """Text safe inside ^FH_ ... ^FS: the ZPL control characters written as hex escapes."""
    return text.replace("_", "_5F").replace("^", "_5E").replace("~", "_7E")


def render_zpl(label: Label, layout: ZplLayout | None = None) -> str:
    """The ZPL document for one label (^XA … ^XZ), UTF-8 text."""
    lay = layout or ZplLayout()
    qr_x = lay.width - 150
    lines = [
        "^XA",
        "^CI28",
        f"^PW{lay.width}",
        f"^LL{lay.height}",
        "^LH0,0",
        f"^FO16,16^A0N,40,36^FH_^FD{field_data(label.sample_no)}^FS",
        f"^FO16,66^A@N,28,28,{lay.cjk_font}^FH_^FD{field_data(label.customer_short_name)}^FS",
        f"^FO16,100^A@N,24,24,{lay.cjk_font}^FB{qr_x - 24},2,0,L^FH_"
        f"^FD{field_data(label.instrument)}^FS",
        f"^FO{qr_x},12^BQN,2,4^FH_^FDQA,{field_data(label.tracking_url)}^FS",
        f"^FO16,{lay.height - 110}^BY2,3,60^BCN,60,Y,N,N,A^FH_^FD{field_data(label.code128)}^FS",
    ]
    if label.epc_hex:
        lines.append(f"^FO{qr_x - 10},{lay.height - 24}^A0N,16,14^FD{label.epc_hex[-12:]}^FS")
    lines.append("^PQ1")
    lines.append("^XZ")
    return "\n".join(lines) + "\n"
