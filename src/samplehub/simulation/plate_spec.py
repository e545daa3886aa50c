"""What a simulated nameplate says and how it is written: the generator makes it, the renderer
draws it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class PlateSpec:
    """One plate's truth and how it is written; rendering turns it into an image."""

    language: str
    kind_index: int
    fields: dict[str, Any]
    lines: list[tuple[str, str]]  # (caption as printed or "", value as printed)
    noise: list[str]
    dial_scale: list[str] = field(default_factory=list)
    dial_unit: str = ""
    qr_text: str | None = None
    code128_text: str | None = None
