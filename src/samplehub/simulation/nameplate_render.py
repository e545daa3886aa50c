"""Renders a PlateSpec as a photo: metal plate, sticker or dial face, then camera degradations.

Degradations follow what the intake platform's camera sees: a slight rotation or an upside-down
plate, perspective from an off-axis lens, defocus blur, sensor noise, a specular glare spot
from the ceiling light, and low light. Fonts: WenQuanYi Micro Hei and Mono (CJK), Bitstream
Vera (Latin), all from Python packages.
"""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from samplehub.core.adapters.fonts import CJK_FACES, LATIN_FACES
from samplehub.simulation.plate_spec import PlateSpec

LAYOUTS = ("metal", "sticker", "dial")
Font = ImageFont.FreeTypeFont


def _font(choice: tuple[Path, int], size: int) -> Font:
    return ImageFont.truetype(choice[0], size, index=choice[1])


def render_plate(
    spec: PlateSpec, layout: str, rng: random.Random, *, max_width: int = 1000
) -> tuple[Image.Image, dict[str, Any]]:
    """The degraded photo and a description of how it was made (font, degradations)."""
    pool = CJK_FACES + (LATIN_FACES if spec.language == "en" else ())
    font_choice = rng.choice(pool)
    if layout == "dial":
        plate = _dial(spec, font_choice, rng)
    elif layout == "sticker":
        plate = _sticker(spec, font_choice, rng)
    else:
        plate = _metal(spec, font_choice, rng)
    photo, effects = _degrade(plate, rng)
    if photo.width > max_width:
        photo = photo.resize(
            (max_width, round(photo.height * max_width / photo.width)), Image.Resampling.LANCZOS
        )
    return photo, {"font": Path(font_choice[0]).name, "effects": effects}


def _text_rows(spec: PlateSpec) -> list[str]:
    rows = [f"{caption}{value}" if caption else value for caption, value in spec.lines]
    return rows + list(spec.noise)


def _metal(spec: PlateSpec, font_choice: tuple[Path, int], rng: random.Random) -> Image.Image:
    rows = _text_rows(spec)
    size = rng.randint(34, 42)
    font = _font(font_choice, size)
    width = max(int(font.getlength(r)) for r in rows) + 140
    height = len(rows) * int(size * 1.6) + 100
    base = rng.randint(165, 215)
    streaks = np.random.default_rng(rng.randint(0, 2**31)).normal(0, 6, (1, width))
    grad = np.linspace(-12, 12, height)[:, None]
    metal = np.clip(base + streaks + grad, 0, 255).astype(np.uint8)
    plate = Image.fromarray(np.stack([metal, metal, np.clip(metal + 4, 0, 255)], axis=2))
    draw = ImageDraw.Draw(plate)
    draw.rectangle((8, 8, width - 9, height - 9), outline=(60, 60, 60), width=3)
    for cx, cy in ((26, 26), (width - 26, 26), (26, height - 26), (width - 26, height - 26)):
        draw.ellipse((cx - 9, cy - 9, cx + 9, cy + 9), fill=(120, 120, 125), outline=(70, 70, 70))
    ink = (rng.randint(10, 40),) * 3
    y = 50
    for row in rows:
        draw.text((70, y), row, font=font, fill=ink)
        y += int(size * 1.6)
    return plate


def _sticker(spec: PlateSpec, font_choice: tuple[Path, int], rng: random.Random) -> Image.Image:
    size = rng.randint(30, 38)
    font = _font(font_choice, size)
    cells = [(c.rstrip(" ：:"), v) for c, v in spec.lines]
    caption_w = max([int(font.getlength(c)) for c, _ in cells if c] + [0]) + 40
    value_w = max(int(font.getlength(v)) for _, v in cells) + 60
    noise_w = max([int(font.getlength(n)) for n in spec.noise] + [0]) + 60
    row_h = int(size * 1.7)
    table_w = max(caption_w + value_w, noise_w)
    qr_side = 260 if spec.qr_text or spec.code128_text else 0
    width = table_w + qr_side + 80
    height = max(row_h * (len(cells) + len(spec.noise)) + 80, qr_side + 120)
    paper = rng.choice([(250, 250, 245), (252, 240, 170), (235, 240, 250)])
    plate = Image.new("RGB", (width, height), paper)
    draw = ImageDraw.Draw(plate)
    y = 40
    for caption, value in cells:
        draw.rectangle((30, y, 30 + table_w, y + row_h), outline=(90, 90, 90), width=2)
        if caption:
            draw.line((30 + caption_w, y, 30 + caption_w, y + row_h), fill=(90, 90, 90), width=2)
            draw.text((45, y + size * 0.3), caption, font=font, fill=(20, 20, 20))
            draw.text((45 + caption_w, y + size * 0.3), value, font=font, fill=(20, 20, 20))
        else:
            draw.text((45, y + size * 0.3), value, font=font, fill=(20, 20, 20))
        y += row_h
    for line in spec.noise:
        draw.text((45, y + size * 0.3), line, font=font, fill=(60, 60, 60))
        y += row_h
    x_code = table_w + 60
    if spec.qr_text:
        plate.paste(_code_image(spec.qr_text, "QRCode", 220), (x_code, 40))
    if spec.code128_text:
        plate.paste(_code_image(spec.code128_text, "Code128", 220), (x_code, height - 120))
    return plate


