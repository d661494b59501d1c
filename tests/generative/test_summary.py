"""Report summaries: extractive from the records, generative from the scripted model, verified."""

from __future__ import annotations

import re
from typing import Any

from eval.scripted_model import Raw, ScriptedLLM, restate_every_fact
from ingest.pipeline import IngestSummary
from service import queries
from service.answering.verify import numbers_in
from service.context import ServiceContext
from service.generative.client import chat_model
from service.generative.summary import ReportSummary, extractive_summary, generated_summary
from tests.conftest import HONGHE


def _records(ctx: ServiceContext) -> Any:
    return queries.report_records(ctx, str(HONGHE))


def _assert_verified(summary: ReportSummary, text: str) -> None:
    for citation in summary.citations:
        assert text[citation.start : citation.end] == citation.quote
    quoted = set().union(*(numbers_in(c.quote) for c in summary.citations))
    assert numbers_in(summary.summary) <= quoted | set(summary.computed)


def test_the_extractive_summary_states_budget_spending_rate_and_unmet_targets(
    corpus_context: ServiceContext, corpus_ingest: IngestSummary
) -> None:
    report, records = _records(corpus_context)
    summary = extractive_summary(report, records)
    assert summary.mode == "extractive" and summary.generation is None
    topics = [f.topic for f in summary.facts]
    assert topics[:3] == ["budget", "spending", "execution"]
    assert "1,670.62万元" in summary.summary  # 年初预算安排
    assert "92.28%" in summary.summary  # 预算支出完成率
    assert len(records.unmet) == 0 or "unmet" in topics
    _assert_verified(summary, report.text)


def test_every_corpus_report_summarises_with_verified_figures(
    corpus_context: ServiceContext, corpus_ingest: IngestSummary
) -> None:
    for listed in corpus_context.reports():
        report, records = queries.report_records(corpus_context, listed.id)
        summary = extractive_summary(report, records)
        assert summary.facts, report.file_name
        _assert_verified(summary, report.text)


def test_a_correct_generative_summary_stands(
    generative_context: ServiceContext, scripted: ScriptedLLM
) -> None:
    scripted.script = restate_every_fact
    report, records = _records(generative_context)
    assert generative_context.settings.llm is not None
    summary = generated_summary(chat_model(generative_context.settings.llm), report, records)
    assert summary.mode == "generative", summary.generation
    assert summary.generation is not None and summary.generation.sentences
    assert "1,670.62万元" in summary.summary
    _assert_verified(summary, report.text)


def test_a_summary_with_a_changed_figure_or_a_failure_falls_back(
    generative_context: ServiceContext, scripted: ScriptedLLM
) -> None:
    report, records = _records(generative_context)
    assert generative_context.settings.llm is not None
    model = chat_model(generative_context.settings.llm)
    extractive = extractive_summary(report, records)
    scripts = [
        lambda m: re.sub("1,670.62", "1,670.82", restate_every_fact(m)),
        lambda m: restate_every_fact(m).replace("[1]", "[99]"),
        lambda m: "本报告没有任何问题。",
        lambda m: Raw({"choices": []}),
    ]
    for script in scripts:
        scripted.script = script
        summary = generated_summary(model, report, records)
        if summary.mode == "generative":  # a dropped sentence, the others verified
            assert "1,670.82" not in summary.summary and "[99]" not in summary.summary
            continue
        assert summary.mode == "extractive_fallback"
        assert summary.summary == extractive.summary
        assert summary.generation is not None and summary.generation.reason
