"""OCR lines back into a page: paragraphs of running text, and tables as rows of cells.

Pure functions over the recogniser's boxes (`TextBox`), no image needed:
- boxes whose vertical centres lie within half a line height are one visual line, left to right;
- a visual line of two or more boxes set apart is a table row; runs of such rows (with single-box
  rows that fit in one column, as a row whose only filled cell is its label) are a table, and its
  columns are the x-ranges its data rows' cells cover, so cells land in the column they sit under;
- single-box lines are running text: a line joins the previous one unless it is indented, follows
  a short line or a sentence end that stops before the margin, or lies after a gap — the same
  wrapped-line rule as for PDFs, but read from the geometry, which OCR gives exactly.

The blocks are the loaders' (`TextBlock`, `TableBlock`), so OCR text is normalised, sectioned and
chunked like any other page; `OcrLine`s name each line's or cell's text with its confidence, in
the order it appears in the blocks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from ingest.loaders.base import Block, OcrLine, TableBlock, TextBlock
from ingest.loaders.cells import count_header_rows, is_cjk_char, looks_like_value
from ingest.ocr.engine import TextBox

# Gaps measured in line heights (the median box height of the page).
_SAME_LINE = 0.5  # vertical centres closer than this are one visual line
_CELL_GAP = 1.5  # boxes further apart than this on one line are separate cells
_INDENT = 1.0  # a first-line indent of a paragraph
_PARAGRAPH_GAP = 0.8  # extra space between lines that opens a new paragraph
_SHORT_LINE = 2.5  # a line ending this far before the right margin ended its paragraph
_SENTENCE_END = "。！？!?"
_MIN_TABLE_ROWS = 2
_ROW_GAP = 1.5  # table rows lie closer than this; a wider gap ends the table


@dataclass(frozen=True)
class _Line:
    boxes: list[TextBox]

    @property
    def x0(self) -> float:
        return self.boxes[0].x0

    @property
    def x1(self) -> float:
        return self.boxes[-1].x1

    @property
    def top(self) -> float:
        return min(b.top for b in self.boxes)

    @property
    def bottom(self) -> float:
        return max(b.bottom for b in self.boxes)


def layout_page(boxes: Sequence[TextBox]) -> tuple[list[Block], list[OcrLine]]:
    """The page's blocks top to bottom, and its lines/cells with their confidence in text order."""
    boxes = [b for b in boxes if b.text.strip()]
    if not boxes:
        return [], []
    height = median(b.height for b in boxes)
    lines = _visual_lines(boxes, height)
    blocks: list[Block] = []
    read: list[OcrLine] = []
    prose: list[_Line] = []
    for kind, group in _split_tables(lines, height):
        if kind == "text":
            prose.extend(group)
            continue
        if prose:
            _add_prose(prose, lines, height, blocks, read)
            prose = []
        _add_table(group, height, blocks, read)
    if prose:
        _add_prose(prose, lines, height, blocks, read)
    return blocks, read


def _visual_lines(boxes: list[TextBox], height: float) -> list[_Line]:
    lines: list[list[TextBox]] = []
    for box in sorted(boxes, key=lambda b: b.mid_y):
        if lines and abs(box.mid_y - _mid(lines[-1])) <= _SAME_LINE * height:
            lines[-1].append(box)
        else:
            lines.append([box])
    return [_Line(sorted(line, key=lambda b: b.x0)) for line in lines]


def _mid(line: list[TextBox]) -> float:
    return sum(b.mid_y for b in line) / len(line)


def _cells_of(line: _Line, height: float) -> list[list[TextBox]]:
    """The line's boxes grouped into cells: boxes closer than a cell gap are one cell."""
    cells: list[list[TextBox]] = [[line.boxes[0]]]
    for box in line.boxes[1:]:
        if box.x0 - cells[-1][-1].x1 > _CELL_GAP * height:
            cells.append([box])
        else:
            cells[-1].append(box)
    return cells


def _split_tables(lines: list[_Line], height: float) -> list[tuple[str, list[_Line]]]:
    """Runs of lines, each "text" or "table"; a table holds at least two multi-cell rows."""
    cells = [_cells_of(line, height) for line in lines]
    groups: list[tuple[str, list[_Line]]] = []
    index = 0
    while index < len(lines):
        if len(cells[index]) < 2:
            groups.append(("text", [lines[index]]))
            index += 1
            continue
        end = index
        while end + 1 < len(lines) and _goes_on(cells, lines, index, end + 1, height):
            end += 1
        multi_rows = sum(1 for row in cells[index : end + 1] if len(row) >= 2)
        groups.append(
            ("table" if multi_rows >= _MIN_TABLE_ROWS else "text", lines[index : end + 1])
        )
        index = end + 1
    return groups


