"""Text against table (文字与表格): a figure the 说明 states against the cell it describes, as the
vocabulary's statements tie them, including a blank cell where the text states a value."""

from __future__ import annotations

import re

from ingest.checks.findings import format_value, half_digit, rounded
from ingest.checks.review.cells import find_cell, has_figures, placed_table
from ingest.checks.review.context import Review
from ingest.checks.review.issue import Issue
from ingest.checks.review.vocabulary import Statement, vocabulary
from ingest.figures import AMOUNT_UNITS, decimals


def check_text_table(review: Review) -> list[Issue]:
    family = review.layout.family
    issues = []
    seen: set[int] = set()
    for statement in vocabulary().statements:
        if statement.family != family:
            continue
        for match in statement.text.finditer(review.doc.context):
            if match.start("n") in seen or review.in_table(match.start()):
                continue
            issue = _check(review, statement, match)
            if issue is not None:
                seen.add(match.start("n"))
                issues.append(issue)
    return issues


def _check(review: Review, statement: Statement, match: re.Match[str]) -> Issue | None:
    section = statement.section
    if section is not None and not section.search(review.heading_before(match.start())):
        return None
    row = statement.cell.row
    if row is not None and "{" in row:
        row = row.format(**match.groupdict())
    cell = find_cell(review, statement.cell, row)
    if cell is None:
        return _blank_table(review, statement, match)
    raw = match.group("n")
    stated = float(raw.replace(",", ""))
    factor = AMOUNT_UNITS[match.group("u")]
    places = decimals(raw)
    start, end = match.start("n"), match.end("u")
    said = review.cite("说明所述", start, end, stated)
    if cell.value is None:
        if stated == 0 or cell.span is None:
            return None
        return Issue(
            family="text_table",
            rule="blank_cell",
            severity="确定",
            message=f"说明中{_what(match)}为{review.text[start:end]},"
            f"{cell.placed.standard.name}中对应单元格为空。",
            evidence=[said, review.cite("表中空白单元格所在行", cell.span.start, cell.span.end)],
        )
    in_text_unit = cell.value * cell.factor / factor
    if rounded(in_text_unit, places) == rounded(stated, places):
        return None
    cell_places = decimals(cell.text)
    slack = half_digit(places) + half_digit(cell_places) * cell.factor / factor
    if abs(in_text_unit - stated) <= slack + 1e-9:
        return None
    assert cell.span is not None
    return Issue(
        family="text_table",
        rule="text_vs_cell",
        severity="确定",
        message=f"说明中{_what(match)}为{review.text[start:end]},{cell.placed.standard.name}中为"
        f"{cell.text}{_converted(cell.factor, factor, in_text_unit, places, match.group('u'))},"
        "不一致。",
        evidence=[said, review.cite("表中数", cell.span.start, cell.span.end, cell.value)],
    )


def _blank_table(review: Review, statement: Statement, match: re.Match[str]) -> Issue | None:
    """A one-row table (三公) with no figures at all while the text states a value of it."""
    placed = placed_table(review, statement.cell.table)
    stated = float(match.group("n").replace(",", ""))
    if statement.cell.row is not None or placed is None or stated == 0:
        return None
    if has_figures(review, placed):
        return None
    start, end = match.start("n"), match.end("u")
    return Issue(
        family="text_table",
        rule="blank_cell",
        severity="确定",
        message=f"说明中{_what(match)}为{review.text[start:end]},{placed.standard.name}中没有数据。",
        evidence=[
            review.cite("说明所述", start, end, stated),
            review.cite_line("表名", placed.title),
        ],
    )


def _what(match: re.Match[str]) -> str:
    """The words of the statement before its figure ("本年收入合计"), or the item it names."""
    if match.groupdict().get("name"):
        return match.group("name")
    head = match.group(0)[: match.start("n") - match.start()]
    return re.sub(r"[\s为是达::]+$", "", head)[-24:] or "所述金额"


def _converted(cell_factor: float, text_factor: float, value: float, places: int, unit: str) -> str:
    """The cell in the text's unit, when the table states another ("(9,628.22万元)")."""
    return "" if cell_factor == text_factor else f"({format_value(value, places)}{unit})"