def _code_image(text: str, fmt: str, side: int) -> Image.Image:
    import zxingcpp

    barcode = zxingcpp.create_barcode(text, getattr(zxingcpp.BarcodeFormat, fmt))
    scale = 4 if fmt == "QRCode" else 2
    image = barcode.to_image(scale=scale, add_quiet_zones=True)
    pil = Image.fromarray(np.asarray(image)).convert("RGB")
    if fmt == "QRCode":
        return pil.resize((side, side), Image.Resampling.NEAREST)
    return pil.resize((side, 80), Image.Resampling.NEAREST)


def _dial(spec: PlateSpec, font_choice: tuple[Path, int], rng: random.Random) -> Image.Image:
    side = 900
    centre = side / 2
    radius = 400
    plate = Image.new("RGB", (side, side), (40, 40, 45))
    draw = ImageDraw.Draw(plate)
    face = rng.choice([(250, 250, 250), (245, 243, 235)])
    draw.ellipse(
        (centre - radius, centre - radius, centre + radius, centre + radius),
        fill=face,
        outline=(30, 30, 30),
        width=10,
    )
    number_font = _font(font_choice, 40)
    scale = spec.dial_scale
    for i, label in enumerate(scale):
        angle = math.radians(225 - 270 * i / max(1, len(scale) - 1))
        x1, y1 = centre + 350 * math.cos(angle), centre - 350 * math.sin(angle)
        x2, y2 = centre + 310 * math.cos(angle), centre - 310 * math.sin(angle)
        draw.line((x1, y1, x2, y2), fill=(10, 10, 10), width=5)
        tx, ty = centre + 255 * math.cos(angle), centre - 255 * math.sin(angle)
        draw.text((tx, ty), label, font=number_font, fill=(10, 10, 10), anchor="mm")
    draw.text(
        (centre, centre + 70),
        spec.dial_unit,
        font=_font(font_choice, 46),
        fill=(10, 10, 10),
        anchor="mm",
    )
    rows = [value for _, value in spec.lines]
    # Type and model above the pivot, class below the unit, serial and maker under the scale's
    # ends so that the detector never joins a scale number to a text line.
    positions = [centre - 130, centre - 80, centre + 125, centre + 255, centre + 305]
    for row, y in zip(rows, positions, strict=False):
        if not row:
            continue
        half_width = math.sqrt(max(radius**2 - (y - centre) ** 2, 0)) - 30
        size = 36 if y < centre + 200 else 30
        font = _font(font_choice, size)
        while font.getlength(row) > 2 * half_width and size > 16:
            size -= 2
            font = _font(font_choice, size)
        draw.text((centre, y), row, font=font, fill=(20, 20, 20), anchor="mm")
    draw.polygon(
        [(centre - 8, centre), (centre + 8, centre), (centre + 150, centre - 200)],
        fill=(160, 20, 20),
    )
    return plate


def _degrade(plate: Image.Image, rng: random.Random) -> tuple[Image.Image, list[str]]:
    effects: list[str] = []
    margin = 60
    canvas = Image.new(
        "RGB", (plate.width + 2 * margin, plate.height + 2 * margin), (rng.randint(50, 90),) * 3
    )
    canvas.paste(plate, (margin, margin))
    photo = canvas
    if rng.random() < 0.08:
        photo = photo.rotate(180)
        effects.append("upside_down")
    angle = rng.uniform(-5, 5)
    if abs(angle) > 1:
        photo = photo.rotate(
            angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=(60, 60, 60)
        )
        effects.append(f"rotate_{angle:.1f}")
    if rng.random() < 0.5:
        photo = _perspective(photo, rng)
        effects.append("perspective")
    if rng.random() < 0.4:
        photo = photo.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.4)))
        effects.append("blur")
    arr = np.asarray(photo).astype(np.float32)
    np_rng = np.random.default_rng(rng.randint(0, 2**31))
    if rng.random() < 0.35:
        h, w = arr.shape[:2]
        cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
        yy, xx = np.mgrid[0:h, 0:w]
        spot = np.exp(-(((xx - cx) / (0.25 * w)) ** 2 + ((yy - cy) / (0.3 * h)) ** 2))
        arr += (spot * rng.uniform(50, 100))[:, :, None]
        effects.append("glare")
    if rng.random() < 0.3:
        arr *= rng.uniform(0.35, 0.6)
        effects.append("low_light")
    if rng.random() < 0.5:
        arr += np_rng.normal(0, rng.uniform(4, 10), arr.shape)
        effects.append("noise")
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)), effects


def _perspective(photo: Image.Image, rng: random.Random) -> Image.Image:
    w, h = photo.size
    jitter = 0.04
    src = [
        (rng.uniform(0, jitter) * w, rng.uniform(0, jitter) * h),
        (w - rng.uniform(0, jitter) * w, rng.uniform(0, jitter) * h),
        (w - rng.uniform(0, jitter) * w, h - rng.uniform(0, jitter) * h),
        (rng.uniform(0, jitter) * w, h - rng.uniform(0, jitter) * h),
    ]
    dst = [(0.0, 0.0), (float(w), 0.0), (float(w), float(h)), (0.0, float(h))]
    coeffs = _perspective_coeffs(dst, src)
    return photo.transform(
        (w, h),
        Image.Transform.PERSPECTIVE,
        coeffs,
        Image.Resampling.BICUBIC,
        fillcolor=(60, 60, 60),
    )


def _perspective_coeffs(
    dst: list[tuple[float, float]], src: list[tuple[float, float]]
) -> tuple[float, ...]:
    """The 8 coefficients Pillow wants, mapping output pixels back to input pixels."""
    rows = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    a = np.array(rows, dtype=np.float64)
    b = np.array([c for point in src for c in point], dtype=np.float64)
    return tuple(float(c) for c in np.linalg.solve(a, b))
