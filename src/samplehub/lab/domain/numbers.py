"""Decimal parsing and the rounding rules shared by verification and calibration results.

Readings arrive as text from pages, sheets and instruments; they are parsed here, strictly, so a
decimal comma or a stray unit is reported rather than guessed at.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, ROUND_UP, Decimal, InvalidOperation

from samplehub.core.domain.messages import Message
from samplehub.lab.domain.errors import MetrologyInputError

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


def _not_a_number(field: str, text: object) -> MetrologyInputError:
    return MetrologyInputError(field, text, "a number such as 1.6", Message("lab.allowed_number"))


def parse_decimal(text: object, field: str) -> Decimal:
    """Parse one reading; refuse decimal commas, blanks, units and non-finite values."""
    if isinstance(text, Decimal):
        value = text
    elif isinstance(text, bool) or text is None:
        raise _not_a_number(field, text)
    elif isinstance(text, int):
        value = Decimal(text)
    elif isinstance(text, float):
        value = Decimal(repr(text))
    elif isinstance(text, str):
        stripped = text.strip()
        if _DECIMAL_COMMA.match(stripped):
            raise MetrologyInputError(
                field,
                text,
                f"a decimal point, not a decimal comma (write {stripped.replace(',', '.')})",
                Message("lab.allowed_decimal_point", {"written": stripped.replace(",", ".")}),
            )
        if not _NUMBER.match(stripped):
            raise _not_a_number(field, text)
        try:
            value = Decimal(stripped)
        except InvalidOperation as exc:  # pragma: no cover - the pattern already rules this out
            raise _not_a_number(field, text) from exc
    else:
        raise _not_a_number(field, text)
    if not value.is_finite():
        raise MetrologyInputError(field, text, "a finite number", Message("lab.allowed_finite"))
    return value


def round_half_even(value: Decimal, quantum: Decimal) -> Decimal:
    """Round to a multiple of ``quantum`` by GB/T 8170's rule (四舍六入五成双, half to even)."""
    return value.quantize(quantum, rounding=ROUND_HALF_EVEN)


def mpe_quantum(mpe: Decimal) -> Decimal:
    """The rounding interval implied by a maximum permissible error: its third significant figure.

    Every MPE of JJG 52's class table over the GB/T 1226 range series (1, 1.6, 2.5, 4, 6 x 10^n,
    and the pressure-vacuum spans) has at most three significant figures, so a result exactly at
    the MPE stays exactly at it after rounding, and the interval is at least ten times finer than
    the reading resolution (a fifth of a scale division), so rounding never moves a decision by
    more than one hundredth of the MPE.
    """
    magnitude = abs(mpe)
    if magnitude == 0:
        raise MetrologyInputError(
            "mpe", mpe, "a non-zero maximum permissible error", Message("lab.allowed_nonzero_mpe")
        )
    return Decimal(1).scaleb(magnitude.adjusted() - 2)


def significant_round_up(value: Decimal, figures: int = 2) -> Decimal:
    """Round an uncertainty up to ``figures`` significant figures (JJF 1059.1: at most two)."""
    magnitude = abs(value)
    if magnitude == 0:
        return magnitude
    quantum = Decimal(1).scaleb(magnitude.adjusted() - figures + 1)
    return magnitude.quantize(quantum, rounding=ROUND_UP)


def format_signed(value: Decimal) -> str:
    """A number with an explicit sign, as results tables print errors (+0.012, -0.004, 0.000)."""
    if value == 0:
        return f"{abs(value)}"
    return f"+{value}" if value > 0 else f"{value}"
