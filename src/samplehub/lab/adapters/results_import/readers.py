"""Read CSV files and Excel workbooks into plain tables of cells for ``sheets``."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from samplehub.lab.adapters.results_import.sheets import (
    CellProblem,
    SheetImportError,
    calibration_sheet,
    gauge_sheet,
)
from samplehub.lab.domain.calibration import CalibrationReading
from samplehub.lab.domain.jjg52 import ElasticGaugeRule, GaugeSpec, PointReadings

Table = list[Sequence[object]]


def read_csv(name: str, data: bytes) -> Table:
    """UTF-8 (with or without BOM) or GB18030, as Chinese Excel saves CSV; ``,`` or ``;``."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise SheetImportError(name, [CellProblem("file", "encoding", None, "UTF-8 text")])
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def read_excel(name: str, data: bytes, sheet: str | None = None) -> Table:
    """The first (or named) worksheet's cell values; formulas as their cached results."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SheetImportError(
            name, [CellProblem("file", "workbook", name, f"an .xlsx workbook ({exc})")]
        ) from exc
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise SheetImportError(
                name,
                [CellProblem("file", "sheet", sheet, "one of " + ", ".join(workbook.sheetnames))],
            )
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        return [list(row) for row in worksheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def read_table(path: Path, sheet: str | None = None) -> Table:
    """Read a file, picking the reader by its suffix."""
    _check_suffix(path.name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SheetImportError(
            path.name, [CellProblem("file", "path", str(path), f"a readable file ({exc.strerror})")]
        ) from exc
    return read_table_bytes(path.name, data, sheet)


def _check_suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise SheetImportError(name, [CellProblem("file", "suffix", suffix, ".csv or .xlsx")])
    return suffix


def read_table_bytes(name: str, data: bytes, sheet: str | None = None) -> Table:
    """Read an uploaded file's bytes, picking the reader by the suffix of ``name``."""
    if _check_suffix(name) == ".csv":
        return read_csv(name, data)
    return read_excel(name, data, sheet)


class SheetResultsReader:
    """Implements ``ResultsSheetReader`` over CSV and Excel uploads."""

    def read_gauge(
        self, name: str, data: bytes, spec: GaugeSpec, rule: ElasticGaugeRule
    ) -> tuple[PointReadings, ...]:
        return gauge_sheet(name, read_table_bytes(name, data)).validated(spec, rule).points

    def read_calibration(self, name: str, data: bytes) -> list[CalibrationReading]:
        return calibration_sheet(name, read_table_bytes(name, data))
