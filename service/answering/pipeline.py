"""Question → answer with verified citations; no language model needed.

Consistency, unmet-target and indicator questions go first to the structured path (the report's
records: findings, indicators). Others are extractive: retrieve chunks (BM25 first, hybrid with
vectors when BM25's chunks hold no passage stating the question's words), cut them into sentences
and table rows, pick those that cover the question's terms and hold the kind of figure asked for,
state them, cite them, verify. When nothing covers the question, refuse with NOT_FOUND and show
the nearest passages as related.
"""

from __future__ import annotations

import re
import time

from ingest.models import Report
from ingest.sections import section_path_at
from service.answering.answer import NOT_FOUND, Answer, Citation, QuestionKind
from service.answering.candidates.sentences import (
    CANDIDATE_CHUNKS,
    Candidate,
    choose_passages,
    rerank,
    score_candidates,
    state_passage,
)
from service.answering.continuation import list_after_intro
from service.answering.question import understand_question
from service.answering.structured.findings_indicators import (
    StructuredAnswer,
    answer_from_findings,
    answer_from_indicators,
    answer_unmet_list,
    asks_for_a_list,
)
from service.answering.structured.unmet_section import unmet_section_citation
from service.answering.terms import question_terms
from service.answering.verify import numbers_in, verify_answer
from service.context import ServiceContext
from service.errors import BadRequest
from service.queries import get_report
from service.retrieval.hybrid import RetrievedChunk

LEXICAL_CONFIDENCE = 1.0  # a best passage scoring this on BM25's chunks needs no vectors
# A question about one indicator: whether it was met, its target or its actual value.
_ABOUT_AN_INDICATOR = re.compile(r"指标|目标值|完成了吗|完成没有|达到了吗|达标|实际完成")


def answer_question(
    ctx: ServiceContext, question: str, report: str | None = None, top_k: int = 5
) -> Answer:
    """Answer one question from the stored reports, or refuse; every citation is verified."""
    started = time.perf_counter()
    question = _checked(ctx, question)
    reports = ctx.reports()
    understood = understand_question(question, reports)
    report_id = get_report(ctx, report).id if report else understood.report_id
    if understood.foreign_org:
        return _refusal(ctx, question, report_id, started)
    if understood.kind in ("unmet", "crosscheck") or _ABOUT_AN_INDICATOR.search(question):
        structured = _answer_structured(ctx, question, understood.kind, report_id, reports, started)
        if structured is not None:
            return structured
    scope = [report_id] if report_id else None
    depth = max(top_k, CANDIDATE_CHUNKS)
    # Lexical first: when BM25's chunks hold a passage that states the question's own words, the
    # answer stands without the query embedding (most of the time of an ask); otherwise the
    # hybrid search, whose vectors find paraphrases, decides.
    hits = ctx.retriever.search(question, top_k=depth, report_ids=scope, dense=False)
    chosen = choose_passages(
        ctx.segmenter, ctx.retriever, question, understood, hits, reports, LEXICAL_CONFIDENCE
    )
    if not chosen:
        hits = ctx.retriever.search(question, top_k=depth, report_ids=scope)
        chosen = choose_passages(ctx.segmenter, ctx.retriever, question, understood, hits, reports)
    retrieved = time.perf_counter()
    if not chosen:
        return _refusal(ctx, question, report_id, started, hits)
    citations = [_citation(ctx, c.chunk.report_id, c.start, c.end) for c in chosen]
    text = "".join(state_passage(c) for c in chosen)
    if understood.kind in ("reason", "list") and len(chosen) == 1:
        text, citations = _with_listed_items(ctx, question, reports, chosen[0], text, citations)
    if verify_answer(text, citations, lambda rid: ctx.report(rid).text):
        return _refusal(ctx, question, report_id, started, hits)
    kind: QuestionKind = (
        "table"
        if chosen[0].chunk.kind == "table_row" and understood.kind == "figure"
        else understood.kind
    )
    return Answer(
        question=question,
        answer=text,
        answerable=True,
        kind=kind,
        report_id=chosen[0].chunk.report_id,
        citations=citations,
        timings=_timings(started, retrieved),
    )


def _with_listed_items(
    ctx: ServiceContext,
    question: str,
    reports: list[Report],
    chosen: Candidate,
    text: str,
    citations: list[Citation],
) -> tuple[str, list[Citation]]:
    """An intro ending in a colon, extended with the items it introduces (see continuation)."""
    report = ctx.report(chosen.chunk.report_id)
    terms = question_terms(ctx.segmenter, question, reports)
    words = {w for w in terms.weights if len(w) >= 2}

    def about_question(title: str) -> bool:
        return bool(words & set(ctx.segmenter.tokenize(title)))

    end = list_after_intro(report.text, report.sections, chosen.end, about_question)
    if end == chosen.end:
        return text, citations
    return report.text[chosen.start : end], [_citation(ctx, report.id, chosen.start, end)]


