"""Tables (表格) written in plain text, as rows with the header that gives their cells meaning.

Web and DOCX copies of reports flatten their tables in two shapes:
- pipe rows, one row a line ("普法宣传 | 10.00 | 353.02 | 353.02 | 352.29 | |"). The copy squeezes
  out merged and empty cells and pads the row at its end, so a row may hold fewer cells than the
  header has columns. Cells are put back under their columns (`TableRowSpan.cells[i]` is under
  `header[i]`, "" where the copy dropped a cell) by, in order: the columns under a spanning header
  (see `_choose_parent`), the 一级指标 column a row's 产出指标/效益指标… belongs to (the cells
  before it were merged from the row above and are filled from it), or else from the left.
- one cell a line, found from their header words (一级指标, 年度指标值, 得分 …): see
  `ingest.cell_tables`.
Row spans run from a row's first cell to its last, so quotes never carry the padding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ingest.cell_tables import GROUP_LABEL, LEVEL1, TOTALS, cell_tables, header_hits
from ingest.models import TableRowSpan, TableSpan

# Cells of a table a loader read (PDF, DOCX, XLSX, HTML) are joined by a tab in the stored text:
# white space, so a quote of a row reads as the table does ("津贴补贴 1,238.58") once white space
# is ignored, as people copy it from the file. Tables written in text with pipes keep their pipes.
CELL_SEPARATOR = "\t"
CELL_BREAK = re.compile(r"[|\t]")
HEADER_SEPARATOR = " | "
_NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?")
_NUMBER_TOKEN = re.compile(r"[-+]?[\d,]*\d(?:\.\d+)?%?|[-—–]+")
_PROSE_PUNCT = re.compile(r"[，,。；;：:！？!?]")
_PAGE_NUMBER = re.compile(r"[-—–\s]*\d+[-—–\s]*|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+")
_RULE_CELL = re.compile(r":?-{3,}:?")  # markdown's |---|---| line
_TABLE_TITLE = re.compile(r"(?:附)?表\s*[\d一二三四五六七八九十]+.*|.{2,38}表")


def find_text_tables(text: str, known: list[TableSpan]) -> list[TableSpan]:
    """Pipe-row and cell-per-line tables of the text that `known` (loader tables) does not cover."""
    found = _pipe_tables(text) + cell_tables(text)
    return sorted(
        (t for t in found if not any(_overlap(t, k) for k in known)), key=lambda t: t.start
    )


def split_cells(line: str) -> list[str]:
    """A stored table row's cells (pipes or tabs between them), stripped."""
    return [cell.strip() for cell in CELL_BREAK.split(line)]


def row_header_text(row: TableRowSpan) -> str:
    """The row's header as one line for embedding and display: "表头: 一级指标 | 二级指标 | …"."""
    return "表头: " + HEADER_SEPARATOR.join(row.header) if row.header else ""


def is_table_like(line: str) -> bool:
    """A line that is a table row or a figure by itself, which no sentence runs into or out of."""
    stripped = line.strip()
    if not stripped:
        return False
    if CELL_BREAK.search(line.strip(" ")) or _PAGE_NUMBER.fullmatch(stripped):
        return True
    tokens = stripped.split()
    numbers = sum(1 for token in tokens if _NUMBER_TOKEN.fullmatch(token))
    if numbers == len(tokens):
        return True
    # "一、一般公共预算财政拨款收入 2,940.05 一、一般公共服务支出": figures between short labels and
    # no sentence punctuation; prose lines with spaced figures always carry a ，or 。.
    return numbers >= 2 and not _PROSE_PUNCT.search(stripped)


def combine_header_rows(rows: Iterable[list[str]]) -> list[str]:
    """Header rows joined per column, top down: "预算数" over "年初预算" → "预算数/年初预算".

    A cell merged downwards (filled by the loader, so repeated) is kept once.
    """
    columns: list[list[str]] = []
    for row in rows:
        for index, cell in enumerate(row):
            while len(columns) <= index:
                columns.append([])
            if cell and (not columns[index] or columns[index][-1] != cell):
                columns[index].append(cell)
    return ["/".join(parts) for parts in columns]


