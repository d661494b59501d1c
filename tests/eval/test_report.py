"""The report writer, on hand-made results: both files, the three tables, the provenance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.gold import GoldQuestion
from eval.metrics import QuestionResult
from eval.report import format_ratio, render_markdown, report_data, write_reports
from eval.runner import EvalResult, SystemRun
from eval.scoring import QuestionScore
from service.answering.answer import NOT_FOUND, Answer

FIGURE = GoldQuestion(
    id="d05", report="h", type="figure", question="三公经费?", must_include=["12.85"]
)
REFUSE = GoldQuestion(id="d29", report="h", type="unanswerable", question="差旅费?")


def reply(text: str, answerable: bool = True) -> Answer:
    return Answer(question="q", answer=text, answerable=answerable, kind="figure")


def result(
    gold: GoldQuestion, text: str, score: tuple[bool, bool, bool], ms: float
) -> QuestionResult:
    found = None if gold.type == "unanswerable" else score[1]
    answer = reply(text, answerable=NOT_FOUND not in text)
    return QuestionResult(gold, answer, QuestionScore(*score), found, ms)


OURS = SystemRun(
    "ours",
    [
        result(FIGURE, "决算支出 | 12.85万元" + "很长" * 60, (False, True, True), 40.0),
        result(REFUSE, NOT_FOUND, (True, True, True), 20.0),
    ],
    0.0,
)
BASELINE = SystemRun(
    "baseline",
    [
        result(FIGURE, "决算支出12.85万元", (True, True, True), 30.0),
        result(REFUSE, "差旅费", (False, False, False), 30.0),
    ],
    12.5,
)


def test_write_reports_writes_markdown_and_json(tmp_path: Path) -> None:
    paths = write_reports(
        EvalResult(OURS, BASELINE, 45), tmp_path / "out", "reportqa eval g.jsonl", "g.jsonl"
    )
    assert [p.name for p in paths] == ["report.md", "report.json"]
    data = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert data["summary"]["ours"]["answer_correct"] == {"correct": 1, "total": 2, "share": 0.5}
    assert data["summary"]["baseline"]["refusal_correct"]["share"] == 0.5
    assert data["summary"]["ours"]["evidence_in_top5"]["total"] == 1
    assert data["baseline_index"] == {"chunks": 45, "build_seconds": 12.5}
    assert data["machine"]["cpu_count"] >= 1
    assert [f["id"] for f in data["failures"]] == ["d05"]
    assert data["results"][1]["baseline"]["answer"] == "差旅费"

    md = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "`reportqa eval g.jsonl`" in md and "CPUs" in md
    assert "| measure | ours | baseline | ratio (ours/baseline) |" in md
    assert "| answer correct | 50.0% (1/2) | 50.0% (1/2) | 1.00× |" in md
    assert "| refusal correct | 100.0% (2/2) | 50.0% (1/2) | 2.00× |" in md
    assert "| latency p50 (ms) | 30 ms | 30 ms | 1.00× |" in md
    assert "| figure | 1 | 0% / 100% |" in md
    assert "| unanswerable | 1 | 100% / 0% |" in md
    failing = next(line for line in md.splitlines() if line.startswith("| d05 |"))
    assert "answer_correct" in failing and "决算支出 \\| 12.85" in failing and "…" in failing


def test_a_run_without_baseline_shows_dashes() -> None:
    md = render_markdown(report_data(EvalResult(OURS, None), "cmd", "g.jsonl"))
    assert "| answer correct | 50.0% (1/2) | — | — |" in md
    assert "baseline index" not in md


@pytest.mark.parametrize(
    ("ours", "baseline", "shown"),
    [(0.9, 0.45, "2.00×"), (0.5, 0.0, "—"), (None, 0.5, "—"), (0.5, None, "—")],
)
def test_format_ratio(ours: float | None, baseline: float | None, shown: str) -> None:
    assert format_ratio(ours, baseline) == shown
