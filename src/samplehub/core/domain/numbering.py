"""Number schemes for samples (JX2026-000123) and orders (WT2026-000045)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from samplehub.core.domain.errors import InvalidValue


@dataclass(frozen=True)
class NumberScheme:
    """``{prefix}{year}-{sequence}`` with the sequence zero-padded to ``width`` digits."""

    prefix: str
    width: int = 6

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Z]{1,6}", self.prefix):
            raise InvalidValue("prefix", self.prefix, "1 to 6 capital letters")
        if not 3 <= self.width <= 10:
            raise InvalidValue("width", self.width, "3 to 10")

    def format(self, year: int, sequence: int) -> str:
        if not 1 <= sequence < 10**self.width:
            raise InvalidValue("sequence", sequence, f"1 to {10**self.width - 1}")
        return f"{self.prefix}{year:04d}-{sequence:0{self.width}d}"

    def parse(self, number: str) -> tuple[int, int]:
        """Return (year, sequence) of a number made by this scheme."""
        match = re.fullmatch(rf"{self.prefix}(\d{{4}})-(\d{{{self.width}}})", number)
        if not match:
            example = self.format(2026, 123)
            raise InvalidValue("number", number, f"the form {example}")
        return int(match.group(1)), int(match.group(2))
