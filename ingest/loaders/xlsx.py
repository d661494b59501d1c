"""XLSX (openpyxl) and XLS (xlrd): one page per sheet, holding the sheet's table.

Cells are shown as Excel shows them: a number takes its cell's number format ("0.00" → 80.00,
"0.00%" → 92.28%), merged cells repeat their top-left value, and leading rows that hold a single
value across the sheet (a title, a "单位：万元" line) are read as the table's title and a text line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import openpyxl
import xlrd

from ingest.loaders.base import Block, LoadedDocument, Page, TableBlock, TextBlock
from ingest.loaders.cells import count_header_rows, drop_blank_rows, join_cell_lines, pad_rows

Grid = list[list[str]]
Merge = tuple[int, int, int, int]  # first row, first column, last row, last column; 0-based

# Parts of a number format that are not digits: "literals", \e, [Red], _) padding, *- fill.
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
_DIGITS_PATTERN = re.compile(r"[#0?,]*\.?[#0?]*")


def load_xlsx(path: Path) -> LoadedDocument:
    """Read an .xlsx workbook; every worksheet becomes a named page."""
    # read_only=False: read-only mode does not report merged ranges.
    book = openpyxl.load_workbook(path, read_only=False, data_only=True)
    try:
        pages = [
            Page(blocks=read_sheet(*_openpyxl_grid(sheet)), name=sheet.title)
            for sheet in book.worksheets
        ]
        title = (book.properties.title or "").strip() or None
    finally:
        book.close()
    return LoadedDocument(path=path, format="xlsx", pages=pages, title=title)


def load_xls(path: Path) -> LoadedDocument:
    """Read a legacy .xls workbook (BIFF) with xlrd; every sheet becomes a named page."""
    # formatting_info=True: without it xlrd reports neither merged cells nor number formats.
    book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    try:
        pages = [
            Page(blocks=read_sheet(*_xlrd_grid(book, sheet)), name=sheet.name)
            for sheet in book.sheets()
        ]
    finally:
        book.release_resources()
    return LoadedDocument(path=path, format="xls", pages=pages)


def _openpyxl_grid(sheet: Any) -> tuple[Grid, list[Merge]]:
    # Only cells that exist: iter_rows() would create every empty cell up to max_row, which a
    # stray format on row 1,048,576 turns into a million rows.
    cells = [cell for cell in sheet._cells.values() if cell.value is not None]
    height = max((cell.row for cell in cells), default=0)
    width = max((cell.column for cell in cells), default=0)
    grid = [[""] * width for _ in range(height)]
    for cell in cells:
        grid[cell.row - 1][cell.column - 1] = format_value(cell.value, cell.number_format)
    merges = [
        (r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1)
        for r in sheet.merged_cells.ranges
    ]
    return grid, merges


def _xlrd_grid(book: Any, sheet: Any) -> tuple[Grid, list[Merge]]:
    grid = [
        [_xlrd_text(book, sheet.cell(r, c)) for c in range(sheet.ncols)] for r in range(sheet.nrows)
    ]
    merges = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sheet.merged_cells]
    return grid, merges


def _xlrd_text(book: Any, cell: Any) -> str:
    kind, value = cell.ctype, cell.value
    if kind == xlrd.XL_CELL_NUMBER:
        xf = book.xf_list[cell.xf_index]
        fmt = book.format_map.get(xf.format_key)
        return format_value(value, fmt.format_str if fmt is not None else "General")
    if kind == xlrd.XL_CELL_DATE:
        return format_value(xlrd.xldate.xldate_as_datetime(value, book.datemode), "")
    if kind == xlrd.XL_CELL_BOOLEAN:
        return format_value(bool(value), "")
    if kind == xlrd.XL_CELL_ERROR:
        return str(xlrd.error_text_from_code.get(value, "#ERROR"))
    return format_value(value, "") if kind == xlrd.XL_CELL_TEXT else ""


def format_value(value: object, number_format: str) -> str:
    """A cell's value as the sheet displays it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return format_number(value, number_format)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return _format_date(value, number_format)
    return join_cell_lines(str(value).replace("\r\n", "\n"))


