"""Passage selection: which retrieved sentences or table rows answer a question.

Candidates are sentences, table rows and (for causes) pairs of adjacent sentences of the retrieved
chunks. A candidate must hold enough of the question's words (on word boundaries, precomputed at
index time) and, for figure questions, a figure; the wanted kind of figure only nudges the ranking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.models import Report
from ingest.segmenter import Segmenter
from service.retrieval import HybridRetriever, RetrievedChunk
from service.terms import MIN_COVERAGE, coverage_of, holds_key, question_terms
from service.understanding import Understanding
from service.verify import numbers_in

CANDIDATE_CHUNKS = 40
# Kinds whose answer often runs over two sentences: a fact, then its cause. A figure must stand in
# the one sentence that also names what it measures, so figure questions take single sentences.
_PAIRED = frozenset({"reason", "unmet", "list"})
_PERCENT_NUM = re.compile(r"\d(?:[\d,]*\d)?(?:\.\d+)?%")
_AMOUNT_NUM = re.compile(r"\d(?:[\d,]*\d)?(?:\.\d+)?\s*(?:万元|亿元|元)")
_COUNT_NUM = re.compile(r"\d+\s*(?:人|件|条|辆|个|项|家|次|名|户|分|期)")
# A figure, not a list marker: a number with a unit or %, a decimal, or two or more digits.
_ANY_FIGURE = re.compile(
    r"\d+(?:\.\d+)?\s*(?:%|万元|亿元|元|人|件|条|辆|个|项|次|分)|\d+\.\d+|\d{2,}"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_DECIMAL = re.compile(r"\d\.\d")
_WANTED = {"percent": _PERCENT_NUM, "amount": _AMOUNT_NUM, "count": _COUNT_NUM}


@dataclass(frozen=True)
class Candidate:
    """A sentence or table row that might answer the question."""

    chunk: RetrievedChunk
    start: int
    end: int
    text: str
    rank: int
    tokens: frozenset[str]
    free: frozenset[str]  # tokens not cut from inside a compound ("电费" of "水电费")
    context: frozenset[str]  # words of the section title and table header
    sentences: int = 1


def choose_passages(
    segmenter: Segmenter,
    retriever: HybridRetriever,
    question: str,
    understood: Understanding,
    hits: list[RetrievedChunk],
    reports: list[Report],
) -> list[Candidate]:
    """The best passage (and a second one for a two-part question), or nothing if none fits."""
    scored = score_candidates(segmenter, retriever, question, understood, hits, reports)
    if not scored:
        return []
    best = scored[0][1]
    chosen = [best]
    if understood.multi_part:
        for _, other in scored[1:]:
            if numbers_in(other.text) - numbers_in(best.text) and not _overlaps(best, other):
                chosen.append(other)
                break
    return sorted(chosen, key=lambda c: (c.chunk.report_id, c.start))


def score_candidates(
    segmenter: Segmenter,
    retriever: HybridRetriever,
    question: str,
    understood: Understanding,
    hits: list[RetrievedChunk],
    reports: list[Report],
) -> list[tuple[float, Candidate]]:
    """Every candidate that may answer the question, best first, with its score."""
    terms = question_terms(segmenter, question, reports)
    if not terms.weights:
        return []
    scored = sorted(
        (
            (coverage + _bonus(c, understood) - 0.02 * c.rank, i, c)
            for i, c in enumerate(_candidates(retriever, hits, pairs=understood.kind in _PAIRED))
            for coverage in [coverage_of(terms, c.tokens, c.free, c.context)]
            if coverage >= MIN_COVERAGE
            and holds_key(terms, c.free | c.context)
            and _holds_wanted_figure(c, understood)
            and _row_has_value_for(c, terms.weights)
        ),
        key=lambda t: (-t[0], t[1]),
    )
    return [(score, c) for score, _, c in scored]


def rerank(
    hits: list[RetrievedChunk], scored: list[tuple[float, Candidate]]
) -> list[RetrievedChunk]:
    """Chunks holding an answering candidate first (by its score), then the rest as retrieved."""
    order: dict[str, int] = {}
    for _, candidate in scored:
        order.setdefault(candidate.chunk.id, len(order))
    return sorted(hits, key=lambda h: order.get(h.id, len(order)))


def _holds_wanted_figure(candidate: Candidate, understood: Understanding) -> bool:
    """Figure questions need a figure in the passage itself; its kind only nudges the ranking."""
    if understood.kind not in ("figure", "crosscheck"):
        return True
    return bool(_ANY_FIGURE.search(candidate.text))


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
        if _ANY_FIGURE.search(cell) or (re.search(r"\d", cell) and "." in cell):
            return True
    return False


def _candidates(
    retriever: HybridRetriever, hits: list[RetrievedChunk], pairs: bool
) -> list[Candidate]:
    """Sentences, table rows and, if asked, pairs of adjacent sentences (a fact and its cause)."""
    out = []
    width = 2 if pairs else 1
    for rank, hit in enumerate(hits):
        sentences, context = retriever.sentences(hit)
        for k, first in enumerate(sentences):
            for last in sentences[k : k + width]:
                tokens = first.tokens | last.tokens
                free = first.free_tokens | last.free_tokens
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
                        1 if last is first else 2,
                    )
                )
    return out


def _bonus(candidate: Candidate, understood: Understanding) -> float:
    """Small nudges for ranking only: the wanted figure, a stated cause, brevity."""
    bonus = 0.0
    pattern = _WANTED.get(understood.wanted)
    if understood.wanted == "amount" and candidate.chunk.kind == "table_row":
        pattern = _DECIMAL  # tables state their unit once, in the title ("单位:万元")
    if pattern is not None and pattern.search(candidate.text):
        bonus += 0.15
    if understood.kind == "reason" and re.search(r"原因|由于|因为|因", candidate.text):
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
