"""Readings imported from CSV and Excel files, and every kind of bad sheet named by its cell."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from samplehub.lab.adapters.results_import.readers import SheetResultsReader, read_table
from samplehub.lab.adapters.results_import.sheets import (
    SheetImportError,
    calibration_sheet,
    column_letter,
    gauge_sheet,
)
from samplehub.lab.domain import demo
from samplehub.lab.domain.jjg52 import JJG52_2013, GaugeSpec, evaluate
from samplehub.web.error_text import error_text
from samplehub.web.i18n import Translator

ZH_HEADER = "检定点,升压轻敲前,升压轻敲后,降压轻敲前,降压轻敲后"
EN_HEADER = ["standard", "up_before_tap", "up_after_tap", "down_before_tap", "down_after_tap"]
ROWS = [
    ["0", "0.000", "0.000", "0.002", "0.002"],
    ["0.4", "0.402", "0.404", "0.408", "0.410"],
    ["0.8", "0.806", "0.808", "0.812", "0.812"],
    ["1.2", "1.204", "1.206", "1.212", "1.214"],
    ["1.6", "1.610", "1.612", "1.612", "1.612"],
]


def write_csv(
    tmp_path: Path,
    header: str,
    rows: list[list[str]],
    name: str = "r.csv",
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Path:
    path = tmp_path / name
    lines = [header, *(delimiter.join(r) for r in rows)]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def write_xlsx(tmp_path: Path, header: list[str], rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    sheet.append([])
    path = tmp_path / "r.xlsx"
    workbook.save(path)
    return path


def problems(exc: pytest.ExceptionInfo[SheetImportError]) -> list[tuple[str, str]]:
    return [(p.cell, p.column) for p in exc.value.problems]


def test_csv_with_chinese_headers_gives_the_domain_readings(tmp_path: Path) -> None:
    path = write_csv(tmp_path, ZH_HEADER, ROWS)
    sheet = gauge_sheet(path.name, read_table(path)).validated(demo.GAUGE)
    assert sheet.points == demo.PASSING_POINTS
    assert evaluate(demo.GAUGE, sheet.points, [Decimal(0)]).passed


def test_excel_numbers_give_the_same_readings(tmp_path: Path) -> None:
    rows: list[list[object]] = [[float(v) for v in row] for row in ROWS]
    path = write_xlsx(tmp_path, EN_HEADER, rows)
    sheet = gauge_sheet(path.name, read_table(path)).validated(demo.GAUGE)
    assert [p.standard for p in sheet.points] == [Decimal(r[0]) for r in ROWS]
    assert sheet.points[1].down_after_tap == Decimal("0.41")


def test_gb18030_semicolon_csv_reports_a_decimal_comma_at_its_cell(tmp_path: Path) -> None:
    rows = [list(r) for r in ROWS]
    rows[2][3] = "0,812"
    path = write_csv(tmp_path, ZH_HEADER.replace(",", ";"), rows, delimiter=";", encoding="gb18030")
    with pytest.raises(SheetImportError) as info:
        gauge_sheet(path.name, read_table(path))
    assert problems(info) == [("D4", "down_before_tap")]
    assert "write 0.812" in str(info.value)


def test_missing_and_unknown_columns_are_named(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path, "检定点,升压轻敲前,升压轻敲后,降压轻敲前,备注", [[*r[:4], "x"] for r in ROWS]
    )
    with pytest.raises(SheetImportError) as info:
        gauge_sheet(path.name, read_table(path))
    assert problems(info) == [("E1", "header"), ("1", "header")]
    assert "备注" in str(info.value)
    assert "missing column down_after_tap" in str(info.value)


def test_every_bad_cell_is_reported_at_once(tmp_path: Path) -> None:
    rows = [list(r) for r in ROWS]
    rows[0][2] = "abc"
    rows[3][4] = ""
    rows[4] = [*rows[4], "7"]
    path = write_csv(tmp_path, ZH_HEADER, rows)
    with pytest.raises(SheetImportError) as info:
        gauge_sheet(path.name, read_table(path))
    assert problems(info) == [("C2", "up_after_tap"), ("E5", "down_after_tap"), ("F6", "extra")]
    assert "3 处错误" in error_text(Translator("zh-CN"), info.value)


def test_reading_outside_the_range_is_named_by_cell(tmp_path: Path) -> None:
    rows = [list(r) for r in ROWS]
    rows[4][0] = "1.7"
    path = write_csv(tmp_path, ZH_HEADER, rows)
    with pytest.raises(SheetImportError) as info:
        gauge_sheet(path.name, read_table(path)).validated(demo.GAUGE)
    assert problems(info) == [("A6", "standard")]


def test_missing_required_point_is_reported(tmp_path: Path) -> None:
    path = write_csv(tmp_path, ZH_HEADER, [*ROWS[:4], ["1.0", "1", "1", "1", "1"]])
    with pytest.raises(SheetImportError) as info:
        gauge_sheet(path.name, read_table(path)).validated(demo.GAUGE)
    assert problems(info) == [("sheet", "points.standard")]
    assert "1.6" in str(info.value)


def test_header_only_and_wrong_files(tmp_path: Path) -> None:
    path = write_csv(tmp_path, ZH_HEADER, [])
    with pytest.raises(SheetImportError, match="at least one data row"):
        gauge_sheet(path.name, read_table(path))
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(SheetImportError, match="xlsx workbook"):
        read_table(fake)
    with pytest.raises(SheetImportError, match=r"\.csv or \.xlsx"):
        read_table(tmp_path / "r.ods")


def test_named_sheet_must_exist(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path, EN_HEADER, [])
    with pytest.raises(SheetImportError, match="Sheet"):
        read_table(path, sheet="结果")


def test_calibration_sheet_without_as_found(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path, ["标准值", "校准后示值", "U", "k"], [[0, 0.12, 0.062, 2], [50, 50.08, 0.07, 2]]
    )
    readings = calibration_sheet(path.name, read_table(path))
    assert [r.as_left for r in readings] == [Decimal("0.12"), Decimal("50.08")]
    assert readings[0].as_found is None


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 27, 701)] == ["A", "Z", "AA", "AB", "ZZ"]


def test_reader_port_reads_uploaded_bytes(tmp_path: Path) -> None:
    path = write_csv(tmp_path, ZH_HEADER, ROWS)
    reader = SheetResultsReader()
    assert (
        reader.read_gauge("up.csv", path.read_bytes(), demo.GAUGE, JJG52_2013)
        == demo.PASSING_POINTS
    )
    with pytest.raises(SheetImportError) as info:
        reader.read_gauge(
            "up.csv",
            path.read_bytes(),
            GaugeSpec(Decimal(0), Decimal("1"), "MPa", "1.6"),
            JJG52_2013,
        )
    assert problems(info) == [("A5", "standard")]


def test_unreadable_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(SheetImportError, match="readable file"):
        read_table(tmp_path / "absent.csv")
