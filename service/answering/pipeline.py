"""Question → answer with verified citations; no language model needed.

The path: one `Question` (question) → unmet, consistency and indicator questions to the records
(structured) → retrieve chunks (retrieval: BM25 first, hybrid with vectors when BM25's chunks hold
no accepted candidate) → candidates: sentences, rows, table cells (candidates) → one fitted score
(features, scoring) → the best of each part if it clears the threshold (selection) → state, cite,
verify. Otherwise refuse with NOT_FOUND and show the nearest passages as related.
"""

from __future__ import annotations

import time

from ingest.models import Report
from service.answering.across_reports import ReportFigure, compare_figures, figure_stated
from service.answering.answer import NOT_FOUND, Answer, Citation, QuestionKind, citation_of
from service.answering.candidates.cells import row_units, state_cell
from service.answering.candidates.corroboration import corroborating_spans
from service.answering.candidates.model import Candidate
from service.answering.candidates.sentences import (
    state_passage,
    with_stated_cause,
    with_stated_fact,
)
from service.answering.continuation import list_after_intro
from service.answering.features import FEATURES
from service.answering.lexicon import load_lexicon
from service.answering.ocr_caution import with_cautions
from service.answering.question import (
    Question,
    asks_for_figure,
    build_question,
    strip_ordering,
)
from service.answering.scope import named_reports
from service.answering.selection import (
    ScoredCandidate,
    choose,
    gather_candidates,
    score_candidates,
)
from service.answering.spans import joined_spans
from service.answering.structured.findings_indicators import (
    StructuredAnswer,
    answer_from_findings,
    answer_from_indicators,
    answer_unmet_list,
    asks_for_a_list,
)
from service.answering.structured.review import review_answer
from service.answering.structured.unmet_section import unmet_section_citation
from service.answering.terms import QuestionTerms, coverage_of, without_names
from service.answering.verify import numbers_in, verify_answer
from service.context import ServiceContext
from service.errors import BadRequest
from service.queries import get_report
from service.retrieval.hybrid import RetrievedChunk

CANDIDATE_CHUNKS = 40  # chunks read for candidates: deep enough for a table's rows


def understand(ctx: ServiceContext, question: str, report: str | None = None) -> Question:
    """The `Question` for an ask, within `report` (an id, prefix or path) if given."""
    asked = _checked(ctx, question)
    scope = get_report(ctx, report).id if report else None
    return build_question(asked, ctx.segmenter, ctx.reports(), scope)


def retrieve(
    ctx: ServiceContext, question: Question, dense: bool = True, depth: int = CANDIDATE_CHUNKS
) -> list[RetrievedChunk]:
    """The chunks candidates are read from, best first."""
    # A word no report uses (公车) is searched as the report words meaning the same (公务用车);
    # words the reports use are searched as asked, so they keep their own weight.
    unknown = [t for t in question.terms.weights if not ctx.retriever.knows(t)]
    stand_ins = sorted(
        {
            w
            for t in unknown
            for w in question.terms.alternatives.get(t, ())
            if ctx.retriever.knows(w)
        }
    )
    # Within a named report its body's name is in every other passage: matched word for word,
    # it would rank short passages that name the body over the one that answers (another body's
    # name, of a comparison, passages with words like it). Embedded with the question it still
    # says what kind of passage is asked for: the body's own statements, not its tables.
    names = [r.publisher for r in ctx.reports() if r.publisher] if question.report_ids else []
    lexical = without_names(ctx.segmenter, question.text, names)
    return ctx.retriever.search(
        " ".join([question.text, *stand_ins]),
        top_k=max(depth, CANDIDATE_CHUNKS),
        report_ids=list(question.report_ids) or None,
        dense=dense,
        lexical_query=" ".join([lexical, *stand_ins]),
    )


def scored_candidates(
    ctx: ServiceContext, question: Question, hits: list[RetrievedChunk]
) -> list[ScoredCandidate]:
    """Every candidate of the retrieved chunks, scored for each part of the question."""
    year_of = {r.id: r.year for r in ctx.reports()}
    candidates = gather_candidates(question, ctx.retriever, hits, ctx.cells, year_of)
    return score_candidates(question, candidates, ctx.scorer, year_of)


def answer_question(
    ctx: ServiceContext, question: str, report: str | None = None, top_k: int = 5
) -> Answer:
    """Answer one question from the stored reports, or refuse; every citation is verified, and
    a figure OCR read with low confidence is said to be one."""
    return with_cautions(_answer(ctx, question, report, top_k), ctx.report)


