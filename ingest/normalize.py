"""Normalisation (规范化): the loaded pages become the one text that is stored, quoted and searched.

Every rule here only touches layout: widths, spaces, line breaks a PDF put inside a sentence, and
spaces a PDF put inside a number ("9859.38 万元", "1, 045.50"). No digit is ever added, removed or
changed, so any figure in the stored text is a figure of the report.

Layout of the stored text: a page's blocks are joined with "\\n" and pages with "\\n"; each
`PageSpan` covers its page's text plus the "\\n" that follows it, so the spans tile the text. A
table block becomes one line per row, cells joined by " | ", recorded as a `TableSpan`.
"""

from __future__ import annotations

import re
from collections import Counter

from ingest.loaders.base import LoadedDocument, OcrLine, Page, TableBlock, TextBlock
from ingest.models import NormalizedDocument, OcrSpan, PageSpan, TableRowSpan, TableSpan
from ingest.sections import heading_kind
from ingest.tables import CELL_SEPARATOR, combine_header_rows, is_table_like

# Full-width ASCII forms (U+FF01–U+FF5E) and the ideographic space; 。、“”《》 have no ASCII twin.
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_ODD_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_BLANK_RUN = re.compile(r"\n{4,}")  # 3+ blank lines
# Units a PDF sets apart from their number; a space there splits one figure in two for search.
_UNITS = (
    "个百分点|亿元|万元|千元|元|万|亿|%|‰|人次|个|人|辆|台|套|件|次|家|户|篇|份|期|条|倍"
    "|平方米|公里|小时|天|日|月|年|分"
)
_NUMBER_UNIT = re.compile(rf"(?<=\d)[ \t]+(?={_UNITS})")
_OPENS_WITH_UNIT = re.compile(rf"(?:{_UNITS})")
# "1, 045.50": a thousands comma followed by a PDF space; only a group of exactly 3 digits.
_SPLIT_THOUSANDS = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})*),[ \t]+(?=\d{3}(?![\d]))")
# Where a line may end a sentence. ; and : end clauses, not sentences: after them a full line goes
# on ("主要原因:" / "年中社会保险缴费基数变更导致。"), and lists after them start with a marker.
_SENTENCE_END = "。！？!?…"
_CLOSERS = "。，,、；;：:！!？?）)」』”’》】%"
_BULLET = re.compile(r"[•·●○■□◆◇▪▶►※√✓]|[-—–]+\s*(?!\d)|第[一二三四五六七八九十百\d]+条")
_MIN_MEASURED = 20  # lines shorter than this (display width) do not tell the column width
_MIN_COLUMN = 50


def normalize_document(doc: LoadedDocument) -> NormalizedDocument:
    """Fold, clean and re-join the loaded pages into the stored text, with page and table spans."""
    running = _running_lines(doc.pages) if doc.format == "pdf" else frozenset[str]()
    parts: list[str] = []
    pages: list[PageSpan] = []
    tables: list[TableSpan] = []
    offset = 0
    # rendered once to see where each page ends and the next begins, then at their offsets
    drafts = [_render_page(page, 0, running)[0] for page in doc.pages]
    for index, page in enumerate(doc.pages):
        page_text, page_tables = _render_page(page, offset, running)
        if index < len(doc.pages) - 1:
            page_text += _page_break(drafts[index], drafts[index + 1], doc.format, running)
        ocr = None if page.ocr_lines is None else locate_lines(page_text, page.ocr_lines, offset)
        pages.append(
            PageSpan(
                number=page.number,
                name=page.name,
                start=offset,
                end=offset + len(page_text),
                ocr=ocr,
            )
        )
        parts.append(page_text)
        tables.extend(page_tables)
        offset += len(page_text)
    return NormalizedDocument(text="".join(parts), pages=pages, tables=tables)


def normalize_text(
    text: str, hard_wrapped: bool = False, keep_apart: frozenset[str] = frozenset()
) -> str:
    """One text block through every rule: widths, spaces, wrapped lines, split numbers."""
    text = clean_spaces(fold_width(text))
    if hard_wrapped:
        text = join_wrapped_lines(text, keep_apart)
    return rejoin_number_units(text).strip("\n")


def fold_width(text: str) -> str:
    """Full-width ASCII forms to ASCII ("，" → ",", "１２" → "12"), U+3000 to a space."""
    return text.translate(_FOLD)


