"""Which rows a table's total row (合计/总计/小计) sums.

Subject codes (类/款/项) and ordinals (一、/(一)/1./(1)) give a row its level; "其中" rows are
sub-items. Where that is unclear (uncoded rows among coded ones, numbered rows mixed with plain
ones, items after the last 小计) no rows are chosen, and nothing is checked.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ingest.figures import row_label

# A total row's label ends in one of these; 总额 counts as 合计.
TOTAL_LABEL = re.compile(r"(合计|总计|小计|总额)$")
# A total among column headers.
TOTAL_WORD = re.compile(r"合计|总计|小计")


class Entry(NamedTuple):
    """A table row as seen from one label column."""

    label: str
    total: str | None  # 合计 / 总计 / 小计, or None for an item row
    level: int | None  # nesting depth from codes or ordinals; None when unknown
    numbered: bool  # the level came from a code or ordinal
    sub: bool  # a "其中" row


def read_entry(cells: list[str], roles: list[str], label: int) -> Entry:
    """A row's name, total word and level, as seen from label column `label`."""
    raw = re.sub(r"\s+", "", cells[label]) if label < len(cells) else ""
    name = row_label(cells, label)
    total = TOTAL_LABEL.search(name)
    code_columns = []
    for i in range(label - 1, -1, -1):  # the code columns right before this label column
        if roles[i] != "code":
            break
        code_columns.append(i)
    codes = [cells[i] for i in code_columns if i < len(cells) and cells[i].isdigit()]
    if code_columns:
        level = (len(codes) if len(code_columns) > 1 else len(codes[0]) // 2) if codes else None
        numbered = bool(codes)
    else:
        level = _ordinal_level(raw)
        numbered = level > 0
    kind = None if total is None else "合计" if total.group(1) == "总额" else total.group(1)
    return Entry(name, kind, level, numbered, raw.startswith("其中"))


def _ordinal_level(label: str) -> int:
    patterns = (
        r"[一二三四五六七八九十]+、",
        r"\([一二三四五六七八九十]+\)",
        r"\d{1,2}[.、]",
        r"\(\d{1,2}\)",
    )
    for level, pattern in enumerate(patterns, start=1):
        if re.match(pattern, label):
            return level
    return 0


def child_rows(entries: list[Entry], index: int) -> list[int] | None:
    """The rows a total row sums: the rows above it up to the previous total, or below it up to
    the next, or the 小计 rows of the groups above it; only the top level of them; None when
    that is ambiguous."""
    total = entries[index]
    previous = next((j for j in range(index - 1, -1, -1) if entries[j].total), None)
    start = -1 if previous is None else previous
    above = [k for k in range(start + 1, index) if entries[k].label]
    if above:
        if previous is not None and entries[previous].total == "小计" != total.total:
            return None  # items after the last group: which rows the 合计 covers is not stated
        carried = [previous] if previous is not None and total.total == "总计" else []
        items = _top_level(entries, above, opened=False)
        return None if items is None else carried + items
    if previous is not None and entries[previous].total == "小计" != total.total:
        return _subtotals(entries, index)
    following = next((j for j in range(index + 1, len(entries)) if entries[j].total), None)
    if following is not None and entries[following].total == "小计" != total.total:
        return None  # a 合计 above groups closed by 小计 rows
    below = [k for k in range(index + 1, following or len(entries)) if entries[k].label]
    return _top_level(entries, below, opened=True)


def _subtotals(entries: list[Entry], index: int) -> list[int] | None:
    """The 小计 rows a 合计 right below the last of them sums, back to the previous 合计."""
    subtotals = []
    for k in range(index - 1, -1, -1):
        if entries[k].total and entries[k].total != "小计":
            break
        if entries[k].total:
            subtotals.append(k)
    return sorted(subtotals) if len(subtotals) >= 2 else None


def _top_level(entries: list[Entry], rows: list[int], opened: bool) -> list[int] | None:
    if opened and rows and entries[rows[0]].sub:
        items = rows  # "合计 / 其中:财政资金 / 其他资金": the 其中 opens the total's breakdown
    else:
        items = [k for k in rows if not entries[k].sub]
    levels = [entries[k].level for k in items]
    if None in levels or len({entries[k].numbered for k in items}) > 1:
        return None  # uncoded rows among coded ones, or numbered rows mixed with plain ones
    top = min((level for level in levels if level is not None), default=0)
    chosen = [k for k in items if entries[k].level == top]
    return chosen if len(chosen) >= 2 else None
