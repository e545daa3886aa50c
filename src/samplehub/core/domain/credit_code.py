"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from a 31-character set (digits and capitals without I, O, Z, S, V); the last one
is a check character computed modulo 31 over the first 17 with fixed weights 3^i mod 31.
"""

from __future__ import annotations

from samplehub.core.domain.errors import InvalidValue
from samplehub.core.domain.messages import Message

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_ALLOWED = (
    "18 characters of 0-9 and A-Y without I, O, S, V, Z, ending in the GB 32100 check character"
)


def check_character(first17: str) -> str:
    """The check character for the first 17 characters of a code."""
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str, field: str = "credit_code") -> str:
    """Return the code in canonical form (upper case, trimmed) or raise InvalidValue."""
    code = value.strip().upper()
    if len(code) != 18 or any(ch not in ALPHABET for ch in code):
        raise InvalidValue(field, value, _ALLOWED, Message("core.allowed_credit_code"))
    expected = check_character(code[:17])
    if code[17] != expected:
        raise InvalidValue(
            field,
            value,
            f"check character {expected!r} (GB 32100-2015)",
            Message("core.allowed_check_character", {"expected": expected}),
        )
    return code
