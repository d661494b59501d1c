"""Figures of a sentence or passage, normalised by unit so restatements compare equal.

1,670.62万元 and 16,706,200元 are one amount; 92.28% and 百分之92.28 one percentage. The number
grammar is ingest's (`parse_figure`), so what counts as a figure (not a year, an ordinal, a code)
is decided once for the whole project.
"""

from __future__ import annotations

from typing import NamedTuple

from ingest.figures.numbers import parse_figure
from ingest.figures.units import AMOUNT_UNITS, PERCENT_UNITS
from service.answering.verify import NUMBER_PATTERN, normalise_number

_SCALE = {"万": 1e4, "亿": 1e8}


class StatedFigure(NamedTuple):
    """A figure as stated: its dimension ('amount', 'percent', a count's unit, '' for none) and
    its value in that dimension's base unit (元, percentage points)."""

    raw: str
    dimension: str
    value: float
    written: float  # the number as written, before its unit's scale
    start: int
    end: int


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


def stated_figures(text: str) -> list[StatedFigure]:
    """Every figure of `text` with its unit, normalised (a range states both of its bounds)."""
    out: list[StatedFigure] = []
    for parsed in parse_figure(text):
        dimension, factor = _dimension(parsed.unit)
        raw = text[parsed.start : parsed.end]
        for written in (parsed.value, parsed.upper):
            if written is not None:
                out.append(
                    StatedFigure(
                        raw, dimension, written * factor, written, parsed.start, parsed.end
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


def supports(stated: StatedFigure, source: list[StatedFigure]) -> bool:
    """A source figure states the same quantity: equal after unit normalisation, in the same
    dimension. A bare number matches a source figure as written (a table cell's unit is in its
    header); a stated unit may name a bare source number (the header's unit, stated)."""
    for figure in source:
        if stated.dimension == figure.dimension and _same(stated.value, figure.value):
            return True
        if "" in (stated.dimension, figure.dimension) and _same(stated.written, figure.written):
            return True
    return False
