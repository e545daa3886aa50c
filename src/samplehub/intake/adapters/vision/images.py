"""Checks an uploaded photo before any decoder sees it: size, format, pixel dimensions.

Pillow reads only the header, so a 20 MB limit and an 8000 px limit reject hostile or
accidental uploads (decompression bombs, PDFs renamed .jpg) before pixels are decoded.
"""

from __future__ import annotations

import io
import warnings

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, UnidentifiedImageError

from samplehub.core.domain.messages import Message
from samplehub.intake.service.ports import (
    ALLOWED_IMAGES,
    IMAGE_FORMATS,
    MAX_IMAGE_SIDE,
    UnreadableImageError,
    check_image_size,
)


def decode_image(data: bytes, name: str) -> NDArray[np.uint8]:
    """The photo as an upright BGR array, or UnreadableImageError saying what is wrong with it."""
    check_image_size(len(data), name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            fmt = image.format or "?"
            if fmt not in IMAGE_FORMATS:
                raise UnreadableImageError(
                    "format",
                    fmt,
                    ALLOWED_IMAGES,
                    Message(
                        "intake.error_image_format",
                        {"name": name, "format": fmt, "formats": ", ".join(IMAGE_FORMATS)},
                    ),
                )
            width, height = image.size
            if max(width, height) > MAX_IMAGE_SIDE:
                size = f"{width}x{height}"
                raise UnreadableImageError(
                    "dimensions",
                    size,
                    ALLOWED_IMAGES,
                    Message(
                        "intake.error_image_too_many_pixels",
                        {"name": name, "size": size, "limit": MAX_IMAGE_SIDE},
                    ),
                )
    except UnreadableImageError:
        raise
    except UnidentifiedImageError as exc:
        raise UnreadableImageError(
            "content",
            "unknown format",
            ALLOWED_IMAGES,
            Message("intake.error_not_an_image", {"name": name}),
        ) from exc
    except (
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise UnreadableImageError(
            "content",
            type(exc).__name__,
            ALLOWED_IMAGES,
            Message("intake.error_image_unreadable", {"name": name, "problem": str(exc)}),
        ) from exc
    # Pixels come from OpenCV: about five times faster than Pillow's decode plus conversion,
    # and it applies the EXIF orientation of phone photos itself.
    bgr = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if bgr is None or bgr.ndim != 3:
        raise UnreadableImageError(
            "content",
            "corrupt",
            ALLOWED_IMAGES,
            Message("intake.error_image_undecodable", {"name": name}),
        )
    return np.ascontiguousarray(bgr, dtype=np.uint8)
