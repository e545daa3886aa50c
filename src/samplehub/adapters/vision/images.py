"""Checks an uploaded photo before any decoder sees it: size, format, pixel dimensions.

Pillow reads only the header first, so a 20 MB limit and an 8000 px limit reject hostile or
accidental uploads (decompression bombs, PDFs renamed .jpg) before pixels are decoded.
"""

from __future__ import annotations

import io
import warnings

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps, UnidentifiedImageError

from samplehub.service.ports_intake import (
    IMAGE_FORMATS,
    MAX_IMAGE_BYTES,
    MAX_IMAGE_SIDE,
    UnreadableImageError,
)

_ALLOWED = (
    f"{', '.join(IMAGE_FORMATS)}; ≤ {MAX_IMAGE_BYTES // (1024 * 1024)} MB; ≤ {MAX_IMAGE_SIDE} px"
)


def check_size(size: int, name: str) -> None:
    """Reject a file by its byte count alone, before reading it."""
    if size > MAX_IMAGE_BYTES:
        mb = f"{size / (1024 * 1024):.1f} MB"
        raise UnreadableImageError(
            "size",
            mb,
            _ALLOWED,
            zh=f"图片 {name} 过大（{mb}），最大 20 MB",
            en=f"image {name} is too large ({mb}); the limit is 20 MB",
        )
    if size == 0:
        raise UnreadableImageError(
            "size", "0 B", _ALLOWED, zh=f"图片 {name} 是空文件", en=f"image {name} is empty"
        )


def decode_image(data: bytes, name: str) -> NDArray[np.uint8]:
    """The photo as an upright BGR array, or UnreadableImageError saying what is wrong with it."""
    check_size(len(data), name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            fmt = image.format or "?"
            if fmt not in IMAGE_FORMATS:
                raise UnreadableImageError(
                    "format",
                    fmt,
                    _ALLOWED,
                    zh=f"图片 {name} 的格式 {fmt} 不受支持，请用 {', '.join(IMAGE_FORMATS)}",
                    en=f"image {name} has format {fmt}; use one of {', '.join(IMAGE_FORMATS)}",
                )
            width, height = image.size
            if max(width, height) > MAX_IMAGE_SIDE:
                raise UnreadableImageError(
                    "dimensions",
                    f"{width}x{height}",
                    _ALLOWED,
                    zh=f"图片 {name} 尺寸 {width}x{height} 超过 {MAX_IMAGE_SIDE} 像素",
                    en=f"image {name} is {width}x{height} px; at most {MAX_IMAGE_SIDE} px a side",
                )
            image = ImageOps.exif_transpose(image).convert("RGB")
    except UnreadableImageError:
        raise
    except UnidentifiedImageError as exc:
        raise UnreadableImageError(
            "content",
            "unknown format",
            _ALLOWED,
            zh=f"文件 {name} 不是可识别的图片",
            en=f"file {name} is not an image in a known format",
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
            _ALLOWED,
            zh=f"文件 {name} 不是可读取的图片（{exc}）",
            en=f"file {name} is not a readable image ({exc})",
        ) from exc
    rgb = np.asarray(image, dtype=np.uint8)
    return np.ascontiguousarray(rgb[:, :, ::-1])
