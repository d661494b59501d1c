"""Indicator tables among `report.tables`: PDF/DOCX/XLSX tables, pipe rows, one-cell-a-line
copies. Columns are found from their header words (三级指标, 年度指标值, 实际完成值, 分值, 得分,
偏差原因 …); merged 一级/二级指标 cells are carried down their group."""

from __future__ import annotations

import re

from ingest.indicators.labels import GROUP_SCORE, LEVEL1, LEVEL2, level_label
from ingest.indicators.rows import Row
from ingest.indicators.values import AFFIRMED, plain_text
from ingest.models import TableRowSpan, TableSpan

_INDEX_LABEL = re.compile(r"^指标\s*\d+\s*[:：、.]?\s*")  # "指标1工程完工率": a template slot
_TOTAL_ROW = re.compile(r"^(?:合\s*计|总\s*计|小\s*计|总分)")
_NOT_A_REASON = re.compile(r"[\s/\\\-—–_0.…。]*|无|无偏差|不适用|暂无")


_COLUMN_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("reason", re.compile(r"原因|改进措施")),
    ("direction", re.compile(r"方向")),
    ("score", re.compile(r"得分(?!系数)")),
    ("weight", re.compile(r"分值|权重")),
    ("actual", re.compile(r"实际|完成值|实现值")),
    ("target", re.compile(r"指标值|目标值")),
    ("unit", re.compile(r"度量单位|计量单位|^单位$")),
    ("nature", re.compile(r"性质|比较|符号")),
    ("level1", re.compile(r"一级指标")),
    ("level2", re.compile(r"二级指标")),
    ("name", re.compile(r"三级指标|指标名称|指标内容")),
)


def column_field(header_cell: str) -> str | None:
    """The indicator field a header cell names ("年度指标值" → target), or None."""
    cell = re.sub(r"\s+", "", header_cell)  # "偏差原因分析\n及改进措施" from a PDF cell
    for part in (cell.rsplit("/", 1)[-1], cell):  # "指标/三级指标": the lowest level speaks first
        for name, pattern in _COLUMN_RULES:
            if pattern.search(part):
                return name
    return None


def _columns(header: list[str]) -> dict[str, int]:
    """Field → column index, the first column of each field; the name falls back to a level."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        kind = column_field(cell)
        if kind is not None and kind not in columns:
            columns[kind] = index
    if "name" not in columns:  # "一级指标 | 二级指标 | 指标值": the deepest level names the row
        deepest = "level2" if "level2" in columns else "level1"
        if deepest in columns:
            columns["name"] = columns.pop(deepest)
    return columns


def is_indicator_table(columns: dict[str, int]) -> bool:
    has_label = "name" in columns and (
        "level1" in columns or "level2" in columns or len(columns) > 3
    )
    return has_label and ("target" in columns or "actual" in columns)


def table_rows(table: TableSpan, text: str) -> list[Row]:
    data = [row for row in table.rows if not row.is_header]
    columns = _columns(data[0].header) if data else {}
    if not is_indicator_table(columns):
        return []
    rows: list[Row] = []
    level1: str | None = None
    level2: str | None = None
    for span in data:
        aligned = _realign([cell.strip() for cell in span.cells], columns)
        cells = {
            kind: aligned[index] if index < len(aligned) else "" for kind, index in columns.items()
        }
        # Text copies leave a merged 一级/二级指标 on the group's first row only: carry it down.
        if cells.get("level1"):
            level2 = level2 if level_label(cells["level1"]) == level1 else None
            level1 = level_label(cells["level1"])
        level2 = level_label(cells.get("level2")) or level2
        row = _table_row(cells, span, text, level1, level2, "level2" in columns)
        if row is not None:
            rows.append(row)
    return rows


def _realign(cells: list[str], columns: dict[str, int]) -> list[str]:
    """The row's cells moved right past blank merged 一级/二级指标 cells a text copy dropped.

    " | | 培训场次 | ≥10场 | …" can arrive as ["培训场次", "≥10场", …, "", ""]. Of the shifts that
    only push empty cells off the end, the one whose cells best fit their columns wins (ties: none).
    """
    labels = [(kind, columns[kind]) for kind in ("level1", "level2") if kind in columns]
    if all(_fits(kind, cells[i] if i < len(cells) else "") for kind, i in labels):
        return cells  # the label columns hold labels or nothing: nothing was dropped
    leading = max((index for _, index in labels), default=-1) + 1
    best, best_fit = cells, _alignment_fit(cells, columns)
    for shift in range(1, leading + 1):
        if len(cells) <= shift or any(cells[-shift:]):
            break
        moved = [""] * shift + cells[:-shift]
        if (fit := _alignment_fit(moved, columns)) > best_fit:
            best, best_fit = moved, fit
    return best


def _alignment_fit(cells: list[str], columns: dict[str, int]) -> int:
    """How many cells look like what their column holds (labels, names, figures)."""
    return sum(
        _fits(kind, cells[index] if index < len(cells) else "") for kind, index in columns.items()
    )


def _fits(kind: str, cell: str) -> bool:
    label = GROUP_SCORE.sub("", cell)
    if kind == "level1":
        return not cell or bool(LEVEL1.fullmatch(label))
    if kind == "level2":
        return not cell or bool(LEVEL2.fullmatch(label))
    if kind == "name":
        return bool(cell) and _score_number(cell) is None
    if kind in ("weight", "score"):
        return not cell or _score_number(cell) is not None
    return False


def _table_row(
    cells: dict[str, str],
    span: TableRowSpan,
    text: str,
    level1: str | None,
    level2: str | None,
    has_level2: bool,
) -> Row | None:
    name = _INDEX_LABEL.sub("", cells.get("name", "")).strip() if cells.get("name") else ""
    figures = [cells.get(kind) for kind in ("target", "actual", "weight", "score")]
    if not name or _TOTAL_ROW.match(name) or name in span.header or not any(figures):
        return None
    reason = _reason_text(cells.get("reason"))
    return Row(
        name=name,
        start=span.start,
        end=span.end,
        level1=level1,
        level2=level2 if has_level2 else None,
        nature=cells.get("nature") or None,
        direction=cells.get("direction") or None,
        target=cells.get("target") or None,
        unit=cells.get("unit") or None,
        actual=cells.get("actual") or None,
        weight=_score_number(cells.get("weight")),
        score=_score_number(cells.get("score")),
        reason=reason,
        reason_span=_find_span(text, reason, span.start, span.end),
    )


def _reason_text(cell: str | None) -> str | None:
    """A 偏差原因 cell's text; None for "", "0", "/", "无" or a bare "已完成"."""
    if not cell or _NOT_A_REASON.fullmatch(cell) or AFFIRMED.fullmatch(plain_text(cell)):
        return None
    return cell


def _score_number(cell: str | None) -> float | None:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*分?\s*", cell or "")
    return float(match.group(1)) if match else None


def _find_span(text: str, needle: str | None, start: int, end: int) -> tuple[int, int] | None:
    """Where `needle` lies in text[start:end]; the whole span when a loader reflowed the cell."""
    if not needle:
        return None
    found = text.find(needle, start, end)
    return (found, found + len(needle)) if found >= 0 else (start, end)
