"""A report's tables as figures are read from them: logical tables, their cells and columns.

A table broken over pages is read as one table, with its caption, its year and its unit note
("单位:万元" above or just below it). Each column has a role: subject-code columns (科目编码,
类/款/项) hold codes, not figures; label columns name the rows; value columns hold figures.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ingest.figures.units import LEADING_COMPARISON, NUMBER, UNIT, YEAR
from ingest.models import Report, TableRowSpan, TableSpan

_UNIT_NOTE = re.compile(r"单位[::]\s*(亿元|万元|千元|元)")
_UNIT_LINE = re.compile(r"\s*(?:金额)?单位[::]\s*(?:亿元|万元|千元|元)\s*")
_HEADER_UNIT = re.compile(r"\((亿元|万元|千元|元)\)")
CODE_HEADER = re.compile(r"编码|代码|序号|编号|(?:^|/)[类款项]$")
NOT_AMOUNT_HEADER = re.compile(
    r"率|比例|比重|%|权重|分值|得分|分数|人数|数量|个数|次数|天数|指标值|完成值|单位"
)
VALUE_HEADER = re.compile(r"指标值|完成值|目标值")
_ATTR_HEADER = re.compile(r"指标性质|单位|方向|原因|说明|备注|结论|指标值|完成值|目标值")
_ORDINAL_PREFIX = re.compile(
    r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十\d]+\)|\d{1,2}[.、])\s*"
)
_SPACES = re.compile(r"\s+")
_SUB_ITEM = re.compile(r"^其中[::]?")
_CELL_NUMBER = re.compile(rf"-?{NUMBER}%?")
_FIGURE_CELL = re.compile(
    rf"(?:{LEADING_COMPARISON})?\s*{NUMBER}\s*(?:{UNIT})?(?:及以上|以上|以下|以内)?"
)
_CELL_BREAK = re.compile(r"[|\t\n]")
_CODE = re.compile(r"\d{2,7}")
_PLACEHOLDERS = {"", "/", "-", "—", "--", "——", "无", "空"}
_PAGE_GAP = re.compile(r"[\s\d/第页共-]*")


class CellSpan(NamedTuple):
    """One cell of a table row as it lies in the text: its column and exact span."""

    column: int
    start: int
    end: int
    text: str


class LogicalTable(NamedTuple):
    """A table with its continuation pages, its caption, unit note and year."""

    tables: list[TableSpan]
    header: list[str]
    rows: list[TableRowSpan]  # data rows only, in order
    caption: str | None
    unit: str | None
    year: int | None


def logical_tables(report: Report) -> list[LogicalTable]:
    """The report's tables, each joined with the pages it continues on."""
    groups: list[list[TableSpan]] = []
    for table in sorted(report.tables, key=lambda t: t.start):
        if groups and _continues(report.text, groups[-1], table):
            groups[-1].append(table)
        else:
            groups.append([table])
    return [_logical(report.text, group) for group in groups]


def row_cell_spans(text: str, row: TableRowSpan) -> list[CellSpan]:
    """The row's non-empty cells as text spans, each under its column of `row.cells`.

    The text may drop cells the loader filled in (merged cells, padding), so the pieces between
    pipes are matched to `row.cells` in order, skipping cells the text does not hold.
    """
    spans: list[CellSpan] = []
    column = 0
    cursor = row.start
    # Pipe rows hold one row a line; cell-per-line tables hold one cell a line.
    for piece in _CELL_BREAK.split(text[row.start : row.end]):
        stripped = piece.strip()
        lead = len(piece) - len(piece.lstrip())
        piece_start = cursor + lead
        cursor += len(piece) + 1
        if not stripped:
            continue
        match = next(
            (i for i in range(column, len(row.cells)) if _same_cell(row.cells[i], stripped)), None
        )
        if match is None:
            continue
        spans.append(CellSpan(match, piece_start, piece_start + len(stripped), stripped))
        column = match + 1
    return spans


def column_roles(table: LogicalTable) -> list[str]:
    """Each column's role: "code" (subject codes), "label" (row names), "attr" (a row's
    comparison sign, unit or remark) or "value"."""
    width = max([len(table.header), *(len(r.cells) for r in table.rows)], default=0)
    roles = []
    for column in range(width):
        header = table.header[column] if column < len(table.header) else ""
        cells = [
            r.cells[column]
            for r in table.rows
            if column < len(r.cells) and r.cells[column].strip() not in _PLACEHOLDERS
        ]
        numeric = sum(1 for c in cells if is_number_cell(c) or _FIGURE_CELL.fullmatch(c.strip()))
        if CODE_HEADER.search(header) or (not header and cells and all(map(is_code, cells))):
            roles.append("code")
        elif cells and numeric * 2 < len(cells):
            roles.append("attr" if _ATTR_HEADER.search(header) else "label")
        else:
            roles.append("value")
    return roles


