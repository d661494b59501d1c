"""The report as the checks read it (`Doc`), and what they ask of its prose figures.

Prose figures are kept in text order with their start offsets, so that those of a sentence or
clause are found by bisecting. What a figure is (a quantity, a change, a comparison base) is
decided by the words of its clause right before it, which are kept for each figure.
"""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple

from ingest.figures import (
    CellSpan,
    LogicalTable,
    clause_start_of,
    column_roles,
    context_text,
    logical_tables,
    row_cell_spans,
    sentence_end_of,
    sentence_start_of,
)
from ingest.models import Figure, Report
from ingest.positions import Locator

# A figure stated as a change has its change verb right before it ("同比增长").
CHANGE = re.compile(r"(?:同比)?(增长|下降|增加|减少|上升|降低|提高)(?:了)?(?:为)?$")
# The changes that go up.
RISE = {"增长", "增加", "上升", "提高"}
# What opens a list of the items of a total ("…万元,其中:").
LIST_MARKER = re.compile(r"(?<!主要)(?:其中|包括|分别为|分别是)[::,,]?")


class TableView(NamedTuple):
    """A logical table with its column roles and its cells as they lie in the text."""

    table: LogicalTable
    roles: list[str]
    cells: list[dict[int, CellSpan]]  # each row's cells by column, as they lie in the text


class Doc(NamedTuple):
    """The report as the checks read it, built once for all of them."""

    report: Report
    text: str
    context: str  # the text with in-sentence line breaks made spaces, same offsets
    locator: Locator
    prose: list[Figure]  # prose figures in text order
    starts: list[int]  # their start offsets, for bisecting
    before: dict[int, str]  # a prose figure's clause text before it, by start offset
    tables: list[TableView]


def build_document(report: Report, figures: list[Figure]) -> Doc:
    """The report and its figures read once: prose figures in order, tables with their cells."""
    text, context = report.text, context_text(report.text)
    prose = sorted((f for f in figures if not f.in_table), key=lambda f: f.position.start)
    before = {}
    for index, figure in enumerate(prose):
        start = clause_start_of(context, figure.position.start)
        if index and start <= prose[index - 1].position.end <= figure.position.start:
            start = prose[index - 1].position.end
        before[figure.position.start] = re.sub(r"\s+", "", context[start : figure.position.start])
    tables = [
        TableView(
            t, column_roles(t), [{c.column: c for c in row_cell_spans(text, r)} for r in t.rows]
        )
        for t in logical_tables(report)
    ]
    starts = [f.position.start for f in prose]
    return Doc(report, text, context, Locator(report), prose, starts, before, tables)


def figures_between(doc: Doc, start: int, end: int) -> list[Figure]:
    """The prose figures starting in [start, end)."""
    return doc.prose[bisect.bisect_left(doc.starts, start) : bisect.bisect_left(doc.starts, end)]


def sentence_figures(doc: Doc, figure: Figure) -> list[Figure]:
    """The prose figures of the sentence that holds `figure`."""
    start = sentence_start_of(doc.context, figure.position.start)
    return figures_between(doc, start, sentence_end_of(doc.context, figure.position.start))


def clause_before(doc: Doc, figure: Figure) -> str:
    """The clause text right before a prose figure, back to the previous figure, no spaces."""
    return doc.before.get(figure.position.start, "")


def is_change(doc: Doc, figure: Figure) -> bool:
    """A figure stated as a change ("较上年增加12.50万元")."""
    return bool(CHANGE.search(clause_before(doc, figure)))


def is_base(doc: Doc, figure: Figure) -> bool:
    """A figure given as what another is compared with ("较预算支出39.10万元")."""
    return bool(re.match(r"[,,]?(?:较|比|与)", clause_before(doc, figure)))


def is_plain(doc: Doc, figure: Figure) -> bool:
    """A figure stated as a quantity: not a change, a comparison base, a target or a share."""
    return (
        figure.comparison is None
        and figure.kind in ("amount", "count")
        and not is_change(doc, figure)
        and not is_base(doc, figure)
    )


def same_family(a: Figure, b: Figure) -> bool:
    """Figures that add up together: amounts with amounts, else the same kind and unit."""
    if a.kind == "amount" or b.kind == "amount":
        return a.kind == b.kind
    return a.kind == b.kind and a.unit == b.unit


def list_total(doc: Doc, marker_start: int, sentence_start: int) -> Figure | None:
    """The figure a list opened at `marker_start` breaks down: the one right before the marker,
    with at most a short noun between ("设定139条绩效指标,其中:")."""
    candidates = [
        f
        for f in figures_between(doc, sentence_start, marker_start)
        if f.position.end <= marker_start and is_plain(doc, f)
    ]
    if not candidates:
        return None
    gap = doc.context[candidates[-1].position.end : marker_start]
    return candidates[-1] if re.fullmatch(r"[\u4e00-\u9fff]{0,8}[,,。::\s]*", gap) else None


def measure_key(measure: str) -> str:
    """A measure's core for matching: no brackets, quotes or year words."""
    measure = re.sub(r"\([^)]*\)|[“”\"'\s]", "", measure)
    return re.sub(r"^(?:本年度|本年|当年|全年|年度)", "", measure)
