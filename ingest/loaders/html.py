"""HTML: block elements become lines, data tables become table blocks, in page order."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString, PreformattedString

from ingest.loaders.base import Block, LoadedDocument, Page, TableBlock, TextBlock
from ingest.loaders.cells import CJK_CLASS, join_cell_lines
from ingest.loaders.text import decode_text

_DROPPED = ("script", "style", "nav", "noscript", "template", "iframe", "svg", "head")
_BLOCKS = frozenset(
    {
        *("p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6"),
        *("section", "article", "header", "footer", "aside", "main", "blockquote", "hr"),
        *("form", "fieldset", "address", "figure", "figcaption", "caption", "center"),
        *("table", "thead", "tbody", "tfoot", "tr", "td", "th"),
    }
)
# A source line break between two Chinese characters is not a space (CSS Text, segment breaks).
_CJK_SEGMENT_BREAK = re.compile(rf"(?<=[{CJK_CLASS}])[ \t\r\f]*\n[ \t\n\r\f]*(?=[{CJK_CLASS}])")
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_DECLARED_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Pages labelled GB2312 or GBK routinely hold characters only GB18030 (their superset) has.
_GB_CHARSETS = frozenset({"gb2312", "gbk", "x-gbk", "gb_2312-80", "euc-cn", "cp936", "gb18030"})
_MAX_SPAN = 1000  # a typo like rowspan="99999" must not build a huge grid


def load_html(path: Path) -> LoadedDocument:
    """Read an .html/.htm file into one page of text lines and tables."""
    text, encoding = decode_html(path.read_bytes(), path)
    soup = BeautifulSoup(text, "lxml")
    title = _read_title(soup)
    for tag in soup.find_all(_DROPPED):
        tag.decompose()
    flow = _Flow()
    flow.walk(soup.body or soup)
    page = Page(blocks=flow.finish())
    return LoadedDocument(
        path=path, format="html", pages=[page], title=title, metadata={"encoding": encoding}
    )


def decode_html(data: bytes, path: Path) -> tuple[str, str]:
    """Decode with the page's declared charset when it works, else as plain text would be."""
    declared = _DECLARED_CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        name = "gb18030" if name in _GB_CHARSETS else name
        try:
            return data.decode(name).replace("\r\n", "\n"), name
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown label: detect instead
    return decode_text(data, path)


def inline_text(raw: str) -> str:
    """Text as a browser shows it on one line: whitespace runs collapsed, edges trimmed."""
    return _HTML_SPACE.sub(" ", _CJK_SEGMENT_BREAK.sub("", raw)).strip()


def _read_title(soup: BeautifulSoup) -> str | None:
    for tag in (soup.title, soup.find("h1")):
        if tag is not None:
            title = inline_text(tag.get_text())
            if title:
                return title
    return None


class _Flow:
    """Collects lines of running text and the tables between them, in document order."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.lines: list[str] = []
        self.fragments: list[str] = []

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, PreformattedString):  # comments, CDATA, doctype
                    self.fragments.append(str(child))
            elif isinstance(child, Tag):
                self._walk_tag(child)

    def _walk_tag(self, tag: Tag) -> None:
        if tag.name == "br":
            self.break_line()
        elif tag.name == "table" and _is_data_table(tag):
            self.break_line()
            self._flush_text()
            table = read_table(tag)
            if table.rows:
                self.blocks.append(table)
        elif tag.name == "pre":
            self.break_line()
            self.lines.extend(line.rstrip() for line in tag.get_text().split("\n"))
        elif tag.name in _BLOCKS:
            self.break_line()
            self.walk(tag)
            self.break_line()
        else:
            self.walk(tag)

    def break_line(self) -> None:
        line = inline_text("".join(self.fragments))
        if line:
            self.lines.append(line)
        self.fragments = []

    def _flush_text(self) -> None:
        text = "\n".join(self.lines).strip("\n")
        if text.strip():
            self.blocks.append(TextBlock(text=text, hard_wrapped=False))
        self.lines = []

    def finish(self) -> list[Block]:
        self.break_line()
        self._flush_text()
        return self.blocks


def _own_rows(table: Tag) -> list[Tag]:
    """The table's rows, not those of tables nested in its cells."""
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


def _is_data_table(table: Tag) -> bool:
    """Tables used for page layout (nested tables, a single column) are read as running text."""
    if table.find("table") is not None:
        return False
    widths = (
        sum(_span(cell, "colspan") for cell in tr.find_all(["td", "th"], recursive=False))
        for tr in _own_rows(table)
    )
    return max(widths, default=0) >= 2


def _span(cell: Tag, name: str) -> int:
    value = cell.get(name)
    digits = re.match(r"\s*(\d+)", value if isinstance(value, str) else "")
    return min(max(int(digits.group(1)), 1), _MAX_SPAN) if digits else 1


def read_table(table: Tag) -> TableBlock:
    """Rows of cell text, a colspan/rowspan value repeated over every slot it covers.

    Header rows are the leading rows inside <thead> or made only of <th> cells (at least one).
    """
    trs = _own_rows(table)
    slots = _fill_slots(trs)
    width = max((col for _, col in slots), default=-1) + 1
    grid = [[slots.get((r, c), "") for c in range(width)] for r in range(len(trs))]
    kept = [
        (row, _is_header_row(tr))
        for row, tr in zip(grid, trs, strict=True)
        if any(cell.strip() for cell in row)
    ]
    header_rows = next((i for i, (_, is_header) in enumerate(kept) if not is_header), len(kept))
    caption = table.find("caption", recursive=False)
    title = inline_text(caption.get_text()) if caption is not None else ""
    return TableBlock(
        rows=[row for row, _ in kept], header_rows=max(header_rows, 1), title=title or None
    )


def _fill_slots(trs: list[Tag]) -> dict[tuple[int, int], str]:
    """(row, column) → text; a cell takes the next free slot, as a browser lays it out."""
    slots: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(trs):
        col = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while (r, col) in slots:
                col += 1
            text = _cell_text(cell)
            row_span = min(_span(cell, "rowspan"), len(trs) - r)
            col_span = _span(cell, "colspan")
            for dr in range(row_span):
                for dc in range(col_span):
                    slots[(r + dr, col + dc)] = text
            col += col_span
    return slots


def _is_header_row(tr: Tag) -> bool:
    cells = tr.find_all(["td", "th"], recursive=False)
    in_thead = tr.parent is not None and tr.parent.name == "thead"
    return bool(cells) and (in_thead or all(cell.name == "th" for cell in cells))


def _cell_text(cell: Tag) -> str:
    flow = _Flow()
    flow.walk(cell)
    flow.break_line()
    return join_cell_lines("\n".join(flow.lines))
