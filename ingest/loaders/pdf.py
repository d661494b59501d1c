"""PDF: each page read as its tables (merged cells filled) and the text around them, top to bottom.

Two choices here differ from pdfplumber's defaults, both found on the Putuo reports:
- Characters are lined up on their baseline before text is built. Chinese reports mix fonts in a
  line (FangSong for text, Times New Roman for "2024"); the fonts' boxes sit up to 5 pt apart, which
  pdfplumber's 3 pt tolerance reads as two lines ("…财政局 年度部门决算" / "2024").
- Table cells are read from pdfplumber's cell boxes directly, so a cell covered by a merged cell
  (reported as None by `Table.extract`) takes the text of the cell that covers it, whether that
  cell spans from the left or from above.

A page with no text layer but an image (a scan) is read by OCR (`ingest.ocr`); a page with any
text layer never is, so a mixed file is OCRed only on its image pages.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.page import Page as PlumberPage
from pdfplumber.utils.text import extract_text

from ingest.errors import EmptyDocumentError, EncryptedDocumentError
from ingest.loaders.base import Block, LoadedDocument, Page, TableBlock, TextBlock
from ingest.loaders.cells import CJK_CLASS, count_header_rows, drop_blank_rows, join_cell_lines

Char = dict[str, Any]
BBox = tuple[float, float, float, float]

OCR_DETAIL = "no text layer on any page, and OCR found no text in its images"
# A page image is OCRed at 144 dpi (scale 2), the resolution the corpus scans were made at; an
# embedded scan of at least this resolution is read as stored instead of re-rendered.
_RENDER_SCALE = 2.0
_MIN_IMAGE_SHARE = 0.3  # an image page: no text layer, and a picture over this share of the page
# A one-column "table" is a frame drawn around text (a boxed table of contents): read it as text.
_MIN_TABLE_COLUMNS = 2
_SPACE_NEXT_TO_CJK = re.compile(rf"(?<=[{CJK_CLASS}])\s+|\s+(?=[{CJK_CLASS}])")
# Metadata titles are often the source file's name: "Microsoft Word - 决算.doc", "决算表.pdf".
_FILE_TITLE_NOISE = re.compile(r"^Microsoft Word - |\.(?:pdf|docx?|xlsx?|wps|et)$", re.IGNORECASE)


def load_pdf(path: Path) -> LoadedDocument:
    """Read a text-layer PDF into 1-based pages of text and table blocks."""
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:
        if _is_encryption_error(exc):
            raise EncryptedDocumentError(path, "a password is needed to open it") from exc
        raise
    with pdf:
        metadata = _read_metadata(pdf.metadata)
        cover_title: str | None = None
        read: list[Page | None] = []  # None: an image page, read by OCR below
        for number, plumber_page in enumerate(pdf.pages, start=1):
            chars = [_on_baseline(char) for char in plumber_page.chars]
            if _is_image_page(plumber_page, chars):
                read.append(None)
            else:
                if number == 1:
                    cover_title = read_cover_title(chars)
                read.append(Page(blocks=read_blocks(plumber_page, chars), number=number))
            plumber_page.close()  # free the page's parsed objects: long reports stay small
    scanned = [number for number, page in enumerate(read, start=1) if page is None]
    by_ocr = {page.number: page for page in _ocr_pages(path, scanned)} if scanned else {}
    pages = _link_pages([page or by_ocr[number] for number, page in enumerate(read, start=1)])
    if not any(page.blocks for page in pages):
        raise EmptyDocumentError(path, OCR_DETAIL)
    title = cover_title or metadata.get("pdf_title")
    return LoadedDocument(path=path, format="pdf", pages=pages, title=title, metadata=metadata)


def _link_pages(pages: list[Page]) -> list[Page]:
    linked = []
    carried: list[list[str]] | None = None
    for page in pages:
        blocks, carried = _link_continuation(page.blocks, carried)
        linked.append(dataclasses.replace(page, blocks=blocks))
    return linked


def _is_image_page(page: PlumberPage, chars: list[Char]) -> bool:
    if any(char["text"].strip() for char in chars):
        return False
    area = float(page.width * page.height) or 1.0
    covered = sum(
        max(0.0, float(image["x1"] - image["x0"])) * max(0.0, float(image["bottom"] - image["top"]))
        for image in page.images
    )
    return covered / area >= _MIN_IMAGE_SHARE


def _ocr_pages(path: Path, numbers: list[int]) -> list[Page]:
    from ingest.ocr import read_pages  # here, not at the top: see ingest.ocr

    document = pdfium.PdfDocument(path)
    try:
        return read_pages(path, numbers, lambda number: page_image(document[number - 1]))
    finally:
        document.close()


def page_image(page: pdfium.PdfPage) -> np.ndarray:
    """The page as an RGB image for OCR: its one full-page scan as stored when that is sharp
    enough and upright (the scanner's own pixels), else the page rendered at 144 dpi."""
    width, height = page.get_size()
    images = list(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=1))
    if len(images) == 1 and page.get_rotation() == 0:
        image = images[0]
        left, bottom, right, top = image.get_bounds()
        matrix = image.get_matrix().get()
        upright = matrix[0] > 0 and matrix[3] > 0 and matrix[1] == 0 and matrix[2] == 0
        pixels_wide = image.get_px_size()[0]
        full = (right - left) * (top - bottom) >= 0.9 * width * height
        if upright and full and pixels_wide >= _RENDER_SCALE * width * 0.75:
            try:
                return np.asarray(image.get_bitmap(render=False).to_pil().convert("RGB"))
            except pdfium.PdfiumError:
                pass  # a filter pdfium cannot decode raw: render the page instead
    bitmap = page.render(scale=_RENDER_SCALE)
    return np.asarray(bitmap.to_pil().convert("RGB"))


