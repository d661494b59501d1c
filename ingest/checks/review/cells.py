"""Cells of the standard tables named as the vocabulary names them (`CellRef`): the table, the row
whose label reads so, and the column whose header ends so or the cell right of the label."""

from __future__ import annotations

import re
from typing import NamedTuple

from ingest.checks.review.context import Review
from ingest.checks.review.layout import Placed
from ingest.checks.review.vocabulary import CellRef
from ingest.figures import AMOUNT_UNITS, CellSpan, is_number_cell
from ingest.figures.tables import column_unit
from ingest.models import TableRowSpan

_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十\d]+\)|\d{1,2}[.、])")
_SPACES = re.compile(r"[\s“”\"]")


class Cell(NamedTuple):
    """A located cell: its text ("" when blank), value, unit factor to 元, and where it lies
    (the label's span for a blank cell, so that the blank can be cited by its row)."""

    placed: Placed
    row: TableRowSpan
    column: int
    text: str
    value: float | None  # None when blank
    factor: float
    span: CellSpan | None  # the cell, else the row label
    label: str


def label_key(cell: str) -> str:
    return _ORDINAL.sub("", _SPACES.sub("", cell).removeprefix("其中:").removeprefix("其中:"))


def placed_table(review: Review, name: str) -> Placed | None:
    return next((p for p in review.layout.tables if p.standard.name == name), None)


_NOTE_LINE = re.compile(r"\s*(?:注|说明|备注|(?:金额)?单位)[::]")


def has_figures(review: Review, placed: Placed) -> bool:
    """Whether a table's region (its rows, not its title or notes) holds any digit."""
    region = review.text[placed.title.end : placed.region_end].split("\n")
    return any(re.search(r"\d", line) for line in region if not _NOTE_LINE.match(line))


def find_cell(review: Review, ref: CellRef, row_label: str | None = None) -> Cell | None:
    """The cell `ref` names, or None when the table, row or column is not there or the row
    label names more than one row."""
    placed = placed_table(review, ref.table)
    if placed is None or placed.view is None:
        return None
    view = placed.view
    header = [_SPACES.sub("", h) for h in view.table.header]
    wanted = row_label if row_label is not None else ref.row
    candidates: list[tuple[int, tuple[int, int] | None]] = []
    for index, row in enumerate(view.table.rows):
        if wanted is None:
            if any(is_number_cell(c) for c in row.cells):
                candidates.append((index, None))
                break
            continue
        groups = _label_groups(row.cells, label_key(wanted))
        if len(groups) >= ref.occurrence:
            candidates.append((index, groups[ref.occurrence - 1]))
    if len(candidates) != 1:
        return None
    index, group = candidates[0]
    row = view.table.rows[index]
    if ref.column is not None:
        after = group[1] if group else 0
        columns = [
            c
            for c in range(len(row.cells))
            if c < len(header) and ref.column.search(header[c]) and c >= after
        ]
        if not columns:
            return None
        column = columns[0]
    elif group is not None:
        column = group[1]
    else:
        return None
    if column >= len(row.cells):
        return None
    text = row.cells[column].strip()
    if text and not is_number_cell(text):
        return None
    spans = view.cells[index]
    # A blank cell is cited by its row's label, else by the row's first cell.
    label_span = spans.get(group[0]) if group else min(spans.values(), default=None)
    span = spans.get(column) if text else label_span
    unit = column_unit(view.table, row, column) or view.table.unit
    value = float(text.replace(",", "")) if text else None
    return Cell(
        placed, row, column, text, value, AMOUNT_UNITS.get(unit or "", 1.0), span, wanted or ""
    )


def _label_groups(cells: list[str], key: str) -> list[tuple[int, int]]:
    """Each run of cells reading `key`, as (first column, column after the run)."""
    groups = []
    column = 0
    while column < len(cells):
        if label_key(cells[column]) == key:
            end = column
            while end < len(cells) and label_key(cells[end]) == key:
                end += 1
            groups.append((column, end))
            column = end
        else:
            column += 1
    return groups