def _answer(ctx: ServiceContext, question: str, report: str | None, top_k: int) -> Answer:
    started = time.perf_counter()
    q = understand(ctx, question, report)
    report_id = q.report_ids[0] if q.report_ids else None
    if q.out_of_scope:
        return _refusal(ctx, q, started)
    if q.intent == "review":
        reviewed = _answer_review(ctx, q, started)
        if reviewed is not None:
            return reviewed
    if q.intent in ("unmet", "crosscheck") or q.about_an_indicator:
        structured = _answer_structured(ctx, q, report_id, ctx.reports(), started)
        if structured is not None:
            return structured
    if q.intent in ("comparison", "ranking") and not q.report_ids:
        across = _answer_across_reports(ctx, q, started)
        if across is not None:
            return across
    chosen, hits = _chosen(ctx, q, top_k)
    retrieved = time.perf_counter()
    if not chosen:
        return _refusal(ctx, q, started, hits)
    if q.asks_why:
        chosen = [_with_fact_and_cause(ctx.report(c.report_id).text, c) for c in chosen]
    texts = {c.report_id: ctx.report(c.report_id).text for c in chosen}
    spans = joined_spans([(c.report_id, c.start, c.end) for c in chosen], texts)
    also = corroborating_spans(chosen, spans, ctx.cells, lambda rid: ctx.report(rid).text)
    citations = [_citation(ctx, *span) for span in [*spans, *also]]
    text = "".join(
        state_cell(c.cell) if c.cell else state_passage(c, row_units(ctx.cells(c.report_id), c))
        for c in chosen
    )
    if q.intent in ("reason", "list") and len(chosen) == 1 and chosen[0].cell is None:
        text, citations = _with_listed_items(ctx, q, chosen[0], text, citations)
    if verify_answer(text, citations, lambda rid: ctx.report(rid).text):
        return _refusal(ctx, q, started, hits)
    kind: QuestionKind = "table" if chosen[0].kind != "sentence" and q.kind == "figure" else q.kind
    return Answer(
        question=q.asked,
        answer=text,
        answerable=True,
        kind=kind,
        report_id=chosen[0].report_id,
        citations=citations,
        timings=_timings(started, retrieved),
    )


def _with_fact_and_cause(report_text: str, candidate: Candidate) -> Candidate:
    """A why-question's passage with the cause it leaves unsaid and the fact its cause explains."""
    return with_stated_fact(report_text, with_stated_cause(report_text, candidate))


def _chosen(
    ctx: ServiceContext, q: Question, depth: int = CANDIDATE_CHUNKS
) -> tuple[list[Candidate], list[RetrievedChunk]]:
    """The accepted candidates for `q` and the chunks they were read from.

    Lexical first: when BM25's chunks hold an accepted candidate for every part the answer stands
    without the query embedding (most of the time of an ask); otherwise the hybrid search's
    candidates are added to the lexical ones.
    """
    hits = retrieve(ctx, q, dense=False, depth=depth)
    scored = scored_candidates(ctx, q, hits)
    if _answered_parts(q, scored, ctx, firmly=True) < len(q.parts):
        # a part BM25 found nothing for may be worded unlike the report ("公车" for 车辆): the
        # hybrid search's candidates join the lexical ones, and the best of both is chosen
        dense_hits = retrieve(ctx, q, depth=depth)
        dense_scored = scored_candidates(ctx, q, dense_hits)
        if _answered_parts(q, dense_scored, ctx) > _answered_parts(q, scored, ctx) or not any(
            ctx.scorer.accepts(s.score) for s in scored
        ):
            hits = dense_hits
        scored = _best_of_each(
            sorted(
                [*scored, *dense_scored],
                key=lambda s: (-s.score, s.candidate.rank, s.candidate.start),
            )
        )
    return choose(q, scored, ctx.scorer), hits


def _best_of_each(scored: list[ScoredCandidate]) -> list[ScoredCandidate]:
    """Each (part, passage or cell) once, at its best score: both searches find many alike."""
    seen: set[tuple[int, str, int, int, int | None]] = set()
    out = []
    for s in scored:
        c = s.candidate
        key = (s.part, c.report_id, c.start, c.end, c.cell.start if c.cell else None)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


_KEY_OWN = FEATURES.index("key_own")


def _answered_parts(
    q: Question, scored: list[ScoredCandidate], ctx: ServiceContext, firmly: bool = False
) -> int:
    """Parts with an accepted candidate; `firmly`: one that states a specific word of the part in
    its own text (a row matched only through its table's header words, "项目支出" over every
    row, is weak evidence: the hybrid search is asked as well and the better of both chosen)."""
    return len(
        {
            s.part
            for s in scored
            if ctx.scorer.accepts(s.score)
            and (not firmly or s.features[_KEY_OWN] > 0 or not q.parts[s.part].terms.keys)
        }
    )