def clean_spaces(text: str) -> str:
    """\\r\\n → \\n, odd spaces → space, invisible marks dropped, trailing spaces and 3+ blank lines
    removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", _ODD_SPACES.sub(" ", text))
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_RUN.sub("\n\n\n", text)


def rejoin_number_units(text: str) -> str:
    """Remove spaces a PDF put inside a figure: "12.85 %" → "12.85%", "1, 045.50" → "1,045.50"."""
    return _NUMBER_UNIT.sub("", _SPLIT_THOUSANDS.sub(r"\1,", text))


def join_wrapped_lines(text: str, keep_apart: frozenset[str] = frozenset()) -> str:
    """Join lines a PDF broke inside a sentence (see `_continues`); other line breaks stay.

    `keep_apart` holds running header/footer lines (digits masked, see `mask_digits`), never glued.
    """
    lines = text.split("\n")
    full = _column_width(lines)
    out = [lines[0]]
    previous = lines[0]  # the last physical line, which decides whether it was cut by the margin
    for line in lines[1:]:
        apart = mask_digits(previous) in keep_apart or mask_digits(line) in keep_apart
        if not apart and _continues(previous, line, full):
            out[-1] += _glue(out[-1], line) + line.lstrip()
        else:
            out.append(line)
        previous = line
    return "\n".join(out)


def mask_digits(line: str) -> str:
    """A line with its digits hidden, so "第 3 页" and "第 4 页" compare equal."""
    return re.sub(r"\d+", "#", line.strip())


def display_width(text: str) -> int:
    """Width in half-em units: CJK and full-width characters count 2, others 1."""
    return sum(2 if _is_wide(char) else 1 for char in text)


def _continues(previous: str, line: str, full: int) -> bool:
    """Whether `line` goes on the sentence that `previous` (a physical line) was cut from."""
    prev, nxt = previous.strip(), line.strip()
    if not prev or not nxt or is_table_like(prev) or is_table_like(nxt):
        return False
    if prev[-1] in _SENTENCE_END:
        return False
    if nxt[0] in _CLOSERS:  # "…转报工作" / "。负责本系统…": punctuation pushed to the next line
        return True
    if heading_kind(nxt) or _BULLET.match(nxt):
        return False
    # a figure and its unit are one word: "单位2024" / "年新成立", "金额 164.87" / "万元。"
    if prev[-1].isdigit() and _OPENS_WITH_UNIT.match(nxt):
        return True
    # Justified Chinese text fills every line to the margin; a line that stops short of it (a
    # heading, a paragraph's last line, a page header) ended there. The slack covers a paragraph's
    # first-line indent, which extraction drops, and a Latin word that did not fit.
    first_word = re.match(r"[A-Za-z0-9.,%]+", nxt)
    needed = display_width(first_word.group()) if first_word else 2
    return display_width(previous.rstrip()) + needed >= full - 6


def _glue(left: str, right: str) -> str:
    """Nothing between CJK (or punctuation) and anything; a space between two Latin words."""
    a, b = left.rstrip()[-1:], right.lstrip()[:1]
    return " " if a.isascii() and a.isalnum() and b.isascii() and b.isalnum() else ""


def _column_width(lines: list[str]) -> int:
    """The width of a full line: the 80th percentile of the lines long enough to tell."""
    widths = sorted(display_width(line.rstrip()) for line in lines)
    measured = [w for w in widths if w >= _MIN_MEASURED] or widths
    width = measured[int(len(measured) * 0.8)] if measured else 0
    # A page of short lines (contents, a cover) has no full lines to measure: its lines are as
    # long as their titles. Body text on an A4 page holds at least 25 characters a line.
    return max(width, _MIN_COLUMN)


def _is_wide(char: str) -> bool:
    code = ord(char)
    return (
        0x1100 <= code <= 0x115F
        or 0x2E80 <= code <= 0xA4CF
        or 0xAC00 <= code <= 0xD7A3
        or 0xF900 <= code <= 0xFAFF
        or 0xFE30 <= code <= 0xFE4F
        or 0xFF00 <= code <= 0xFF60
        or 0xFFE0 <= code <= 0xFFE6
        or code >= 0x20000
        or char in "“”‘’…—"
    )


def _running_lines(pages: list[Page]) -> frozenset[str]:
    """Lines repeated at the top or bottom of many pages (running headers, page footers)."""
    counts: Counter[str] = Counter()
    for page in pages:
        lines = [
            line
            for block in page.blocks
            if isinstance(block, TextBlock)
            for line in fold_width(block.text).split("\n")
            if line.strip()
        ]
        counts.update({mask_digits(line) for line in lines[:1] + lines[-1:]})
    enough = max(3, len(pages) // 3)
    return frozenset(line for line, count in counts.items() if count >= enough)


def _page_break(this: str, following: str, kind: str, running: frozenset[str]) -> str:
    """What joins two pages: nothing when a PDF page ends inside a sentence the next goes on
    with (so the sentence is quoted whole), else a line break."""
    if kind != "pdf" or not this.strip() or not following.strip():
        return "\n"
    last, first = this.rstrip("\n").rsplit("\n", 1)[-1], following.lstrip("\n").split("\n", 1)[0]
    if mask_digits(last) in running or mask_digits(first) in running:
        return "\n"
    if not _continues(last, first, _column_width(this.split("\n"))):
        return "\n"
    return _glue(last, first) if not first[:1].isspace() else "\n"


def _render_page(page: Page, offset: int, running: frozenset[str]) -> tuple[str, list[TableSpan]]:
    parts: list[str] = []
    tables: list[TableSpan] = []
    cursor = offset
    for block in page.blocks:
        if isinstance(block, TableBlock):
            text, table = render_table(block, cursor + (1 if parts else 0))
            if table is not None:
                tables.append(table)
        else:
            text = normalize_text(block.text, block.hard_wrapped, running)
        if not text:
            continue
        if parts:
            cursor += 1  # the "\n" that joins blocks
        parts.append(text)
        cursor += len(text)
    return "\n".join(parts), tables


def locate_lines(page_text: str, lines: list[OcrLine], offset: int) -> list[OcrSpan]:
    """Where each OCR line or cell lies in its rendered page, searched in order; `offset` is the
    page's start in the stored text. A line normalisation changed beyond finding is left out
    (its page is still marked as OCR)."""
    spans: list[OcrSpan] = []
    cursor = 0
    for line in lines:
        needle = clean_cell(line.text)
        found = page_text.find(needle, cursor) if needle else -1
        if found < 0:
            continue
        start = offset + found
        spans.append(OcrSpan(start=start, end=start + len(needle), confidence=line.confidence))
        cursor = found + len(needle)
    return spans


def clean_cell(cell: str | None) -> str:
    """A table cell on one line: the same folding, its internal line breaks removed."""
    if not cell:
        return ""
    lines = [line.strip() for line in clean_spaces(fold_width(cell)).split("\n") if line.strip()]
    joined = lines[0] if lines else ""
    for line in lines[1:]:
        joined += _glue(joined, line) + line
    return rejoin_number_units(joined)


def render_table(block: TableBlock, offset: int) -> tuple[str, TableSpan | None]:
    """The table as stored lines (title line, then one line per row) and its span at `offset`."""
    rows = [[clean_cell(cell) for cell in row] for row in block.rows]
    header = combine_header_rows(rows[: block.header_rows])
    if not block.header_rows and block.carried_header:
        header = combine_header_rows([[clean_cell(c) for c in row] for row in block.carried_header])
    title = clean_cell(block.title) or None
    lines: list[str] = [title] if title else []
    cursor = offset + (len(title) + 1 if title else 0)
    spans: list[TableRowSpan] = []
    for index, cells in enumerate(rows):
        line = _row_line(cells)
        if not line:
            continue  # an empty row carries nothing to store or quote
        spans.append(
            TableRowSpan(
                start=cursor,
                end=cursor + len(line),
                cells=cells,
                header=header,
                is_header=index < block.header_rows,
            )
        )
        lines.append(line)
        cursor += len(line) + 1
    if not spans:
        return "\n".join(lines), None
    return "\n".join(lines), TableSpan(
        start=spans[0].start, end=spans[-1].end, title=title, rows=spans
    )


def _row_line(cells: list[str]) -> str:
    """Cells joined by a tab; trailing empty cells are left out of the line (not of the row).

    Like every stored line it does not start with white space, so leading empty cells leave no
    mark in the text ("九、卫生健康支出\t60.99"); the row's cells keep every column.
    """
    last = max((i for i, cell in enumerate(cells) if cell), default=-1)
    return CELL_SEPARATOR.join(cells[: last + 1]).lstrip()
