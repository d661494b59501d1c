"""Candidates for a question, scored by the fitted scorer, and the choice per question part.

Every candidate kind (sentences, rows, cells) is scored by the same function over the same
features; the best candidate of each part answers it if it clears the one acceptance threshold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from service.answering.candidates.cells import ReportCells, cell_candidates
from service.answering.candidates.model import Candidate
from service.answering.candidates.sentences import sentence_candidates
from service.answering.features import FEATURES, featurize
from service.answering.lexicon import load_lexicon
from service.answering.passage_text import has_figure, years_about
from service.answering.question import Question
from service.answering.scoring import Scorer
from service.answering.verify import numbers_in
from service.retrieval.hybrid import HybridRetriever, RetrievedChunk

# Intents whose answer often runs over two sentences: a fact, then its cause or its list.
_PAIRED = frozenset({"reason", "unmet", "list"})
# Intents answered by a figure: a passage without one states no answer (not a learned matter:
# such a passage cannot contain the figure the scoring rules require).
_KEY_COVERAGE = FEATURES.index("key_coverage")
_WANTED_FIGURE = FEATURES.index("wanted_figure")
_NEEDS_FIGURE = frozenset({"figure", "crosscheck", "comparison", "ranking"})


@dataclass(frozen=True)
class ScoredCandidate:
    score: float
    part: int
    candidate: Candidate
    features: list[float]


def gather_candidates(
    question: Question,
    retriever: HybridRetriever,
    hits: list[RetrievedChunk],
    cells_of: Callable[[str], ReportCells],
    year_of: dict[str, int | None],
) -> list[Candidate]:
    """Sentences, rows and the cells of rows from the retrieved chunks."""
    pairs = question.intent in _PAIRED or question.asks_why
    out: list[Candidate] = []
    for candidate in sentence_candidates(retriever, hits, pairs):
        if question.intent in _NEEDS_FIGURE and not has_figure(candidate.text):
            continue
        if candidate.text.strip() in candidate.chunk.section_path:
            continue  # a heading names a section; it states nothing
        # A passage that states figures for other years only is about them: the asked year's
        # figure is not in it, however well the rest fits (too rare in training data to learn).
        stated = years_about(candidate.text)
        if question.years and stated and not stated & question.years:
            continue
        # One that states no year is about its report's year ("2023年政府采购金额" is not answered
        # by the 2024 report's "采购金额164.87万元").
        year = year_of.get(candidate.report_id)
        if question.years and not stated and year is not None:
            # …and one that speaks of 上年 about the year before as well
            about = {year, year - 1} if load_lexicon().last_year.search(candidate.text) else {year}
            if not about & question.years:
                continue
        out.append(candidate)
        if candidate.kind == "row":
            out.extend(cell_candidates(candidate, cells_of(candidate.report_id)))
    return out


def featurized(
    question: Question, candidates: list[Candidate], year_of: dict[str, int | None]
) -> list[tuple[int, Candidate, list[float]]]:
    """Every (part, candidate) pair with its features."""
    out = []
    for c in candidates:
        for i, part in enumerate(question.parts):
            x = featurize(question, part, c, year_of.get(c.report_id))
            # A passage naming none of what the part is specifically about ("电费" is not in
            # "水电费…等日常公用经费") cannot answer it, however the rest scores.
            if part.terms.keys and x[_KEY_COVERAGE] == 0.0:
                continue
            # nor can one without a percentage answer a part that asks for a share or a rate
            if part.asks_share and x[_WANTED_FIGURE] == 0.0:
                continue
            out.append((i, c, x))
    return out


def score_candidates(
    question: Question,
    candidates: list[Candidate],
    scorer: Scorer,
    year_of: dict[str, int | None],
) -> list[ScoredCandidate]:
    """Every (part, candidate) pair scored, best first (ties: the earlier retrieved)."""
    scored = [
        ScoredCandidate(scorer.score(x), i, c, x)
        for i, c, x in featurized(question, candidates, year_of)
    ]
    scored.sort(key=lambda s: (-s.score, s.candidate.rank, s.candidate.start))
    return scored


def choose(question: Question, scored: list[ScoredCandidate], scorer: Scorer) -> list[Candidate]:
    """The best accepted candidate of each part (and, for "各/分别" questions, a second one that
    states other figures); nothing when no part clears the threshold."""
    accepted = [s for s in scored if scorer.accepts(s.score)]
    chosen = _assigned(question, accepted)
    if question.multi_part and len(chosen) == 1 and len(question.parts) == 1:
        first = chosen[0]
        for s in accepted[1:]:
            other = s.candidate
            if _new_numbers(other, first) and not _overlaps(first, other):
                chosen.append(other)
                break
    return sorted(chosen, key=lambda c: (c.report_id, c.start))


_ASSIGN_DEPTH = 4  # accepted candidates per part tried when parts compete for one passage
_ASSIGN_PARTS = 5


def _assigned(question: Question, accepted: list[ScoredCandidate]) -> list[Candidate]:
    """One passage per part, no two overlapping, with the highest total score: the best passage
    for a part's figure may be the only one that answers another part ("…总计是多少?比2023年
    变化多少?"), and the choice of one part must not leave the other to a worse passage. A part
    may be answered by a passage chosen for another. A part with no accepted passage is left
    out."""
    # the search grows as depth ** parts: a question of many parts is given one option each
    depth = _ASSIGN_DEPTH if len(question.parts) <= _ASSIGN_PARTS else 1
    options = [
        [s for s in accepted if s.part == part][:depth] for part in range(len(question.parts))
    ]
    best: tuple[float, list[Candidate]] = (0.0, [])

    def extend(part: int, total: float, taken: list[Candidate]) -> None:
        nonlocal best
        if part == len(options):
            if (total, len(taken)) > (best[0], len(best[1])):
                best = (total, list(taken))
            return
        extend(part + 1, total, taken)  # the part left unanswered
        for s in options[part]:
            if any(_within(s.candidate, c) for c in taken):
                # one passage may answer two parts ("收入预算9628.22万元,…比上年增加793.14万元"):
                # the part is answered by what is already said, not by another passage
                extend(part + 1, total + s.score, taken)
            elif not any(_overlaps(s.candidate, c) or _restates(s.candidate, c) for c in taken):
                extend(part + 1, total + s.score, [*taken, s.candidate])

    extend(0, 0.0, [])
    return best[1]


def _new_numbers(other: Candidate, first: Candidate) -> bool:
    a = {other.cell.raw} if other.cell else numbers_in(other.text)
    b = {first.cell.raw} if first.cell else numbers_in(first.text)
    return bool(a - b)


def _restates(a: Candidate, b: Candidate) -> bool:
    """The same words elsewhere (a row repeated in two tables): saying it twice answers nothing
    more."""
    return a.cell is None and b.cell is None and a.text == b.text


def _within(a: Candidate, b: Candidate) -> bool:
    """Passage a says nothing b does not: the same cell, or a span (or cell) inside b's."""
    if a.report_id != b.report_id:
        return False
    if a.cell is not None and b.cell is not None:
        return a.cell.start == b.cell.start
    if b.cell is not None:
        return False  # a cell does not say its whole row
    start = a.cell.start if a.cell is not None else a.start
    end = a.cell.end if a.cell is not None else a.end
    return b.start <= start and end <= b.end


def _overlaps(a: Candidate, b: Candidate) -> bool:
    if a.report_id != b.report_id:
        return False
    if a.cell is not None and b.cell is not None:
        return a.cell.start == b.cell.start
    return a.start < b.end and b.start < a.end
