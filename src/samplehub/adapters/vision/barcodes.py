"""Barcodes and QR codes on the instrument or its paperwork, via zxing-cpp."""

from __future__ import annotations

import numpy as np
import zxingcpp
from numpy.typing import NDArray

from samplehub.service.ports_intake import DecodedCode


def read_codes(gray: NDArray[np.uint8]) -> tuple[DecodedCode, ...]:
    """Every code zxing finds in a grayscale image, in its order, without duplicates.

    Rotated-by-90° search is kept (stickers are put on any way round); zxing's downscale
    pass stays on because phone photos of small QR codes need it.
    """
    found: list[DecodedCode] = []
    for barcode in zxingcpp.read_barcodes(gray):
        if not barcode.valid:
            continue
        code = DecodedCode(format=barcode.format.name, text=barcode.text)
        if code not in found:
            found.append(code)
    return tuple(found)