def _is_encryption_error(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, PDFPasswordIncorrect | PDFEncryptionError):
            return True
        # pdfplumber wraps pdfminer's error as the first argument of PdfminerException
        inner = seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None
        seen = inner or seen.__cause__
    return False


def _read_metadata(info: dict[str, Any]) -> dict[str, str]:
    keys = {
        "Title": "pdf_title",
        "Author": "pdf_author",
        "Creator": "pdf_creator",
        "Producer": "pdf_producer",
        "CreationDate": "pdf_created",
    }
    metadata = {}
    for key, name in keys.items():
        value = info.get(key)
        if isinstance(value, str) and value.strip():
            metadata[name] = value.strip()
    if "pdf_title" in metadata:
        metadata["pdf_title"] = _FILE_TITLE_NOISE.sub("", metadata["pdf_title"]).strip()
    return metadata


def _on_baseline(char: Char) -> Char:
    """A copy of the char whose box bottom is its baseline; its original centre kept as mid_x/y."""
    mid = {
        "mid_x": (float(char["x0"]) + float(char["x1"])) / 2,
        "mid_y": (float(char["top"]) + float(char["bottom"])) / 2,
    }
    matrix = char.get("matrix")
    if not matrix or matrix[1] or matrix[2] or not char.get("upright", True):
        return {**char, **mid}
    shift = float(char["y0"]) - float(matrix[5])  # y0 and the baseline share PDF space
    return {**char, **mid, "top": char["top"] + shift, "bottom": char["bottom"] + shift}


def read_cover_title(chars: Sequence[Char]) -> str | None:
    """The cover page's largest text, as one line: the report's own title.

    PDF metadata titles are unreliable here (two Putuo reports carry a template's "附件2：预算主管
    部门公开样张"), and the font size that shows the title is lost once the page is read as text.
    """
    sizes = Counter(round(float(c["size"])) for c in chars if c["text"].strip())
    big = [size for size, count in sizes.items() if count >= 4]  # a lone large glyph is decoration
    if not big:
        return None
    largest = [c for c in chars if round(float(c["size"])) == max(big)]
    title = _SPACE_NEXT_TO_CJK.sub("", join_cell_lines(extract_text(largest)))
    return title if 4 <= len(title) <= 80 else None


