"""The instrument a sample is (as read from its nameplate or typed in), and its storage sizes.

A value object shared by intake, storage and the lab; it keeps its own validation and its
JSON form, which custody records and sample rows store.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from samplehub.core.domain.errors import InvalidValue
from samplehub.core.domain.fields import text_field
from samplehub.core.domain.messages import Message

SIZE_CLASSES = ("S", "M", "L", "XL")
"""Storage slot sizes, smallest first (a sample fits in its class or any larger)."""


@dataclass(frozen=True)
class Instrument:
    """The instrument a sample is, as read from its nameplate or typed in."""

    instrument_type: str
    manufacturer: str | None = None
    model: str | None = None
    serial_number: str | None = None
    range_min: Decimal | None = None
    range_max: Decimal | None = None
    unit: str | None = None
    accuracy_class: str | None = None
    asset_id: str | None = None
    size_class: str | None = None  # storage size (S, M, L, XL) given at intake; else by rule

    def __post_init__(self) -> None:
        text_field("instrument.instrument_type", self.instrument_type, 60)
        if self.size_class is not None and self.size_class not in SIZE_CLASSES:
            raise InvalidValue("instrument.size_class", self.size_class, ", ".join(SIZE_CLASSES))
        for name in (
            "manufacturer",
            "model",
            "serial_number",
            "unit",
            "accuracy_class",
            "asset_id",
        ):
            text_field(f"instrument.{name}", getattr(self, name), 80, required=False)
        if (self.range_min is None) != (self.range_max is None):
            raise InvalidValue(
                "instrument.range",
                (self.range_min, self.range_max),
                "both bounds or neither",
                Message("core.allowed_both_bounds"),
            )
        if self.range_min is not None and self.range_max is not None:
            if self.range_min >= self.range_max:
                raise InvalidValue(
                    "instrument.range_max",
                    str(self.range_max),
                    f"greater than {self.range_min}",
                    Message("core.allowed_greater_than", {"bound": str(self.range_min)}),
                )
            if not self.unit:
                raise InvalidValue(
                    "instrument.unit",
                    self.unit,
                    "a unit when a range is given",
                    Message("core.allowed_unit_with_range"),
                )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if data["size_class"] is None:  # records made before storage sizes stay as they were
            del data["size_class"]
        for bound in ("range_min", "range_max"):
            if data[bound] is not None:
                data[bound] = str(data[bound])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Instrument:
        values = dict(data)
        for bound in ("range_min", "range_max"):
            raw = values.get(bound)
            if raw is not None:
                try:
                    values[bound] = Decimal(str(raw))
                except InvalidOperation:
                    number = Message("core.allowed_number")
                    raise InvalidValue(f"instrument.{bound}", raw, "a number", number) from None
        unknown = set(values) - set(cls.__dataclass_fields__)
        if unknown:
            raise InvalidValue("instrument", sorted(unknown), ", ".join(cls.__dataclass_fields__))
        return cls(**values)
