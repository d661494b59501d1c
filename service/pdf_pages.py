"""A PDF page as a PNG with a quote's area boxed, for "打开原文" beside a citation.

The stored text folds widths and re-joins lines, so the quote is found in the page's own text
with both sides folded (NFKC) and without white space, then mapped back to PDFium's characters.
"""

from __future__ import annotations

import io
import threading
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
from PIL import ImageDraw

SCALE = 2.0  # 144 dpi: small figures in tables stay legible on a phone
MIN_MATCH = 6  # a quote's shortest prefix still worth boxing when the whole is not on the page
_LOCK = threading.Lock()  # PDFium is not thread-safe

Box = tuple[float, float, float, float]  # left, bottom, right, top in PDF points


def flat_text(text: str) -> tuple[str, list[int]]:
    """Folded text without white space, and each of its characters' index in `text`."""
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        for folded in unicodedata.normalize("NFKC", ch):
            if not folded.isspace():
                chars.append(folded)
                index.append(i)
    return "".join(chars), index


def line_boxes(boxes: list[Box]) -> list[Box]:
    """Character boxes merged into one box per printed line."""
    merged: list[Box] = []
    for left, bottom, right, top in boxes:
        if merged:
            ml, mb, mr, mt = merged[-1]
            height = max(mt - mb, top - bottom, 1.0)
            if abs(bottom - mb) < height / 2 and left >= ml - height:
                merged[-1] = (min(ml, left), min(mb, bottom), max(mr, right), max(mt, top))
                continue
        merged.append((left, bottom, right, top))
    return merged


def _printed(quote: str) -> str:
    """A table row's quote as the page prints it: a merged cell, filled into each column it
    spans when stored, is printed once."""
    cells = quote.split("\t")
    return "".join(c for i, c in enumerate(cells) if i == 0 or c != cells[i - 1])


def quote_boxes(page_text: str, char_box: list[Box], quote: str) -> list[Box]:
    """The line boxes of `quote` on a page (of its longest prefix found there), [] if absent."""
    flat, index = flat_text(page_text)
    target, _ = flat_text(_printed(quote))
    length = len(target)
    found = flat.find(target) if target else -1
    while found < 0 and length > MIN_MATCH:
        length = max(MIN_MATCH, length // 2) if length > 2 * MIN_MATCH else length - 1
        found = flat.find(target[:length])
    if found < 0:
        return []
    chars = sorted({index[i] for i in range(found, found + length)})
    return line_boxes([char_box[i] for i in chars if char_box[i][2] > char_box[i][0]])


def render_page(path: Path, number: int, quote: str | None) -> tuple[bytes, int]:
    """Page `number` (1-based) as PNG bytes, the quote boxed in red; and how many boxes."""
    with _LOCK:
        pdf = pdfium.PdfDocument(path)
        try:
            if not 1 <= number <= len(pdf):
                raise IndexError(number)
            page = pdf[number - 1]
            height = page.get_height()
            image = page.render(scale=SCALE).to_pil().convert("RGB")
            boxes: list[Box] = []
            if quote:
                textpage = page.get_textpage()
                text = textpage.get_text_range()
                char_box = [textpage.get_charbox(i) for i in range(len(text))]
                boxes = quote_boxes(text, char_box, quote)
        finally:
            pdf.close()
    draw = ImageDraw.Draw(image)
    pad = 2.0
    for left, bottom, right, top in boxes:
        draw.rectangle(
            (
                (left - pad) * SCALE,
                (height - top - pad) * SCALE,
                (right + pad) * SCALE,
                (height - bottom + pad) * SCALE,
            ),
            outline=(220, 20, 20),
            width=3,
        )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue(), len(boxes)
