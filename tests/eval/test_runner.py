"""The runner on a three-question subset, with a stand-in answer function (top chunk as answer)."""

from __future__ import annotations

import pytest

from eval.baseline import BaselineIndex
from eval.gold import GoldQuestion, load_gold
from eval.metrics import QuestionResult, summarize, summarize_by_type
from eval.runner import EvalError, index_scope, load_report_texts, resolve_scopes, run_eval
from service.answering.answer import Answer, Citation
from service.context import ServiceContext
from tests.eval.test_gold import GOLD_DEV

pytestmark = pytest.mark.slow
SUBSET = ("d05", "d12", "d29")  # a figure, an unmet target, an unanswerable question


def top_chunk_answer(
    ctx: ServiceContext, question: str, report: str | None = None, top_k: int = 5
) -> Answer:
    """A stand-in for answer_question: the best retrieved chunk, cited; it never refuses."""
    hits = ctx.retriever.search(question, top_k=top_k, report_ids=[report] if report else None)
    citations = [
        Citation(report_id=h.report_id, title="", start=h.start, end=h.end, quote=h.text)
        for h in hits[:1]
    ]
    text = hits[0].text if hits else ""
    return Answer(
        question=question, answer=text, answerable=True, kind="figure", citations=citations
    )


def broken_answer(
    ctx: ServiceContext, question: str, report: str | None = None, top_k: int = 5
) -> Answer:
    if "重新犯罪率" in question:
        raise ValueError("no reoffending today")
    return top_chunk_answer(ctx, question, report, top_k)


@pytest.fixture(scope="module")
def subset() -> list[GoldQuestion]:
    return [q for q in load_gold(GOLD_DEV) if q.id in SUBSET]


def by_id(results: list[QuestionResult]) -> dict[str, QuestionResult]:
    return {r.gold.id: r for r in results}


def test_run_eval_scores_ours_and_the_baseline_on_the_same_questions(
    corpus_context: ServiceContext, honghe_baseline: BaselineIndex, subset: list[GoldQuestion]
) -> None:
    result = run_eval(corpus_context, subset, answer_fn=top_chunk_answer, baseline=honghe_baseline)
    assert result.baseline is not None
    for run in (result.ours, result.baseline):
        assert [r.gold.id for r in run.results] == list(SUBSET)
        assert all(r.latency_ms > 0 and r.error is None for r in run.results)
        unanswerable = by_id(run.results)["d29"]
        # Neither system refuses, so both fail the unanswerable question on every measure.
        assert unanswerable.score == (False, False, False)
        assert unanswerable.evidence_in_top5 is None
    ours = by_id(result.ours.results)
    assert ours["d05"].score == (True, True, True)
    assert ours["d05"].evidence_in_top5 is True
    assert result.baseline_chunks == honghe_baseline.chunk_count
    summary = summarize(result.ours.results)
    assert summary.questions == 3 and summary.evidence_in_top5.total == 2
    assert summary.refusal_correct.correct == 2
    assert set(summarize_by_type(result.ours.results)) == {"figure", "unmet", "unanswerable"}


def test_an_answer_function_that_raises_is_recorded_not_raised(
    corpus_context: ServiceContext, subset: list[GoldQuestion]
) -> None:
    result = run_eval(corpus_context, subset, answer_fn=broken_answer, baseline=False)
    assert result.baseline is None
    failed = by_id(result.ours.results)["d12"]
    assert failed.answer is None and failed.error == "ValueError: no reoffending today"
    assert failed.score == (False, False, False)
    assert by_id(result.ours.results)["d05"].error is None


def test_a_report_missing_from_the_store_stops_the_run(
    corpus_context: ServiceContext, subset: list[GoldQuestion]
) -> None:
    stray = subset[0].model_copy(update={"report": "no-such-report"})
    with pytest.raises(EvalError, match="no-such-report"):
        run_eval(corpus_context, [stray], answer_fn=top_chunk_answer, baseline=False)


def test_scopes_map_gold_report_names_to_stored_ids(
    corpus_context: ServiceContext, honghe_id: str, subset: list[GoldQuestion]
) -> None:
    texts = load_report_texts(corpus_context)
    assert len(texts.id_by_name) == 5
    scopes = resolve_scopes(subset, texts)
    assert set(scopes.values()) == {honghe_id}
    assert index_scope(scopes) == [honghe_id]
    assert index_scope({**scopes, "x": None}) is None
