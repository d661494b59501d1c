"""The LangChain baseline: exact spans from the splitter, and answers that never refuse."""

from __future__ import annotations

import pytest

from eval.baseline import CHUNK_SIZE, BaselineIndex, split_report
from service.answering.answer import NOT_FOUND
from service.context import ServiceContext

SANGONG = "2024年“三公”经费决算支出多少?"


def test_split_report_gives_exact_offsets_even_for_repeated_text() -> None:
    sentence = "红河州司法局本级机关2024年“三公”经费决算支出12.85万元,较预算减少。"
    text = "标题\n\n" + sentence * 30 + "\n" + "表 | 1 | 2\n" * 40
    chunks = split_report("r1", text)
    assert len(chunks) > 2
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text
        assert len(chunk.text) <= CHUNK_SIZE
    assert chunks[0].text.startswith("标题")


def test_split_report_of_empty_text_is_empty() -> None:
    assert split_report("r1", "") == []


@pytest.mark.slow
def test_baseline_answers_with_the_top_chunk_and_never_refuses(
    corpus_context: ServiceContext, honghe_baseline: BaselineIndex, honghe_id: str
) -> None:
    reply = honghe_baseline.answer(SANGONG, report=honghe_id)
    text = corpus_context.store.get_report(honghe_id)
    assert text is not None
    assert reply.answerable and NOT_FOUND not in reply.answer
    assert len(reply.citations) == 5
    assert reply.answer == reply.citations[0].quote
    for citation in reply.citations:
        assert citation.report_id == honghe_id
        assert text.text[citation.start : citation.end] == citation.quote
    # What it really returns today: the paragraph that states the figure ranks first.
    assert "12.85" in reply.answer


@pytest.mark.slow
def test_baseline_answers_an_unanswerable_question_anyway(
    honghe_baseline: BaselineIndex, honghe_id: str
) -> None:
    reply = honghe_baseline.answer("红河州司法局2024年差旅费支出是多少?", report=honghe_id)
    assert reply.answerable and reply.citations and NOT_FOUND not in reply.answer


@pytest.mark.slow
def test_baseline_index_covers_only_the_reports_asked_for(
    honghe_baseline: BaselineIndex, honghe_id: str
) -> None:
    assert set(honghe_baseline.titles) == {honghe_id}
    assert 10 < honghe_baseline.chunk_count < 200
    hits = honghe_baseline.search(SANGONG, top_k=3)
    assert len(hits) == 3 and {h.report_id for h in hits} == {honghe_id}
