"""Ingest benchmark: today's path against the new one, in the same run, by hand.

`python -m eval.ingest_bench [--runs 3] [PATH ...]` ingests the reports (default: the corpus) into a
fresh data folder per run, each run in its own process (so peak RSS is that path's alone), taking
turns between the configurations, and prints the median chunks/s, peak RSS and the ratio as a
Markdown table for BENCHMARKS.md:

- `main`: the path before backends — torch through sentence-transformers, one file after another,
  no vector cache, no dedup within a report (`Embedder._encode` directly);
- `new`: the default settings — the default backend, the next file parsed while this one embeds,
  each distinct text embedded once, through a cold cache in the fresh data folder;
- `new, warm cache`: the same into a fresh store whose cache already holds the corpus (a re-ingest
  after the store is rebuilt): the cache's hit rate and what it saves.

Chunks/s is chunks stored over the wall time of `ingest_paths` (parse + embed + store), the model
already loaded (its load time is printed apart). Set REPORTQA_MODEL_CACHE to a built models folder
so no run builds or exports a model.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from ingest.config import IngestSettings
from ingest.embedding import Embedder
from ingest.pipeline import ingest_paths
from ingest.store import ReportStore

CORPUS = Path(__file__).resolve().parent / "corpus" / "reports"
CONFIGS = ("main", "new", "new, warm cache")


class _MainPathEmbedder:
    """The passage path as it was: every text through sentence-transformers, duplicates too."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embedder._encode(list(texts), self._embedder._passage_prompt)


def run_one(config: str, data_dir: Path, paths: list[Path]) -> dict[str, Any]:
    """One ingest in this process; the measurements as a dict."""
    base = IngestSettings.from_env().model_copy(update={"data_dir": data_dir})
    main_path = config == "main"
    settings = (
        base.model_copy(update={"embedding_backend": "torch", "embedding_cache": False})
        if main_path
        else base
    )
    started = time.perf_counter()
    embedder = Embedder(
        settings.embedding_model,
        settings.models_dir,
        settings.embedding_batch_size,
        backend=settings.embedding_backend,
        cache_dir=settings.cache_dir if settings.embedding_cache else None,
    )
    embedder.embed_query("预热")
    loaded = time.perf_counter()
    store = ReportStore.open(settings)
    passages = _MainPathEmbedder(embedder) if main_path else embedder
    summary = ingest_paths(paths, settings, store, passages, parse_ahead=not main_path)
    seconds = time.perf_counter() - loaded
    if summary.failed:
        raise SystemExit(f"ingest failed: {[r.error for r in summary.failed]}")
    chunks = store.count_chunks()
    cache = embedder.cache
    return {
        "config": config,
        "chunks": chunks,
        "seconds": seconds,
        "chunks_per_s": chunks / seconds,
        "load_seconds": loaded - started,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "parse_seconds": sum(r.parse_seconds for r in summary.results),
        "embed_seconds": sum(r.embed_seconds for r in summary.results),
        "cache_hits": cache.hits if cache else 0,
        "cache_misses": cache.misses if cache else 0,
    }


def _child(config: str, data_dir: Path, paths: list[Path]) -> dict[str, Any]:
    command = [sys.executable, "-m", "eval.ingest_bench", "--one", config, "--data-dir"]
    command += [str(data_dir), *map(str, paths)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{config} run failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def bench(paths: list[Path], runs: int) -> dict[str, list[dict[str, Any]]]:
    """`runs` rounds of every configuration, taking turns, each in a fresh data folder."""
    results: dict[str, list[dict[str, Any]]] = {c: [] for c in CONFIGS}
    for round_no in range(runs):
        with tempfile.TemporaryDirectory(prefix="ingest-bench-") as tmp:
            root = Path(tmp)
            results["main"].append(_child("main", root / "main", paths))
            results["new"].append(_child("new", root / "new", paths))
            shutil.rmtree(root / "new" / "chroma")  # a new store, the cache of the run before
            results["new, warm cache"].append(_child("new, warm cache", root / "new", paths))
        for config in CONFIGS:
            got = results[config][-1]
            print(f"round {round_no + 1}: {config}: {got['chunks_per_s']:.1f} chunks/s", flush=True)
    return results


def markdown(results: dict[str, list[dict[str, Any]]]) -> str:
    """The table for BENCHMARKS.md: medians over the runs and the ratio to `main`."""
    baseline = statistics.median(r["chunks_per_s"] for r in results["main"])
    lines = [
        "| path | chunks | chunks/s (median) | runs | × main | parse s | embed s | model load s "
        "| peak RSS MB | cache hits |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for config, runs in results.items():

        def med(key: str, runs: list[dict[str, Any]] = runs) -> float:
            return float(statistics.median(r[key] for r in runs))

        rate = med("chunks_per_s")
        hits, misses = med("cache_hits"), med("cache_misses")
        hit_rate = f"{hits / (hits + misses):.1%}" if hits + misses else "–"
        each = ", ".join(f"{r['chunks_per_s']:.1f}" for r in runs)
        lines.append(
            f"| {config} | {med('chunks'):.0f} | {rate:.1f} | {each} | {rate / baseline:.2f} "
            f"| {med('parse_seconds'):.1f} | {med('embed_seconds'):.1f} "
            f"| {med('load_seconds'):.1f} | {med('peak_rss_mb'):.0f} | {hit_rate} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[CORPUS])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--one", choices=CONFIGS, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.one:
        print(json.dumps(run_one(args.one, args.data_dir, args.paths)))
        return 0
    results = bench(args.paths, args.runs)
    print(json.dumps(results), file=sys.stderr)
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
