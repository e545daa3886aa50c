"""QR codes as SVG for pages, from reportlab's QR encoder (the one labels and certificates use).

One ``<path>`` of unit squares on a white quiet zone: no script, no style attribute, so it
passes the pages' Content-Security-Policy inline or as an ``img`` data URL.
"""

from __future__ import annotations

from reportlab.graphics.barcode import qrencoder

QUIET = 4  # modules of white border, as ISO/IEC 18004 asks


def qr_svg(text: str) -> str:
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(text)
    code.make()
    n = code.getModuleCount()
    size = n + 2 * QUIET
    parts = [
        f"M{c + QUIET} {r + QUIET}h1v1h-1z" for r in range(n) for c in range(n) if code.isDark(r, c)
    ]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path d="{"".join(parts)}" fill="#000"/></svg>'
    )
