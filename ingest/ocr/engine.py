"""The OCR engine: RapidOCR (PP-OCRv4 Chinese models shipped inside its wheel), loaded once.

Nothing is downloaded: `rapidocr-onnxruntime` carries its detection and recognition models. The
180° line classifier is off: budget reports are printed upright, and on `eval/corpus/scans` the
classifier turned one correct line upside down and read it as "））" (confidence 0.54).

A page's reading is cached by the hash of its pixels, so the same page image (a PNG, or the same
image embedded in a PDF) is read once per process.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np

_CACHE_SIZE = 64  # pages; a reading is a few kB


@dataclass(frozen=True)
class TextBox:
    """One line of text as the recogniser read it, with its box in image pixels."""

    text: str
    confidence: float  # the recogniser's score, 0–1
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def mid_y(self) -> float:
        return (self.top + self.bottom) / 2


class OcrUnavailableError(RuntimeError):
    """rapidocr-onnxruntime is not installed."""


_lock = threading.Lock()
_engine: Any = None
_cache: OrderedDict[str, list[TextBox]] = OrderedDict()


def read_image(image: np.ndarray) -> list[TextBox]:
    """Every text line of an RGB image (H×W×3, uint8), in the recogniser's order."""
    pixels = np.ascontiguousarray(image, dtype=np.uint8)
    key = hashlib.sha256(pixels.tobytes() + str(pixels.shape).encode()).hexdigest()
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
        # RapidOCR expects OpenCV's BGR order
        result, _ = _get_engine()(pixels[:, :, ::-1].copy(), use_cls=False)
        boxes = [_to_box(item) for item in result or []]
        _cache[key] = boxes
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
        return boxes


def _get_engine() -> Any:
    global _engine
    if _engine is None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as exc:  # pragma: no cover - a broken install
            raise OcrUnavailableError(
                "OCR needs rapidocr-onnxruntime (pip install rapidocr-onnxruntime)"
            ) from exc
        _engine = RapidOCR()
    return _engine


def _to_box(item: Any) -> TextBox:
    points, text, score = item[0], str(item[1]), float(item[2])
    xs = [float(p[0]) for p in points]
    ys = [float(p[1]) for p in points]
    return TextBox(text, score, min(xs), min(ys), max(xs), max(ys))
