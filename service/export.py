"""Indicator tables written for spreadsheet users: CSV (UTF-8 with BOM, so Excel reads the
Chinese) and XLSX. Files are written to a temporary name and renamed, never left half-written."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

Row = dict[str, str | float | None]


def indicators_csv(rows: Sequence[Row], columns: Sequence[str]) -> str:
    """The rows as CSV text under the given column names."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: "" if row.get(c) is None else row.get(c) for c in columns})
    return buffer.getvalue()


def write_indicators(rows: Sequence[Row], columns: Sequence[str], path: Path, fmt: str) -> None:
    """Write the rows to `path` as csv or xlsx, atomically."""
    if fmt == "csv":
        data = indicators_csv(rows, columns).encode("utf-8-sig")
    elif fmt == "xlsx":
        data = _xlsx_bytes(rows, columns)
    else:
        raise ValueError(f"unknown export format {fmt!r} (csv or xlsx)")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _xlsx_bytes(rows: Sequence[Row], columns: Sequence[str]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "绩效指标"
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.get(c) for c in columns])
    sheet.freeze_panes = "A2"
    for letter, name in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", columns, strict=False):
        sheet.column_dimensions[letter].width = 28 if name in ("三级指标", "偏差原因") else 12
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
