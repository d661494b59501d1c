"""Crash-safe ingest, measured: kill -9 an ingesting process at random moments, many times.

Each round starts a child process that ingests a folder of reports (all changed since the round
before, so every round replaces them) and kills it with SIGKILL after a random delay, up to the
time an uninterrupted round takes (measured first). After every kill the store must hold no
report partly (every chunk present, each chunk's text its span of the stored text), none twice
(one version per file), and a reader polling the store all the while must never have seen
otherwise. At the end one ingest runs to completion and
must store every file once.

The children embed with a stand-in (vectors from a hash of the text) unless `--real-model`: what
is tested is the store, and without minutes of model loading a run of 50 kills takes minutes, with
most of each child's time spent parsing and writing — where a kill can do harm.

    python -m eval.crash_ingest --kills 50 --data /tmp/crash-data    # prints the tally as JSON
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ingest.config import IngestSettings
from ingest.store import ReportStore

READY = "ready"
_LINE = "{body}{year}年度{item}支出{value}万元,较上年增长{share}%。\n"
_ITEMS = ("会议经费", "培训经费", "差旅费", "办公设备购置", "公务接待费", "信息化建设")


@dataclass
class CrashTally:
    """What the rounds did and found."""

    kills: int = 0
    finished_before_kill: int = 0
    kills_inside_a_write: int = 0  # leftovers of a write the kill cut short were found
    files_without_a_version: int = 0  # summed over kills: killed between a replace's two steps
    problems: list[str] = field(default_factory=list)
    reader_checks: int = 0
    round_seconds: float = 0.0  # an uninterrupted ingest of the folder, from the child's ready
    final_reports: int = 0
    seconds: float = 0.0


def write_reports(folder: Path, count: int, version: int) -> list[Path]:
    """`count` generated reports of a few dozen chunks whose figures follow `version` (so each
    round replaces every report)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        body = f"测试{n}局"
        lines = [f"{body}2024年度部门整体支出绩效自评报告\n", "一、基本情况\n"]
        for k in range(60):
            value = f"{(n + 1) * 10 + k + version}.{k % 10}{n % 10}"
            item = _ITEMS[k % len(_ITEMS)]
            lines.append(_LINE.format(body=body, year=2024, item=item, value=value, share=k % 9))
        path = folder / f"report-{n}.txt"
        path.write_text("".join(lines), encoding="utf-8")
        paths.append(path)
    return paths


def check_store(store: ReportStore) -> tuple[list[str], int]:
    """Problems a reader would see now, and the number of chunks no committed report owns
    (the leftovers of a write a kill cut short, invisible to readers and removed by the next)."""
    problems = []
    with store.reading():
        reports = store.list_reports()
        by_source = Counter(r.source_path for r in reports)
        problems += [f"{path} stored {n} times" for path, n in by_source.items() if n > 1]
        owned = 0
        for listed in reports:
            report = store.get_report(listed.id)
            chunks = store.chunks_of(listed.id)
            owned += len(chunks)
            if report is None or len(chunks) != listed.chunk_count:
                problems.append(f"{listed.file_name}: {len(chunks)} of {listed.chunk_count} chunks")
                continue
            for chunk in chunks:
                if report.text[chunk.start : chunk.end] != chunk.text:
                    problems.append(f"{listed.file_name}: chunk {chunk.ordinal} is not its span")
                    break
        leftovers = store.count_chunks() - owned
    return problems, leftovers


def crash_rounds(
    data_dir: Path,
    kills: int,
    seed: int = 0,
    max_delay: float | None = None,
    real_model: bool = False,
    reports: int = 6,
) -> CrashTally:
    """Run `kills` kill -9 rounds against ingests into `data_dir`, then one ingest to the end."""
    rng = random.Random(seed)
    started = time.monotonic()
    env = dict(os.environ, REPORTQA_DATA_DIR=str(data_dir))
    settings = IngestSettings.from_env(env)
    folder = data_dir / "reports"
    tally = CrashTally()
    stop = threading.Event()
    store = ReportStore.open(settings)
    reader = threading.Thread(target=_read_all_along, args=(settings, stop, tally), daemon=True)
    reader.start()
    try:
        write_reports(folder, reports, version=-1)
        timed = time.monotonic()
        if _start_child(env, folder, real_model).wait(timeout=600) != 0:
            tally.problems.append("the uninterrupted first ingest failed")
        tally.round_seconds = round(time.monotonic() - timed, 2)
        delay_limit = max_delay or tally.round_seconds
        for round_number in range(kills):
            paths = write_reports(folder, reports, version=round_number)
            child = _start_child(env, folder, real_model)
            time.sleep(rng.uniform(0.0, delay_limit))
            if child.poll() is None:
                child.send_signal(signal.SIGKILL)
                tally.kills += 1
            else:
                tally.finished_before_kill += 1
            child.wait()
            problems, leftovers = check_store(store)
            tally.kills_inside_a_write += leftovers > 0
            stored = {r.source_path for r in store.list_reports()}
            tally.files_without_a_version += sum(str(p.resolve()) not in stored for p in paths)
            tally.problems += [f"round {round_number}: {p}" for p in problems]
        final = _start_child(env, folder, real_model)
        if final.wait(timeout=600) != 0:
            tally.problems.append(f"the final ingest exited {final.returncode}")
    finally:
        stop.set()
        reader.join(30)
    problems, leftovers = check_store(store)
    tally.problems += [f"after the final ingest: {p}" for p in problems]
    if leftovers:
        tally.problems.append(f"after the final ingest: {leftovers} chunks of no report")
    tally.final_reports = len(store.report_ids())
    if tally.final_reports != reports:
        tally.problems.append(f"{tally.final_reports} reports stored, {reports} files")
    tally.seconds = round(time.monotonic() - started, 1)
    return tally