def _is_number(cell: str) -> bool:
    return bool(_NUMBER.fullmatch(cell.replace(" ", "")))


class _Row:
    """One pipe line: its cells (inner empty cells kept, edge ones dropped) and its span."""

    def __init__(self, line: str, offset: int) -> None:
        pieces, positions, cursor = line.split("|"), [], offset
        for piece in pieces:
            lead = len(piece) - len(piece.lstrip())
            positions.append((cursor + lead, cursor + lead + len(piece.strip())))
            cursor += len(piece) + 1
        cells = [piece.strip() for piece in pieces]
        filled = [i for i, cell in enumerate(cells) if cell]
        first, last = (filled[0], filled[-1]) if filled else (0, -1)
        self.cells = cells[first : last + 1]
        self.start = positions[first][0] if filled else offset
        self.end = positions[last][1] if filled else offset
        self.is_rule = all(_RULE_CELL.fullmatch(c) for c in self.cells if c) and bool(filled)

    @property
    def numeric(self) -> bool:
        return any(_is_number(cell) for cell in self.cells)


def _pipe_tables(text: str) -> list[TableSpan]:
    tables: list[TableSpan] = []
    rows: list[_Row] = []
    title: str | None = None
    previous_line = ""
    offset = 0
    for line in [*text.split("\n"), ""]:
        if line.count("|") >= 2:
            if not rows and title is None:
                title = _title_line(previous_line)
            row = _Row(line, offset)
            if len(row.cells) == 1:  # a title row ("| 部门预算项目绩效目标申报表 | ||||")
                tables += _close(rows, title)
                rows, title = [], title if not rows and title else row.cells[0]
            elif not row.is_rule:
                if rows and _starts_new_table(rows, row):
                    tables += _close(rows, title)
                    rows, title = [], None
                rows.append(row)
        elif rows or title is not None:
            tables += _close(rows, title)
            rows, title = [], None
        previous_line = line if line.strip() else previous_line
        offset += len(line) + 1
    return tables


def _starts_new_table(rows: list[_Row], row: _Row) -> bool:
    """A second header row ("预算执行情况(10分) | 年初预算 | …") or a form's closing rows."""
    if not row.numeric and header_hits(row.cells) >= 2:
        return True
    closing = row.cells[0].startswith(("评价结论", "存在问题", "改进措施", "项目负责人"))
    return closing and any(r.numeric for r in rows)


def _title_line(line: str) -> str | None:
    stripped = line.strip()
    return stripped if len(stripped) <= 40 and _TABLE_TITLE.fullmatch(stripped) else None


def _close(rows: list[_Row], title: str | None) -> list[TableSpan]:
    """The rows as a table: its header rows, then data rows with cells under their columns."""
    if len(rows) < 2:
        return []
    header_count = _header_count(rows)
    heads, data = rows[:header_count], rows[header_count:]
    header, group = _header(heads, data)
    widest = max((len(r.cells) for r in data), default=0)
    if header and widest < len(header) and _is_group_label(header[0]):
        title = title or header[0]  # a rowspan label ("绩效指标(90分)"), not a data column
        header = header[1:]
    spans = [
        TableRowSpan(start=r.start, end=r.end, cells=r.cells, header=header, is_header=True)
        for r in heads
    ]
    previous: list[str] | None = None
    for row in data:
        cells = align_cells(row.cells, header, group, previous)
        spans.append(TableRowSpan(start=row.start, end=row.end, cells=cells, header=header))
        previous = cells
    return [TableSpan(start=rows[0].start, end=rows[-1].end, title=title, rows=spans)]


def _is_group_label(cell: str) -> bool:
    return bool(GROUP_LABEL.fullmatch(cell)) and not cell.startswith(LEVEL1)


