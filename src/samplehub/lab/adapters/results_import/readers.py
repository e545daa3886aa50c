"""Read CSV files and Excel workbooks into plain tables of cells for ``sheets``, within the
upload limits of ``limits`` (size, rows, columns, cells, decompression)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from samplehub.lab.adapters.results_import.limits import SheetLimits
from samplehub.lab.adapters.results_import.sheets import (
    CellProblem,
    SheetImportError,
    calibration_sheet,
    gauge_sheet,
)
from samplehub.lab.domain.calibration import CalibrationReading
from samplehub.lab.domain.jjg52 import ElasticGaugeRule, GaugeSpec, PointReadings

Table = list[Sequence[object]]
DEFAULT_LIMITS = SheetLimits()


def read_csv(name: str, data: bytes, limits: SheetLimits = DEFAULT_LIMITS) -> Table:
    """UTF-8 (with or without BOM) or GB18030, as Chinese Excel saves CSV; ``,`` or ``;``."""
    limits.check_size(name, data)
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
    return list(limits.bounded(name, csv.reader(io.StringIO(text), delimiter=delimiter)))


def read_excel(
    name: str, data: bytes, sheet: str | None = None, limits: SheetLimits = DEFAULT_LIMITS
) -> Table:
    """The first (or named) worksheet's cell values; formulas as their cached results.

    The zip's directory and the sheet's declared dimension are checked before a cell is read;
    then the declaration is dropped (read-only mode would pad every row to it) and the rows
    actually there are counted as they come."""
    limits.check_size(name, data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            limits.check_zip(name, archive)
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
        if isinstance(worksheet, ReadOnlyWorksheet):
            rows, columns = worksheet.max_row, worksheet.max_column
            if rows is not None and columns is not None:
                limits.check_dimension(name, rows, columns, "declared dimension")
            worksheet.reset_dimensions()
        return list(limits.bounded(name, worksheet.iter_rows(values_only=True)))
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


def read_table_bytes(
    name: str, data: bytes, sheet: str | None = None, limits: SheetLimits = DEFAULT_LIMITS
) -> Table:
    """Read an uploaded file's bytes, picking the reader by the suffix of ``name``."""
    if _check_suffix(name) == ".csv":
        return read_csv(name, data, limits)
    return read_excel(name, data, sheet, limits)


class SheetResultsReader:
    """Implements ``ResultsSheetReader`` over CSV and Excel uploads, within ``limits``."""

    def __init__(self, limits: SheetLimits = DEFAULT_LIMITS) -> None:
        self.limits = limits

    def read_gauge(
        self, name: str, data: bytes, spec: GaugeSpec, rule: ElasticGaugeRule
    ) -> tuple[PointReadings, ...]:
        table = read_table_bytes(name, data, limits=self.limits)
        return gauge_sheet(name, table).validated(spec, rule).points

    def read_calibration(self, name: str, data: bytes) -> list[CalibrationReading]:
        return calibration_sheet(name, read_table_bytes(name, data, limits=self.limits))