def ingest_at_once(data_dir: Path, copies: int = 2, reports: int = 3) -> list[str]:
    """Start `copies` ingests of the same folder at the same moment; the problems found after."""
    env = dict(os.environ, REPORTQA_DATA_DIR=str(data_dir))
    folder = data_dir / "reports"
    paths = write_reports(folder, reports, version=0)
    children = [_start_child(env, folder, real_model=False) for _ in range(copies)]
    codes = [child.wait(timeout=600) for child in children]
    store = ReportStore.open(IngestSettings.from_env(env))
    problems, leftovers = check_store(store)
    problems += [f"an ingest exited {code}" for code in codes if code != 0]
    if leftovers:
        problems.append(f"{leftovers} chunks of no report")
    if len(store.report_ids()) != len(paths):
        problems.append(f"{len(store.report_ids())} reports stored for {len(paths)} files")
    return problems


def _start_child(env: dict[str, str], folder: Path, real_model: bool) -> subprocess.Popen[str]:
    """A child that loads the model, says it is ready, then ingests the folder."""
    command = [sys.executable, "-m", "eval.crash_ingest", "--child", str(folder)]
    child = subprocess.Popen(
        command + (["--real-model"] if real_model else []),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert child.stdout is not None
    line = child.stdout.readline().strip()  # the kill delay counts from here, not from start-up
    if line != READY:
        child.kill()
        raise RuntimeError(f"the ingest child did not start (said {line!r})")
    return child


def _read_all_along(settings: IngestSettings, stop: threading.Event, tally: CrashTally) -> None:
    """A reader of its own (as a service is), checking what it sees every 0.5 s."""
    store = ReportStore.open(settings)
    while not stop.is_set():
        try:
            problems, _ = check_store(store)
        except Exception as exc:  # a reader error is a finding, not the end of the run
            problems = [f"reader failed: {type(exc).__name__}: {exc}"]
        tally.reader_checks += 1
        tally.problems += [f"reader: {p}" for p in problems]
        stop.wait(0.5)


class HashEmbedder:
    """Unit vectors from a hash of each text: the shape of the real model's, none of its cost."""

    dimensions = 384

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")
            row = np.random.default_rng(seed).standard_normal(self.dimensions)
            rows.append(row / np.linalg.norm(row))
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), self.dimensions)


def _child(folder: Path, real_model: bool) -> None:
    from ingest.pipeline import PassageEmbedder, ingest_paths

    settings = IngestSettings.from_env()
    embedder: PassageEmbedder = HashEmbedder()
    if real_model:
        from ingest.embedding import Embedder

        model = settings.embedding_model
        embedder = Embedder(model, settings.models_dir, settings.embedding_batch_size)
        embedder.embed_passages(["预热"])
    store = ReportStore.open(settings)
    print(READY, flush=True)
    summary = ingest_paths([folder], settings, store, embedder)
    sys.exit(1 if summary.failed else 0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-delay", type=float, help="default: an uninterrupted round's time")
    parser.add_argument("--data", type=Path, required=False, help="an empty data folder")
    parser.add_argument("--real-model", action="store_true", help="children embed for real")
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child, args.real_model)
        return
    if args.data is None:
        parser.error("--data is required")
    tally = crash_rounds(args.data, args.kills, args.seed, args.max_delay, args.real_model)
    print(json.dumps(asdict(tally), ensure_ascii=False, indent=2))
    sys.exit(1 if tally.problems else 0)


if __name__ == "__main__":
    main()
