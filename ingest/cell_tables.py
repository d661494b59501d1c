"""Tables flattened one cell a line (每格一行), as web and DOCX copies of 绩效自评表 arrive.

    一级指标 |          产出指标
    二级指标 |    or    (blank line)
    …                   数量指标

A table starts at a run of header words (一级指标, 年度指标值, 得分 …; a word broken over two
lines, "年度" + "指标值", is joined). The cells after it are grouped into rows: a row is its labels
(一级/二级/三级指标, the row names), then its figures, then perhaps a reason. Copies drop empty
and merged cells, so a row is not cut at the header's width alone: a label after figures opens the
next row, unless it falls in a reason column and no figures follow it; labels a row lacks were
merged from the row above and are filled from it. Heuristic by nature: it aims at the indicator
and budget tables of the Sichuan/Hebei/Anhui templates and finds nothing in running prose.
"""

from __future__ import annotations

import re

from ingest.models import TableRowSpan, TableSpan

LEVEL1 = ("产出指标", "效益指标", "满意度指标", "成本指标")  # values of the 一级指标 column
TOTALS = ("合计", "总计", "小计")
GROUP_LABEL = re.compile(r"(.+?)[(（]\d+(?:\.\d+)?分[)）]")  # "绩效指标(90分)": labels a block

# Header words by the kind of column they head: labels name the row, text columns hold prose,
# the others hold figures, units or operators.
_LABEL_WORDS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "指标名称",
    "项目名称",
    "年度预算数",
    "项目资金",
)
_TEXT_WORDS = ("偏差原因", "未完成原因", "原因", "备注", "说明")
_VALUE_WORDS = frozenset(
    {
        "指标性质",
        "指标值",
        "年度指标值",
        "年初指标值",
        "调整指标值",
        "度量单位",
        "计量单位",
        "完成值",
        "实际完成值",
        "全年完成值",
        "权重",
        "分值",
        "得分",
        "指标权重",
        "指标得分",
        "年初预算",
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "调整后预算数",
        "预算执行数",
        "预算执行率",
        "执行率",
        "指标方向性",
    }
)
_VALUE = re.compile(r"[=<>≤≥≦≧/+\-]*\s*(?:[\d.,]+\s*(?:%|‰|[\u4e00-\u9fff]{1,3})?)?|…+")
_UNITS = frozenset(
    {
        "%",
        "元",
        "万元",
        "个",
        "人",
        "人次",
        "次",
        "年",
        "月",
        "天",
        "篇",
        "份",
        "台",
        "件",
        "期",
        "项",
        "户",
        "家",
        "套",
        "辆",
        "人/年",
    }
)
_INDEX_LABEL = re.compile(r"指标\d+")  # "指标1工程完工率": the 三级指标 slot of a template row
_FRAGMENT = re.compile(r"指标|\([^()]{1,6}\)")  # "经济效益" + "指标", "项目资金" + "(万元)"
_ENDS = ("评价结论", "存在问题", "改进措施", "项目负责人", "财务负责人", "年度总体目标", "联系人")
_MIN_HEADER = 4  # fewer header words in a row is a sentence or a form field, not a table


class _Cell:
    def __init__(self, text: str, start: int) -> None:
        self.text, self.start, self.end = text, start, start + len(text)


def header_hits(cells: list[str]) -> int:
    """How many cells are header words of indicator or budget tables."""
    return sum(1 for cell in cells if column_kind(cell) is not None)


def column_kind(word: str) -> str | None:
    """'label', 'text' or 'value' for a header word; None for any other text."""
    word = word.replace(" ", "")
    if word.startswith(_LABEL_WORDS):
        return "label"
    if word.startswith(_TEXT_WORDS):
        return "text"
    return "value" if word in _VALUE_WORDS else None


def cell_tables(text: str) -> list[TableSpan]:
    """Every cell-per-line table of the text."""
    tables: list[TableSpan] = []
    for cells in _cell_runs(text):
        index = 0
        while index < len(cells):
            header, after = _read_header(cells, index)
            table = _read_table(cells, index, header, after) if len(header) >= _MIN_HEADER else None
            if table is not None:
                tables.append(table)
            index = after if table is not None else index + 1
    return tables


def _is_value(text: str) -> bool:
    """A figure, unit, operator, placeholder or empty cell: what follows a row's labels."""
    return text in _UNITS or (bool(_VALUE.fullmatch(text)) and not _INDEX_LABEL.match(text))


def _cell_runs(text: str) -> list[list[_Cell]]:
    """Lines as cells ("238.93 |" → "238.93", a lone "|" → ""), blank lines skipped, runs broken
    by pipe rows."""
    runs: list[list[_Cell]] = [[]]
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if line.count("|") >= 2:
            runs.append([])
        elif stripped:
            body = stripped.removesuffix("|").rstrip()
            runs[-1].append(_Cell(body, offset + len(line) - len(line.lstrip())))
        offset += len(line) + 1
    return [run for run in runs if run]


