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

Many published reports (the Putuo 部门预算 among them) number their parts only in the contents
(目录) and repeat them in the body as bare lines: "一、部门主要职能" in the contents is
"上海市普陀区司法局主要职能" in the body, "1. 2026年部门财务收支预算总表" is the table's own
title line.
A bare line that ends with a contents entry's name (years and the generic 部门/单位 left out) is a
heading one step above the body's own markers, so "一、2026年“三公”经费预算情况说明" nests under
"其他相关情况说明". Table titles a loader read (an XLSX sheet's title row) are headings too, of
the lowest level: they close nothing and the next heading closes them.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass

from ingest.models import Section, TableSpan
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
# A table's title line often runs on into its caption: "…预算表编制部门:上海市普陀区司法局 单位:元".
_CAPTION_TAIL = re.compile(r"(?:编制(?:部门|单位)|单位)[:：].*$")
# Left out when a body line is matched to a contents entry: years, and the generic owner words the
# body replaces by the body's name ("部门主要职能" → "上海市普陀区司法局主要职能").
_NOT_IN_KEY = re.compile(r"(?:19|20)\d{2}年度?|本?部门|本?单位|\s")
_CONTENTS_NUMBER = re.compile(r"^(\d{1,2})[.．](?=(?:19|20)\d{2}年)")
_MIN_KEY = 4  # a shorter entry name ("概况") ends too many lines to identify one
# Ranks of bare headings relative to the marker kinds: a contents entry's line sits just above its
# kind ("一、" entries above the body's "一、"), a child entry just below its parent; a loader's
# table title below everything.
_ABOVE, _BELOW, _TABLE_TITLE_RANK = -0.5, 0.5, float(len(_KINDS))


def heading_kind(line: str) -> str | None:
    """The kind of heading marker a line starts with ('cn' for "一、", …), or None."""
    match = _match_marker(line.strip())
    return match[0] if match else None


def split_sections(text: str, table_titles: Collection[int] = ()) -> list[Section]:
    """Every section of the text, in order, with its level and path of titles.

    `table_titles` are the offsets of lines a loader read as a table's title.
    """
    candidates = list(_candidates(text, table_titles))
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


def table_title_offsets(text: str, tables: Iterable[TableSpan]) -> set[int]:
    """Where the title lines of loaded tables start (a titled table's title is its first line)."""
    offsets: set[int] = set()
    for table in tables:
        if table.title:
            start = table.start - len(table.title) - 1
            if start >= 0 and text[start : table.start - 1] == table.title:
                offsets.add(start)
    return offsets


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
    rank: float


@dataclass(frozen=True)
class _Entry:
    """A contents line: its name as matched against body lines, and its parent entry's."""

    key: str
    kind: str
    parent_key: str | None  # None for a top-level entry
    parent_kind: str


def _candidates(text: str, table_titles: Collection[int]) -> Iterator[_Candidate]:
    entries, contents_end = _contents(text)
    found = _found_keys(text, entries, contents_end)
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        start = offset + len(line) - len(line.lstrip())
        match = _match_marker(stripped)
        # Table rows ("一、一般公共预算财政拨款收入 2,940.05 一、…") and contents lines are not
        # headings at all, and do not break a run either.
        if match and not _is_table_row(stripped):
            kind, number, marker_end = match
            yield _Candidate(start, kind, number, _title(stripped, marker_end), _RANK[kind])
        elif not match and stripped and offset >= contents_end:
            bare = _bare_heading(stripped, entries, found, start in table_titles)
            if bare is not None:
                yield _Candidate(start, bare[0], 0, bare[1], bare[2])
        offset += len(line) + 1


def _contents(text: str) -> tuple[list[_Entry], int]:
    """The contents entries, in order, and the offset where the contents end (0: none)."""
    entries: list[_Entry] = []
    top_kind: str | None = None
    parent: str | None = None
    offset = end = 0
    for line in text.split("\n"):
        offset += len(line) + 1
        if not _LEADER.search(line):
            continue
        name = _LEADER.split(line.strip())[0].strip()
        match = _match_marker(name)
        # "4.2026年部门…预算表": in contents a number may run into the year that follows it.
        glued = _CONTENTS_NUMBER.match(name)
        if glued:
            match = ("num", int(glued.group(1)), glued.end())
        kind = match[0] if match else "bare"
        key = _key(name[match[2] :] if match else name)
        end = offset
        if top_kind is None:
            top_kind = kind
        if kind == top_kind:
            parent = key
            entries.append(_Entry(key, kind, None, kind))
        else:
            entries.append(_Entry(key, kind, parent, top_kind))
    return [e for e in entries if e.key], end


def _found_keys(text: str, entries: list[_Entry], contents_end: int) -> set[str]:
    """The entries whose name some body line ends with, marked or bare."""
    keys = {entry.key for entry in entries}
    found: set[str] = set()
    for line in text[contents_end:].split("\n"):
        match = _match_marker(line.strip())
        name = _key(_CAPTION_TAIL.sub("", line.strip()[match[2] :] if match else line.strip()))
        found.update(key for key in keys if name == key or _names(name, key))
    return found


def _names(line_key: str, entry_key: str) -> bool:
    """Whether a body line's key ends with an entry's name long enough to tell it apart."""
    return len(entry_key) >= _MIN_KEY and line_key.endswith(entry_key)


def _bare_heading(
    line: str, entries: list[_Entry], found: set[str], is_table_title: bool
) -> tuple[str, str, float] | None:
    """(kind, title, rank) of an unmarked line that heads a part, or None."""
    title = _CAPTION_TAIL.sub("", line).strip()
    if not title or len(title) > MAX_TITLE or _PROSE.search(title) or _is_table_row(title):
        return None
    name = _key(title)
    entry = next((e for e in entries if _names(name, e.key)), None)
    if entry is not None:
        top_rank = _RANK.get(entry.parent_kind, 0.0) + _ABOVE
        if entry.parent_key is not None and entry.parent_key in found:
            return f"contents:{entry.kind}", title, top_rank + _BELOW
        # An entry whose parent never appears in the body stands in its parent's place.
        return f"contents:{entry.parent_kind}", title, top_rank
    if is_table_title:
        return "table", title, _TABLE_TITLE_RANK
    return None


def _key(name: str) -> str:
    return _NOT_IN_KEY.sub("", name).rstrip(_TRAILING_PUNCT)


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
            while open_ and open_[-1][1].rank > cand.rank:
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
