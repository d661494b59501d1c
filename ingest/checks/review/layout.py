"""The report's layout as a reviewer reads it: its contents (目录) entries, and each standard
table found by its title, a table continued over pages counting once.

Titles are compared normalised (no spaces or quotes, no leading ordinal, year or 部门/单位),
and a title names the standard table whose name or alias it ends with, the longest such name
winning ("财政拨款收入支出决算总表" is not "收入支出决算总表").
"""

from __future__ import annotations

import difflib
import re
from typing import NamedTuple

from ingest.checks.document import Doc, TableView
from ingest.checks.review.kind import detect_kind, table_family
from ingest.checks.review.vocabulary import StandardTable, vocabulary

_QUOTES = re.compile(r"[“”\"'‘’「」\s]")
_ORDINAL = re.compile(
    r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|\([一二三四五六七八九十\d]+\)"
    r"|\d{1,2}\s*[.、．]|\d{1,2}(?=\d{4}年))"
)
_YEAR_LEAD = re.compile(r"^\d{4}年度?")
_ATTACHED = re.compile(r"编制(?:部门|单位)[::].*$|(?:金额)?单位[::].*$")
# A table's number after its name: "(公开01表)", "(表一)".
_NUMBER_TAIL = re.compile(r"\((?:公开)?(?:\d+|[一二三四五六七八九十]+)表?\)$|\((?:公开)?表?\d+\)$")
_LEADERS = re.compile(r"[…\.·]{2,}.*$|\s+\d{1,3}$")
# A line longer than this is prose, not a title.
TITLE_CHARS = 90


class Line(NamedTuple):
    start: int
    end: int
    text: str


class Placed(NamedTuple):
    """A standard table where the report has it: its title line, and the table read there."""

    standard: StandardTable
    title: Line
    view: TableView | None
    region_end: int  # where the next standard table's title begins


class Layout(NamedTuple):
    kind: str | None
    family: str | None
    contents: list[Line]  # the contents entries, leader dots and page numbers dropped
    contents_end: int  # where the body begins (0 without contents)
    tables: list[Placed]  # in the order of the body


def normalize_title(title: str) -> str:
    """A title as compared: no spaces, quotes, ordinal, leading year or 部门/单位."""
    text = _NUMBER_TAIL.sub("", _QUOTES.sub("", _ATTACHED.sub("", title)))
    for _ in range(3):
        text = _ORDINAL.sub("", text)
        text = _YEAR_LEAD.sub("", text)
    return re.sub(r"^(?:部门|单位)", "", text)


def match_standard(title: str, tables: list[StandardTable]) -> StandardTable | None:
    """The standard table a title names: the longest name or alias it ends with."""
    norm = normalize_title(title)
    best: tuple[int, StandardTable] | None = None
    for table in tables:
        for name in (table.name, *table.aliases):
            key = _QUOTES.sub("", name)
            if norm.endswith(key) and (best is None or len(key) > best[0]):
                best = (len(key), table)
    return best[1] if best else None


def lines_of(text: str, start: int = 0, end: int | None = None) -> list[Line]:
    """The text's lines in [start, end) with their offsets."""
    end = len(text) if end is None else end
    lines, offset = [], start
    for piece in text[start:end].split("\n"):
        lines.append(Line(offset, offset + len(piece), piece))
        offset += len(piece) + 1
    return lines