def ranked_passages(
    ctx: ServiceContext, question: str, report: str | None = None, top_k: int = 5
) -> list[RetrievedChunk]:
    """The chunks answering reads for `question`, best first: those the answer cites, then those
    holding a passage that may answer it, then the rest as retrieved."""
    question = _checked(ctx, question)
    reports = ctx.reports()
    understood = understand_question(question, reports)
    report_id = get_report(ctx, report).id if report else understood.report_id
    hits = ctx.retriever.search(
        question, top_k=max(top_k, CANDIDATE_CHUNKS), report_ids=[report_id] if report_id else None
    )
    scored = score_candidates(ctx.segmenter, ctx.retriever, question, understood, hits, reports)
    ranked = rerank(hits, scored)
    cited = answer_question(ctx, question, report, top_k).citations
    if not cited:
        return ranked[:top_k]
    first = _chunks_under(ctx, cited)
    seen = {c.id for c in first}
    return [*first, *(h for h in ranked if h.id not in seen)][:top_k]


def _chunks_under(ctx: ServiceContext, citations: list[Citation]) -> list[RetrievedChunk]:
    """The stored chunks overlapping each citation, in citation order."""
    out: list[RetrievedChunk] = []
    for citation in citations:
        for chunk in ctx.store.chunks_of(citation.report_id):
            if chunk.start < citation.end and citation.start < chunk.end:
                out.append(RetrievedChunk(**chunk.model_dump(), score=0.0))
    return out


def _checked(ctx: ServiceContext, question: str) -> str:
    question = question.strip()
    if not question:
        raise BadRequest("the question is empty")
    if len(question) > ctx.settings.max_question_chars:
        raise BadRequest(
            f"the question is longer than {ctx.settings.max_question_chars} characters"
        )
    return question


def _citation(ctx: ServiceContext, report_id: str, start: int, end: int) -> Citation:
    report = ctx.report(report_id)
    page = next((p.number for p in report.pages if p.start <= start < p.end), None)
    return Citation(
        report_id=report_id,
        title=report.title,
        section_path=section_path_at(report.sections, start),
        page=page,
        start=start,
        end=end,
        quote=report.text[start:end],
    )


def _answer_structured(
    ctx: ServiceContext,
    question: str,
    kind: QuestionKind,
    report_id: str | None,
    reports: list[Report],
    started: float,
) -> Answer | None:
    """Unmet targets and consistency questions, from the reports' records; None to fall back."""
    targets = [report_id] if report_id else [r.id for r in reports]
    found: StructuredAnswer | None = None
    records = [ctx.record_words(rid) for rid in targets]
    if kind == "unmet" and asks_for_a_list(question):
        found = _unmet_list(ctx, targets)
    if found is None and kind == "crosscheck":
        found = answer_from_findings(ctx.segmenter, question, records)
    if found is None:
        found = answer_from_indicators(ctx.segmenter, question, records)
    if found is None and kind == "unmet":
        found = answer_from_findings(ctx.segmenter, question, records)
    if found is None:
        return None
    citations = [_citation(ctx, found.report_id, start, end) for start, end in found.spans]
    if verify_answer(
        found.text, citations, lambda rid: ctx.report(rid).text, allowed=found.computed
    ):
        return None
    return Answer(
        question=question,
        answer=found.text,
        answerable=True,
        kind=kind,
        report_id=found.report_id,
        citations=citations,
        computed=sorted(numbers_in(found.text) & found.computed - _quoted_numbers(citations)),
        timings=_timings(started, time.perf_counter()),
    )


def _quoted_numbers(citations: list[Citation]) -> set[str]:
    return set().union(*(numbers_in(c.quote) for c in citations)) if citations else set()


def _unmet_list(ctx: ServiceContext, targets: list[str]) -> StructuredAnswer | None:
    """A report's own section on missed targets if it has one (it is the report's own list),
    else the unmet indicators found in its tables and prose."""
    for rid in targets:
        report = ctx.report(rid)
        section = unmet_section_citation(report)
        if section is not None:
            span, summary = section
            return StructuredAnswer(rid, summary, [span], frozenset())
        listed = answer_unmet_list(report, ctx.records(rid).unmet)
        if listed is not None:
            return listed
    return None


def _refusal(
    ctx: ServiceContext,
    question: str,
    report_id: str | None,
    started: float,
    hits: list[RetrievedChunk] | None = None,
) -> Answer:
    """NOT_FOUND, with the nearest passages as 'related' (never as support)."""
    if hits is None:
        hits = ctx.retriever.search(
            question, top_k=3, report_ids=[report_id] if report_id else None
        )
    related = [_citation(ctx, h.report_id, h.start, h.end) for h in hits[:3]]
    return Answer(
        question=question,
        answer=NOT_FOUND,
        answerable=False,
        kind="unanswerable",
        report_id=report_id,
        related=related,
        timings=_timings(started, time.perf_counter()),
    )


def _timings(started: float, retrieved: float) -> dict[str, float]:
    now = time.perf_counter()
    return {"retrieve_ms": (retrieved - started) * 1000, "total_ms": (now - started) * 1000}