def _read_header(cells: list[_Cell], index: int) -> tuple[list[_Cell], int]:
    """Header cells from `index` on, and the index after them."""
    header: list[_Cell] = []
    while index < len(cells):
        word = cells[index].text
        pair = word + cells[index + 1].text if index + 1 < len(cells) else ""
        if column_kind(word) is None and pair and column_kind(pair) is not None:
            header.append(_Cell(pair, cells[index].start))  # "年度" + "指标值"
            index += 1
        elif header and _FRAGMENT.fullmatch(word):  # "(万元)" ends the header word before it
            header[-1] = _Cell(header[-1].text + word, header[-1].start)
        elif column_kind(word) is not None:
            header.append(_Cell(word, cells[index].start))
        else:
            break
        header[-1].end = cells[index].end
        index += 1
    return header, index


def _read_table(
    cells: list[_Cell], start: int, header: list[_Cell], index: int
) -> TableSpan | None:
    words = [cell.text for cell in header]
    kinds = [column_kind(word) or "value" for word in words]
    label_count = sum(1 for kind in kinds if kind == "label")
    groups: list[list[_Cell]] = [[]]
    while index < len(cells) and not _ends_table(cells, index):
        cell, following = cells[index], cells[index + 1] if index + 1 < len(cells) else None
        if groups[-1] and _starts_row(groups[-1], cell, following, kinds, label_count):
            if len(cell.text) > 40:
                break  # prose after the table
            groups.append([])
        groups[-1].append(cell)
        index += 1
    rows = [
        TableRowSpan(
            start=header[0].start, end=header[-1].end, cells=words, header=words, is_header=True
        )
    ]
    previous: list[str] = []
    for group in groups:
        row = _row_cells([c.text for c in group], len(words), label_count, previous)
        filled = [c for c in group if c.text]
        if row is not None and filled:
            rows.append(
                TableRowSpan(start=filled[0].start, end=filled[-1].end, cells=row, header=words)
            )
            previous = previous if row[0].replace(" ", "") in TOTALS else row
    if len(rows) < 2:
        return None
    before = cells[start - 1].text if start else ""
    title = before if GROUP_LABEL.fullmatch(before) or before.endswith("表") else None
    return TableSpan(start=rows[0].start, end=rows[-1].end, title=title, rows=rows)


def _ends_table(cells: list[_Cell], index: int) -> bool:
    text = cells[index].text
    if text.startswith(_ENDS) or (GROUP_LABEL.fullmatch(text) and not text.startswith(LEVEL1)):
        return True
    return len(_read_header(cells, index)[0]) >= _MIN_HEADER


def _starts_row(
    row: list[_Cell], cell: _Cell, following: _Cell | None, kinds: list[str], label_count: int
) -> bool:
    """Whether `cell` opens the next row rather than continuing `row`."""
    text = cell.text
    if text.startswith("…"):
        return True  # a template's "……" placeholder row
    labels = next((i for i, c in enumerate(row) if _is_value(c.text)), len(row))
    merged = len(_merge_fragments([c.text for c in row[:labels]]))
    # The column `cell` would fall in: labels missing from the row come from the row above.
    column = max(merged, label_count) + len(row) - labels
    if _is_value(text):
        return column >= len(kinds)
    if labels == len(row):  # no figures yet: another label of this row, unless it has them all
        if _FRAGMENT.fullmatch(text):
            return False
        if _INDEX_LABEL.match(text) and any(_INDEX_LABEL.match(c.text) for c in row):
            return True
        return merged >= label_count
    # Prose in a reason column stays in the row, unless figures follow it: then it was the next
    # row's label ("财政专户管理资金 | 0.00 | …" after a row whose reason cell was merged).
    in_text_column = column < len(kinds) and kinds[column] == "text"
    return not (in_text_column and (following is None or not _is_value(following.text)))


def _merge_fragments(labels: list[str]) -> list[str]:
    merged: list[str] = []
    for label in labels:
        if merged and _FRAGMENT.fullmatch(label):
            merged[-1] += label
        else:
            merged.append(label)
    return merged


def _row_cells(
    texts: list[str], width: int, label_count: int, previous: list[str]
) -> list[str] | None:
    """The row's cells under the header; None for an empty template row ("指标2", "……")."""
    split = next((i for i, t in enumerate(texts) if _is_value(t)), len(texts))
    labels, rest = _merge_fragments(texts[:split]), texts[split:]
    has_values = any(t and not t.startswith("…") for t in rest)
    if not has_values and (not labels or _INDEX_LABEL.fullmatch(labels[-1])):
        return None
    if labels and labels[0].replace(" ", "") in TOTALS:
        return texts + [""] * (width - len(texts))  # a total row spans the label columns
    if len(labels) < label_count:
        labels = previous[: label_count - len(labels)] + labels
    cells = labels + rest
    return cells + [""] * (width - len(cells))
