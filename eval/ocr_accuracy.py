"""OCR benchmark: seconds per page and character accuracy on the corpus scan pages.

    .venv/bin/python -m eval.ocr_accuracy [SCAN ...]

Each page is read once by the engine (after a warm-up, so model loading is not counted). Pages
with a hand-checked transcript in `eval/ocr_hand/` (same name, .txt) are scored: character
accuracy = 1 − edit distance ÷ transcript length, white space ignored, twice — on the text as
OCR wrote it, and on the text as stored (width-folded, as every format is), which is what
quotes, figures and checks read. Every page also shows its lines' confidence.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from ingest.normalize import fold_width
from ingest.ocr import LOW_CONFIDENCE
from ingest.ocr.engine import read_image
from ingest.ocr.layout import layout_page

ROOT = Path(__file__).resolve().parent
SCANS = ROOT / "corpus" / "scans"
HAND = ROOT / "ocr_hand"


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions) between two strings."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


def char_accuracy(read: str, truth: str) -> float:
    """1 − edit distance ÷ length of the truth, white space removed from both."""
    hyp, ref = "".join(read.split()), "".join(truth.split())
    return 1.0 - edit_distance(hyp, ref) / max(len(ref), 1)


def measure_page(path: Path) -> dict[str, Any]:
    image = np.asarray(Image.open(path).convert("RGB"))
    started, cpu = time.perf_counter(), time.process_time()
    boxes = read_image(image)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    _, lines = layout_page(boxes)
    read = "\n".join(line.text for line in lines)
    row: dict[str, Any] = {
        "page": path.name,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),  # all threads; wall seconds depend on who else runs
        "lines": len(lines),
        "characters": len("".join(read.split())),
        "min_confidence": round(min((line.confidence for line in lines), default=0.0), 3),
        "uncertain_lines": sum(1 for line in lines if line.confidence < LOW_CONFIDENCE),
    }
    hand = HAND / f"{path.stem}.txt"
    if hand.is_file():
        truth = hand.read_text(encoding="utf-8")
        row["accuracy_as_read"] = round(char_accuracy(read, truth), 4)
        row["accuracy_as_stored"] = round(char_accuracy(fold_width(read), fold_width(truth)), 4)
    return row


def main(argv: list[str]) -> int:
    pages = [Path(arg) for arg in argv] or sorted(SCANS.glob("*.png"))
    read_image(np.full((64, 256, 3), 255, dtype=np.uint8))  # load the models before timing
    rows = [measure_page(path) for path in pages]
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))
    seconds = [row["seconds"] for row in rows]
    print(json.dumps({"pages": len(rows), "mean_seconds_per_page": round(np.mean(seconds), 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
