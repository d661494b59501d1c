"""How sure OCR was of a stretch of stored text, from the lines it read there."""

from __future__ import annotations

from ingest.models import OcrSpan

# Below this recogniser score a line may hold a misread glyph. Lines of the corpus scans score
# 0.986–1.0; the one line the angle classifier turned upside down scored 0.54.
LOW_CONFIDENCE = 0.95


def lowest_confidence(spans: list[OcrSpan], start: int, end: int) -> float:
    """The lowest OCR confidence of the lines overlapping [start, end); a stretch of an OCR page
    that no located line covers gets the page's lowest, so it is never taken as surer than it is."""
    inside = [s.confidence for s in spans if s.start < end and start < s.end]
    return min(inside or [s.confidence for s in spans] or [0.0])