def read_blocks(page: PlumberPage, chars: list[Char]) -> list[Block]:
    """The page's text and tables in top-to-bottom order."""
    found = [
        table
        for table in page.find_tables()
        if len({cell[0] for cell in table.cells}) >= _MIN_TABLE_COLUMNS
    ]
    placed: list[tuple[float, TableBlock]] = []
    free = chars
    for table in sorted(found, key=lambda t: (t.bbox[1], t.bbox[0])):
        block, free = read_table(table.cells, free)
        if block is not None:
            placed.append((table.bbox[1], block))
    return _interleave(free, placed)


def _interleave(chars: list[Char], tables: list[tuple[float, TableBlock]]) -> list[Block]:
    """Text above the first table, the table, text between, ... text below the last."""
    tops = [top for top, _ in tables]
    bands: list[list[Char]] = [[] for _ in range(len(tables) + 1)]
    for char in chars:
        bands[bisect_right(tops, _centre(char)[1])].append(char)
    blocks: list[Block] = []
    for index, band in enumerate(bands):
        text = extract_text(band)
        if text.strip():
            blocks.append(TextBlock(text=text, hard_wrapped=True))
        if index < len(tables):
            blocks.append(tables[index][1])
    return blocks


def _centre(char: Char) -> tuple[float, float]:
    # The original box places a char, as pdfplumber does when it fills table cells.
    return char["mid_x"], char["mid_y"]


def read_table(cells: Sequence[BBox], chars: list[Char]) -> tuple[TableBlock | None, list[Char]]:
    """Fill a table's grid from its cell boxes; return the table and the chars it did not take."""
    grid = _CellGrid(cells)
    taken: list[list[Char]] = [[] for _ in cells]
    left: list[Char] = []
    for char in chars:
        index = grid.locate(*_centre(char))
        (left if index is None else taken[index]).append(char)
    texts = [join_cell_lines(extract_text(cell_chars)) for cell_chars in taken]
    rows = drop_blank_rows(
        [["" if index is None else texts[index] for index in slots] for slots in grid.slots]
    )
    if not rows:
        return None, left
    return TableBlock(rows=rows, header_rows=count_header_rows(rows)), left


class _CellGrid:
    """Rows and columns from the cells' top and left edges; each slot knows the cell covering it."""

    def __init__(self, cells: Sequence[BBox]) -> None:
        self.cells = list(cells)
        self.tops = sorted({cell[1] for cell in cells})
        self.lefts = sorted({cell[0] for cell in cells})
        self.slots: list[list[int | None]] = [[None] * len(self.lefts) for _ in self.tops]
        for index, (x0, top, x1, bottom) in enumerate(self.cells):
            rows = [r for r, y in enumerate(self.tops) if top <= y < bottom]
            cols = [c for c, x in enumerate(self.lefts) if x0 <= x < x1]
            for r in rows:
                for c in cols:
                    self.slots[r][c] = index

    def locate(self, x: float, y: float) -> int | None:
        """Index of the cell holding the point, or None outside every cell."""
        row, col = bisect_right(self.tops, y) - 1, bisect_right(self.lefts, x) - 1
        if row < 0 or col < 0:
            return None
        index = self.slots[row][col]
        if index is None:
            return None
        x0, top, x1, bottom = self.cells[index]
        return index if x0 <= x < x1 and top <= y < bottom else None


def _link_continuation(
    blocks: list[Block], carried: list[list[str]] | None
) -> tuple[list[Block], list[list[str]] | None]:
    """Mark a table continued from the previous page as headerless (header_rows=0), carrying
    the header of the table it continues.

    `carried` is the header of the table that ended the previous page. A table that opens this
    page with as many columns continues it, unless it repeats that header. The header is carried
    on, so a table running over three pages is linked on each.
    """
    first = blocks[0] if blocks else None
    header: list[list[str]] | None = None
    if (
        isinstance(first, TableBlock)
        and carried
        and _width(first.rows) == _width(carried)
        and first.rows[: len(carried)] != carried
    ):
        blocks = [dataclasses.replace(first, header_rows=0, carried_header=carried), *blocks[1:]]
        header = carried
    last = blocks[-1] if blocks else None
    if not isinstance(last, TableBlock):
        return blocks, None
    if header is not None and len(blocks) == 1:
        return blocks, header
    return blocks, last.rows[: last.header_rows]


def _width(rows: Iterable[list[str]]) -> int:
    return max((len(row) for row in rows), default=0)
