"""A table's 执行率 column against its 执行数 ÷ 预算数 columns, row by row."""

from __future__ import annotations

import re

from ingest.checks.document import Doc, TableView
from ingest.checks.findings import cell_value, cite_cell, half_digit, status_of
from ingest.figures import CellSpan, LogicalTable, decimals, is_number_cell, table_display_name
from ingest.models import Finding


def table_ratios(doc: Doc, view: TableView) -> list[Finding]:
    """A table's 执行率 column against its 执行数 ÷ 预算数 columns, row by row."""
    table = view.table
    header = table.header
    rate = _pick(header, r"执行率|完成率")
    actual = _pick(header, r"执行数|完成数|决算数|实际支出")
    budget = _pick(header, r"调整后预算|全年预算", r"预算数|预算$")
    if rate is None or actual is None or budget is None:
        return []
    findings = []
    for row, cells in zip(table.rows, view.cells, strict=True):
        rate_cell, actual_cell, budget_cell = cells.get(rate), cells.get(actual), cells.get(budget)
        if rate_cell is None or actual_cell is None or budget_cell is None:
            continue
        if not all(is_number_cell(c.text) for c in (rate_cell, actual_cell, budget_cell)):
            continue
        if "%" not in rate_cell.text or cell_value(budget_cell) <= 0:
            continue
        findings.append(_table_ratio(doc, table, row.cells, rate_cell, actual_cell, budget_cell))
    return findings


def _pick(header: list[str], *patterns: str) -> int | None:
    for pattern in patterns:
        found = [i for i, h in enumerate(header) if re.search(pattern, h)]
        if found:
            return found[0]
    return None


def _table_ratio(
    doc: Doc,
    table: LogicalTable,
    row: list[str],
    rate_cell: CellSpan,
    actual_cell: CellSpan,
    budget_cell: CellSpan,
) -> Finding:
    stated = float(rate_cell.text.rstrip("%").replace(",", ""))
    actual, budget = cell_value(actual_cell), cell_value(budget_cell)
    computed = 100 * actual / budget
    places = decimals(rate_cell.text)
    tolerance = (
        half_digit(places)
        + computed * (half_digit(decimals(actual_cell.text)) / actual if actual else 0)
        + computed * half_digit(decimals(budget_cell.text)) / budget
    )
    status = status_of(stated, computed, places, tolerance)
    name = f"{table_display_name(table)} {row[0]}".strip()
    header = table.header
    numerator = f"{header[actual_cell.column]}{actual_cell.text}"
    how = f"{numerator}÷{header[budget_cell.column]}{budget_cell.text}"
    gap = "一致" if status == "agrees" else f"相差{abs(stated - computed):.2f}个百分点"
    return Finding(
        check="ratio",
        status=status,
        subject=f"{name} {header[rate_cell.column]}",
        stated=stated,
        computed=round(computed, 4),
        difference=round(stated - computed, 4),
        unit="%",
        message=f"{name}:{header[rate_cell.column]}{rate_cell.text},按{how}计算为{computed:.2f}%,{gap}。",
        evidence=[
            cite_cell(doc, "所述比例", rate_cell._replace(text=rate_cell.text.rstrip("%"))),
            cite_cell(doc, "分子", actual_cell),
            cite_cell(doc, "分母", budget_cell),
        ],
    )
