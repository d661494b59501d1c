"""Table cells, features and the choice per part, on a small real report built by the ingest
pipeline (a text file with a pipe table); no model load."""

from __future__ import annotations

import pytest

from ingest.config import IngestSettings
from ingest.figures import extract_figures
from ingest.models import Report
from ingest.pipeline import build_report
from ingest.segmenter import Segmenter
from service.answering.candidates.cells import (
    ReportCells,
    cell_candidates,
    index_cells,
    row_units,
    state_cell,
)
from service.answering.candidates.model import Candidate
from service.answering.candidates.sentences import state_passage, with_stated_fact
from service.answering.features import FEATURES, featurize
from service.answering.question import build_question
from service.answering.scoring import Scorer
from service.answering.selection import ScoredCandidate, choose
from service.retrieval.hybrid import RetrievedChunk

_TEXT = """上海市某区某局2024年度部门决算
一、收入支出决算总体情况说明
2024年度收入总计320.50万元,比上年减少12.30万元。主要原因是人员减少。
支出决算表
单位:万元
科目名称 | 合计 | 基本支出 | 项目支出
一般公共服务支出 | 300.00 | 250.00 | 50.00
行政运行 | 250.00 | 250.00 | 0.00
住房保障支出 | 20.50 | 20.50 | 0.00
司法 | 5.00 | 5.00 | 0.00
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, list[RetrievedChunk]]:
    path = tmp_path_factory.mktemp("report") / "某局-2024-决算.txt"
    path.write_text(_TEXT, encoding="utf-8")
    report, chunks = build_report(path, path.read_bytes(), IngestSettings())
    report = report.model_copy(update={"year": 2024, "publisher": "上海市某区某局"})
    return report, [RetrievedChunk(**c.model_dump(), score=0.0) for c in chunks]


def _cells(segmenter: Segmenter, report: Report) -> ReportCells:
    return index_cells(segmenter, report, extract_figures(report))


def _row(segmenter: Segmenter, chunk: RetrievedChunk) -> Candidate:
    words = frozenset(segmenter.tokenize(chunk.text + " " + (chunk.header or "")))
    free = frozenset(segmenter.free_tokens(chunk.text + " " + (chunk.header or "")))
    own = frozenset(segmenter.free_tokens(chunk.text))
    return Candidate(
        "row", chunk, chunk.start, chunk.end, chunk.text, 0, words, free, frozenset(), own
    )


def test_a_row_gives_one_candidate_per_number_cell_named_by_row_and_column(
    segmenter: Segmenter, built: tuple[Report, list[RetrievedChunk]]
) -> None:
    report, chunks = built
    chunk = next(c for c in chunks if c.text.startswith("一般公共服务支出"))
    cells = cell_candidates(_row(segmenter, chunk), _cells(segmenter, report))
    named = {(c.cell.row_label, c.cell.column, c.cell.raw) for c in cells if c.cell}
    assert ("一般公共服务支出", "基本支出", "250.00") in named
    assert ("一般公共服务支出", "项目支出", "50.00") in named
    for c in cells:
        assert report.text[c.start : c.end] == c.text  # cited by its whole row
        assert c.cell and report.text[c.cell.start : c.cell.end] == c.cell.raw


def test_a_cell_is_stated_in_words_with_its_unit(
    segmenter: Segmenter, built: tuple[Report, list[RetrievedChunk]]
) -> None:
    report, _ = built
    cell = next(c.ref for c in _cells(segmenter, report).cells if c.ref.raw == "50.00")
    assert state_cell(cell) == "一般公共服务支出(项目支出): 50.00万元。"


def test_a_row_is_stated_as_its_label_then_each_figure_with_its_unit(
    segmenter: Segmenter, built: tuple[Report, list[RetrievedChunk]]
) -> None:
    report, chunks = built
    row = _row(segmenter, next(c for c in chunks if c.text.startswith("行政运行")))
    assert state_passage(row, row_units(_cells(segmenter, report), row)) == (
        "行政运行: 合计: 250.00万元;基本支出: 250.00万元;项目支出: 0.00万元。"
    )


def test_the_cell_the_question_names_has_the_better_features(
    segmenter: Segmenter, built: tuple[Report, list[RetrievedChunk]]
) -> None:
    report, chunks = built
    q = build_question("一般公共服务支出的项目支出是多少?", segmenter, [report], scope=report.id)
    chunk = next(c for c in chunks if c.text.startswith("一般公共服务支出"))
    cells = {
        c.cell.column: c
        for c in cell_candidates(_row(segmenter, chunk), _cells(segmenter, report))
        if c.cell
    }
    named = dict(zip(FEATURES, featurize(q, q.parts[0], cells["项目支出"], 2024), strict=True))
    other = dict(zip(FEATURES, featurize(q, q.parts[0], cells["基本支出"], 2024), strict=True))
    assert named["column_verbatim"] == 1.0 and other["column_verbatim"] == 0.0
    assert named["row_verbatim"] == 1.0 and named["cell_row_fit"] == 1.0
    assert named["cell_column_fit"] > other["cell_column_fit"]
    assert all(0.0 <= x <= 1.0 for x in named.values())


def _cell_features(
    segmenter: Segmenter, built: tuple[Report, list[RetrievedChunk]], question: str, row: str
) -> dict[str, float]:
    report, chunks = built
    q = build_question(question, segmenter, [report], scope=report.id)
    chunk = next(c for c in chunks if c.text.startswith(row))
    cell = next(
        c
        for c in cell_candidates(_row(segmenter, chunk), _cells(segmenter, report))
        if c.cell and c.cell.column == "合计"
    )
    return dict(zip(FEATURES, featurize(q, q.parts[0], cell, 2024), strict=True))


def test_a_row_label_inside_the_bodys_name_is_not_written_out(
    segmenter: Segmenter, built: tuple[Report, list[RetrievedChunk]]
) -> None:
    # "司法局" names a body: its "司法" does not name the row 司法
    asked = _cell_features(segmenter, built, "司法类支出合计是多少?", "司法")
    named_body = _cell_features(segmenter, built, "司法局支出合计是多少?", "司法")
    assert asked["row_verbatim"] == 1.0 and named_body["row_verbatim"] == 0.0


def test_a_row_label_naming_what_the_question_does_not_is_unasked(
    segmenter: Segmenter, built: tuple[Report, list[RetrievedChunk]]
) -> None:
    # 行政运行 is one line under 一般公共服务支出: asked the whole, its words are unasked
    whole = _cell_features(segmenter, built, "一般公共服务支出合计是多少?", "一般公共服务支出")
    narrower = _cell_features(segmenter, built, "一般公共服务支出合计是多少?", "行政运行")
    assert whole["label_unasked"] == 0.0 and narrower["label_unasked"] == 1.0


def test_a_passage_about_another_year_does_not_fit(
    segmenter: Segmenter, built: tuple[Report, list[RetrievedChunk]]
) -> None:
    report, chunks = built
    sentence = next(c for c in chunks if "收入总计" in c.text)
    candidate = Candidate(
        "sentence",
        sentence,
        sentence.start,
        sentence.end,
        sentence.text,
        0,
        frozenset(),
        frozenset(),
        frozenset(),
        frozenset(),
    )
    asked_2024 = build_question("2024年收入总计是多少?", segmenter, [report], scope=report.id)
    asked_2023 = build_question("2023年收入总计是多少?", segmenter, [report], scope=report.id)
    fit = FEATURES.index("year_fit")
    assert featurize(asked_2024, asked_2024.parts[0], candidate, 2024)[fit] == 1.0
    assert featurize(asked_2023, asked_2023.parts[0], candidate, 2024)[fit] == 0.0


def test_a_cause_that_names_what_it_explains_is_carried_back_to_the_fact(
    built: tuple[Report, list[RetrievedChunk]],
) -> None:
    report, chunks = built
    chunk = next(c for c in chunks if "主要原因" in c.text)
    at = report.text.index("主要原因是人员减少。")
    cause = Candidate(
        "sentence",
        chunk,
        at,
        at + len("主要原因是人员减少。"),
        "主要原因是人员减少。",
        0,
        frozenset(),
        frozenset(),
        frozenset(),
        frozenset(),
    )
    carried = with_stated_fact(report.text, cause)
    assert carried.text.startswith("2024年度收入总计320.50万元") and carried.end == cause.end
    assert report.text[carried.start : carried.end] == carried.text
    # a passage that does not open with its cause stays as it is
    fact = next(c for c in chunks if "收入总计" in c.text)
    plain = Candidate("sentence", fact, fact.start, fact.end, fact.text, 0, *(frozenset(),) * 4)
    assert with_stated_fact(report.text, plain) == plain


def _sentence(chunk: RetrievedChunk, text: str) -> Candidate:
    at = chunk.text.index(text)
    return Candidate(
        "sentence",
        chunk,
        chunk.start + at,
        chunk.start + at + len(text),
        text,
        0,
        *(frozenset(),) * 4,
    )


def test_one_passage_answers_two_parts_rather_than_add_an_unrelated_one(
    segmenter: Segmenter, built: tuple[Report, list[RetrievedChunk]]
) -> None:
    report, chunks = built
    chunk = next(c for c in chunks if "收入总计" in c.text)
    both = _sentence(chunk, "2024年度收入总计320.50万元,比上年减少12.30万元。")
    other = _sentence(chunk, "主要原因是人员减少。")
    q = build_question("收入总计是多少?比上年减少多少?", segmenter, [report], scope=report.id)
    scorer = Scorer(dict.fromkeys(FEATURES, 0.0), 0.0, 0.5)
    row = [0.0] * len(FEATURES)
    shared = [
        ScoredCandidate(0.9, 0, both, row),
        ScoredCandidate(0.8, 1, both, row),
        ScoredCandidate(0.6, 1, other, row),
    ]
    assert choose(q, shared, scorer) == [both]
    # a passage that answers the second part better than the first one does is added
    better = [*shared[:1], ScoredCandidate(0.95, 1, other, row), shared[1]]
    assert choose(q, better, scorer) == [both, other]


def test_a_row_of_label_value_groups_is_judged_by_the_label_asked(
    segmenter: Segmenter, built: tuple[Report, list[RetrievedChunk]]
) -> None:
    report, chunks = built
    # basic-expenditure tables set groups side by side: 印刷费 is the next group's, not unasked
    chunk = chunks[0].model_copy(
        update={"text": "津贴补贴 | 39.72 | 印刷费 | 0.00", "header": None}
    )
    row = _row(segmenter, chunk)
    q = build_question("津贴补贴是多少?", segmenter, [report], scope=report.id)
    features = dict(zip(FEATURES, featurize(q, q.parts[0], row, 2024), strict=True))
    assert features["label_unasked"] == 0.0
    other = build_question("办公费是多少?", segmenter, [report], scope=report.id)
    features = dict(zip(FEATURES, featurize(other, other.parts[0], row, 2024), strict=True))
    assert features["label_unasked"] == 1.0
