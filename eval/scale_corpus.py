"""Many reports from the few real ones: each a corpus report with another publisher, year and scale.

`python -m eval.scale_corpus N OUT_DIR` writes N text reports for scale benchmarks. Report i is
corpus report i mod 5, read and normalised as ingest reads it, then varied so no two share bytes:
- the place is renamed (普陀 → one of `PLACES`, 红河 likewise), so the publisher differs;
- every year shifts by the same offset (2024 → 2021 and 2023 → 2020 alike, so 上年 stays right);
- every amount with two decimals is scaled by one factor (totals stay the sums of their parts
  within rounding, and percentages — ratios of amounts — are left as they are).
Integers other than years (counts, subject codes) are kept. Table rows, which ingest renders
with a tab between cells, are written with pipes, the text files' table form. The text stays
close enough to a real report that it ingests, is chunked and found like one; it is not a new
real report.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

from ingest.config import IngestSettings
from ingest.pipeline import build_report, expand_paths

CORPUS = Path(__file__).resolve().parent / "corpus" / "reports"
PLACES = (
    "东湖", "西山", "南江", "北川", "青浦", "白河", "金沙", "玉溪", "临江", "安平", "长宁", "永和",
    "清源", "石门", "松岭", "龙泉", "平湖", "云岭", "桃源", "鹤山",
)  # fmt: skip
_ORIGINAL_PLACES = ("普陀", "红河")
_YEAR = re.compile(r"(?<![\d.,])(20[0-3]\d)(?!\d|[.,]\d)")  # not inside an amount
_AMOUNT = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)\.(\d{2})(?![\d%])")


def vary_text(text: str, place: str, year_shift: int, factor: float) -> str:
    """`text` with its place renamed, its years shifted and its amounts scaled."""
    for original in _ORIGINAL_PLACES:
        text = text.replace(original, place)
    text = _YEAR.sub(lambda m: str(int(m.group(1)) + year_shift), text)

    def scale(match: re.Match[str]) -> str:
        whole = match.group(1)
        value = float(whole.replace(",", "") + "." + match.group(2)) * factor
        return f"{value:,.2f}" if "," in whole else f"{value:.2f}"

    return _AMOUNT.sub(scale, text)


def pipe_tables(text: str) -> str:
    """Tab-separated table rows as pipe rows, so a text file's tables are found as tables."""
    lines = text.split("\n")
    return "\n".join("| " + " | ".join(ln.split("\t")) + " |" if "\t" in ln else ln for ln in lines)


def source_texts(paths: list[Path]) -> list[tuple[str, str]]:
    """(file stem, normalised text) of each source report, as ingest reads it."""
    settings = IngestSettings()
    sources = []
    for path in expand_paths(paths):
        report, _ = build_report(path, path.read_bytes(), settings)
        sources.append((path.stem, report.text))
    return sources


def write_varied(count: int, out_dir: Path, paths: list[Path], seed: int = 0) -> list[Path]:
    """Write `count` varied reports into `out_dir`; their paths."""
    rng = random.Random(seed)
    sources = source_texts(paths)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for i in range(count):
        stem, text = sources[i % len(sources)]
        place = PLACES[(i // len(sources)) % len(PLACES)]
        shift = -1 - (i // (len(sources) * len(PLACES))) % 5  # the year changes with each lap
        factor = round(rng.uniform(0.6, 1.6), 3)
        varied = pipe_tables(vary_text(text, place, shift, factor))
        path = out_dir / f"{i:04d}-{stem}-{place}.txt"
        path.write_text(f"{varied}\n(变体 {i}: 系数 {factor})\n", encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--source", type=Path, action="append", default=None)
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("count must be at least 1")
    written = write_varied(args.count, args.out_dir, args.source or [CORPUS])
    print(f"wrote {len(written)} reports to {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
