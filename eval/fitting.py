"""Fitting the candidate scorer: features of every (question part, candidate) pair of the training
questions, labelled by whether the candidate states the known answer and quotes its evidence; a
logistic regression over them; and the one acceptance threshold, chosen on the same questions so
that refusals are honest (a wrong figure costs more than a refusal).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

from eval.gold import GoldQuestion
from eval.scoring import contains_all, fold
from service.answering.candidates.cells import state_cell
from service.answering.candidates.model import Candidate
from service.answering.candidates.sentences import state_passage
from service.answering.features import FEATURES
from service.answering.pipeline import retrieve, understand
from service.answering.question import Question
from service.answering.scoring import Scorer
from service.answering.selection import featurized, gather_candidates
from service.context import ServiceContext

# Intents answered from records, not from passages: their questions do not train the scorer.
_STRUCTURED = frozenset({"unmet", "crosscheck"})
# Utility of one question's outcome when choosing the threshold: a correct answer, an honest
# refusal, and a wrong figure (the worst outcome this product has, so it costs double).
_RIGHT, _REFUSED_RIGHTLY, _WRONG = 1.0, 1.0, -2.0
_POSITIVES, _NEGATIVES = 3, 40  # pairs per question: enough, and each question weighs alike
_NEAR_BEST = 0.02  # share of the best utility a threshold may fall short by and still be chosen
_C = 1.0  # L2 strength of the regression: features are in [0, 1], the default suits them


@dataclass(frozen=True)
class Sample:
    """One training question: its pairs' features and labels, and which report it is about."""

    question_id: str
    report: str | None
    answerable: bool
    features: np.ndarray  # (pairs, features)
    labels: np.ndarray  # 1 where the candidate states the answer and quotes its evidence
    parts: np.ndarray  # the question part of each pair


def label_candidate(gold: GoldQuestion, candidate: Candidate, several_parts: bool) -> bool:
    """The candidate states the gold figures and quotes the gold evidence; for a question of
    several parts, one of its figures with the evidence holding it."""
    stated = state_cell(candidate.cell) if candidate.cell else state_passage(candidate)
    if contains_all(stated, gold.must_include) and contains_all(candidate.text, gold.evidence):
        return bool(gold.must_include or gold.evidence)
    if not several_parts:
        return False
    quote = fold(candidate.text)
    return any(
        contains_all(stated, [m])
        and any(fold(m) in fold(e) and fold(e) in quote for e in gold.evidence)
        for m in gold.must_include
    )


def collect_samples(
    ctx: ServiceContext, gold: Sequence[GoldQuestion], scopes: dict[str, str | None]
) -> list[Sample]:
    """Features and labels of every extractive question (hybrid retrieval, as answering's second
    pass reads it)."""
    year_of = {r.id: r.year for r in ctx.reports()}
    samples = []
    for g in gold:
        q = understand(ctx, g.question, scopes[g.id])
        if q.intent in _STRUCTURED or q.out_of_scope:
            continue
        rows = _pairs(ctx, q, year_of)
        labels = [
            float(
                g.answerable and label_candidate(g, c, len(q.parts) > 1 or len(g.must_include) > 1)
            )
            for _, c, _ in rows
        ]
        samples.append(
            Sample(
                g.id,
                g.report,
                g.answerable,
                np.array([x for _, _, x in rows], dtype=float).reshape(len(rows), len(FEATURES)),
                np.array(labels),
                np.array([p for p, _, _ in rows], dtype=int),
            )
        )
    return samples


def _pairs(
    ctx: ServiceContext, q: Question, year_of: dict[str, int | None]
) -> list[tuple[int, Candidate, list[float]]]:
    candidates = gather_candidates(q, ctx.retriever, retrieve(ctx, q), ctx.cells, year_of)
    return featurized(q, candidates, year_of)


