"""Rows left blank (数据行空白): a coded row of a function-classification table (类/款/项) whose
every figure is blank while the rows under or over it show that it had some; and the summary
tables' sides, whose item rows (一、二、…) must add up to their 合计 (a blanked item does not)."""

from __future__ import annotations

import re

from ingest.checks.findings import format_value, half_digit, status_of
from ingest.checks.review.cells import Cell, find_cell, label_key, placed_table
from ingest.checks.review.context import Review
from ingest.checks.review.issue import Issue
from ingest.checks.review.vocabulary import CellRef, SideSum, vocabulary
from ingest.figures import decimals, is_number_cell
from ingest.figures.tables import is_code

_TOP_ORDINAL = re.compile(r"^\s*[一二三四五六七八九十]+、")


def check_blanks(review: Review) -> list[Issue]:
    family = review.layout.family
    words = vocabulary()
    issues = []
    for name in words.coded_tables.get(family or "", ()):
        issues += _blank_coded_rows(review, name)
    for side in words.side_sums:
        if side.family == family:
            issue = _side_sum(review, side)
            if issue is not None:
                issues.append(issue)
    return issues


def _code(cells: list[str], roles: list[str]) -> str:
    """The row's subject code, its code columns joined ("201" "06" "01" → "2010601")."""
    parts = [
        c.strip()
        for c, role in zip(cells, roles, strict=False)
        if role == "code" and re.fullmatch(r"\d{2,7}", c.strip())
    ]
    return "".join(parts)


def _blank_coded_rows(review: Review, name: str) -> list[Issue]:
    placed = placed_table(review, name)
    if placed is None or placed.view is None:
        return []
    view = placed.view
    values = [i for i, role in enumerate(view.roles) if role == "value"]
    rows = []
    for index, row in enumerate(view.table.rows):
        code = _code(row.cells, view.roles)
        if not code:
            continue
        figures = [row.cells[i].strip() for i in values if i < len(row.cells)]
        if any(f and not is_number_cell(f) for f in figures):
            continue
        rows.append((index, code, figures))
    issues = []
    for index, code, figures in rows:
        if any(figures):
            continue
        children = [f for _, c, f in rows if c != code and c.startswith(code) and any(f)]
        parents = [(c, f) for _, c, f in rows if c != code and code.startswith(c) and any(f)]
        if not children and not _missing_from(code, parents, rows):
            continue
        row = view.table.rows[index]
        label = next(
            (c for c in row.cells if c.strip() and not is_code(c) and not is_number_cell(c)), code
        )
        spans = view.cells[index]
        span = next((s for s in spans.values() if s.text == label), None) or min(
            spans.values(), default=None
        )
        if span is None:
            continue
        issues.append(
            Issue(
                family="text_table",
                rule="blank_row",
                severity="确定",
                message=f"{name}中“{code} {label}”一行没有数据,"
                "而其上下级科目有数,该行数据应已缺失。",
                evidence=[review.cite("空白行", span.start, span.end)],
            )
        )
    return issues


def _missing_from(
    code: str, parents: list[tuple[str, list[str]]], rows: list[tuple[int, str, list[str]]]
) -> bool:
    """Whether the nearest parent's first figure exceeds its other direct children's sum: the
    blank row's share of it is missing."""
    if not parents:
        return False
    parent, figures = max(parents, key=lambda p: len(p[0]))
    level = len(code)
    siblings = [f for _, c, f in rows if c != code and c.startswith(parent) and len(c) == level]
    column = next((i for i, f in enumerate(figures) if f), None)
    if column is None:
        return False
    total = float(figures[column].replace(",", ""))
    parts = sum(
        float(f[column].replace(",", "")) for f in siblings if column < len(f) and f[column]
    )
    places = decimals(figures[column])
    return (
        status_of(total, parts, places, half_digit(places) * (len(siblings) + 2)) == "inconsistent"
    )


def _side_sum(review: Review, side: SideSum) -> Issue | None:
    """A summary table side's item rows (一、二、…, before its total) against the total."""
    placed = placed_table(review, side.table)
    total = find_cell(review, CellRef(side.table, side.total, side.column, side.occurrence))
    if placed is None or placed.view is None or total is None or total.value is None:
        return None
    column_of_label = _label_column(total)
    if column_of_label is None:
        return None
    items: list[Cell] = []
    for row in placed.view.table.rows:
        if row is total.row:
            break
        if column_of_label >= len(row.cells):
            continue
        label = row.cells[column_of_label]
        if not _TOP_ORDINAL.match(label):
            if items and label.strip() and _has_figure(row.cells[column_of_label + 1 :]):
                return None  # a row between the items and the total (上年结转) adds to it
            continue
        name = label_key(row.cells[column_of_label])
        cell = find_cell(review, CellRef(side.table, name, side.column, 1), name)
        if cell is None:
            return None  # an item name that labels two rows: the side cannot be read
        items.append(cell)
    if not items:
        return None
    values = [(c.value or 0.0) for c in items]
    places = max((decimals(c.text) for c in (total, *items) if c.text), default=2)
    computed = sum(values)
    if (
        status_of(
            total.value,
            computed,
            places,
            half_digit(places) * (sum(1 for c in items if c.text) + 1),
        )
        != "inconsistent"
    ):
        return None
    evidence = [
        review.cite("合计" if c is total else "分项", c.span.start, c.span.end, c.value)
        for c in (total, *items)
        if c.span is not None and (c is total or c.value)
    ]
    return Issue(
        family="identity",
        rule="table_identity",
        severity="确定",
        message=f"{side.table}“{side.total}”为{format_value(total.value, places)},"
        f"其上各项之和为{format_value(computed, places)},相差"
        f"{format_value(abs(total.value - computed), places)}。",
        evidence=evidence,
    )


def _has_figure(cells: list[str]) -> bool:
    """Whether the cell right of a label holds a figure other than 0."""
    first = cells[0].strip() if cells else ""
    return is_number_cell(first) and float(first.replace(",", "").rstrip("%")) != 0


def _label_column(cell: Cell) -> int | None:
    """The column of the label the total's value sits right of."""
    key = label_key(cell.label)
    return next(
        (i for i in range(cell.column - 1, -1, -1) if label_key(cell.row.cells[i]) == key), None
    )