def read_contents(text: str) -> tuple[list[Line], int]:
    """The contents entries and where the body starts: after the 目录 line, up to the line that
    repeats the first entry."""
    openings = {re.sub(r"\s", "", o) for o in vocabulary().structure["contents_opening"]}
    lines = lines_of(text, 0, min(len(text), 8000))
    at = next((i for i, ln in enumerate(lines) if re.sub(r"\s", "", ln.text) in openings), None)
    if at is None:
        return [], 0
    entries: list[Line] = []
    dotted = False  # contents with leader dots end at the first line without them
    for line in lines[at + 1 :]:
        stripped = line.text.strip()
        if not stripped:
            continue
        core = _LEADERS.sub("", stripped).strip()
        if entries and _same_entry(core, entries[0].text):
            return entries, line.start
        if len(entries) > 2 and _is_entry(core, entries[1]):
            # The body repeats the second entry: the line before, the first heading, was
            # written otherwise than the contents have it, and is the body's too.
            last = entries.pop()
            return entries, last.start
        if len(stripped) > TITLE_CHARS or "\t" in line.text:
            break
        has_leaders = core != stripped
        if not entries:
            dotted = has_leaders
        elif dotted and not has_leaders:
            break
        offset = line.start + line.text.index(stripped[0])
        entries.append(Line(offset, offset + len(core), core))
    return entries, entries[-1].end if entries else 0


def _is_entry(text: str, entry: Line) -> bool:
    return normalize_title(text) == normalize_title(entry.text)


def _same_entry(a: str, b: str) -> bool:
    """The body's first heading repeats the first entry, perhaps with a slip in it."""
    a, b = normalize_title(a), normalize_title(b)
    return a == b or (len(b) >= 6 and difflib.SequenceMatcher(None, a, b).ratio() >= 0.8)


def read_layout(doc: Doc) -> Layout:
    """The report's kind, contents and standard tables."""
    kind = detect_kind(doc.report)
    family = table_family(kind)
    contents, body = read_contents(doc.text)
    standards = vocabulary().tables_of(family)
    if not standards:
        return Layout(kind, family, contents, body, [])
    titles: list[tuple[Line, StandardTable]] = []
    lines = lines_of(doc.text, body)
    for index, line in enumerate(lines):
        stripped = line.text.strip()
        if not stripped or len(stripped) > TITLE_CHARS or "\t" in line.text:
            continue
        standard = match_standard(stripped, standards)
        if standard is None and _ends_title(lines, index):
            # A title broken over two lines ("…“三公”经费支出决算" / "表").
            following = lines[index + 1]
            joined = match_standard(stripped + following.text.strip(), standards)
            if joined is not None and match_standard(following.text.strip(), standards) is None:
                standard, line = joined, Line(line.start, following.end, line.text + "\n")
                stripped = doc.text[line.start : following.end].strip()
        if standard is None:
            continue
        if titles and titles[-1][1] == standard and not _between_prose(doc, titles[-1][0], line):
            continue  # a continued table's repeated title
        offset = line.start + line.text.index(stripped[0])
        titles.append((Line(offset, offset + len(stripped), stripped), standard))
    placed = []
    for index, (title, standard) in enumerate(titles):
        region_end = titles[index + 1][0].start if index + 1 < len(titles) else len(doc.text)
        region_end = _prose_after(doc.text, title.end, region_end)
        view = next(
            (v for v in doc.tables if title.end <= v.table.tables[0].start < region_end), None
        )
        placed.append(Placed(standard, title, view, region_end))
    return Layout(kind, family, contents, body, placed)


_HEADING = re.compile(r"\s*(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、)")
_NOTE = re.compile(r"\s*(?:注|说明|备注)[::]")


def _prose_after(text: str, start: int, end: int) -> int:
    """Where the table's region ends: at the first heading or sentence that is not its note."""
    for line in lines_of(text, start, end)[1:]:
        if "\t" in line.text:
            continue
        if _HEADING.match(line.text) or ("。" in line.text and not _NOTE.match(line.text)):
            return line.start
    return end


def _ends_title(lines: list[Line], index: int) -> bool:
    """Whether the next line is short, no table row and no sentence: a title's broken tail."""
    if index + 1 >= len(lines):
        return False
    following = lines[index + 1].text.strip()
    return 0 < len(following) <= 12 and "\t" not in lines[index + 1].text and "。" not in following


def _between_prose(doc: Doc, first: Line, second: Line) -> bool:
    """Whether a sentence lies between two titles (a 说明 heading, not a continued table)."""
    return "。" in doc.text[first.end : second.start]
