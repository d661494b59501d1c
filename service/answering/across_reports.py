"""Comparisons and rankings of the same measure in several reports ("财政局和司法局谁的三公经费
多?", "哪个部门的项目支出最高?", the same body's figure in two years).

Each report is asked the question on its own, through the same candidates, scorer and threshold
as any question; the figure its accepted answer states is read from the report's figure records
(so values compare in one unit, 元 or percentage points). The answer states each report's figure,
cites each report's passage, and names the highest (or lowest); a difference it computes is
listed under `computed`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ingest.models import Figure, Report
from service.answering.candidates.model import Candidate
from service.answering.verify import normalise_number

_KINDS = {"amount": ("amount",), "percent": ("percent",), "count": ("count",)}


@dataclass(frozen=True)
class ReportFigure:
    """One report's answer to the question: the passage and the figure it states."""

    report: Report
    candidate: Candidate
    figure: Figure


def figure_stated(
    candidate: Candidate,
    figures: list[Figure],
    wanted: str,
    fits: Callable[[str], float] = lambda measure: 0.0,
) -> Figure | None:
    """The figure a candidate answers with: a cell's own, else, of the figures of the wanted kind
    inside the passage, the one whose measure `fits` the question best (the first on a tie:
    "支出决算为0.39万元" and "年初预算为2.85万元" stand in one sentence)."""
    inside = [
        f
        for f in figures
        if candidate.start <= f.position.start and f.position.end <= candidate.end
    ]
    if candidate.cell is not None:
        return next((f for f in inside if f.position.start == candidate.cell.start), None)
    kinds = _KINDS.get(wanted, ("amount", "percent", "count"))
    of_kind = [f for f in inside if f.kind in kinds]
    if not of_kind:
        return None
    return max(of_kind, key=lambda f: (fits(f.measure), -f.position.start))


def compare_figures(entries: list[ReportFigure], lowest: bool) -> tuple[str, frozenset[str]]:
    """The comparison in words, and the numbers it computed (the gap between first and second)."""
    ordered = sorted(entries, key=lambda e: e.figure.normalized, reverse=not lowest)
    stated = ";".join(f"{_name(e.report)}: {e.figure.raw}{_unit(e.figure)}" for e in ordered)
    first, second = ordered[0], ordered[1]
    which = "最低" if lowest else "最高"
    text = f"{stated}。{_name(first.report)}{which}"
    computed: set[str] = set()
    if first.figure.unit == second.figure.unit and first.figure.unit is not None:
        gap = round(abs(first.figure.value - second.figure.value), 2)
        text += f",比{_name(second.report)}{'低' if lowest else '高'}{gap:.2f}{first.figure.unit}"
        computed.add(normalise_number(f"{gap:.2f}"))
    return text + "。", frozenset(computed)


def _name(report: Report) -> str:
    name = report.publisher or report.title
    return f"{name}({report.year}年)" if report.year else name


def _unit(figure: Figure) -> str:
    unit = figure.unit or ""
    return "" if figure.raw.endswith(unit) else unit
