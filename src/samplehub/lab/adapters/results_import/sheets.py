"""Turn a table of cells (from CSV or Excel) into domain readings, every problem named by cell.

The whole sheet is checked before anything is returned, and all problems are reported together,
so a user fixes the sheet once and nothing is saved half-way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from samplehub.core.domain.messages import Message
from samplehub.lab.domain.calibration import CalibrationReading
from samplehub.lab.domain.errors import MetrologyError, MetrologyInputError
from samplehub.lab.domain.jjg52 import (
    JJG52_2013,
    ElasticGaugeRule,
    GaugeSpec,
    PointReadings,
    validate_points,
)
from samplehub.lab.domain.numbers import parse_decimal

Cell = object
GAUGE_COLUMNS = {
    "standard": ("standard", "检定点", "标准值", "标准器示值"),
    "up_before_tap": ("up_before_tap", "升压轻敲前"),
    "up_after_tap": ("up_after_tap", "升压轻敲后"),
    "down_before_tap": ("down_before_tap", "降压轻敲前"),
    "down_after_tap": ("down_after_tap", "降压轻敲后"),
}
CALIBRATION_COLUMNS = {
    "nominal": ("nominal", "标准值"),
    "as_found": ("as_found", "校准前示值"),
    "as_left": ("as_left", "校准后示值", "示值"),
    "expanded_uncertainty": ("expanded_uncertainty", "U", "扩展不确定度"),
    "coverage_factor": ("coverage_factor", "k", "包含因子"),
}
OPTIONAL = {"as_found"}
_EXTRA = "a cell under a known column (in CSV a decimal comma splits a number: write 1.6, not 1,6)"


@dataclass(frozen=True)
class CellProblem:
    """One bad cell (or header), in A1 notation, with what is allowed there."""

    cell: str
    column: str
    value: object
    allowed: str

    def __str__(self) -> str:
        return f"{self.cell} ({self.column}): {self.value!r} — {self.allowed}"


class SheetImportError(MetrologyError):
    """A sheet that cannot be imported; ``problems`` lists every bad cell."""

    def __init__(self, source: str, problems: Sequence[CellProblem]):
        self.source = source
        self.problems = tuple(problems)
        shown = "; ".join(str(p) for p in self.problems[:10])
        more = f" (+{len(self.problems) - 10} more)" if len(self.problems) > 10 else ""
        super().__init__(f"{source}: {shown}{more}")
        listed = "；".join(str(p) for p in self.problems[:10])
        self.text = Message(
            "lab.sheet_errors", {"source": source, "count": len(self.problems), "problems": listed}
        )


@dataclass(frozen=True)
class GaugeSheet:
    """Check-point readings from a sheet, with the row each came from."""

    source: str
    points: tuple[PointReadings, ...]
    rows: tuple[int, ...]
    columns: dict[str, int]

    def validated(self, spec: GaugeSpec, rule: ElasticGaugeRule = JJG52_2013) -> GaugeSheet:
        """Check the points against the gauge; a per-point error is reported at its cell."""
        try:
            validate_points(spec, self.points, rule)
        except MetrologyInputError as exc:
            match = re.fullmatch(r"points\[(\d+)\]\.(\w+)", exc.field)
            if match is None:
                raise SheetImportError(
                    self.source, [CellProblem("sheet", exc.field, exc.value, exc.allowed)]
                ) from exc
            row, field = self.rows[int(match[1])], match[2]
            cell = f"{column_letter(self.columns[field])}{row}"
            raise SheetImportError(
                self.source, [CellProblem(cell, field, exc.value, exc.allowed)]
            ) from exc
        return self


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def gauge_sheet(source: str, table: Sequence[Sequence[Cell]]) -> GaugeSheet:
    """Read JJG 52 check points: one row per point, four readings each."""
    columns, rows = _body(source, table, GAUGE_COLUMNS)
    points, row_numbers = [], []
    problems: list[CellProblem] = []
    for number, row in rows:
        values = _row_values(row, number, columns, problems)
        if len(values) == len(GAUGE_COLUMNS):
            points.append(PointReadings(**values))
            row_numbers.append(number)
    if problems:
        raise SheetImportError(source, problems)
    return GaugeSheet(source, tuple(points), tuple(row_numbers), columns)


def calibration_sheet(source: str, table: Sequence[Sequence[Cell]]) -> list[CalibrationReading]:
    """Read calibration points: reference, as found (optional), as left, U and k."""
    columns, rows = _body(source, table, CALIBRATION_COLUMNS)
    readings = []
    problems: list[CellProblem] = []
    for number, row in rows:
        values = _row_values(row, number, columns, problems)
        if len(values) == len(columns):
            readings.append(CalibrationReading(**values))
    if problems:
        raise SheetImportError(source, problems)
    return readings


def _body(
    source: str, table: Sequence[Sequence[Cell]], wanted: dict[str, tuple[str, ...]]
) -> tuple[dict[str, int], list[tuple[int, Sequence[Cell]]]]:
    if not table:
        raise SheetImportError(source, [CellProblem("A1", "header", None, "a header row")])
    aliases = {alias.casefold(): name for name, names in wanted.items() for alias in names}
    columns: dict[str, int] = {}
    problems = []
    for index, heading in enumerate(table[0]):
        text = "" if heading is None else str(heading).strip()
        if not text:
            continue
        name = aliases.get(text.casefold())
        cell = f"{column_letter(index)}1"
        if name is None:
            allowed = "a known column: " + ", ".join(wanted)
            problems.append(CellProblem(cell, "header", text, f"unexpected column; {allowed}"))
        elif name in columns:
            problems.append(CellProblem(cell, "header", text, "each column once"))
        else:
            columns[name] = index
    for name in wanted:
        if name not in columns and name not in OPTIONAL:
            problems.append(
                CellProblem(
                    "1", "header", name, f"missing column {name} ({'/'.join(wanted[name])})"
                )
            )
    if problems:
        raise SheetImportError(source, problems)
    rows = [
        (number, row)
        for number, row in enumerate(table[1:], start=2)
        if any(cell is not None and str(cell).strip() for cell in row)
    ]
    if not rows:
        raise SheetImportError(source, [CellProblem("A2", "rows", None, "at least one data row")])
    return columns, rows


def _row_values(
    row: Sequence[Cell], number: int, columns: dict[str, int], problems: list[CellProblem]
) -> dict[str, Decimal]:
    values: dict[str, Decimal] = {}
    for name, index in columns.items():
        raw = row[index] if index < len(row) else None
        cell = f"{column_letter(index)}{number}"
        if raw is None or str(raw).strip() == "":
            problems.append(CellProblem(cell, name, raw, "a reading; this cell is empty"))
            continue
        try:
            values[name] = parse_decimal(raw, name)
        except MetrologyInputError as exc:
            problems.append(CellProblem(cell, name, raw, exc.allowed))
    extra = [i for i in range(len(row)) if i not in columns.values() and _filled(row[i])]
    for index in extra:
        problems.append(
            CellProblem(
                f"{column_letter(index)}{number}",
                "extra",
                row[index],
                "a cell under a known column",
            )
        )
    return values


def _filled(cell: Cell) -> bool:
    return cell is not None and str(cell).strip() != ""