def _answer_across_reports(ctx: ServiceContext, q: Question, started: float) -> Answer | None:
    """A comparison of the reports the question names (or a ranking of every stored report),
    each asked on its own; None when fewer than two reports answer."""
    reports = ctx.reports()
    targets = named_reports(q.text, reports) if q.intent == "comparison" else []
    if len(targets) < 2:
        targets = [r.id for r in reports]
    # each report is asked about its own figure, by its own name: the other names only dilute
    publisher = {r.id: r.publisher or "" for r in reports}
    names = [publisher[rid] for rid in targets if publisher[rid]]
    measure = without_names(ctx.segmenter, strip_ordering(q.text), names).lstrip("和与及、,的")
    entries = []
    for report_id in targets:
        sub = build_question(publisher[report_id] + measure, ctx.segmenter, reports, report_id)
        chosen = [] if sub.out_of_scope else _chosen(ctx, sub)[0]
        if not chosen:
            continue

        def fits(measure: str, terms: QuestionTerms = sub.terms) -> float:
            words = frozenset(ctx.segmenter.tokenize(measure))
            return coverage_of(terms, words, words, frozenset())

        figure = figure_stated(chosen[0], ctx.records(report_id).figures, sub.wanted, fits)
        if figure is not None:
            entries.append(ReportFigure(ctx.report(report_id), chosen[0], figure))
    if len(entries) < 2:
        return None
    text, computed = compare_figures(entries, lowest=bool(load_lexicon().order_low.search(q.text)))
    citations = [_citation(ctx, e.report.id, e.candidate.start, e.candidate.end) for e in entries]
    # the reports' years name them; they are not figures of the answer
    years = {str(e.report.year) for e in entries if e.report.year}
    if verify_answer(text, citations, lambda rid: ctx.report(rid).text, allowed=computed | years):
        return None
    return Answer(
        question=q.asked,
        answer=text,
        answerable=True,
        kind="figure",
        citations=citations,
        computed=sorted(numbers_in(text) & computed - _quoted_numbers(citations)),
        timings=_timings(started, time.perf_counter()),
    )


def _with_listed_items(
    ctx: ServiceContext,
    question: Question,
    chosen: Candidate,
    text: str,
    citations: list[Citation],
) -> tuple[str, list[Citation]]:
    """An intro ending in a colon, extended with the items it introduces (see continuation)."""
    report = ctx.report(chosen.report_id)
    words = {w for w in question.terms.weights if len(w) >= 2}

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
    holding its best-scored candidates, then the rest as retrieved."""
    q = understand(ctx, question, report)
    hits = retrieve(ctx, q)
    order: dict[str, int] = {}
    for s in scored_candidates(ctx, q, hits):
        order.setdefault(s.candidate.chunk.id, len(order))
    ranked = sorted(hits, key=lambda h: order.get(h.id, len(order)))
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
    return citation_of(ctx.report(report_id), start, end)


def _answer_structured(
    ctx: ServiceContext,
    question: Question,
    report_id: str | None,
    reports: list[Report],
    started: float,
) -> Answer | None:
    """Unmet targets and consistency questions, from the reports' records; None to fall back."""
    targets = [report_id] if report_id else [r.id for r in reports]
    found: StructuredAnswer | None = None
    records = [ctx.record_words(rid) for rid in targets]
    kind = question.intent
    if kind == "unmet" and asks_for_a_list(question):
        found = _unmet_list(ctx, targets)
    if found is None and kind == "crosscheck":
        found = answer_from_findings(question, records)
    if found is None:
        found = answer_from_indicators(question, records)
    # a finding says whether figures agree ("未完成的有几条,原因都说明了吗?"), never why a target
    # was missed ("为什么没有完成年初预算?")
    asks_cause_only = question.asks_why and not asks_for_figure(question.text)
    if found is None and kind == "unmet" and not asks_cause_only:
        found = answer_from_findings(question, records)
    return _from_records(ctx, question, found, question.kind, started)


def _answer_review(ctx: ServiceContext, q: Question, started: float) -> Answer | None:
    """The disclosure review of the one report in question; None when the question names no
    single report or the review raised nothing (then the passages are searched as usual)."""
    reports = ctx.reports()
    report_id = q.report_ids[0] if q.report_ids else reports[0].id if len(reports) == 1 else None
    if report_id is None:
        return None
    found = review_answer(report_id, ctx.reviewed(report_id).issues)
    return _from_records(ctx, q, found, "review", started)


def _from_records(
    ctx: ServiceContext,
    question: Question,
    found: StructuredAnswer | None,
    kind: QuestionKind,
    started: float,
) -> Answer | None:
    """The answer a record-built text makes, its spans cited; None when there is none or a
    number in it is neither quoted nor computed from the quotes."""
    if found is None:
        return None
    citations = [_citation(ctx, found.report_id, start, end) for start, end in found.spans]
    if verify_answer(
        found.text, citations, lambda rid: ctx.report(rid).text, allowed=found.computed
    ):
        return None
    return Answer(
        question=question.asked,
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
    question: Question,
    started: float,
    hits: list[RetrievedChunk] | None = None,
) -> Answer:
    """NOT_FOUND, with the nearest passages as 'related' (never as support)."""
    if hits is None:
        hits = retrieve(ctx, question, dense=False)
    related = [_citation(ctx, h.report_id, h.start, h.end) for h in hits[:3]]
    return Answer(
        question=question.asked,
        answer=NOT_FOUND,
        answerable=False,
        kind="unanswerable",
        report_id=question.report_ids[0] if question.report_ids else None,
        related=related,
        timings=_timings(started, time.perf_counter()),
    )


def _timings(started: float, retrieved: float) -> dict[str, float]:
    now = time.perf_counter()
    return {"retrieve_ms": (retrieved - started) * 1000, "total_ms": (now - started) * 1000}
