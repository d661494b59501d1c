"""Figures of a sentence or passage, normalised by unit so restatements compare equal.

1,670.62万元 and 16,706,200元 are one amount; 92.28% and 百分之92.28 one percentage. The number
grammar is ingest's (`parse_figure`), so what counts as a figure (not a year, an ordinal, a code)
is decided once for the whole project. Each figure keeps the words just before it (its label), so
a figure restated under another figure's label is caught.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ingest.figures.numbers import parse_figure
from ingest.figures.units import AMOUNT_UNITS, PERCENT_UNITS
from service.answering.verify import NUMBER_PATTERN, normalise_number

_SCALE = {"万": 1e4, "亿": 1e8}
# What a figure's label runs back to: punctuation, a tab or line break, or another number.
_LABEL_START = re.compile(r"[\d,,。;;::、!?!?()()\t\n\[\]【】%]")
# Words that link a label to its figure or lead a list; they name nothing.
_LINKS = re.compile(r"^(?:其中|包括|含|即)|(?:为|是|达到|达|共计|共|约|了|的)$")


class StatedFigure(NamedTuple):
    """A figure as stated: its dimension ('amount', 'percent', a count's unit, '' for none) and
    its value in that dimension's base unit (元, percentage points)."""

    raw: str
    dimension: str
    value: float
    written: float  # the number as written, before its unit's scale
    start: int
    end: int
    label: str = ""  # the words just before it, back to a mark or a number ("基本支出")


def _dimension(unit: str | None) -> tuple[str, float]:
    if not unit:
        return "", 1.0
    if unit in AMOUNT_UNITS:
        return "amount", AMOUNT_UNITS[unit]
    if unit in PERCENT_UNITS:
        return "percent", PERCENT_UNITS[unit]
    if len(unit) > 1 and unit[0] in _SCALE:
        return unit[1:], _SCALE[unit[0]]
    return unit, 1.0


def label_before(text: str, at: int) -> str:
    """The words a figure at `at` is stated for: back to the last mark or number, links cut."""
    start = at
    while start > 0 and not _LABEL_START.match(text[start - 1]):
        start -= 1
    label = text[start:at].strip()
    for _ in range(2):  # "其中…为": a lead and a link may both be there
        label = _LINKS.sub("", label)
    return label


def stated_figures(text: str) -> list[StatedFigure]:
    """Every figure of `text` with its unit, normalised (a range states both of its bounds)."""
    out: list[StatedFigure] = []
    for parsed in parse_figure(text):
        dimension, factor = _dimension(parsed.unit)
        raw = text[parsed.start : parsed.end]
        for written in (parsed.value, parsed.upper):
            if written is not None:
                label = label_before(text, parsed.start)
                if len(label) < 2 and out:
                    # "基本支出2336.91万元,占79.49%": a share is stated for the figure before it
                    label = out[-1].label + label
                out.append(
                    StatedFigure(
                        raw, dimension, written * factor, written, parsed.start, parsed.end, label
                    )
                )
    return out


def other_numbers(text: str, figures: list[StatedFigure]) -> set[str]:
    """Numbers of `text` that are not figures (years, dates, ordinals), normalised as written."""
    covered = [(f.start, f.end) for f in figures]
    return {
        normalise_number(m.group(0))
        for m in NUMBER_PATTERN.finditer(text)
        if not any(s <= m.start() < e for s, e in covered)
    }


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0)


def same_quantity(stated: StatedFigure, figure: StatedFigure) -> bool:
    """Equal after unit normalisation, in the same dimension. A bare number matches a figure as
    written (a table cell's unit is in its header); a stated unit may name a bare number (the
    header's unit, stated)."""
    if stated.dimension == figure.dimension and _same(stated.value, figure.value):
        return True
    return "" in (stated.dimension, figure.dimension) and _same(stated.written, figure.written)


def misattributed(stated: StatedFigure, figure: StatedFigure, source: list[StatedFigure]) -> bool:
    """The stated figure is labelled with what the source states for another figure: "基本支出
    80.00万元" where the source says "基本支出1,590.62万元、项目支出80.00万元"."""
    if figure.label and figure.label in stated.label:
        return False
    return any(
        len(other.label) >= 2 and other.label in stated.label and not same_quantity(stated, other)
        for other in source
    )


def supports(stated: StatedFigure, source: list[StatedFigure]) -> bool:
    """Some source figure states the same quantity, and the sentence does not give it the label
    of another source figure."""
    return any(
        same_quantity(stated, figure) and not misattributed(stated, figure, source)
        for figure in source
    )
