"""Per-question results and their aggregates: the share correct on each measure, and latency."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np

from eval.gold import QUESTION_TYPES, GoldQuestion, QuestionType
from eval.scoring import QuestionScore
from service.answering.answer import Answer

MEASURES = ("answer_correct", "citation_correct", "refusal_correct", "evidence_in_top5")
MEASURE_LABELS = {
    "answer_correct": "answer correct",
    "citation_correct": "citation correct",
    "refusal_correct": "refusal correct",
    "evidence_in_top5": "evidence in top 5",
    "latency_p50_ms": "latency p50 (ms)",
    "latency_p95_ms": "latency p95 (ms)",
}


class QuestionResult(NamedTuple):
    """One system's answer to one gold question, scored and timed."""

    gold: GoldQuestion
    answer: Answer | None
    score: QuestionScore
    evidence_in_top5: bool | None  # None for unanswerable questions: there is no evidence
    latency_ms: float
    error: str | None = None

    def failed_measures(self) -> list[str]:
        """Names of the measures this answer got wrong."""
        failed = [m for m in MEASURES[:3] if not getattr(self.score, m)]
        if self.evidence_in_top5 is False:
            failed.append("evidence_in_top5")
        return failed


class Share(NamedTuple):
    """How many of how many were correct."""

    correct: int
    total: int

    @property
    def value(self) -> float | None:
        return self.correct / self.total if self.total else None


class Measures(NamedTuple):
    """The aggregates of a set of results."""

    questions: int
    answer_correct: Share
    citation_correct: Share
    refusal_correct: Share
    evidence_in_top5: Share  # over answerable questions only
    latency_p50_ms: float | None
    latency_p95_ms: float | None


def summarize(results: Sequence[QuestionResult]) -> Measures:
    """Shares correct on each measure and latency percentiles over `results`."""
    with_evidence = [r.evidence_in_top5 for r in results if r.evidence_in_top5 is not None]
    latencies = [r.latency_ms for r in results]
    return Measures(
        questions=len(results),
        answer_correct=_share(r.score.answer_correct for r in results),
        citation_correct=_share(r.score.citation_correct for r in results),
        refusal_correct=_share(r.score.refusal_correct for r in results),
        evidence_in_top5=_share(with_evidence),
        latency_p50_ms=_percentile(latencies, 50),
        latency_p95_ms=_percentile(latencies, 95),
    )


def summarize_by_type(results: Sequence[QuestionResult]) -> dict[QuestionType, Measures]:
    """`summarize` for each question type present, in the README's order."""
    return {
        kind: summarize([r for r in results if r.gold.type == kind])
        for kind in QUESTION_TYPES
        if any(r.gold.type == kind for r in results)
    }


def _share(flags: Iterable[bool]) -> Share:
    values = list(flags)
    return Share(sum(values), len(values))


def _percentile(values: Sequence[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if values else None