def fit_scorer(samples: Sequence[Sample], fitted_on: list[str]) -> Scorer:
    """Ranking weights from pairs (a right candidate against a wrong one of the same question),
    then one logistic calibration of the best candidate's score into the probability that it is
    right, then the threshold of best utility on that probability."""
    direction = _ranking_weights(samples)
    raw = Scorer(dict(zip(FEATURES, direction, strict=True)), 0.0, 0.5, 2, fitted_on)
    tops = [
        (np.log(score / (1 - score)) if 0 < score < 1 else 0.0, right)
        for score, right, _ in top_outcomes(samples, raw)
    ]
    scale, bias = _calibration(tops)
    weights = {n: scale * w for n, w in raw.weights.items()}
    provisional = Scorer(weights, bias, 0.5, 2, fitted_on)
    # the threshold is chosen on questions people wrote, whose wording the generated ones lack
    written = [s for s in samples if not s.question_id.startswith("syn-")] or list(samples)
    threshold, curve = choose_threshold(written, provisional)
    calibration = {"utility": [_RIGHT, _REFUSED_RIGHTLY, _WRONG], "curve": curve}
    return Scorer(weights, bias, threshold, 2, fitted_on, calibration)


def _calibration(tops: list[tuple[float, bool]]) -> tuple[float, float]:
    """Scale and bias turning a best candidate's raw score into the probability it is right;
    the identity when the questions are all right or all wrong (nothing to calibrate on)."""
    labels = [float(right) for _, right in tops]
    if len(set(labels)) < 2:
        return 1.0, 0.0
    calibrate = LogisticRegression(C=_C, max_iter=1000)
    calibrate.fit(np.array([[z] for z, _ in tops]), np.array(labels))
    return float(calibrate.coef_[0][0]), float(calibrate.intercept_[0])


def _ranking_weights(samples: Sequence[Sample]) -> list[float]:
    """A linear ranker: logistic regression on feature differences of right and wrong candidates
    of the same question part (at most `_NEGATIVES` wrong ones each, chosen at random)."""
    rng = np.random.default_rng(0)
    diffs: list[np.ndarray] = []
    for s in samples:
        positives = np.flatnonzero(s.labels > 0)
        negatives = np.flatnonzero(s.labels == 0)
        if not len(positives) or not len(negatives):
            continue
        for p in positives[:_POSITIVES]:
            chosen = rng.choice(negatives, min(_NEGATIVES, len(negatives)), replace=False)
            diffs.extend(s.features[p] - s.features[n] for n in chosen)
    if not diffs:
        return [0.0] * len(FEATURES)
    x = np.array(diffs)
    y = np.ones(len(x))
    model = LogisticRegression(C=_C, fit_intercept=False, max_iter=2000)
    model.fit(np.vstack([x, -x]), np.concatenate([y, 0 * y]))
    return [float(w) for w in model.coef_[0]]


def top_outcomes(samples: Sequence[Sample], scorer: Scorer) -> list[tuple[float, bool, bool]]:
    """Per question: the best pair's score, whether it is right, and whether the question is
    answerable."""
    out = []
    for s in samples:
        if not len(s.features):
            out.append((0.0, False, s.answerable))
            continue
        scores = [scorer.score(row) for row in s.features]
        best = int(np.argmax(scores))
        out.append((scores[best], bool(s.labels[best]), s.answerable))
    return out


def choose_threshold(
    samples: Sequence[Sample], scorer: Scorer
) -> tuple[float, list[dict[str, float]]]:
    """The threshold of best utility over the questions' best candidates, with the precision
    (right among accepted) and recall (right among answerable) at each tried threshold."""
    outcomes = top_outcomes(samples, scorer)
    answerable = sum(1 for _, _, a in outcomes if a) or 1
    best, best_utility, curve = 0.5, -np.inf, []
    for t in np.round(np.arange(0.05, 1.0, 0.025), 3):
        accepted = [(right, a) for score, right, a in outcomes if score >= t]
        right = sum(1 for r, _ in accepted if r)
        refused_rightly = sum(1 for score, _, a in outcomes if score < t and not a)
        utility = (
            _RIGHT * right + _REFUSED_RIGHTLY * refused_rightly + _WRONG * (len(accepted) - right)
        )
        curve.append(
            {
                "threshold": float(t),
                "precision": right / len(accepted) if accepted else 1.0,
                "recall": right / answerable,
                "utility": utility,
            }
        )
        best_utility = max(best_utility, utility)
    # Utility is flat over a wide band of thresholds: the middle of the band within
    # `_NEAR_BEST` of the best is the choice least moved by a few questions more or less.
    band = [
        p["threshold"]
        for p in curve
        if p["utility"] >= best_utility - _NEAR_BEST * abs(best_utility)
    ]
    best = round(float(np.median(band)), 4)
    return best, curve