def _goes_on(
    cells: list[list[list[TextBox]]], lines: list[_Line], first: int, index: int, height: float
) -> bool:
    """Whether lines[index] is a row of the table that starts at lines[first]: close below the
    row above, and either of several cells or one cell that starts in one of its columns and
    stops short of the next (a row whose only filled cell is its label)."""
    if lines[index].top - lines[index - 1].bottom > _ROW_GAP * height:
        return False
    if len(cells[index]) >= 2:
        return True
    x0, x1 = lines[index].x0, lines[index].x1
    columns = _columns([cell for row in cells[first:index] for cell in row], cells[first:index])
    for index, (a, b) in enumerate(columns):
        next_start = columns[index + 1][0] if index + 1 < len(columns) else float("inf")
        if a - height <= x0 < b and x1 < next_start:
            return True
    return False


# -- running text -------------------------------------------------------------------------------


def _add_prose(
    prose: list[_Line], page: list[_Line], height: float, blocks: list[Block], read: list[OcrLine]
) -> None:
    left = min(line.x0 for line in page)
    right = max(line.x1 for line in page)
    paragraphs: list[str] = []
    previous: _Line | None = None
    for line in prose:
        text = _join_boxes(line.boxes)
        read.append(OcrLine(text, min(b.confidence for b in line.boxes)))
        if previous is not None and _continues(previous, line, left, right, height):
            paragraphs[-1] = _join_texts([paragraphs[-1], text])
        else:
            paragraphs.append(text)
        previous = line
    blocks.append(TextBlock(text="\n".join(paragraphs)))


def _continues(previous: _Line, line: _Line, left: float, right: float, height: float) -> bool:
    if line.x0 - left > _INDENT * height:
        return False
    if line.top - previous.bottom > _PARAGRAPH_GAP * height:
        return False
    if previous.x1 < right - _SHORT_LINE * height:
        return False
    last = previous.boxes[-1].text.rstrip()[-1:]
    return not (last in _SENTENCE_END and previous.x1 < right - 0.8 * height)


def _join_boxes(boxes: Sequence[TextBox]) -> str:
    return _join_texts([box.text for box in boxes])


def _join_texts(pieces: Sequence[str]) -> str:
    """Pieces of one paragraph or cell as one string: nothing next to Chinese (or between the
    digits of a number cut by the line's end), a space between two Latin words."""
    text = ""
    for raw in pieces:
        piece = raw.strip()
        if not piece:
            continue
        if (
            text
            and text[-1].isalpha()
            and piece[0].isalpha()
            and not (is_cjk_char(text[-1]) or is_cjk_char(piece[0]))
        ):
            text += " "
        text += piece
    return text


# -- tables -------------------------------------------------------------------------------------


def _add_table(rows: list[_Line], height: float, blocks: list[Block], read: list[OcrLine]) -> None:
    row_cells = [_cells_of(line, height) for line in rows]
    columns = _columns([cell for cells in row_cells for cell in cells], row_cells)
    table: list[list[str]] = []
    for cells in row_cells:
        slots: list[list[TextBox]] = [[] for _ in columns]
        for cell in cells:
            for index in _covered(cell, columns):
                slots[index].extend(cell)
        table.append([_join_boxes(slot) if slot else "" for slot in slots])
        for slot in slots:
            if slot:
                read.append(OcrLine(_join_boxes(slot), min(b.confidence for b in slot)))
    blocks.append(TableBlock(rows=table, header_rows=count_header_rows(table)))


def _columns(
    cells: list[list[TextBox]], rows: list[list[list[TextBox]]]
) -> list[tuple[float, float]]:
    """Column extents: the x-ranges the cells of the data rows cover, where they overlap joined.

    Header rows are left out: a header spanning two columns ("收入" over 项目 and 决算数) sits
    over the gap between them and would join them into one.
    """
    data = [
        cell for row in rows if any(looks_like_value(_join_boxes(c)) for c in row) for cell in row
    ]
    spans = sorted((cell[0].x0, cell[-1].x1) for cell in (data or cells))
    merged: list[tuple[float, float]] = []
    for a, b in spans:
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _covered(cell: list[TextBox], columns: list[tuple[float, float]]) -> list[int]:
    """The columns a cell fills: those it covers at least half of, else the one it overlaps most
    (a merged cell fills every column it spans, as the other loaders fill merged cells)."""
    x0, x1 = cell[0].x0, cell[-1].x1
    overlaps = [max(0.0, min(x1, b) - max(x0, a)) for a, b in columns]
    full = [i for i, (a, b) in enumerate(columns) if overlaps[i] >= 0.5 * (b - a)]
    if full:
        return full
    best = max(range(len(columns)), key=lambda i: overlaps[i])
    if overlaps[best] > 0:
        return [best]
    centre = (x0 + x1) / 2
    return [min(range(len(columns)), key=lambda i: abs(sum(columns[i]) / 2 - centre))]
