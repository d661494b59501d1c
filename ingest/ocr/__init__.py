"""OCR (文字识别) for pages without a text layer: scanned PDF pages and images.

- `engine`: RapidOCR with its shipped PP-OCRv4 Chinese models; a page image → text boxes;
- `layout`: boxes → paragraphs and table rows (the loaders' blocks), with each line's confidence;
- `confidence`: how sure OCR was of a stretch of stored text (chunks, figures);
- `progress`: per-page progress for whoever shows it.

Loaders import `read_pages` inside the function that needs it: this package reads the loaders'
block types, and `ingest.loaders` imports every loader when it is first imported.

`read_pages` is what loaders call: images in, `Page`s out, progress reported per page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from ingest.loaders.base import Page
from ingest.ocr.confidence import LOW_CONFIDENCE, lowest_confidence
from ingest.ocr.engine import OcrUnavailableError, TextBox, read_image
from ingest.ocr.layout import layout_page
from ingest.ocr.progress import OcrProgress, on_ocr_page, report_page

__all__ = [
    "LOW_CONFIDENCE",
    "OcrProgress",
    "OcrUnavailableError",
    "TextBox",
    "layout_page",
    "lowest_confidence",
    "on_ocr_page",
    "read_pages",
]


def read_pages(
    path: Path, numbers: Sequence[int], render: Callable[[int], np.ndarray]
) -> list[Page]:
    """OCR the pages `numbers` of `path` into pages of blocks; `render(n)` gives page n as an RGB
    image, one at a time, so a long scan never holds all its images at once."""
    pages = []
    for done, number in enumerate(numbers, start=1):
        blocks, lines = layout_page(read_image(render(number)))
        pages.append(Page(blocks=blocks, number=number, ocr_lines=lines))
        report_page(path, done, len(numbers))
    return pages
