"""The original PDF with the review's findings drawn on it (`reportqa check --annotate OUT.pdf`):
each quoted figure or phrase boxed in red with its finding's number, and on each page a note
listing that page's findings (severity and message).

Quotes are found on their page as "打开原文" finds them (`service.pdf_pages.quote_boxes`); the
marks are drawn on an overlay (reportlab, STSong-Light) merged onto each page (pypdf), so the
original's text and layout are kept.
"""

from __future__ import annotations

import io
import textwrap
from collections import defaultdict
from pathlib import Path

import pypdfium2 as pdfium

from ingest.checks.review import Issue
from ingest.models import Report
from service.pdf_pages import Box, flat_text, line_boxes, quote_boxes

FONT = "STSong-Light"
COLOURS = {"确定": (0.85, 0.1, 0.1), "疑似": (0.9, 0.5, 0.0), "提示": (0.2, 0.4, 0.85)}


def _nth_boxes(text: str, boxes: list[Box], quote: str, nth: int) -> list[Box]:
    """The boxes of the quote's `nth` occurrence on the page (0-based), else of its first."""
    flat, index = flat_text(text)
    target, _ = flat_text(quote)
    found, seen = -1, -1
    at = flat.find(target) if target else -1
    while at >= 0 and seen < nth:
        found, seen = at, seen + 1
        at = flat.find(target, at + 1)
    if found < 0 or "\t" in quote:
        return quote_boxes(text, boxes, quote)  # a table row: its cells are printed apart
    chars = [boxes[index[i]] for i in range(found, found + len(target))]
    return line_boxes([b for b in chars if b[2] > b[0]])


def finding_boxes(
    path: Path, report: Report, issues: list[Issue]
) -> dict[int, list[tuple[int, Issue, Box]]]:
    """Per page (1-based), each finding's number, the finding and a box of a quote it cites."""
    by_page: dict[int, list[tuple[int, Issue, Box]]] = defaultdict(list)
    page_starts = {p.number: p.start for p in report.pages if p.number is not None}
    pdf = pdfium.PdfDocument(path)
    try:
        pages: dict[int, tuple[str, list[Box]]] = {}
        for number, issue in enumerate(issues, start=1):
            for evidence in issue.evidence:
                page = evidence.position.page
                if page is None or not 1 <= page <= len(pdf):
                    continue
                if page not in pages:
                    textpage = pdf[page - 1].get_textpage()
                    text = textpage.get_text_range()
                    pages[page] = (text, [textpage.get_charbox(i) for i in range(len(text))])
                text, boxes = pages[page]
                before = report.text[page_starts.get(page, 0) : evidence.position.start]
                nth = flat_text(before)[0].count(flat_text(evidence.quote)[0])
                for box in _nth_boxes(text, boxes, evidence.quote, nth):
                    by_page[page].append((number, issue, box))
    finally:
        pdf.close()
    return by_page


def annotate_pdf(path: Path, report: Report, issues: list[Issue], out: Path) -> int:
    """Write `out`: the PDF at `path` with the issues marked. Returns how many quotes were boxed."""
    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    marks = finding_boxes(path, report, issues)
    writer = PdfWriter(clone_from=path)
    boxed = 0
    for index, page in enumerate(writer.pages, start=1):
        on_page = marks.get(index, [])
        if on_page:
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            buffer = io.BytesIO()
            canvas = Canvas(buffer, pagesize=(width, height))
            _draw(canvas, on_page, width, height)
            canvas.save()
            page.merge_page(PdfReader(io.BytesIO(buffer.getvalue())).pages[0])
            boxed += len(on_page)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as stream:
        writer.write(stream)
    return boxed


def _draw(canvas: object, marks: list[tuple[int, Issue, Box]], width: float, height: float) -> None:
    from reportlab.pdfgen.canvas import Canvas

    assert isinstance(canvas, Canvas)
    for number, issue, (left, bottom, right, top) in marks:
        canvas.setStrokeColorRGB(*COLOURS[issue.severity])
        canvas.setLineWidth(1.2)
        canvas.rect(left - 2, bottom - 2, right - left + 4, top - bottom + 4)
        canvas.setFillColorRGB(*COLOURS[issue.severity])
        canvas.setFont(FONT, 7)
        canvas.drawString(left - 2, top + 3, f"[{number}]")
    size, leading = 7.0, 9.0
    box_width = width * 0.6
    per_line = int((box_width - 10) / size)  # a CJK character is as wide as the font is high
    notes: list[str] = []
    seen: set[int] = set()
    for number, issue, _ in marks:
        if number not in seen:
            seen.add(number)
            notes += textwrap.wrap(f"[{number}] {issue.severity} {issue.message}", per_line)
    box_height = leading * len(notes) + 8
    x, y = width - box_width - 12, 12.0  # bottom right, clear of titles
    canvas.setFillColorRGB(1.0, 0.97, 0.75)
    canvas.setStrokeColorRGB(0.6, 0.5, 0.1)
    canvas.rect(x, y, box_width, box_height, fill=1)
    canvas.setFillColorRGB(0.15, 0.1, 0.0)
    canvas.setFont(FONT, size)
    for line_number, line in enumerate(notes):
        canvas.drawString(x + 5, y + box_height - 5 - size - line_number * leading, line)
