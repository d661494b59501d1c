"""Accounting identities within the standard tables and ties between them (表内勾稽与表间核对):
收入总计 = 支出总计, 总计 = 本年合计 + 结转结余, 三公 合计 = 三项之和, the same line item in two
tables. A blank cell counts as 0; a difference within what rounding the cells could cause is
not reported, one of a figure restated in another table is noted (提示)."""

from __future__ import annotations

import re

from ingest.checks.findings import format_value, half_digit, status_of
from ingest.checks.review.cells import Cell, find_cell, placed_table
from ingest.checks.review.context import Review
from ingest.checks.review.issue import Issue
from ingest.checks.review.vocabulary import CellRef, ClassTie, vocabulary
from ingest.figures import decimals, is_number_cell
from ingest.figures.tables import is_code
from ingest.models import Evidence


def check_identities(review: Review) -> list[Issue]:
    family = review.layout.family
    issues = []
    for identity in vocabulary().identities:
        if identity.family != family:
            continue
        total = find_cell(review, identity.total)
        found = [(p, find_cell(review, p)) for p in identity.parts]
        if total is None or any(c is None and not p.optional for p, c in found):
            continue
        issue = _check(review, identity.name, total, [c for _, c in found if c is not None])
        if issue is not None:
            issues.append(issue)
    for tie in vocabulary().class_ties:
        if tie.family == family:
            issues += _class_tie(review, tie)
    return issues


def _class_tie(review: Review, tie: ClassTie) -> list[Issue]:
    """Each class row of `tie.rows` against the summary table's row of the same name."""
    placed = placed_table(review, tie.rows)
    if placed is None or placed.view is None:
        return []
    issues = []
    for row in placed.view.table.rows:
        if not row.cells or not re.fullmatch(r"\d{3}", row.cells[0].strip()):
            continue
        name = next(
            (c for c in row.cells[1:] if c.strip() and not is_code(c) and not is_number_cell(c)),
            None,
        )
        if name is None:
            continue
        own = find_cell(review, CellRef(tie.rows, name, tie.column, 1), name)
        summary = find_cell(review, CellRef(tie.summary, name, tie.summary_column, 1), name)
        if own is None or summary is None or own.value is None:
            continue
        issue = _check(review, f"{name}(两表核对)", summary, [own])
        if issue is not None:
            issues.append(issue)
    return issues


def _check(review: Review, name: str, total: Cell, parts: list[Cell]) -> Issue | None:
    cells = [total, *parts]
    if all(c.value is None for c in cells):
        return None
    factor = total.factor
    stated = (total.value or 0.0) * total.factor / factor
    computed = sum((c.value or 0.0) * c.factor / factor for c in cells[1:])
    places = max((decimals(c.text) for c in cells if c.text), default=2)
    restated = len(cells) == 2
    # Only a stated figure carries rounding; a blank one is an exact 0.
    tolerance = half_digit(places) * (sum(1 for c in cells if c.text) + 1)
    status = status_of(stated, computed, places, 0.0 if restated else tolerance)
    if status == "agrees" or (status == "rounding" and not restated):
        return None
    roles = ["一表", "另一表"] if restated else ["合计", *["分项"] * len(parts)]
    unit = "万元" if factor == 10_000 else "元" if factor == 1 else ""
    gap = format_value(abs(stated - computed), places)
    if restated:
        message = (
            f"{name}:{_name(total)}为{_shown(total, places)},"
            f"{_name(cells[1])}为{_shown(cells[1], places)},相差{gap}{unit}。"
        )
    else:
        message = (
            f"{name}:{_name(total)}为{_shown(total, places)},"
            f"各项之和为{format_value(computed, places)},相差{gap}{unit}。"
        )
    return Issue(
        family="identity",
        rule="table_identity" if cells[0].placed == cells[1].placed else "table_tie",
        severity="确定" if status == "inconsistent" else "提示",
        message=message,
        evidence=[
            e
            for c, role in zip(cells, roles, strict=True)
            for e in [_cite(review, c, role)]
            if e is not None
        ],
    )


def _name(cell: Cell) -> str:
    return f"{cell.placed.standard.name}“{cell.label or _column_name(cell)}”"


def _column_name(cell: Cell) -> str:
    header = cell.placed.view.table.header if cell.placed.view else []
    return header[cell.column] if cell.column < len(header) else ""


def _shown(cell: Cell, places: int) -> str:
    return "空白" if cell.value is None else format_value(cell.value, places)


def _cite(review: Review, cell: Cell, role: str) -> Evidence | None:
    if cell.span is None:
        return None
    return review.cite(
        role if cell.value is not None else f"{role}(空白,所在行)",
        cell.span.start,
        cell.span.end,
        cell.value,
    )
