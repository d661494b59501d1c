"""Load benchmark (run by hand): many clients asking while a report is uploaded and ingested.

Starts `reportqa serve` on a copy of an ingested data folder (the folder itself is never changed),
asks every question of the gold file once (the answers before the upload), then runs `--clients`
threads asking those questions in random order for `--seconds`, while one report is uploaded
through the API and ingested. Reports requests/s, p50/p95 latency, failed requests, and changed
answers: answers that differ from the one before the upload, for questions about reports other
than the uploaded one (counted during the load, and once more after it, when the ingest is done;
a new report may rightly change the answer to a question that names no department, but an answer
that is neither the one before nor the one after would be a state in between leaking out).

Each `--workers` count (default 1 and 2: one Python process answers on one core at a time) is a
run of its own on a fresh copy, side by side in one table; the first is the baseline of the ratio.

    python -m eval.load_bench --data-dir data --seconds 60 --clients 32 [--append BENCHMARKS.md]

The per-client rate limit is switched off in the server (every client comes from 127.0.0.1).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from eval.load_clients import Asked, Connection, Upload, ask_once, run_clients, upload_report

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GOLD = ROOT / "eval" / "gold" / "gold-dev.jsonl"
DEFAULT_UPLOAD = (
    ROOT / "eval" / "corpus" / "excerpts" / "10_daying_sifaju_2023_xiangmuzhichu_zipingbiao.txt"
)
REPORTQA = Path(sys.executable).parent / "reportqa"


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    gold = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line]
    questions = [g["question"] for g in gold]
    others = [i for i, g in enumerate(gold) if g.get("report") != args.upload.stem]
    load_before = os.getloadavg()
    columns = {}
    for workers in args.workers:
        asked, elapsed, before, after, upload = _run(args, workers, questions)
        columns[workers] = _rows(asked, elapsed, before, after, upload, others)
        moved = [str(gold[q].get("id", q)) for q in others if after[q] != before[q]]
        print(f"{workers} worker(s): answers the upload changed: {', '.join(moved) or 'none'}")
    table = _table(columns)
    print(table)
    if args.append:
        _append(args.append, args, table, load_before, os.getloadavg())


def _run(
    args: argparse.Namespace, workers: int, questions: list[str]
) -> tuple[list[Asked], float, list[str | None], list[str | None], Upload]:
    """One configuration: a fresh copy of the store, the answers before, the load with the
    upload, the answers after."""
    with tempfile.TemporaryDirectory(prefix="load-bench-") as scratch:
        data_dir = Path(scratch) / "data"
        # The upload changes the store: work on a copy, so every run starts from the same one.
        shutil.copytree(args.data_dir, data_dir, ignore=shutil.ignore_patterns("models"))
        token = uuid.uuid4().hex
        with _server(data_dir, token, workers, Path(scratch) / "serve.log") as url:
            before = _ask_all(url, questions)
            started = time.monotonic()
            upload = Upload()
            uploader = threading.Timer(
                args.upload_after, upload_report, (url, args.upload, token, started, upload)
            )
            uploader.start()
            asked = run_clients(url, questions, args.clients, args.seconds, started)
            elapsed = time.monotonic() - started
            uploader.join()
            after = _ask_all(url, questions)
    return asked, elapsed, before, after, upload


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m eval.load_bench", description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True, help="an ingested data folder")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument(
        "--workers",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1, 2],
        help="`reportqa serve --workers` of each run, the first the baseline (default: 1,2)",
    )
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--upload", type=Path, default=DEFAULT_UPLOAD, help="the report uploaded")
    parser.add_argument("--upload-after", type=float, default=5.0, help="seconds into the load")
    parser.add_argument("--append", type=Path, help="append the results to this markdown file")
    return parser


class _server:
    """`reportqa serve` on `data_dir` with no rate limit, until the block ends."""

    def __init__(self, data_dir: Path, token: str, workers: int, log: Path) -> None:
        self._env = dict(os.environ)
        self._env.update(
            REPORTQA_DATA_DIR=str(data_dir),
            REPORTQA_ADMIN_TOKEN=token,
            REPORTQA_RATE_PER_MINUTE="0",
            REPORTQA_FIRST_RUN_REPORTS="",
            HF_HUB_OFFLINE="1",
            TRANSFORMERS_OFFLINE="1",
        )
        self._port = _free_port()
        self._args = ["serve", "--port", str(self._port), "--workers", str(workers)]
        self._log = log

    def __enter__(self) -> str:
        with self._log.open("wb") as log:
            self._process = subprocess.Popen(
                [str(REPORTQA), *self._args], env=self._env, stdout=log, stderr=log
            )
        url = f"http://127.0.0.1:{self._port}"
        deadline = time.monotonic() + 300
        while True:
            if self._process.poll() is not None:
                raise SystemExit(f"reportqa serve exited:\n{self._log.read_text()[-3000:]}")
            try:
                Connection(url, timeout=2).json("GET", "/health")
                return url
            except (OSError, RuntimeError):
                if time.monotonic() > deadline:
                    raise SystemExit("reportqa serve did not answer /health in 300 s") from None
                time.sleep(0.5)

    def __exit__(self, *_: object) -> None:
        self._process.terminate()
        try:
            self._process.wait(30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(10)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ask_all(url: str, questions: list[str]) -> list[str | None]:
    """Every question once, one at a time: the answer of each (None if it failed)."""
    conn = Connection(url)
    return [ask_once(conn, q)[1] for q in questions]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def _rows(
    asked: list[Asked],
    elapsed: float,
    before: list[str | None],
    after: list[str | None],
    upload: Upload,
    others: list[int],
) -> dict[str, str]:
    """The measures of one run, by name."""
    answered = [a for a in asked if a.status == 200]
    failed = Counter(a.status for a in asked if a.status != 200)
    other = set(others)
    compared = [a for a in answered if a.question in other and before[a.question] is not None]
    changed = [a for a in compared if a.answer != before[a.question]]
    changed_after = [q for q in others if before[q] is not None and after[q] != before[q]]
    # An answer that is neither the one before nor the one after the ingest: a state in between.
    neither = [a for a in changed if a.answer != after[a.question]]
    latencies = [a.seconds * 1000 for a in answered]
    ingest = (
        f"{upload.status}, {upload.sent:.1f} → {upload.finished:.1f} s"
        if upload.sent is not None and upload.finished is not None
        else upload.status
    )
    p50, p95 = _percentile(latencies, 0.5), _percentile(latencies, 0.95)
    return {
        "requests": f"{len(asked)} in {elapsed:.1f} s",
        "requests/s": f"{len(answered) / elapsed:.1f}",
        "latency p50 / p95": f"{p50:.0f} / {p95:.0f} ms",
        "failed requests": str(sum(failed.values())) + _statuses(failed),
        "changed answers (during load)": f"{len(changed)} of {len(compared)}, "
        f"{len({a.question for a in changed})} questions",
        "changed answers (after ingest)": f"{len(changed_after)} of {len(others)} questions",
        "changed answers, neither before nor after": str(len(neither)),
        "upload: status, sent → ingested (s into the load)": ingest,
    }


def _table(columns: dict[int, dict[str, str]]) -> str:
    """One column per run, and each run's requests/s as a ratio to the first run's."""
    runs = list(columns)
    base = float(columns[runs[0]]["requests/s"])
    for workers in runs:
        ratio = float(columns[workers]["requests/s"]) / base if base else 0.0
        columns[workers]["requests/s vs the first run"] = f"{ratio:.2f}×"
    names = [f"{w} worker{'s' if w > 1 else ''}" for w in runs]
    lines = ["| measure | " + " | ".join(names) + " |", "| --- |" + " --- |" * len(runs)]
    for measure in columns[runs[0]]:
        lines.append(f"| {measure} | " + " | ".join(columns[w][measure] for w in runs) + " |")
    return "\n".join(lines)


def _statuses(failed: Counter[int]) -> str:
    if not failed:
        return ""
    return " (" + ", ".join(f"{n}× {s or 'no answer'}" for s, n in failed.most_common()) + ")"


def _append(
    path: Path,
    args: argparse.Namespace,
    table: str,
    load: tuple[float, ...],
    load_after: tuple[float, ...],
) -> None:
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in lscpu.splitlines()
            if line.startswith("Model name")
        ),
        platform.processor() or "unknown",
    )
    command = (
        f"python -m eval.load_bench --data-dir {args.data_dir} --seconds {args.seconds:g} "
        f"--clients {args.clients} --workers {','.join(map(str, args.workers))}"
    )
    section = [
        f"## Load: {args.clients} clients",
        "",
        f"- date: {datetime.now(UTC).isoformat(timespec='minutes')}",
        f"- machine: {os.cpu_count()} cores ({cpu}), no GPU, Python {platform.python_version()}",
        f"- load average (1 min) before / after: {load[0]:.1f} / {load_after[0]:.1f}"
        + (
            " (other jobs were running on the machine)"
            if load[0] > 0.5
            else " (the machine was otherwise idle)"
        ),
        f"- command: `{command}`",
        f"- questions: {args.gold.name}; upload: {args.upload.name}, "
        f"{args.upload_after:g} s into the load",
        "",
        table,
        "",
    ]
    existing = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    path.write_text(existing.rstrip("\n") + "\n\n" + "\n".join(section), encoding="utf-8")


if __name__ == "__main__":
    main()
