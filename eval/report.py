"""The evaluation report: one JSON document, and Markdown rendered from that same document.

Rendering the Markdown from the JSON data (not from the results) means the two files can never
disagree about a number.
"""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eval.metrics import MEASURE_LABELS, Measures, QuestionResult, summarize, summarize_by_type
from eval.runner import EvalResult, SystemRun

ANSWER_PREVIEW = 60  # characters of our answer shown for a failing question
SHARE_MEASURES = ("answer_correct", "citation_correct", "refusal_correct", "evidence_in_top5")
LATENCY_MEASURES = ("latency_p50_ms", "latency_p95_ms")


def machine_info() -> dict[str, Any]:
    """What the latencies were measured on."""
    return {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        # Latency depends on what else runs: the 1-minute load average when the report was made.
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def measures_json(measures: Measures) -> dict[str, Any]:
    data: dict[str, Any] = {"questions": measures.questions}
    for name in SHARE_MEASURES:
        share = getattr(measures, name)
        data[name] = {"correct": share.correct, "total": share.total, "share": share.value}
    for name in LATENCY_MEASURES:
        value = getattr(measures, name)
        data[name] = None if value is None else round(value, 1)
    return data


def result_json(result: QuestionResult) -> dict[str, Any]:
    answer = result.answer
    return {
        "answer": answer.answer if answer else None,
        "answerable": answer.answerable if answer else None,
        "citations": [
            {"report_id": c.report_id, "start": c.start, "end": c.end, "quote": c.quote}
            for c in (answer.citations if answer else [])
        ],
        **result.score._asdict(),
        "evidence_in_top5": result.evidence_in_top5,
        "latency_ms": round(result.latency_ms, 1),
        "error": result.error,
        "failed": result.failed_measures(),
    }


def report_data(result: EvalResult, command: str, gold_path: str) -> dict[str, Any]:
    """Everything the report shows, as JSON-ready data."""
    runs = {"ours": result.ours, "baseline": result.baseline}
    return {
        "command": command,
        "gold": gold_path,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "questions": len(result.ours.results),
        "baseline_index": _baseline_index(result),
        "summary": {name: _summary(run) for name, run in runs.items()},
        "by_type": _by_type(result),
        "results": _results(result),
        "failures": [_failure(r) for r in result.ours.results if r.failed_measures()],
    }


def _failure(result: QuestionResult) -> dict[str, Any]:
    return {
        "id": result.gold.id,
        "type": result.gold.type,
        "question": result.gold.question,
        "answer": result.answer.answer if result.answer else None,
        "error": result.error,
        "failed": result.failed_measures(),
    }


def _baseline_index(result: EvalResult) -> dict[str, Any] | None:
    if result.baseline is None:
        return None
    return {
        "chunks": result.baseline_chunks,
        "build_seconds": round(result.baseline.setup_seconds, 1),
    }


def _summary(run: SystemRun | None) -> dict[str, Any] | None:
    return None if run is None else measures_json(summarize(run.results))


def _by_type(result: EvalResult) -> dict[str, Any]:
    ours = summarize_by_type(result.ours.results)
    base = summarize_by_type(result.baseline.results) if result.baseline else {}
    return {
        kind: {
            "ours": measures_json(measures),
            "baseline": measures_json(base[kind]) if kind in base else None,
        }
        for kind, measures in ours.items()
    }


def _results(result: EvalResult) -> list[dict[str, Any]]:
    base = result.baseline.results if result.baseline else [None] * len(result.ours.results)
    return [
        {
            "id": ours.gold.id,
            "type": ours.gold.type,
            "report": ours.gold.report,
            "question": ours.gold.question,
            "ours": result_json(ours),
            "baseline": result_json(theirs) if theirs else None,
        }
        for ours, theirs in zip(result.ours.results, base, strict=True)
    ]


def write_reports(result: EvalResult, out_dir: Path, command: str, gold_path: str) -> list[Path]:
    """Write report.md and report.json into `out_dir`; returns their paths."""
    return write_report_data(report_data(result, command, gold_path), out_dir)


def write_report_data(data: dict[str, Any], out_dir: Path) -> list[Path]:
    """Write `report_data` output as report.md and report.json into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out_dir / "report.json", out_dir / "report.md"
    json_path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    md_path.write_text(render_markdown(data), encoding="utf-8")
    return [md_path, json_path]


# -- Markdown ---------------------------------------------------------------------------------


def format_measure(measures: dict[str, Any] | None, name: str) -> str:
    """ "83.3% (40/48)" for a share, "125 ms" for a latency, "—" when absent."""
    if measures is None or measures.get(name) is None:
        return "—"
    value = measures[name]
    if name in LATENCY_MEASURES:
        return f"{value:,.0f} ms"
    if value["share"] is None:
        return "—"
    return f"{value['share']:.1%} ({value['correct']}/{value['total']})"


def measure_value(measures: dict[str, Any] | None, name: str) -> float | None:
    if measures is None or measures.get(name) is None:
        return None
    value = measures[name]
    return float(value) if name in LATENCY_MEASURES else value["share"]


def format_ratio(ours: float | None, baseline: float | None) -> str:
    if ours is None or baseline is None or baseline == 0:
        return "—"
    return f"{ours / baseline:.2f}×"


def render_markdown(data: dict[str, Any]) -> str:
    """The report for people: summary, per-type comparison, failing questions, provenance."""
    lines = ["# reportqa evaluation", ""]
    lines += _provenance(data)
    lines += ["", "## Summary", "", *_summary_table(data["summary"])]
    lines += ["", "## By question type", "", *_type_table(data["by_type"])]
    lines += ["", f"## Failing questions (ours): {len(data['failures'])}", ""]
    lines += _failure_table(data["failures"])
    return "\n".join(lines) + "\n"


def _provenance(data: dict[str, Any]) -> list[str]:
    machine = data["machine"]
    lines = [
        f"- command: `{data['command']}`",
        f"- gold: `{data['gold']}` ({data['questions']} questions)",
        f"- machine: {machine['platform']} ({machine['processor']}), "
        f"{machine['cpu_count']} CPUs, Python {machine['python']}, "
        f"load average {machine['load_average_1m']}",
        f"- run at: {data['created_at']}",
    ]
    index = data["baseline_index"]
    if index is not None:
        lines.append(
            f"- baseline index: {index['chunks']} chunks built in {index['build_seconds']} s"
        )
    return lines


def _summary_table(summary: dict[str, Any]) -> list[str]:
    ours, base = summary["ours"], summary["baseline"]
    rows = ["| measure | ours | baseline | ratio (ours/baseline) |", "|---|---:|---:|---:|"]
    for name in SHARE_MEASURES + LATENCY_MEASURES:
        ratio = format_ratio(measure_value(ours, name), measure_value(base, name))
        rows.append(
            f"| {MEASURE_LABELS[name]} | {format_measure(ours, name)} "
            f"| {format_measure(base, name)} | {ratio} |"
        )
    return rows


def _type_table(by_type: dict[str, Any]) -> list[str]:
    names = (*SHARE_MEASURES, "latency_p50_ms")
    header = " | ".join(f"{MEASURE_LABELS[n]} ours / baseline" for n in names)
    rows = [f"| type | n | {header} |", "|---|---:|" + "---:|" * len(names)]
    for kind, pair in by_type.items():
        cells = [_short(pair["ours"], n) + " / " + _short(pair["baseline"], n) for n in names]
        rows.append(f"| {kind} | {pair['ours']['questions']} | {' | '.join(cells)} |")
    return rows


def _short(measures: dict[str, Any] | None, name: str) -> str:
    value = measure_value(measures, name)
    if value is None:
        return "—"
    return f"{value:,.0f} ms" if name in LATENCY_MEASURES else f"{value:.0%}"


def _failure_table(failures: list[dict[str, Any]]) -> list[str]:
    if not failures:
        return ["None."]
    rows = ["| id | type | question | our answer | failed |", "|---|---|---|---|---|"]
    for f in failures:
        shown = f["answer"] if f["error"] is None else f"error: {f['error']}"
        rows.append(
            f"| {f['id']} | {f['type']} | {_cell(f['question'])} "
            f"| {_cell(shown or '', ANSWER_PREVIEW)} | {', '.join(f['failed'])} |"
        )
    return rows


def _cell(text: str, limit: int | None = None) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped, optionally truncated."""
    text = " ".join(text.split())
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("|", "\\|")
