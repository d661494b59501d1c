"""Cell-level rules shared by the table-reading loaders (PDF, DOCX, HTML, XLSX/XLS).

Kept in one place so that a table reads the same whatever file it came from: how a line break
inside a cell is closed up, which cells hold values, and how many leading rows are headers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# A cell that holds a value rather than a label: a number, optionally compared (≥95%) and
# followed by a short unit (500人次, 80.00万元, 3天). A bare year label (2024年) is a header.
_VALUE_RE = re.compile(
    r"[≥≤<>＞＜=＝]{0,2}\s*[-+−]?[¥￥$]?\(?\d[\d,，]*(?:\.\d+)?\)?\s*"
    r"(?:[%‰％]|[\u4e00-\u9fffA-Za-z]{1,3})?"
)
_YEAR_LABEL_RE = re.compile(r"(?:19|20)\d{2}\s*年度?")
# Written in a value's place to say "nothing here" ("无" under every column of an empty table).
_PLACEHOLDERS = frozenset({"无", "-", "--", "—", "——", "－", "/", "／"})
_NUMBER_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?%?|\d+(?:\.\d+)?%?")
_TRAILING_NUMBER_RE = re.compile(r"[\d,.]+$")
_LEADING_NUMBER_RE = re.compile(r"^[\d,.]+%?")


# Chinese characters for regular-expression classes: CJK punctuation, ideographs, full-width forms.
CJK_CLASS = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"


def is_cjk_char(ch: str) -> bool:
    """Chinese ideograph, CJK symbol/punctuation or full-width form."""
    code = ord(ch)
    return (
        0x3000 <= code <= 0x303F  # CJK symbols and punctuation
        or 0x3400 <= code <= 0x4DBF  # extension A
        or 0x4E00 <= code <= 0x9FFF  # unified ideographs
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x20000 <= code <= 0x3134F  # extensions B-G
        or code in (0x2014, 0x2026, 0x201C, 0x201D, 0x2018, 0x2019, 0x00B7)  # —…“”‘’·
    )


def join_cell_lines(text: str) -> str:
    """Close up the line breaks inside one cell.

    A break next to Chinese text is a wrap ("本年收入合\\n计" → "本年收入合计"); so is a break that
    splits one number ("96,282,2\\n13.44"). Any other break becomes a space, so two numbers stacked
    in one cell never fuse into one.
    """
    lines = [line.strip() for line in text.split("\n")]
    joined = ""
    for line in filter(None, lines):
        joined = line if not joined else joined + _line_joiner(joined, line) + line
    return joined


def _line_joiner(left: str, right: str) -> str:
    if is_cjk_char(left[-1]) or is_cjk_char(right[0]):
        return ""
    return "" if _splits_one_number(left, right) else " "


def _splits_one_number(left: str, right: str) -> bool:
    head = _TRAILING_NUMBER_RE.search(left)
    tail = _LEADING_NUMBER_RE.match(right)
    if head is None or tail is None or "." in head.group():
        return False
    # Plain digits on both sides ("2024" over "13") may be two values: join only with evidence
    # of one number cut in two, a thousands separator or a decimal part.
    evidence = "," in head.group() or "," in tail.group() or "." in tail.group()
    return evidence and _NUMBER_RE.fullmatch(head.group() + tail.group()) is not None


def looks_like_value(cell: str) -> bool:
    """True if the cell holds a figure (number, percentage, quantity with a unit) or a "none"."""
    text = cell.strip()
    if not text or _YEAR_LABEL_RE.fullmatch(text):
        return False
    return text in _PLACEHOLDERS or _VALUE_RE.fullmatch(text) is not None


def count_header_rows(rows: Sequence[Sequence[str]]) -> int:
    """Header rows = the leading rows that hold no value cell.

    A table in which no row holds a value cannot be told apart this way; its first row is taken
    as the header. A table whose first row already holds values has no header (0), as when a
    table continues from the previous page.
    """
    count = 0
    for row in rows:
        if any(looks_like_value(cell) for cell in row):
            break
        count += 1
    if count == len(rows):
        return min(1, len(rows))
    return count


def drop_blank_rows(rows: Sequence[list[str]]) -> list[list[str]]:
    """Remove rows whose cells are all empty or whitespace."""
    return [row for row in rows if any(cell.strip() for cell in row)]


def pad_rows(rows: Sequence[list[str]], width: int) -> list[list[str]]:
    """Make every row `width` cells long, padding with empty strings."""
    return [row + [""] * (width - len(row)) for row in rows]
