"""Where else a report states a table answer: the same row label with the same figure in another
table (住房公积金 187.19 in the 支出决算表 by function and in the 基本支出决算表 by economic class).

A budget report states many figures twice, once per classification. An answer read from one
table is cited by its row; the other rows that say the same thing are cited beside it, so the
asker (and an evaluator tying the tables out) sees every place the figure stands.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from service.answering.candidates.cells import ReportCells
from service.answering.candidates.model import Candidate

MAX_CORROBORATING = 2  # rows cited beside the answer's own: more would bury it
_SPACE = re.compile(r"\s+")
_ZERO = re.compile(r"[0.,\s-]*")


def _label(text: str) -> str:
    return _SPACE.sub("", text)


def corroborating_rows(cells: ReportCells, text: str, answer: Candidate) -> list[tuple[int, int]]:
    """Spans of other table rows of the report that state the answer's figures under the same row
    label: for a cell, its figure; for a row, every non-zero figure of the other row must be
    among the row's own under that label."""
    if answer.kind == "cell" and answer.cell is not None:
        stated = {(_label(answer.cell.row_label), answer.cell.raw)}
    elif answer.kind == "row":
        stated = {
            (_label(c.ref.row_label), c.ref.raw) for c in cells.within(answer.start, answer.end)
        }
    else:
        return []
    stated = {(label, raw) for label, raw in stated if label and not _ZERO.fullmatch(raw)}
    labels = {label for label, _ in stated}
    if not stated:
        return []
    others: dict[tuple[int, int], set[tuple[str, str]]] = {}
    for cell in cells.cells:
        label = _label(cell.ref.row_label)
        if label not in labels or answer.start <= cell.ref.start < answer.end:
            continue
        line_start = text.rfind("\n", 0, cell.ref.start) + 1
        line_end = text.find("\n", cell.ref.end)
        span = (line_start, len(text) if line_end < 0 else line_end)
        others.setdefault(span, set()).add((label, cell.ref.raw))
    out: list[tuple[int, int]] = []
    quoted = {_label(text[answer.start : answer.end])}
    for span, said in sorted(others.items()):
        figures = {(label, raw) for label, raw in said if not _ZERO.fullmatch(raw)}
        quote = _label(text[span[0] : span[1]])
        # a table printed twice (支出决算表, 财政拨款支出决算表) says it once more, not elsewhere
        if figures and figures <= stated and quote not in quoted:
            out.append(span)
            quoted.add(quote)
    return out[:MAX_CORROBORATING]


def corroborating_spans(
    chosen: list[Candidate],
    cited: list[tuple[str, int, int]],
    cells_of: Callable[[str], ReportCells],
    text_of: Callable[[str], str],
) -> list[tuple[str, int, int]]:
    """(report, start, end) of the other rows stating the chosen table answers' figures under the
    same label, none overlapping a span already cited."""
    out: list[tuple[str, int, int]] = []
    for c in chosen:
        for start, end in corroborating_rows(cells_of(c.report_id), text_of(c.report_id), c):
            span = (c.report_id, start, end)
            if not any(r == c.report_id and s < end and start < e for r, s, e in [*cited, *out]):
                out.append(span)
    return out
