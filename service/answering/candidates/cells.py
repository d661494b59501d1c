"""Table cells as answer candidates: a question naming a row and a column is answered by the
cell where they cross, cited by its row, and stated in words ("一般公共服务支出(基本支出):
1,503.52万元").

A report's cells are its in-table figures (ingest.figures reads each with its row label, column
header, unit and year); here they are indexed by the table row holding them, with their words
segmented once per report.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace

from ingest.figures.tables import logical_tables
from ingest.models import Figure, Report
from ingest.segmenter import Segmenter
from service.answering.candidates.model import Candidate, CellRef


@dataclass(frozen=True)
class IndexedCell:
    """One cell with the words that name it."""

    ref: CellRef
    row_words: frozenset[str]
    column_words: frozenset[str]
    caption_words: frozenset[str]


@dataclass(frozen=True)
class ReportCells:
    """A report's table cells, sorted by position."""

    starts: list[int]
    cells: list[IndexedCell]

    def within(self, start: int, end: int) -> list[IndexedCell]:
        """The cells lying inside [start, end)."""
        i = bisect.bisect_left(self.starts, start)
        j = bisect.bisect_left(self.starts, end)
        return self.cells[i:j]


def index_cells(segmenter: Segmenter, report: Report, figures: list[Figure]) -> ReportCells:
    """Every number cell of the report's tables, with its caption and its words."""
    captions = [
        (t.rows[0].start, t.rows[-1].end, t.caption) for t in logical_tables(report) if t.rows
    ]
    cells: list[IndexedCell] = []
    for figure in sorted((f for f in figures if f.in_table), key=lambda f: f.position.start):
        start = figure.position.start
        caption = next((c for s, e, c in captions if s <= start < e), None)
        row_label, _, column = figure.measure.partition(" | ")
        ref = CellRef(
            figure.raw, figure.unit, row_label, column, caption, start, figure.position.end
        )
        cells.append(
            IndexedCell(
                ref,
                frozenset(segmenter.free_tokens(row_label)),
                frozenset(segmenter.tokenize(column.replace("/", " "))),
                frozenset(segmenter.tokenize(caption or "")),
            )
        )
    return ReportCells([c.ref.start for c in cells], cells)


def cell_candidates(row: Candidate, cells: ReportCells) -> list[Candidate]:
    """One candidate per number cell of a table-row candidate, quoting the whole row."""
    return [
        replace(
            row,
            kind="cell",
            cell=cell.ref,
            cell_row=cell.row_words,
            cell_column=cell.column_words,
            context=row.context | cell.caption_words,
        )
        for cell in cells.within(row.start, row.end)
    ]


def row_units(cells: ReportCells, row: Candidate) -> dict[str, str]:
    """Each figure cell of a row (its text) with the unit its table states."""
    return {c.ref.raw: c.ref.unit for c in cells.within(row.start, row.end) if c.ref.unit}


def state_cell(cell: CellRef) -> str:
    """The cell in words: its row, its column, its figure and unit ("…(基本支出): 1,503.52万元")."""
    unit = "" if cell.unit in (None, "%") or cell.raw.endswith(cell.unit or "") else cell.unit
    column = cell.column if not any(ch.isdigit() for ch in cell.column) else ""
    named = f"{cell.row_label}({column})" if column and cell.row_label else cell.row_label or column
    return f"{named}: {cell.raw}{unit}。"
