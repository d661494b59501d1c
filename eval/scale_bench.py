"""Scale benchmark: ingest rate, ask latency and memory at N reports, by hand.

`python -m eval.scale_bench [--sizes 5 100]` writes N varied reports (`eval.scale_corpus`), ingests
them with the default settings into a fresh data folder, then asks the gold-dev questions in the
same process after the warm-up `reportqa serve` does (timed), without a report scope, rewritten
for the first variant's place and year (so the questions name reports that exist), and prints,
per N, chunks/s, warm-up s, ask p50 / p95 and peak RSS as a Markdown table for BENCHMARKS.md.
Each N runs in its own process, so its peak RSS is its own.

`--data DIR` measures a serving process instead: it opens an existing data folder (nothing is
ingested or deleted; only the segmenter's cache file may be written), warms up and asks as above,
and prints the report count, chunks, warm-up s, ask p50 / p95 and peak RSS (which then holds no
ingest-time embedding).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from eval.gold import load_gold
from eval.scale_corpus import CORPUS, PLACES, vary_text, write_varied
from ingest.config import IngestSettings
from ingest.pipeline import ingest_paths
from service.answering.pipeline import answer_question
from service.config import ServiceSettings
from service.context import ServiceContext

GOLD = Path(__file__).resolve().parent / "gold" / "gold-dev.jsonl"


def run_size(count: int, root: Path) -> dict[str, Any]:
    """Generate, ingest and ask at `count` reports, in this process."""
    reports = write_varied(count, root / "reports", [CORPUS])
    ingest = IngestSettings.from_env().model_copy(update={"data_dir": root / "data"})
    ctx = ServiceContext(ServiceSettings(ingest=ingest))
    ctx.embedder.embed_query("预热")  # the model load is not ingest time
    started = time.perf_counter()
    summary = ingest_paths(reports, ingest, ctx.store, ctx.embedder)
    seconds = time.perf_counter() - started
    if summary.failed:
        raise SystemExit(f"ingest failed: {[r.error for r in summary.failed][:3]}")
    chunks = ctx.store.count_chunks()
    # as `reportqa serve` does before it answers: the search index and every report's records
    # (built lazily, the first question over all reports would pay for them all)
    warming = time.perf_counter()
    ctx.warm_up()
    warm_up_seconds = time.perf_counter() - warming
    latencies = _ask_all(ctx)
    return {
        "reports": count,
        "chunks": chunks,
        "ingest_seconds": seconds,
        "warm_up_seconds": warm_up_seconds,
        "chunks_per_s": chunks / seconds,
        **_latency_summary(latencies),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def serve_store(data_dir: Path) -> dict[str, Any]:
    """Warm up and ask over the reports already stored in `data_dir`, in this process."""
    ingest = IngestSettings.from_env().model_copy(update={"data_dir": data_dir})
    ctx = ServiceContext(ServiceSettings(ingest=ingest))
    warming = time.perf_counter()
    ctx.warm_up()
    warm_up_seconds = time.perf_counter() - warming
    latencies = _ask_all(ctx)
    return {
        "reports": len(ctx.reports()),
        "chunks": ctx.store.count_chunks(),
        "warm_up_seconds": warm_up_seconds,
        **_latency_summary(latencies),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _ask_all(ctx: ServiceContext) -> list[float]:
    """Seconds per gold-dev question (rewritten for the first variant), sorted."""
    questions = [vary_text(q.question, PLACES[0], -1, 1.0) for q in load_gold(GOLD)]
    latencies = []
    for question in questions:
        asked = time.perf_counter()
        answer_question(ctx, question)
        latencies.append(time.perf_counter() - asked)
    return sorted(latencies)


def _latency_summary(latencies: list[float]) -> dict[str, Any]:
    return {
        "ask_p50_ms": 1000 * statistics.median(latencies),
        "ask_p95_ms": 1000 * latencies[min(len(latencies) - 1, round(0.95 * len(latencies)))],
        "questions": len(latencies),
    }


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| reports | chunks | ingest s | chunks/s | warm-up s | ask p50 ms | ask p95 ms "
        "| questions | peak RSS MB |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['reports']} | {r['chunks']} | {r['ingest_seconds']:.0f} "
            f"| {r['chunks_per_s']:.1f} | {r['warm_up_seconds']:.0f} "
            f"| {r['ask_p50_ms']:.0f} | {r['ask_p95_ms']:.0f} "
            f"| {r['questions']} | {r['peak_rss_mb']:.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 100])
    parser.add_argument(
        "--data", type=Path, help="an existing data folder: measure serving it, read-only"
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.data:
        print(json.dumps(serve_store(args.data)))
        return 0
    if args.one:
        print(json.dumps(run_size(args.one, args.root)))
        return 0
    rows = []
    for count in args.sizes:
        with tempfile.TemporaryDirectory(prefix=f"scale-{count}-") as tmp:
            command = [sys.executable, "-m", "eval.scale_bench", "--one", str(count)]
            done = subprocess.run(
                [*command, "--root", tmp], capture_output=True, text=True, check=False
            )
        if done.returncode != 0:
            raise SystemExit(f"{count} reports failed:\n{done.stderr[-3000:]}")
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"{count} reports: {rows[-1]}", file=sys.stderr, flush=True)
    print(markdown(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