def _header_count(rows: list[_Row]) -> int:
    """Leading rows without figures, when figures follow: one, or two when the second is a short
    sub-header under a spanning cell (fewer cells than the first)."""
    if rows[0].numeric or not any(r.numeric for r in rows):
        return 0
    second = rows[1]
    if not second.numeric and len(second.cells) < len(rows[0].cells):
        return 2 if all(len(cell) <= 12 for cell in second.cells) else 1
    return 1


def _header(heads: list[_Row], data: list[_Row]) -> tuple[list[str], tuple[int, int] | None]:
    """The header's leaf columns, and the range of columns under a spanning cell."""
    if not heads:
        return [], None
    top = [c for c in heads[0].cells if c]
    if len(heads) == 1:
        return top, None
    sub = [c for c in heads[1].cells if c]
    if len(sub) >= len(top):
        return combine_header_rows([top, sub]), None
    parent = _choose_parent(top, sub, [r.cells for r in data])
    leaves = top[:parent] + [f"{top[parent]}/{cell}" for cell in sub] + top[parent + 1 :]
    return leaves, (parent, parent + len(sub))


def _choose_parent(top: list[str], sub: list[str], data: list[list[str]]) -> int:
    """Which top cell spans the sub-header's cells.

    The copy keeps no trace of the span, so the figures decide: under the right parent, the
    sub-header's 合计 column equals the sum of its siblings in the data rows (表2: 实际到位资金
    over 上年结转资金 | 财政拨款资金 | 合计). Without a 合计 column, or when no row agrees, the
    rightmost top cell is taken.
    """
    total = next((i for i, c in enumerate(sub) if c.replace(" ", "") in TOTALS), None)
    if total is None:
        return len(top) - 1

    def agreeing_rows(parent: int) -> int:
        group = (parent, parent + len(sub))
        leaves = len(top) - 1 + len(sub)
        return sum(
            _sums_up(align_cells(cells, [""] * leaves, group, None)[group[0] : group[1]], total)
            for cells in data
        )

    best = max(range(1, len(top)), key=lambda p: (agreeing_rows(p), p))
    return best if agreeing_rows(best) else len(top) - 1


def _sums_up(values: list[str], total: int) -> bool:
    numbers = [float(v.replace(",", "").rstrip("%")) if _is_number(v) else None for v in values]
    if numbers[total] is None or any(n is None for i, n in enumerate(numbers) if values[i]):
        return False
    parts = sum(n or 0.0 for i, n in enumerate(numbers) if i != total)
    return abs(parts - (numbers[total] or 0.0)) < 0.011


def align_cells(
    cells: list[str], header: list[str], group: tuple[int, int] | None, previous: list[str] | None
) -> list[str]:
    """A data row's cells put under the header's columns ("" where the copy dropped a cell)."""
    missing = len(header) - len(cells)
    if missing <= 0:
        return list(cells)
    if group is not None:
        start, end = group
        right = len(header) - end
        middle = cells[start : len(cells) - right]
        if middle:  # columns outside the group keep their cells; the group's first ones were empty
            padding = [""] * (end - start - len(middle))
            return cells[:start] + padding + middle + cells[len(cells) - right :]
    anchored = _anchor_level1(cells, header, previous)
    return anchored if anchored is not None else cells + [""] * missing


def _anchor_level1(
    cells: list[str], header: list[str], previous: list[str] | None
) -> list[str] | None:
    """Put the row's 产出指标/效益指标… under 一级指标; the cells before were merged upwards."""
    if "一级指标" not in header:
        return None
    column = header.index("一级指标")
    at = next((i for i, c in enumerate(cells) if c.startswith(LEVEL1)), None)
    if at is None or at > column:
        return None
    shift = column - at
    filled = (previous or [])[:shift]
    row = filled + [""] * (shift - len(filled)) + cells
    return row + [""] * (len(header) - len(row))


def _overlap(a: TableSpan, b: TableSpan) -> bool:
    return a.start < b.end and b.start < a.end
