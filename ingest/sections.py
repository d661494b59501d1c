"""Sections (章节): Chinese heading lines → nested section paths.

Heading kinds, in the order Chinese reports usually nest them:

    第一部分 / 第一篇 > 第一章 > 第一节 > 一、 > (一) > 1. 1、 > (1) > ①

Documents do not all use every kind, nor always in that order, so nesting follows the document: a
kind that is not open yet nests under the heading before it (the first kind seen is level 1), and a
kind that is open again closes everything opened under it. The usual order only breaks ties: a new
kind closes open kinds that usually sit below it, so an "一、" after a run of "1." items is not
taken as their child.

A heading line is a title (at most `MAX_TITLE` characters) or starts with one that ends at the
first 。/: ("(1)预算执行情况分析。我局按照…" in the 红河 report). The same markers also number plain
lists of sentences ("(一)贯彻执行国家…政策;研究拟订…"), so a numbered run (1, 2, 3… of one kind
under one parent) counts as headings only when every item of it reads as a title.
Runs on normalised text (full-width brackets folded), one heading per line.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ingest.models import Section
from ingest.tables import is_table_like

# Budget-item headings run long: "3、社会保障和就业支出(类)行政事业单位养老支出(款)机关事业单位基本
# 养老保险缴费支出(项)" is 44 characters.
MAX_TITLE = 50

_CN_NUMERAL = "零〇一二三四五六七八九十百"
# (kind, pattern) in the usual nesting order; group 1 is the heading's number.
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("part", re.compile(rf"第([{_CN_NUMERAL}\d]+)(?:部分|篇)")),
    ("chapter", re.compile(rf"第([{_CN_NUMERAL}\d]+)章")),
    ("section", re.compile(rf"第([{_CN_NUMERAL}\d]+)节")),
    ("cn", re.compile(r"([一二三四五六七八九十]+)、")),
    ("paren_cn", re.compile(r"[(（]([一二三四五六七八九十]+)[)）]")),
    # "1.5万元" and "3.2024—2026年…" start with numbers, not headings: no digit after the dot.
    ("num", re.compile(r"(\d{1,2})[.、．](?!\d)")),
    ("paren_num", re.compile(r"[(（](\d{1,2})[)）]")),
    ("circled", re.compile(r"([①-⑳])")),
)
_RANK = {kind: rank for rank, (kind, _) in enumerate(_KINDS)}
# Where a heading's title ends when text follows on the same line. Not ;/, which end clauses of
# list items ("(一)贯彻执行…政策;研究拟订…"), not titles.
_TITLE_END = re.compile(r"[。！？!?:：]")
_TRAILING_PUNCT = " 。.！？!?:：;；"
_FIGURE = re.compile(r"[\d,]*\d\.\d+%?")
_PROSE = re.compile(r"[,，。;；:：]")
_LEADER = re.compile(r"…{2,}|\.{4,}|·{4,}")  # a table of contents line: "一、部门主要职能 ……… 3"


def heading_kind(line: str) -> str | None:
    """The kind of heading marker a line starts with ('cn' for "一、", …), or None."""
    match = _match_marker(line.strip())
    return match[0] if match else None


def split_sections(text: str) -> list[Section]:
    """Every section of the text, in order, with its level and path of titles."""
    candidates = list(_candidates(text))
    # First pass: nest every marker line to learn which run (kind under one parent) it belongs
    # to; a run with an item that is not a title is a list, and none of its items are headings.
    placed = _nest(candidates)
    untitled = {run for cand, run, _ in placed if cand.title is None}
    kept = [cand for cand, run, _ in placed if run not in untitled]
    sections: list[Section] = []
    for cand, _, path in _nest(kept):
        title = cand.title or ""
        sections.append(Section(title=title, level=len(path), path=path, start=cand.start, end=0))
    return _with_ends(sections, len(text))


def section_path_at(sections: list[Section], offset: int) -> list[str]:
    """The path of the innermost section holding `offset` ([] before the first heading)."""
    # The last heading at or before the offset is the innermost open one: any section it closes
    # ended before it, and any deeper section would have started after it.
    index = bisect.bisect_right(sections, offset, key=lambda s: s.start) - 1
    return list(sections[index].path) if index >= 0 else []


@dataclass(frozen=True)
class _Candidate:
    """A line that starts with a heading marker; title None when it reads as a sentence."""

    start: int
    kind: str
    number: int
    title: str | None


def _candidates(text: str) -> Iterator[_Candidate]:
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        match = _match_marker(stripped)
        # Table rows ("一、一般公共预算财政拨款收入 2,940.05 一、…") and contents lines are not
        # headings at all, and do not break a run either.
        if match and not _is_table_row(stripped):
            kind, number, marker_end = match
            start = offset + len(line) - len(line.lstrip())
            yield _Candidate(start, kind, number, _title(stripped, marker_end))
        offset += len(line) + 1


def _is_table_row(line: str) -> bool:
    """A table row or contents line, which starts with a marker but is no heading."""
    if is_table_like(line) or _LEADER.search(line):
        return True
    # Table text flattened by extraction: two columns side by side ("八、其他收入 八、社会保障和
    # 就业支出"), or a label with its figure ("十八、自然资源海洋气象等支出 4461.67").
    later = line.split()[1:]
    return any(_match_marker(token) for token in later) or (
        any(_FIGURE.fullmatch(token) for token in later) and not _PROSE.search(line)
    )


def _nest(candidates: list[_Candidate]) -> list[tuple[_Candidate, tuple[int, str], list[str]]]:
    """Each accepted candidate with its run (parent index, kind) and its path of titles."""
    placed: list[tuple[_Candidate, tuple[int, str], list[str]]] = []
    open_: list[tuple[int, _Candidate]] = []  # (index in candidates, candidate), outermost first
    for index, cand in enumerate(candidates):
        same = next(
            (i for i in range(len(open_) - 1, -1, -1) if open_[i][1].kind == cand.kind), None
        )
        if same is not None:
            # "2." again after "2." under the same parent is a list in the text (an attachment
            # list, a quoted rule), not the next heading; a "1." restarts and is allowed.
            if 1 < cand.number <= open_[same][1].number:
                continue
            del open_[same:]
        else:
            while open_ and _RANK[open_[-1][1].kind] > _RANK[cand.kind]:
                open_.pop()
        parent = open_[-1][0] if open_ else -1
        path = [c.title or "" for _, c in open_] + [cand.title or ""]
        placed.append((cand, (parent, cand.kind), path))
        open_.append((index, cand))
    return placed


def _title(line: str, marker_end: int) -> str | None:
    """The heading's title, or None when the line is a numbered sentence rather than a title."""
    if "|" in line or marker_end >= len(line):  # a table cell; a bare "1." carries no title
        return None
    end = _TITLE_END.search(line, marker_end)
    if end is not None and end.start() <= MAX_TITLE:
        title = line[: end.start()]
    elif len(line) <= MAX_TITLE:
        title = line
    else:
        return None
    title = title.rstrip(_TRAILING_PUNCT)
    return title if len(title) > marker_end else None


def _match_marker(line: str) -> tuple[str, int, int] | None:
    for kind, pattern in _KINDS:
        match = pattern.match(line)
        if match:
            return kind, _number(match.group(1)), match.end()
    return None


def _number(token: str) -> int:
    if "①" <= token <= "⑳":
        return ord(token) - ord("①") + 1
    return int(token) if token.isascii() else parse_chinese_numeral(token)


def parse_chinese_numeral(token: str) -> int:
    """一 → 1, 十一 → 11, 二十三 → 23, 一百零五 → 105 (the range of heading numbers)."""
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0}
    total, current = 0, 0
    for char in token:
        if char in digits:
            current = digits[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
    return total + current


def _with_ends(sections: list[Section], text_end: int) -> list[Section]:
    """Each section ends where the next section of the same or a higher level begins."""
    waiting: list[int] = []  # indices of sections whose end is not known yet
    for index, section in enumerate(sections):
        while waiting and sections[waiting[-1]].level >= section.level:
            sections[waiting.pop()].end = section.start
        waiting.append(index)
    for index in waiting:
        sections[index].end = text_end
    return sections
