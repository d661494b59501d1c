"""Figures (数字): every number a report states, with its unit, normalised value and measure.

Prose is scanned for numbers, and what looks like a number but counts nothing (years, ordinals,
codes, phone numbers, names) is dropped by its context. Table rows are read cell by cell, each
figure named by its row label and column header. One job a module:

- `units`: number shapes, units, comparison words and years (data only);
- `numbers`: which numbers of a text are figures, and the `Figure` records made of them;
- `prose`: figures in running text, and what each measures (clauses, sentences, years);
- `tables`: a report's tables joined across pages, their cells and column roles;
- `cells`: figures in table cells, named by row and column.

The table and sentence helpers are exported too: `ingest.checks` reads the report with them.
"""

from __future__ import annotations

from ingest.figures.cells import row_figures
from ingest.figures.numbers import PROSE_FIGURE, FigureKind, decimals, parse_figure
from ingest.figures.prose import (
    clause_start_of,
    clean_measure,
    context_text,
    prose_figures,
    prose_measure,
    sentence_end_of,
    sentence_start_of,
    sentence_year,
    stated_year,
)
from ingest.figures.tables import (
    CODE_HEADER,
    NOT_AMOUNT_HEADER,
    VALUE_HEADER,
    CellSpan,
    LogicalTable,
    column_roles,
    column_title,
    column_unit,
    is_number_cell,
    label_column,
    logical_tables,
    row_cell_spans,
    row_label,
    table_display_name,
)
from ingest.figures.units import AMOUNT_UNITS, NUMBER, PERCENT_UNITS
from ingest.models import Figure, Report
from ingest.ocr.confidence import LOW_CONFIDENCE, lowest_confidence
from ingest.positions import Locator

__all__ = [
    "AMOUNT_UNITS",
    "CODE_HEADER",
    "NOT_AMOUNT_HEADER",
    "NUMBER",
    "PERCENT_UNITS",
    "PROSE_FIGURE",
    "VALUE_HEADER",
    "CellSpan",
    "FigureKind",
    "LogicalTable",
    "clause_start_of",
    "clean_measure",
    "column_roles",
    "column_title",
    "column_unit",
    "context_text",
    "decimals",
    "extract_figures",
    "is_number_cell",
    "label_column",
    "logical_tables",
    "parse_figure",
    "prose_measure",
    "row_cell_spans",
    "row_label",
    "sentence_end_of",
    "sentence_start_of",
    "sentence_year",
    "stated_year",
    "table_display_name",
]


def extract_figures(report: Report) -> list[Figure]:
    """Every figure of the report, prose and table cells, in text order."""
    locator = Locator(report)
    text = report.text
    context = context_text(text)
    figures: list[Figure] = []
    covered: list[tuple[int, int]] = []
    for table in logical_tables(report):
        roles = column_roles(table)
        for row in table.rows:
            covered.append((row.start, row.end))
            figures += row_figures(text, context, table, roles, row, locator)
    covered.sort()
    cursor = 0
    for start, end in [*covered, (len(text), len(text))]:
        if start > cursor:
            figures += prose_figures(text, context, cursor, start, locator, in_table=False)
        cursor = max(cursor, end)
    return sorted(_with_ocr_confidence(report, figures), key=lambda f: f.position.start)


def _with_ocr_confidence(report: Report, figures: list[Figure]) -> list[Figure]:
    """Figures on OCR pages carry their line's confidence, and `uncertain` below the threshold."""
    pages = [page for page in report.pages if page.ocr is not None]
    if not pages:
        return figures
    marked = []
    for figure in figures:
        start, end = figure.position.start, figure.position.end
        page = next((p for p in pages if p.start <= start < p.end), None)
        if page is None or page.ocr is None:
            marked.append(figure)
            continue
        confidence = lowest_confidence(page.ocr, start, end)
        marked.append(
            figure.model_copy(
                update={"ocr_confidence": confidence, "uncertain": confidence < LOW_CONFIDENCE}
            )
        )
    return marked
