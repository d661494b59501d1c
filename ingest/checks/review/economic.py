"""Economic classification tables (基本支出 by 经济分类): each class (类) against the sum of its
items (款), and 人员经费合计 / 公用经费合计 against the classes that make them up. Tables lay
the codes out as "301 | 01" or "30101", sometimes two classifications side by side in a row."""

from __future__ import annotations

import re
from typing import NamedTuple

from ingest.checks.findings import format_value, half_digit, status_of
from ingest.checks.review.cells import label_key, placed_table
from ingest.checks.review.context import Review
from ingest.checks.review.issue import Issue
from ingest.checks.review.vocabulary import Economic, vocabulary
from ingest.figures import CellSpan, decimals, is_number_cell

_CLASS = re.compile(r"\d{3}")
_ITEM = re.compile(r"\d{2}")
_FULL_ITEM = re.compile(r"\d{5}")


class Entry(NamedTuple):
    code: str  # "301" for a class, "30101" for an item
    text: str  # the value cell as written, "" when blank
    span: CellSpan | None


def check_economic(review: Review) -> list[Issue]:
    issues = []
    for economic in vocabulary().economic:
        if economic.family == review.layout.family:
            issues += _check_table(review, economic)
    return issues


def _check_table(review: Review, economic: Economic) -> list[Issue]:
    placed = placed_table(review, economic.table)
    if placed is None or placed.view is None:
        return []
    entries: list[Entry] = []
    totals: dict[str, Entry] = {}
    for row, spans in zip(placed.view.table.rows, placed.view.cells, strict=True):
        entries += _entries(row.cells, spans)
        for index, cell in enumerate(row.cells):
            key = label_key(cell)
            if key in ("人员经费合计", "公用经费合计") and key not in totals:
                value = next(
                    (i for i in range(index, len(row.cells)) if label_key(row.cells[i]) != key),
                    None,
                )
                if value is not None and (is_number_cell(row.cells[value]) or not row.cells[value]):
                    # a blank total is cited by its label
                    span = spans.get(value) if row.cells[value] else spans.get(index)
                    totals[key] = Entry(key, row.cells[value], span)
    classes = {e.code: e for e in entries if len(e.code) == 3}
    issues = []
    for code, total in classes.items():
        items = [e for e in entries if len(e.code) == 5 and e.code.startswith(code)]
        if items:
            issue = _sum_issue(review, f"经济分类{code}类", total, items)
            if issue is not None:
                issues.append(issue)
    for key, codes in (("人员经费合计", economic.personnel), ("公用经费合计", economic.public)):
        parts = [classes[c] for c in codes if c in classes]
        if key in totals and parts:
            issue = _sum_issue(review, key, totals[key], parts)
            if issue is not None:
                issues.append(issue)
    return issues


def _entries(cells: list[str], spans: dict[int, CellSpan]) -> list[Entry]:
    """The (code, value) pairs of a row: "301 | 01 | 名称 | 值", "301 | | 名称 | 值",
    "301 | 名称 | 值" or "30101 | 名称 | 值", as many as the row holds."""
    found = []
    index = 0
    while index < len(cells):
        cell = cells[index].strip()
        following = cells[index + 1].strip() if index + 1 < len(cells) else None
        if _CLASS.fullmatch(cell) and following is not None:
            if _ITEM.fullmatch(following):
                code, at = cell + following, index + 3
            elif following == "":
                code, at = cell, index + 3
            else:
                code, at = cell, index + 2
        elif _FULL_ITEM.fullmatch(cell):
            code, at = cell, index + 2
        else:
            index += 1
            continue
        if at < len(cells) and (is_number_cell(cells[at]) or not cells[at].strip()):
            found.append(Entry(code, cells[at].strip(), spans.get(at)))
            index = at + 1
        else:
            index += 1
    return found


def _sum_issue(review: Review, subject: str, total: Entry, parts: list[Entry]) -> Issue | None:
    values = [float(e.text.replace(",", "")) if e.text else 0.0 for e in (total, *parts)]
    places = max((decimals(e.text) for e in (total, *parts) if e.text), default=2)
    stated, computed = values[0], sum(values[1:])
    # Only a stated figure carries rounding; a blank one is an exact 0.
    stated_parts = sum(1 for e in parts if e.text)
    status = status_of(stated, computed, places, half_digit(places) * (stated_parts + 1))
    if status != "inconsistent":
        return None
    shown = format_value(stated, places) if total.text else "空白"
    evidence = [
        review.cite(role, e.span.start, e.span.end, v)
        for e, v, role in zip(
            (total, *parts), values, ["合计", *["分项"] * len(parts)], strict=True
        )
        if e.span is not None
    ]
    return Issue(
        family="identity",
        rule="economic_sum",
        severity="确定",
        message=f"{subject}:合计为{shown},各项之和为{format_value(computed, places)},"
        f"相差{format_value(abs(stated - computed), places)}。",
        evidence=evidence,
    )
