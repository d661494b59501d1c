"""table_sum by row: a 合计 column against its sibling columns ("合计 | 基本支出 | 项目支出"),
and a nested group's 小计 against its own columns."""

from __future__ import annotations

import re

from ingest.checks.document import Doc
from ingest.checks.findings import cell_value, cite_cell, is_amount_cell, sum_finding
from ingest.checks.hierarchy import TOTAL_WORD
from ingest.figures import (
    CellSpan,
    LogicalTable,
    column_title,
    column_unit,
    decimals,
    label_column,
    row_label,
    table_display_name,
)
from ingest.models import Finding


def check_row_sums(
    doc: Doc, table: LogicalTable, roles: list[str], cells: list[dict[int, CellSpan]]
) -> list[Finding]:
    """A 合计 column against its sibling columns, row by row. Only the rows that disagree are
    reported, and only when most rows agree: that the columns add up is learnt from the table."""
    findings: list[Finding] = []
    for column, role in enumerate(roles):
        siblings = _sibling_columns(table.header, roles, column) if role == "value" else None
        if not siblings:
            continue
        checked = [
            _row_sum(doc, table, roles, cells, index, column, siblings)
            for index in range(len(table.rows))
        ]
        done = [f for f in checked if f is not None]
        if sum(1 for f in done if f.status == "agrees") * 2 > len(done):
            findings += [f for f in done if f.status != "agrees"]
    return findings


def _sibling_columns(header: list[str], roles: list[str], column: int) -> list[int] | None:
    if column >= len(header):
        return None
    parts = header[column].split("/")
    if TOTAL_WORD.fullmatch(parts[-1]) and len(parts) > 1:
        return _grouped_siblings(header, roles, column, "/".join(parts[:-1]))
    if len(parts) == 1 and re.search(r"(?:合计|总计)$", parts[0]):
        following = []
        for other in range(column + 1, len(header)):
            if roles[other] != "value" or TOTAL_WORD.fullmatch(header[other]):
                break
            following.append(other)
        return _grouped_siblings(header, roles, column, "", following)
    return None


def _grouped_siblings(
    header: list[str],
    roles: list[str],
    column: int,
    parent: str,
    candidates: list[int] | None = None,
) -> list[int] | None:
    """The columns a total column sums: its direct siblings under `parent`, and for a nested
    group ("公务用车购置及运行费/购置费|运行费|小计") the group's own subtotal."""
    prefix = parent + "/" if parent else ""
    direct: list[int] = []
    groups: dict[str, int | None] = {}
    for other in candidates if candidates is not None else range(len(header)):
        name = header[other]
        if other == column or roles[other] != "value" or not name.startswith(prefix):
            continue
        rest = name[len(prefix) :].split("/")
        if len(rest) == 1:
            direct.append(other)
        elif TOTAL_WORD.fullmatch(rest[-1]):
            groups[rest[0]] = other
        else:
            groups.setdefault(rest[0], None)
    if any(total is None for total in groups.values()):
        return None  # a nested group with no subtotal of its own
    return sorted(direct + [t for t in groups.values() if t is not None]) or None


def _row_sum(
    doc: Doc,
    table: LogicalTable,
    roles: list[str],
    cells: list[dict[int, CellSpan]],
    index: int,
    column: int,
    siblings: list[int],
) -> Finding | None:
    total_cell = cells[index].get(column)
    parts = [cells[index][c] for c in siblings if c in cells[index]]
    if total_cell is None or not is_amount_cell(total_cell.text):
        return None
    if not parts or not all(is_amount_cell(p.text) for p in parts):
        return None
    label = label_column(roles, column)
    row_name = row_label(table.rows[index].cells, label)
    name = " ".join(p for p in (table_display_name(table), row_name) if p)
    title = column_title(table.header, column, label)
    evidence = [cite_cell(doc, "合计", total_cell)] + [cite_cell(doc, "分项", p) for p in parts]
    return sum_finding(
        "table_sum",
        f"{name} {title}",
        cell_value(total_cell),
        [cell_value(p) for p in parts],
        [decimals(c.text) for c in [total_cell, *parts]],
        column_unit(table, table.rows[index], column) or "",
        lambda total, items: f"{name}:{title}为{total},各分列之和为{items}",
        evidence,
    )
