"""Passage selection: which retrieved sentences or table rows answer a question.

Candidates are sentences, table rows and (for causes) pairs of adjacent sentences of the retrieved
chunks. A candidate must hold enough of the question's words (on word boundaries, precomputed at
index time) and, for figure questions, a figure; the wanted kind of figure only nudges the ranking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ingest.models import Report
from ingest.segmenter import Segmenter
from service.answering.passage_text import (
    ANY_FIGURE,
    direction_fits,
    direction_of,
    has_figure,
    years_about,
    years_in,
)
from service.answering.question import Understanding, wanted_figure
from service.answering.terms import (
    MIN_COVERAGE,
    QuestionTerms,
    coverage_of,
    holds_key,
    question_terms,
    split_parts,
)
from service.answering.verify import numbers_in
from service.retrieval.hybrid import HybridRetriever, RetrievedChunk

CANDIDATE_CHUNKS = 40
# Kinds whose answer often runs over two sentences: a fact, then its cause. A figure must stand in
# the one sentence that also names what it measures, so figure questions take single sentences.
_PAIRED = frozenset({"reason", "unmet", "list"})
_PERCENT_NUM = re.compile(r"\d(?:[\d,]*\d)?(?:\.\d+)?%")
_AMOUNT_NUM = re.compile(r"\d(?:[\d,]*\d)?(?:\.\d+)?\s*(?:万元|亿元|元)")
_COUNT_NUM = re.compile(r"\d+\s*(?:人|件|条|辆|个|项|家|次|名|户|分|期|台|套|批|场|所|处|份|篇)")
# A contents line ("8.…预算表 ………… 12") names a table; it never answers.
_TABLE_OF_CONTENTS = re.compile(r"…{3,}|\.{6,}|·{6,}")
_CAUSE_OF_ANOTHER = 0.2  # score taken from a cause that explains something else
_ASKS_WHY = re.compile(r"为什么|为何|原因")
_CAUSE = re.compile(r"原因|由于|因为|因[^此而]|导致|所致|是为了|主要是")
_TOTAL_ROW = re.compile(r"(?:^|\| )(?:合\s*计|总\s*计|[\u4e00-\u9fff]{0,6}合计)(?: \||$)")
# A part of a two-part question is answered by a passage holding this much of the whole question.
_PART_WHOLE_COVERAGE = 0.3
_CJK = re.compile(r"[\u4e00-\u9fff]")
_DECIMAL = re.compile(r"\d\.\d")
_STRICT_KINDS = {"percent": _PERCENT_NUM, "count": _COUNT_NUM}
_WANTED = {"percent": _PERCENT_NUM, "amount": _AMOUNT_NUM, "count": _COUNT_NUM}


@dataclass(frozen=True)
class Candidate:
    """A sentence or table row that might answer the question."""

    chunk: RetrievedChunk
    start: int
    end: int
    text: str
    rank: int
    tokens: frozenset[str]  # a table row's include its header's: its cells are named by them
    free: frozenset[str]  # tokens not cut from inside a compound ("电费" of "水电费")
    context: frozenset[str]  # words of the section title and table title
    own: frozenset[str]  # free tokens of the passage's own text (a row's cells, not its header)
    sentences: int = 1


def choose_passages(
    segmenter: Segmenter,
    retriever: HybridRetriever,
    question: str,
    understood: Understanding,
    hits: list[RetrievedChunk],
    reports: list[Report],
    min_score: float | None = None,
) -> list[Candidate]:
    """The best passage for each part of the question (and a second one for "各/分别"
    questions), or nothing if no part is answered (or the best scores below `min_score`)."""
    scored = score_candidates(segmenter, retriever, question, understood, hits, reports)
    if not scored or (min_score is not None and scored[0][0] < min_score):
        return []
    chosen: list[Candidate] = []
    for part in sorted({p for _, _, p in scored}):
        best = next(c for _, c, p in scored if p == part)
        if not any(_overlaps(best, c) for c in chosen):
            chosen.append(best)
    with_cause = False
    if _ASKS_WHY.search(question) and understood.kind != "reason" and len(chosen) == 1:
        chosen[0] = _with_stated_cause(retriever, chosen[0])
        with_cause = bool(_CAUSE.search(chosen[0].text))
    if understood.multi_part and len(chosen) == 1 and not with_cause:
        best = chosen[0]
        for _, other, _ in scored[1:]:
            if numbers_in(other.text) - numbers_in(best.text) and not _overlaps(best, other):
                chosen.append(other)
                break
    return sorted(chosen, key=lambda c: (c.chunk.report_id, c.start))


def _with_stated_cause(retriever: HybridRetriever, candidate: Candidate) -> Candidate:
    """A figure and the sentence after it when that one states its cause ("…的主要原因:…")."""
    sentences, _, _ = retriever.sentences(candidate.chunk)
    offset = candidate.end - candidate.chunk.start
    following = next((s for s in sentences if s.start >= offset), None)
    if following is None:
        return candidate
    text = candidate.chunk.text[following.start : following.end]
    if not _CAUSE.search(text):
        return candidate
    return replace(
        candidate,
        end=candidate.chunk.start + following.end,
        text=candidate.chunk.text[candidate.start - candidate.chunk.start : following.end],
        tokens=candidate.tokens | following.tokens,
        free=candidate.free | following.free_tokens,
        own=candidate.own | following.free_tokens,
        sentences=candidate.sentences + 1,
    )


def score_candidates(
    segmenter: Segmenter,
    retriever: HybridRetriever,
    question: str,
    understood: Understanding,
    hits: list[RetrievedChunk],
    reports: list[Report],
) -> list[tuple[float, Candidate, int]]:
    """Every candidate that may answer the question or one of its parts, best first, with its
    score and the part it answers (0 for a one-part question).

    A part with no specific words of its own ("比上年增加多少?") leans on the rest of the question,
    so a candidate for it must also hold some of the whole question's words.
    """
    whole = question_terms(segmenter, question, reports)
    if not whole.weights:
        return []
    parts = split_parts(question)
    asked = [(whole, understood.wanted)]
    by_part = [(question_terms(segmenter, p, reports), wanted_figure(p)) for p in parts]
    by_part = [(terms, wanted) for terms, wanted in by_part if terms.weights]
    if len(by_part) > 1:
        asked = by_part
    years = years_in(question)
    direction = direction_of(question)
    # "为什么…?" is answered by a passage that states a cause, not by the fact asked about
    asks_why = understood.kind == "reason" and bool(_ASKS_WHY.search(question))
    year_of = {r.id: r.year for r in reports}
    scored = []
    for i, c in enumerate(_candidates(retriever, hits, pairs=understood.kind in _PAIRED)):
        if not _year_fits(c, years, year_of.get(c.chunk.report_id)):
            continue
        if not direction_fits(c.text, direction):
            continue
        whole_coverage = coverage_of(whole, c.tokens, c.free, c.context)
        for part, (terms, wanted) in enumerate(asked):
            coverage = coverage_of(terms, c.tokens, c.free, c.context)
            if (
                coverage >= MIN_COVERAGE
                and (len(asked) == 1 or terms.keys or whole_coverage >= _PART_WHOLE_COVERAGE)
                and holds_key(terms, c.free | c.context)
                and _row_names_something(c, terms)
                and _holds_wanted_figure(c, understood)
                and _holds_asked_kind(c, understood.kind, wanted)
                and (not asks_why or _CAUSE.search(c.text))
                and _row_has_value_for(c, terms.weights)
            ):
                score = coverage + _bonus(c, understood.kind, wanted) - 0.02 * c.rank
                if understood.kind == "reason" and not _explains_the_subject(c, terms):
                    score -= _CAUSE_OF_ANOTHER
                scored.append((score, i, c, part))
    scored.sort(key=lambda t: (-t[0], t[1]))
    return [(score, c, part) for score, _, c, part in scored]


def rerank(
    hits: list[RetrievedChunk], scored: list[tuple[float, Candidate, int]]
) -> list[RetrievedChunk]:
    """Chunks holding an answering candidate first (by its score), then the rest as retrieved."""
    order: dict[str, int] = {}
    for _, candidate, _ in scored:
        order.setdefault(candidate.chunk.id, len(order))
    return sorted(hits, key=lambda h: order.get(h.id, len(order)))


def _holds_wanted_figure(candidate: Candidate, understood: Understanding) -> bool:
    """Figure questions need a figure in the passage itself; its kind only nudges the ranking."""
    if understood.kind not in ("figure", "crosscheck"):
        return True
    return has_figure(candidate.text)


def _holds_asked_kind(candidate: Candidate, kind: str, wanted: str) -> bool:
    """A sentence answering "多少人/几辆" states a count, one answering "…率是多少" a percentage.

    Table rows are exempt: their unit is in the header or the title, not beside each figure.
    """
    if kind != "figure" or candidate.chunk.kind == "table_row" or wanted not in _STRICT_KINDS:
        return True
    return bool(_STRICT_KINDS[wanted].search(candidate.text))


def _year_fits(candidate: Candidate, years: set[int], report_year: int | None) -> bool:
    """A question about a year is answered by a passage about that year: one that names it, or
    names no year in a report about it. A passage naming only other years is about them."""
    if not years:
        return True
    stated = years_about(candidate.text)
    if stated:
        return bool(stated & years)
    return report_year is None or report_year in years


def _explains_the_subject(candidate: Candidate, terms: QuestionTerms) -> bool:
    """A cause explains what the passage states before it, or what its paragraph opens with: a
    question's subject named only inside the cause ("原因:…基本支出较上年略有下降") is not what
    the passage explains."""
    cause = candidate.text.find("原因")
    if cause < 0 or not terms.keys:
        return True
    fact = candidate.text[:cause]
    subject = max(terms.keys[0], key=lambda w: terms.weights[w])
    return subject in fact or terms.found_in(subject, candidate.context)


def _row_names_something(candidate: Candidate, terms: QuestionTerms) -> bool:
    """A table row must name something the question is about in its own cells: a header shared
    by every row of its table cannot tell which row answers, except that its total row does."""
    if candidate.chunk.kind != "table_row" or not terms.keys:
        return True
    named_by = candidate.free if _TOTAL_ROW.search(candidate.text) else candidate.own
    # the total row answers for the columns its header names ("项目支出是多少?"), as a whole
    return any(terms.found_in(t, named_by) for key in terms.keys for t in key)


def _row_has_value_for(candidate: Candidate, terms: dict[str, float]) -> bool:
    """In a table row, a label the question names must have a value of its own.

    Budget tables put two label/value groups side by side ("301 | 08 | 养老保险缴费 | 160.75 | 302 |
    06 | 电费"): a row that names the asked item with no figure after it states another item's
    figure, and must not answer. Rows whose labels the question does not name pass.
    """
    if candidate.chunk.kind != "table_row":
        return True
    cells = candidate.text.split(" | ")
    named = [i for i, cell in enumerate(cells) if any(t in cell for t in terms if len(t) >= 2)]
    return not named or any(_value_follows(cells, i) for i in named)


def _value_follows(cells: list[str], index: int) -> bool:
    """A figure in the cells after `index`, before the next label (a cell with Chinese text)."""
    for cell in cells[index + 1 :]:
        if _CJK.search(cell):
            return False
        if ANY_FIGURE.search(cell) or (re.search(r"\d", cell) and "." in cell):
            return True
    return False


def _candidates(
    retriever: HybridRetriever, hits: list[RetrievedChunk], pairs: bool
) -> list[Candidate]:
    """Sentences, table rows and, if asked, pairs of adjacent sentences (a fact and its cause)."""
    out = []
    width = 2 if pairs else 1
    for rank, hit in enumerate(hits):
        sentences, context, header = retriever.sentences(hit)
        for k, first in enumerate(sentences):
            if _TABLE_OF_CONTENTS.search(hit.text[first.start : first.end]):
                continue
            if k > 0 and hit.text.startswith("其中", first.start):
                first = sentences[k - 1]  # "其中:…" lists parts of the sentence before it
            for last in sentences[k : k + width]:
                own = first.free_tokens | last.free_tokens
                tokens = first.tokens | last.tokens
                free = own
                if header is not None:
                    tokens, free = tokens | header.tokens, free | header.free_tokens
                text = hit.text[first.start : last.end]
                out.append(
                    Candidate(
                        hit,
                        hit.start + first.start,
                        hit.start + last.end,
                        text,
                        rank,
                        tokens,
                        free,
                        context,
                        own,
                        1 if last is first else 2,
                    )
                )
    return out


def _bonus(candidate: Candidate, kind: str, wanted: str) -> float:
    """Small nudges for ranking only: the wanted figure, a stated cause, brevity."""
    bonus = 0.0
    pattern = _WANTED.get(wanted)
    if wanted == "amount" and candidate.chunk.kind == "table_row":
        pattern = _DECIMAL  # tables state their unit once, in the title ("单位:万元")
    if pattern is not None and pattern.search(candidate.text):
        bonus += 0.15
    if kind == "reason" and re.search(r"原因|由于|因为|因", candidate.text):
        bonus += 0.15
    return bonus - 0.03 * (candidate.sentences - 1)


def _overlaps(a: Candidate, b: Candidate) -> bool:
    return a.chunk.report_id == b.chunk.report_id and a.start < b.end and b.start < a.end


def state_passage(candidate: Candidate) -> str:
    """The answer sentence: the quote itself; a table row is named by its header."""
    if candidate.chunk.kind != "table_row" or not candidate.chunk.header:
        return candidate.text
    header = candidate.chunk.header.removeprefix("表头: ").split(" | ")
    cells = candidate.text.split(" | ")
    if len(header) != len(cells):
        return candidate.text + "。"
    # A label that holds a number ("2024年预算数") would put an unquoted number in the answer.
    pairs = [(h, c) for h, c in zip(header, cells, strict=True) if c]
    return ";".join(c if re.search(r"\d", h) else f"{h}: {c}" for h, c in pairs) + "。"
