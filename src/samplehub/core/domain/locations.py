"""Typed locations, so that "where is the sample now" always has exactly one answer."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from samplehub.core.domain.errors import InvalidValue


class LocationKind(enum.StrEnum):
    CUSTOMER = "customer"  # with the customer: before hand-in and after collection
    INTAKE_PLATFORM = "intake_platform"  # 送样平台
    STORAGE_SLOT = "storage_slot"  # 货位
    ROBOT = "robot"
    STAFF = "staff"  # carried by a named staff member (manual move)
    LAB_BENCH = "lab_bench"
    LOCKER_COMPARTMENT = "locker_compartment"  # 样品柜格口
    COUNTER = "counter"  # staff counter


@dataclass(frozen=True)
class Location:
    kind: LocationKind
    code: str

    def __post_init__(self) -> None:
        if not self.code or len(self.code) > 64:
            raise InvalidValue("location.code", self.code, "1 to 64 characters")

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.code}"

    @classmethod
    def parse(cls, text: str, field: str = "location") -> Location:
        """Parse ``kind:code`` such as ``storage_slot:A-03-2-07``."""
        kind, sep, code = text.partition(":")
        allowed = ", ".join(k.value for k in LocationKind)
        if not sep:
            raise InvalidValue(field, text, f"kind:code with kind one of {allowed}")
        try:
            return cls(LocationKind(kind), code)
        except ValueError:
            raise InvalidValue(f"{field}.kind", kind, allowed) from None