def label_column(roles: list[str], column: int) -> int | None:
    """The label column that names the rows of a value column: the nearest one to its left."""
    return next((i for i in range(column - 1, -1, -1) if roles[i] == "label"), None)


def row_label(cells: list[str], label: int | None) -> str:
    """A row's name, without its ordinal ("一、") or spacing ("合 计")."""
    if label is None or label >= len(cells):
        return ""
    name = _SPACES.sub("", cells[label])
    name = _SUB_ITEM.sub("", name)
    return _ORDINAL_PREFIX.sub("", name)


def column_title(header: list[str], column: int, label: int | None) -> str:
    """A column's header less the top part its label column shares ("支出/决算数" → "决算数")."""
    if column >= len(header):
        return ""
    parts = header[column].split("/")
    shared = label is not None and label < len(header) and header[label].split("/")[0] == parts[0]
    return "/".join(parts[1:] if shared and len(parts) > 1 else parts)


def is_number_cell(cell: str) -> bool:
    """A cell that holds one number, perhaps negative or a percentage ("-1,234.50", "85%")."""
    return bool(_CELL_NUMBER.fullmatch(cell.replace(" ", "")))


def table_display_name(table: LogicalTable) -> str:
    """ "表2" for a numbered table, else its caption, else "表格"."""
    caption = table.caption or ""
    numbered = re.match(r"(?:附)?表\s*[\d一二三四五六七八九十]+", caption)
    if numbered:
        return numbered.group(0)
    return caption or "表格"


def column_unit(table: LogicalTable, row: TableRowSpan, column: int) -> str | None:
    """The unit of a column's cells: from its header ("金额(万元)"), the row's 度量单位 cell for
    an indicator value, else the table's unit note unless the column counts or rates."""
    header = table.header[column] if column < len(table.header) else ""
    stated = _HEADER_UNIT.search(header)
    if stated:
        return stated.group(1)
    if VALUE_HEADER.search(header):
        unit_column = next((i for i, h in enumerate(table.header) if h.endswith("单位")), None)
        if unit_column is not None and unit_column < len(row.cells):
            return row.cells[unit_column] or None
        return None
    return None if NOT_AMOUNT_HEADER.search(header) else table.unit


def _continues(text: str, group: list[TableSpan], table: TableSpan) -> bool:
    """A table that picks up where the previous one stopped: a page break between, same columns."""
    previous = group[-1]
    if not _PAGE_GAP.fullmatch(text[previous.end : table.start]):
        return False
    data = [r for r in table.rows if not r.is_header]
    header = next((r.header for r in group[0].rows if r.header), [])
    width = len(header) or max((len(r.cells) for r in group[0].rows), default=0)
    own_header = next((r.header for r in table.rows if r.header), [])
    if own_header and own_header != header:
        return False
    return bool(data) and len(data[0].cells) == width


def _logical(text: str, group: list[TableSpan]) -> LogicalTable:
    first = group[0]
    header = next((r.header for r in first.rows if r.header), [])
    rows = [r for t in group for r in t.rows if not r.is_header]
    before = text[max(0, first.start - 300) : first.start].split("\n")[-4:]
    after = [
        line
        for line in text[group[-1].end : group[-1].end + 80].split("\n")[1:2]
        if _UNIT_LINE.fullmatch(line)
    ]
    caption = first.title or _caption(before)
    note = _UNIT_NOTE.search("\n".join(before[-3:])) or _UNIT_NOTE.search("\n".join(after))
    stated = [m.group(1) for h in header[:1] for m in [_HEADER_UNIT.search(h)] if m]
    unit = note.group(1) if note else stated[0] if stated else None
    year = YEAR.search(caption or "")
    return LogicalTable(group, header, rows, caption, unit, int(year.group(1)) if year else None)


def _caption(lines: list[str]) -> str | None:
    """The table's name from the lines above it ("…决算表收入支出决算总表" → "收入支出决算总表")."""
    for line in reversed(lines):
        name = re.split(r"编制部门|(?:金额)?单位[::]", line.strip().strip("|").strip())[0].strip()
        if name.endswith("表"):
            pieces = [p for p in name.split("表") if p]
            return (pieces[-1] if pieces else name).split()[-1] + "表"
    return None


def _same_cell(cell: str, piece: str) -> bool:
    return cell == piece or _SPACES.sub("", cell) == _SPACES.sub("", piece)


def is_code(cell: str) -> bool:
    """A subject-code cell ("2010301", "类")."""
    return bool(_CODE.fullmatch(cell.strip())) or cell.strip() in ("类", "款", "项")
