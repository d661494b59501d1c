"""Images (.png/.jpg/.jpeg/.tif/.tiff): a photographed or scanned page, read by OCR.

Each frame of a multi-page TIFF is a page; every other image is page 1.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageSequence

from ingest.errors import EmptyDocumentError
from ingest.loaders.base import LoadedDocument

_FORMATS = {".jpeg": "jpg", ".tif": "tiff"}


def load_image(path: Path) -> LoadedDocument:
    """OCR every frame of an image file into 1-based pages."""
    from ingest.ocr import read_pages  # here, not at the top: see ingest.ocr

    with Image.open(path) as image:
        count = getattr(image, "n_frames", 1)

    def render(number: int) -> np.ndarray:
        with Image.open(path) as image:
            frame = ImageSequence.Iterator(image)[number - 1]
            return np.asarray(frame.convert("RGB"))

    pages = read_pages(path, range(1, count + 1), render)
    if not any(page.blocks for page in pages):
        raise EmptyDocumentError(path, "OCR found no text in the image")
    suffix = path.suffix.lower()
    return LoadedDocument(path=path, format=_FORMATS.get(suffix, suffix.lstrip(".")), pages=pages)
