"""`reportqa eval --planted N`: the planted-error benchmark of the disclosure review, per family.

The sources are the bundled corpus reports (parsed, not embedded: the review reads the stored
text and tables only). Copies (TXT) and what was planted in each (JSON) are written under
`OUT/planted/`, the per-family table to `OUT/planted.md` and `OUT/planted.json`.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from eval.planted import FAMILIES, Benchmark, load_sources, run_benchmark
from ingest.checks.review import FAMILY_NAMES
from ingest.pipeline import expand_paths
from service.config import DEFAULT_SAMPLE_DIR

out = Console(width=None if sys.stdout.isatty() else 200)


def planted_eval(
    count: int,
    out_dir: Path,
    seed: int = 0,
    sources: list[Path] | None = None,
    render: str = "txt",
) -> Benchmark:
    """Plant, review and score `count` copies; print and write the per-family table."""
    paths = sorted(expand_paths(sources or [DEFAULT_SAMPLE_DIR]))
    reports = load_sources(paths)
    if render == "pdf":
        from eval.planted_pdf import run_pdf_benchmark

        benchmark = run_pdf_benchmark(reports, count, seed, out_dir / "planted-pdf")
    else:
        benchmark = run_benchmark(reports, count, seed, out_dir / "planted")
    rows = summary_rows(benchmark)
    table = Table(
        title=f"planted errors: {count} {render.upper()} copies of {len(reports)} reports "
        f"(seed {seed})"
    )
    for name in ("family", "planted", "found", "recall", "false alarms"):
        table.add_column(name, justify="left" if name == "family" else "right")
    for row in rows:
        table.add_row(
            *(str(row[k]) for k in ("family", "planted", "found", "recall", "false_alarms"))
        )
    out.print(table)
    command = shlex.join(["reportqa", *sys.argv[1:]])
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = "planted" if render == "txt" else f"planted-{render}"
    (out_dir / f"{stem}.json").write_text(
        json.dumps(
            {"command": command, "copies": count, "seed": seed, "families": rows},
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    (out_dir / f"{stem}.md").write_text(markdown(rows, command), encoding="utf-8")
    out.print(
        f"wrote {out_dir / f'{stem}.md'}, {out_dir / f'{stem}.json'} "
        f"and the copies under {out_dir / stem}",
        highlight=False,
    )
    return benchmark


def summary_rows(benchmark: Benchmark) -> list[dict[str, str | int]]:
    found = benchmark.per_family()
    alarms = benchmark.alarms_per_family()
    rows: list[dict[str, str | int]] = []
    for family in FAMILIES:
        hit, made = found[family]
        rows.append(
            {
                "family": f"{family} ({FAMILY_NAMES[family]})",
                "planted": made,
                "found": hit,
                "recall": f"{hit / made:.1%}" if made else "—",
                "false_alarms": alarms[family],
            }
        )
    total_hit = sum(h for h, _ in found.values())
    total_made = sum(m for _, m in found.values())
    rows.append(
        {
            "family": "all",
            "planted": total_made,
            "found": total_hit,
            "recall": f"{total_hit / total_made:.1%}" if total_made else "—",
            "false_alarms": sum(alarms.values()),
        }
    )
    return rows


def markdown(rows: list[dict[str, str | int]], command: str) -> str:
    lines = [
        f"`{command}`",
        "",
        "| family | planted | found | recall | false alarms |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r['family']} | {r['planted']} | {r['found']} | {r['recall']} | {r['false_alarms']} |"
        for r in rows
    ]
    return "\n".join(lines) + "\n"
