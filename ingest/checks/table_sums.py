"""table_sum: a table's 合计/总计/小计 row against its direct child rows, column by column, and
(`row_sums`) a 合计 column against its sibling columns, row by row."""

from __future__ import annotations

import re
from typing import NamedTuple

from ingest.checks.document import Doc
from ingest.checks.findings import cell_value, cite_cell, is_amount_cell, sum_finding
from ingest.checks.hierarchy import TOTAL_WORD, Entry, child_rows, read_entry
from ingest.checks.row_sums import check_row_sums
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

_NOT_ADDITIVE = re.compile(r"率|比例|比重|%|权重|分值|得分|分数|序号|单价|标准|指标值|完成值")
# A table total off its rows by more than this share, in a table where no column adds up, more
# likely means the rows were read wrongly than that the report is wrong.
_UNCONFIRMED_TABLE = 0.02


def check_table_sums(doc: Doc) -> list[Finding]:
    """table_sum findings: each table's total rows by column, and its total columns by row."""
    findings: list[Finding] = []
    for table, roles, cells in doc.tables:
        for label in (i for i, role in enumerate(roles) if role == "label"):
            findings += _column_sums(doc, table, roles, cells, label)
        findings += check_row_sums(doc, table, roles, cells)
    return findings


def _column_sums(
    doc: Doc,
    table: LogicalTable,
    roles: list[str],
    cells: list[dict[int, CellSpan]],
    label: int,
) -> list[Finding]:
    columns = [
        c
        for c, role in enumerate(roles)
        if role == "value" and label_column(roles, c) == label and _additive(table, c)
    ]
    entries = [read_entry(row.cells, roles, label) for row in table.rows]
    findings: list[Finding] = []
    for index, entry in enumerate(entries):
        children = child_rows(entries, index) if entry.total else None
        if not children or any(_unlabelled_value(entries, cells, k, columns) for k in children):
            continue
        results = [_column_sum(doc, table, cells, index, children, c, label) for c in columns]
        sums = [r for r in results if r is not None]
        if not any(r.finding.status != "inconsistent" for r in sums):
            sums = [r for r in sums if _near(r.finding, _UNCONFIRMED_TABLE)]
        findings += _distinct(table, sums)
    return findings


def _near(finding: Finding, share: float) -> bool:
    stated, computed = finding.stated or 0.0, finding.computed or 0.0
    return abs(stated - computed) <= share * max(abs(stated), abs(computed))


def _unlabelled_value(
    entries: list[Entry], cells: list[dict[int, CellSpan]], row: int, columns: list[int]
) -> bool:
    return not entries[row].label and any(c in cells[row] for c in columns)


def _additive(table: LogicalTable, column: int) -> bool:
    header = table.header[column] if column < len(table.header) else ""
    return not _NOT_ADDITIVE.search(header)


class _Sum(NamedTuple):
    finding: Finding
    column: int
    signature: tuple[float, ...]


def _column_sum(
    doc: Doc,
    table: LogicalTable,
    cells: list[dict[int, CellSpan]],
    index: int,
    children: list[int],
    column: int,
    label: int,
) -> _Sum | None:
    total_cell = cells[index].get(column)
    if total_cell is None or not is_amount_cell(total_cell.text):
        return None
    parts = [cells[k][column] for k in children if column in cells[k]]
    if any("%" in p.text for p in parts) or not any(is_amount_cell(p.text) for p in parts):
        return None
    parts = [p for p in parts if is_amount_cell(p.text)]
    unit = column_unit(table, table.rows[index], column) or ""
    name = f"{table_display_name(table)} {_column_name(table.header, column, label)}"
    row_name = row_label(table.rows[index].cells, label)
    evidence = [cite_cell(doc, row_name or "合计", total_cell)]
    evidence += [cite_cell(doc, "分项", p) for p in parts]
    finding = sum_finding(
        "table_sum",
        f"{name} {row_name}".strip(),
        cell_value(total_cell),
        [cell_value(p) for p in parts],
        [decimals(c.text) for c in [total_cell, *parts]],
        unit,
        lambda total, items: f"{name}:各项之和{items},{row_name}行为{total}",
        evidence,
    )
    return _Sum(finding, column, (finding.stated or 0.0, *(cell_value(p) for p in parts)))


def _distinct(table: LogicalTable, sums: list[_Sum]) -> list[Finding]:
    """One finding per distinct column: a 合计 column that repeats its only filled sibling
    (表2: 财政拨款资金 = 合计) says the same thing twice; the 合计 one is kept."""
    chosen: dict[tuple[float, ...], _Sum] = {}
    for item in sums:
        kept = chosen.get(item.signature)
        header = table.header[item.column] if item.column < len(table.header) else ""
        if kept is None or TOTAL_WORD.search(header.split("/")[-1]):
            chosen[item.signature] = item
    return [item.finding for item in sorted(chosen.values(), key=lambda s: s.column)]


def _column_name(header: list[str], column: int, label: int | None) -> str:
    title = re.sub(r"\((?:亿元|万元|千元|元)\)", "", column_title(header, column, label))
    parts = title.split("/")
    if len(parts) > 1 and TOTAL_WORD.fullmatch(parts[-1]):
        parts = parts[:-1]
    return "/".join(parts)
