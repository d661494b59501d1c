"""Figures in table cells, each named by its row and column and stated in its column's unit.

A cell's measure is its row label and column header ("一般公共服务支出 | 决算数"); its unit is
the cell's own, else its column header's ("金额(万元)"), else the table's unit note. A cell of
text ("≥50个") is read as prose.
"""

from __future__ import annotations

import re

from ingest.figures.numbers import ParsedFigure, build_figure, to_float
from ingest.figures.prose import prose_figures
from ingest.figures.tables import (
    VALUE_HEADER,
    CellSpan,
    LogicalTable,
    column_title,
    column_unit,
    is_code,
    is_number_cell,
    label_column,
    row_cell_spans,
    row_label,
)
from ingest.figures.units import COMPARISONS, LEADING_COMPARISON, YEAR
from ingest.models import Comparison, Figure, TableRowSpan
from ingest.positions import Locator


def row_figures(
    text: str,
    context: str,
    table: LogicalTable,
    roles: list[str],
    row: TableRowSpan,
    locator: Locator,
) -> list[Figure]:
    """The figures of one table row: number cells by row and column, other cells as prose."""
    figures: list[Figure] = []
    for cell in row_cell_spans(text, row):
        role = roles[cell.column] if cell.column < len(roles) else "value"
        if role == "code" and (is_code(cell.text) or is_number_cell(cell.text)):
            continue
        if role == "value" and is_number_cell(cell.text):
            figures.append(_cell_figure(text, table, row, cell, roles, locator))
            continue
        found = prose_figures(text, context, cell.start, cell.end, locator, True)
        label = label_column(roles, cell.column)
        if len(found) == 1 and label is not None and _fills_cell(found[0], cell):
            # "≥50个" under 年度指标值: named by its row and column, like a number cell
            measure = _cell_measure(table.header, row, cell.column, label)
            found = [found[0].model_copy(update={"measure": measure})]
        figures += found
    return figures


def _fills_cell(figure: Figure, cell: CellSpan) -> bool:
    rest = cell.text.replace(figure.raw, "", 1)
    return not re.sub(rf"{LEADING_COMPARISON}|及以上|以上|以下|以内|\s", "", rest)


def _cell_measure(header: list[str], row: TableRowSpan, column: int, label: int | None) -> str:
    title = column_title(header, column, label)
    return " | ".join(p for p in (row_label(row.cells, label), title) if p)


def _cell_figure(
    text: str,
    table: LogicalTable,
    row: TableRowSpan,
    cell: CellSpan,
    roles: list[str],
    locator: Locator,
) -> Figure:
    # A value cell holds one number and at most a %: read directly, it is most of a table's time.
    value = to_float(cell.text.replace(" ", "").rstrip("%"))
    percent = "%" if cell.text.endswith("%") else None
    parsed = ParsedFigure(value, None, percent, None, cell.start, cell.end)
    label = label_column(roles, cell.column)
    header = table.header
    unit = parsed.unit or column_unit(table, row, cell.column)
    comparison = parsed.comparison or _row_comparison(row, header, cell.column)
    measure = _cell_measure(header, row, cell.column, label)
    year_match = YEAR.search(header[cell.column]) if cell.column < len(header) else None
    year = int(year_match.group(1)) if year_match else table.year
    parsed = parsed._replace(unit=unit, comparison=comparison)
    return build_figure(text, parsed, measure, year, True, locator)


def _row_comparison(row: TableRowSpan, header: list[str], column: int) -> Comparison | None:
    if column >= len(header) or not VALUE_HEADER.search(header[column]):
        return None
    kind = next(
        (row.cells[i] for i, h in enumerate(header) if "指标性质" in h and i < len(row.cells)), ""
    )
    return COMPARISONS.get(kind.strip())
