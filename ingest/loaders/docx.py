"""DOCX: paragraphs and tables in document order, merged table cells filled.

Tables are read from the XML (w:tr / w:tc) rather than python-docx's `row.cells`: each w:tc is read
once, a horizontal span (w:gridSpan) repeats its text over the grid columns it covers, and a
vertical continuation (w:vMerge without "restart") takes the text of the slot above it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from ingest.loaders.base import Block, LoadedDocument, Page, TableBlock, TextBlock
from ingest.loaders.cells import count_header_rows, drop_blank_rows, join_cell_lines, pad_rows

_P, _TBL, _SDT, _SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")
_TR, _TC, _TC_PR, _TR_PR = qn("w:tr"), qn("w:tc"), qn("w:tcPr"), qn("w:trPr")
_VAL = qn("w:val")
_HEADING_STYLE_PREFIXES = ("heading", "title", "标题")

XmlElement = Any  # lxml elements from python-docx's oxml layer carry no usable static types


def load_docx(path: Path) -> LoadedDocument:
    """Read a .docx file into one page of text and table blocks in document order."""
    document = docx.Document(str(path))
    blocks = read_body(document)
    title = (document.core_properties.title or "").strip() or _first_heading(document)
    return LoadedDocument(path=path, format="docx", pages=[Page(blocks=blocks)], title=title)


def read_body(document: Document) -> list[Block]:
    """Paragraphs gathered into text blocks, broken by the tables between them."""
    blocks: list[Block] = []
    lines: list[str] = []
    for element in _body_elements(document.element.body):
        if element.tag == _P:
            text = Paragraph(element, document).text
            if text.strip():
                lines.append(text)
            continue
        table = read_table(element, document)
        if table is None:
            continue
        if lines:
            blocks.append(TextBlock(text="\n".join(lines)))
            lines = []
        blocks.append(table)
    if lines:
        blocks.append(TextBlock(text="\n".join(lines)))
    return blocks


def _body_elements(parent: XmlElement) -> Iterator[XmlElement]:
    """w:p and w:tbl children in order, looking inside content controls (a TOC is one)."""
    for child in parent.iterchildren():
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            for content in child.iterchildren(_SDT_CONTENT):
                yield from _body_elements(content)


def read_table(tbl: XmlElement, document: Document) -> TableBlock | None:
    """Rows of cell text with merged cells filled; None for a table with no text."""
    grid: list[list[str]] = []
    header_marks: list[bool] = []
    for tr in tbl.iterchildren(_TR):
        row = [""] * _grid_value(tr.find(_TR_PR), "w:gridBefore")
        for tc in tr.iterchildren(_TC):
            row.extend(_read_tc(tc, row, grid, document))
        grid.append(row)
        header_marks.append(_is_repeated_header(tr))
    width = max((len(row) for row in grid), default=0)
    rows = drop_blank_rows(pad_rows(grid, width))
    if not rows:
        return None
    # Word marks rows to repeat on each page (w:tblHeader): the author's own header rows.
    marked = next((i for i, mark in enumerate(header_marks) if not mark), len(header_marks))
    header_rows = marked if 0 < marked < len(rows) else count_header_rows(rows)
    return TableBlock(rows=rows, header_rows=header_rows)


def _read_tc(
    tc: XmlElement, row: list[str], grid: list[list[str]], document: Document
) -> list[str]:
    """The texts one w:tc contributes to its row, one per grid column it spans."""
    props = tc.find(_TC_PR)
    span = max(_grid_value(props, "w:gridSpan"), 1)
    column = len(row)
    if _merge_value(props, "w:vMerge") == "continue":
        above = grid[-1] if grid else []
        text = above[column] if column < len(above) else ""
    elif _merge_value(props, "w:hMerge") == "continue":  # the legacy way to merge across
        text = row[-1] if row else ""
    else:
        text = _tc_text(tc, document)
    return [text] * span


def _tc_text(tc: XmlElement, document: Document) -> str:
    lines: list[str] = []
    for element in _body_elements(tc):
        if element.tag == _P:
            lines.append(Paragraph(element, document).text)
        else:  # a table nested in the cell: its rows as lines
            nested = read_table(element, document)
            lines.extend(" ".join(row) for row in (nested.rows if nested else []))
    return join_cell_lines("\n".join(lines))


def _grid_value(props: XmlElement | None, name: str) -> int:
    element = props.find(qn(name)) if props is not None else None
    value = element.get(_VAL) if element is not None else None
    return int(value) if value is not None and value.isdigit() else 0


def _merge_value(props: XmlElement | None, name: str) -> str | None:
    """ "restart", "continue" (also the default when the element has no w:val) or None."""
    element = props.find(qn(name)) if props is not None else None
    if element is None:
        return None
    value = element.get(_VAL)
    return "continue" if value is None else str(value)


def _is_repeated_header(tr: XmlElement) -> bool:
    props = tr.find(_TR_PR)
    mark = props.find(qn("w:tblHeader")) if props is not None else None
    return mark is not None and mark.get(_VAL) not in ("0", "false", "off")


def _first_heading(document: Document) -> str | None:
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue  # before the style: each style lookup scans every style (slow on blanks)
        name = (paragraph.style.name if paragraph.style is not None else "") or ""
        if name.lower().startswith(_HEADING_STYLE_PREFIXES):
            return text
    return None
