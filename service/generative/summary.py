"""A report's summary: the facts from its records, stated as they are (extractive), or written by
the model from those numbered facts and verified sentence by sentence (generative).

Every figure of either kind is in a fact's quoted span or computed from them by a cross-check;
a generative summary that fails verification falls back to the extractive one, with the reason.
"""

from __future__ import annotations

import time

from pydantic import BaseModel, Field

from ingest.models import Report
from prompts import load_prompt
from service.answering.answer import Citation, citation_of
from service.answering.verify import numbers_in, verify_answer
from service.generative.answer import AnswerMode, DroppedSentence, GeneratedSentence, Generation
from service.generative.client import ChatModel, ModelError
from service.generative.instructions import addresses_a_model
from service.generative.summary_facts import summary_facts
from service.generative.verify import Passage, check_reply
from service.records import ReportRecords


class SummaryFact(BaseModel):
    """One fact of the summary and the citations (0-based) it quotes."""

    topic: str = Field(description="budget, spending, execution, unmet or finding")
    text: str
    citations: list[int]


class ReportSummary(BaseModel):
    """A report summarised: budget, spending, execution rate, unmet targets, findings."""

    report_id: str
    title: str
    summary: str = Field(description="the summary text; every figure is in a citation or computed")
    facts: list[SummaryFact]
    citations: list[Citation]
    computed: list[str] = Field(
        default_factory=list, description="numbers cross-checks computed from cited figures"
    )
    mode: AnswerMode = "extractive"
    generation: Generation | None = None


def extractive_summary(report: Report, records: ReportRecords) -> ReportSummary:
    """The facts as lines, each citing its spans; a fact whose figures fail verification is
    left out (it cannot happen for figures read from the text, and must never show if it does)."""
    citations: list[Citation] = []
    facts: list[SummaryFact] = []
    computed: set[str] = set()
    labels: dict[str, str] = {}
    for fact in summary_facts(report, records):
        cited = [citation_of(report, s, e) for s, e in fact.spans]
        if verify_answer(fact.text, cited, lambda _: report.text, allowed=fact.computed):
            continue
        labels[fact.topic] = fact.label
        first = len(citations)
        citations += cited
        facts.append(
            SummaryFact(
                topic=fact.topic, text=fact.text, citations=list(range(first, len(citations)))
            )
        )
        computed |= numbers_in(fact.text) & fact.computed
    text = (
        "\n".join(f"{labels[f.topic]}:{f.text}" for f in facts)
        or "报告中未找到可概括的预算、支出或绩效目标信息"
    )
    return ReportSummary(
        report_id=report.id,
        title=report.title,
        summary=text,
        facts=facts,
        citations=citations,
        computed=sorted(computed),
    )


def generated_summary(model: ChatModel, report: Report, records: ReportRecords) -> ReportSummary:
    """The model's summary of the extractive summary's facts, verified; else the extractive one."""
    base = extractive_summary(report, records)
    generation = Generation(model=model.name)
    if not base.facts:
        generation.reason = "the records hold nothing to summarise"
        return base.model_copy(update={"mode": "extractive_fallback", "generation": generation})
    if any(addresses_a_model(f.text) for f in base.facts):
        generation.reason = "a fact holds text addressed to a model; it is not sent"
        return base.model_copy(update={"mode": "extractive_fallback", "generation": generation})
    # A fact's passage is its text and its quotes: a figure may come from either.
    passages = [
        Passage(n, f.text + "".join(base.citations[i].quote for i in f.citations), True)
        for n, f in enumerate(base.facts, start=1)
    ]
    facts_block = "\n".join(
        f"[{p.number}] {f.text}" for p, f in zip(passages, base.facts, strict=True)
    )
    system, user = load_prompt("summary").render(title=report.title, facts=facts_block)
    started = time.perf_counter()
    try:
        reply = model.complete(system, user)
    except ModelError as exc:
        reply, generation.reason = "", f"the model could not be asked: {exc}"
    generation.generate_ms = (time.perf_counter() - started) * 1000
    if generation.reason:
        return base.model_copy(update={"mode": "extractive_fallback", "generation": generation})
    checked = check_reply(reply, passages, allowed=set(base.computed) | numbers_in(report.title))
    generation.dropped = [DroppedSentence(text=d.text, reason=d.reason) for d in checked.dropped]
    if checked.fallback is not None:
        generation.reason = checked.fallback
        return base.model_copy(update={"mode": "extractive_fallback", "generation": generation})
    # each sentence cites the citations of the facts it names
    generation.sentences = [
        GeneratedSentence(
            text=s.text,
            citations=sorted({i for n in s.cites for i in base.facts[n - 1].citations}),
        )
        for s in checked.kept
    ]
    return base.model_copy(
        update={"summary": checked.text, "mode": "generative", "generation": generation}
    )
