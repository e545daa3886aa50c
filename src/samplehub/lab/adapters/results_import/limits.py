"""How big an uploaded results sheet may be, checked before and while it is parsed.

A workbook is a zip of XML: a few kilobytes can declare a sheet of `A1:XFD1048576` (17 billion
cells) or inflate to gigabytes. So the zip's directory is checked first (total uncompressed size
and the ratio of each member), then the sheet's declared dimension, and rows and columns are
counted again as they are read, never trusting the declaration to size anything."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from samplehub.core.domain.errors import InvalidValue
from samplehub.core.domain.messages import Message
from samplehub.lab.adapters.results_import.sheets import CellProblem, SheetImportError


class SheetLimitError(SheetImportError, InvalidValue):
    """The sheet's size, rows, columns, cells or decompression are over a limit: bad input
    naming the limit (HTTP 422; the upload route refuses an oversized body itself with 413)."""

    def __init__(self, source: str, problem: CellProblem) -> None:
        InvalidValue.__init__(self, problem.column, problem.value, problem.allowed)
        self.source, self.problems = source, (problem,)
        self.text = Message(
            "lab.sheet_errors", {"source": source, "count": 1, "problems": str(problem)}
        )
        self.args = (f"{source}: {problem}",)


@dataclass(frozen=True)
class SheetLimits:
    """Limits of one uploaded sheet; the defaults are far above any results sheet."""

    max_bytes: int = 5_000_000
    max_rows: int = 10_000
    max_columns: int = 100
    max_cells: int = 200_000
    max_uncompressed_bytes: int = 50_000_000
    max_ratio: int = 100

    def check_size(self, name: str, data: bytes) -> None:
        if len(data) > self.max_bytes:
            raise SheetLimitError(
                name, CellProblem("file", "size", len(data), f"at most {self.max_bytes} bytes")
            )

    def check_zip(self, name: str, archive: zipfile.ZipFile) -> None:
        """Refuse a zip bomb from its directory alone, before any member is inflated."""
        total = 0
        for info in archive.infolist():
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > 1_000_000 and ratio > self.max_ratio:
                raise SheetLimitError(
                    name,
                    CellProblem(
                        info.filename,
                        "compression_ratio",
                        round(ratio),
                        f"at most {self.max_ratio}:1 for members over 1 MB",
                    ),
                )
        if total > self.max_uncompressed_bytes:
            raise SheetLimitError(
                name,
                CellProblem(
                    "file",
                    "uncompressed_size",
                    total,
                    f"at most {self.max_uncompressed_bytes} bytes uncompressed",
                ),
            )

    def check_dimension(self, name: str, rows: int, columns: int, where: str) -> None:
        """`where` says whose figures these are: the declared dimension or the cells read."""
        for field, value, limit in (
            ("rows", rows, self.max_rows),
            ("columns", columns, self.max_columns),
            ("cells", rows * columns, self.max_cells),
        ):
            if value > limit:
                raise SheetLimitError(
                    name, CellProblem(where, field, value, f"at most {limit} {field}")
                )

    def bounded(self, name: str, rows: Iterable[Sequence[object]]) -> Iterator[list[object]]:
        """The rows as lists, refused as soon as the ones read pass a limit."""
        widest = 0
        for count, row in enumerate(rows, start=1):
            cells = list(row) if len(row) <= self.max_columns else list(row[: self.max_columns + 1])
            widest = max(widest, len(cells))
            self.check_dimension(name, count, widest, "read")
            yield cells
