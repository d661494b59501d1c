"""Generated questions and the scorer fit, on small real inputs; no model load."""

from __future__ import annotations

import numpy as np
import pytest

from eval.fitting import Sample, choose_threshold, fit_scorer, top_outcomes
from eval.scoring import fold
from eval.synthetic import generate_questions, reason_questions, transplanted_questions
from ingest.config import IngestSettings
from ingest.figures import extract_figures
from ingest.models import Figure, Report
from ingest.pipeline import build_report
from service.answering.features import FEATURES

_A = """上海市某区某局2024年度部门决算
一、收入支出决算总体情况说明
2024年度收入总计320.50万元。与2023年度相比,收入总计减少12.30万元,主要原因是人员减少。
支出决算表
单位:万元
科目名称 | 合计 | 基本支出 | 项目支出
一般公共服务支出 | 300.00 | 250.00 | 50.00
住房保障支出 | 20.50 | 20.50 | 0.00
"""
_B = """某县某局2024年度部门决算
支出决算表
单位:万元
科目名称 | 合计 | 基本支出 | 项目支出
农林水支出 | 80.00 | 30.00 | 50.00
"""


def _report(
    tmp_path_factory: pytest.TempPathFactory, name: str, text: str
) -> tuple[Report, list[Figure]]:
    path = tmp_path_factory.mktemp("r") / name
    path.write_text(text, encoding="utf-8")
    report, _ = build_report(path, path.read_bytes(), IngestSettings())
    report = report.model_copy(update={"year": 2024})
    return report, extract_figures(report)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Report, list[Figure]]]:
    return [_report(tmp_path_factory, "a.txt", _A), _report(tmp_path_factory, "b.txt", _B)]


def test_every_generated_answer_and_evidence_is_in_the_report(
    reports: list[tuple[Report, list[Figure]]],
) -> None:
    report, figures = reports[0]
    questions = generate_questions(report, figures)
    assert {q.type for q in questions} >= {"table", "figure", "reason"}
    text = fold(report.text)
    for q in questions:
        assert all(fold(m) in text for m in q.must_include), q
        assert all(fold(e) in text for e in q.evidence), q
    cells = [q for q in questions if q.type == "table"]
    assert any("250.00" in q.must_include and "一般公共服务支出" in q.question for q in cells)


def test_a_stated_cause_gives_a_why_question(reports: list[tuple[Report, list[Figure]]]) -> None:
    report, figures = reports[0]
    [why] = reason_questions(report, figures, 5)
    assert "收入总计" in why.question and "减少" in why.question
    assert why.evidence == ["人员减少"]


def test_transplanted_questions_name_rows_the_report_lacks(
    reports: list[tuple[Report, list[Figure]]],
) -> None:
    (a, _), other = reports
    questions = transplanted_questions(a, [other], 5)
    assert questions and all(q.type == "unanswerable" for q in questions)
    assert all("农林水支出" in q.question for q in questions)


def _sample(
    qid: str, rows: list[list[float]], labels: list[int], answerable: bool = True
) -> Sample:
    return Sample(
        qid, "r", answerable, np.array(rows), np.array(labels, float), np.zeros(len(rows), int)
    )


def _row(**values: float) -> list[float]:
    return [values.get(name, 0.0) for name in FEATURES]


def test_the_fit_ranks_the_right_candidate_first() -> None:
    samples = [
        _sample(
            f"q{i}",
            [_row(key_own=1.0, retrieval_rank=0.2), _row(key_own=0.1, retrieval_rank=1.0)],
            [1, 0],
        )
        for i in range(20)
    ] + [
        _sample(f"n{i}", [_row(key_own=0.1, retrieval_rank=1.0)], [0], answerable=False)
        for i in range(5)
    ]
    scorer = fit_scorer(samples, ["test"])
    assert scorer.weights["key_own"] > 0
    outcomes = top_outcomes(samples, scorer)
    assert all(right for _, right, answerable in outcomes if answerable)
    # the unanswerable ones score below the threshold: they are refused
    assert all(score < scorer.threshold for score, _, answerable in outcomes if not answerable)


def test_the_threshold_refuses_rather_than_state_a_wrong_figure() -> None:
    scorer = fit_scorer(
        [_sample(f"q{i}", [_row(key_own=1.0), _row()], [1, 0]) for i in range(10)], ["test"]
    )
    confident_right = [_sample(f"r{i}", [_row(key_own=1.0)], [1]) for i in range(3)]
    unsure_wrong = [_sample(f"w{i}", [_row(key_own=0.3)], [0]) for i in range(3)]
    threshold, curve = choose_threshold(confident_right + unsure_wrong, scorer)
    assert scorer.score(_row(key_own=0.3)) < threshold <= scorer.score(_row(key_own=1.0))
    assert all(0.0 <= point["precision"] <= 1.0 for point in curve)
