"""Checks of single field values that every entity shares: enum members, trimmed text of a
bounded length, phone and email shapes. Each refusal names the field, the value and what is
allowed, with a message id for the pages."""

from __future__ import annotations

import enum
import re
from typing import TypeVar

from samplehub.core.domain.errors import InvalidValue
from samplehub.core.domain.messages import Message

PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,19}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


E = TypeVar("E", bound=enum.Enum)


def enum_value(kind: type[E], field_name: str, value: object) -> E:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(str(m.value) for m in kind)
        one_of = Message("core.allowed_one_of", {"values": allowed})
        raise InvalidValue(field_name, value, allowed, one_of) from None


def text_field(
    field_name: str, value: str | None, max_len: int, required: bool = True
) -> str | None:
    if value is None or not value.strip():
        if required:
            raise InvalidValue(
                field_name,
                value,
                f"non-empty text of at most {max_len} characters",
                Message("core.allowed_text", {"max_len": max_len}),
            )
        return None
    value = value.strip()
    if len(value) > max_len:
        raise InvalidValue(
            field_name,
            value,
            f"at most {max_len} characters",
            Message("core.allowed_max_chars", {"max_len": max_len}),
        )
    return value


def item_quantity(quantity: int, serial_number: str | None) -> None:
    """1 to 999 of one kind of instrument; exactly 1 when a serial number names the one."""
    if not 1 <= quantity <= 999:
        raise InvalidValue("items.quantity", quantity, "1 to 999", Message("core.allowed_quantity"))
    if serial_number and quantity != 1:
        one = Message("core.allowed_quantity_with_serial")
        raise InvalidValue("items.quantity", quantity, "1 when a serial number is given", one)
