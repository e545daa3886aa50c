"""A table as a CSV download that a spreadsheet opens as it is meant: UTF-8 with a byte-order
mark (Excel otherwise reads Chinese as mojibake), and no cell a spreadsheet would run as a
formula (a text starting with ``=``, ``+``, ``-``, ``@`` or a tab gets a leading ``'``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from fastapi.responses import Response

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_download(header: Sequence[str], rows: Iterable[Sequence[object]], name: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