def format_number(value: float, number_format: str) -> str:
    """Apply the digits part of an Excel number format: decimals, thousands, percent."""
    section = _FORMAT_LITERALS.sub("", (number_format or "General").split(";")[0])
    if section.lower() in ("general", "", "@") or "e" in section.lower() or "/" in section:
        return _format_general(value)
    pattern = max(_DIGITS_PATTERN.findall(section), key=len, default="")
    whole, _, fraction = pattern.partition(".")
    number = Decimal(repr(value)) * (100 if "%" in section else 1)
    places = len(fraction.rstrip("#")) if "#" in fraction else len(fraction)
    rounded = number.quantize(Decimal(1).scaleb(-len(fraction)), rounding=ROUND_HALF_UP)
    text = f"{rounded:,f}" if "," in whole else f"{rounded:f}"
    if len(fraction) > places:  # optional digits (#) drop their trailing zeros
        text = _trim_zeros(text, places)
    return text + ("%" if "%" in section else "")


def _trim_zeros(text: str, keep: int) -> str:
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0").ljust(keep, "0")
    return f"{whole}.{fraction}" if fraction else whole


def _format_general(value: float) -> str:
    if isinstance(value, int) or value.is_integer():
        return str(int(value))
    text = f"{value:.15g}"  # 15 significant digits, as Excel keeps: 0.1 + 0.2 shows 0.3
    # Excel writes large and tiny numbers out in full in a wide column; so do we.
    return format(Decimal(text), "f") if "e" in text else text


def _format_date(value: dt.datetime | dt.date | dt.time, number_format: str) -> str:
    if isinstance(value, dt.time):
        return value.isoformat()
    day = value.date() if isinstance(value, dt.datetime) else value
    if "年" in number_format:
        return (
            f"{day.year}年{day.month}月{day.day}日"
            if "日" in number_format
            else f"{day.year}年{day.month}月"
        )
    if isinstance(value, dt.datetime) and value.time() != dt.time():
        return value.isoformat(sep=" ")
    return day.isoformat()


def read_sheet(grid: Grid, merges: Iterable[Merge]) -> list[Block]:
    """A sheet's grid as blocks: title lines, then the table (or text, for a single column)."""
    rows = _trim_columns(drop_blank_rows(_fill_merges(grid, merges)))
    if not rows:
        return []
    if len(rows[0]) == 1:
        return [TextBlock(text="\n".join(row[0] for row in rows))]
    titles = _count_title_rows(rows)
    lines = [next(cell for cell in row if cell.strip()) for row in rows[:titles]]
    table_rows = rows[titles:]
    table = TableBlock(
        rows=table_rows,
        header_rows=count_header_rows(table_rows),
        title=lines[0] if lines else None,
    )
    return ([TextBlock(text="\n".join(lines[1:]))] if len(lines) > 1 else []) + [table]


def _fill_merges(grid: Grid, merges: Iterable[Merge]) -> Grid:
    filled = [row[:] for row in grid]
    for first_row, first_col, last_row, last_col in merges:
        if first_row >= len(filled) or first_col >= len(filled[first_row]):
            continue  # a merge over empty cells beyond the used range
        value = filled[first_row][first_col]
        for r in range(first_row, min(last_row + 1, len(filled))):
            filled[r] = pad_rows([filled[r]], last_col + 1)[0]
            for c in range(first_col, last_col + 1):
                filled[r][c] = value
    return filled


def _trim_columns(rows: Grid) -> Grid:
    """Pad rows to one width and drop empty columns at both edges."""
    width = max((len(row) for row in rows), default=0)
    rows = pad_rows(rows, width)
    used = [c for c in range(width) if any(row[c].strip() for row in rows)]
    if not used:
        return []
    return [row[used[0] : used[-1] + 1] for row in rows]


def _count_title_rows(rows: Grid) -> int:
    """Leading rows holding one value only (merged across, or alone in its row)."""
    count = 0
    while count < len(rows) - 1 and len({cell for cell in rows[count] if cell.strip()}) == 1:
        count += 1
    return count
