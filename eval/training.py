"""The training set and the leave-one-report-out protocol.

Training questions: the gold-dev and probe sets (dev sets both) plus questions generated from every
stored report (eval.synthetic). Leave-one-report-out: for each report, fit on every other report's
questions, then answer the held-out report's questions through the whole pipeline with that fold's
scorer; the score over all folds is the headline number for any answering change.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from eval.fitting import Sample, collect_samples, fit_scorer
from eval.gold import GoldQuestion, load_gold
from eval.synthetic import generate_questions
from service.answering.scoring import Scorer
from service.context import ServiceContext

GOLD_DIR = Path(__file__).resolve().parent / "gold"
TRAINING_GOLD = (
    "gold-dev.jsonl",
    "gold-probe.jsonl",
    "gold-fresh1.jsonl",
    "gold-fresh2.jsonl",
    "gold-fresh3.jsonl",
    "gold-fresh6.jsonl",
    "gold-fresh8.jsonl",
    "gold-fresh7.jsonl",
)


def synthetic_gold(ctx: ServiceContext) -> list[GoldQuestion]:
    """Generated questions for every stored report."""
    reports = [ctx.report(r.id) for r in ctx.reports()]
    items = [(r, ctx.records(r.id).figures) for r in reports]
    out: list[GoldQuestion] = []
    for report, figures in items:
        others = [item for item in items if item[0].id != report.id]
        out += generate_questions(report, figures, others)
    return out


def synthetic_questions_of(ctx: ServiceContext, report_id: str) -> list[GoldQuestion]:
    """Generated questions for one stored report (the others give its unanswerable ones)."""
    items = [(ctx.report(r.id), ctx.records(r.id).figures) for r in ctx.reports()]
    report, figures = next(item for item in items if item[0].id == report_id)
    return generate_questions(report, figures, [i for i in items if i[0].id != report_id])


def training_gold(ctx: ServiceContext) -> list[GoldQuestion]:
    gold = [q for name in TRAINING_GOLD for q in load_gold(GOLD_DIR / name)]
    return gold + synthetic_gold(ctx)


def scopes_of(ctx: ServiceContext, gold: Sequence[GoldQuestion]) -> dict[str, str | None]:
    by_name = {Path(r.file_name).stem: r.id for r in ctx.reports()}
    return {q.id: by_name.get(q.report) if q.report else None for q in gold}


def fit_all(ctx: ServiceContext) -> tuple[Scorer, list[Sample]]:
    """The shipped scorer: fitted on every training question."""
    gold = training_gold(ctx)
    samples = collect_samples(ctx, gold, scopes_of(ctx, gold))
    names = [*TRAINING_GOLD, f"synthetic questions of {len(ctx.reports())} corpus reports"]
    return fit_scorer(samples, names), samples


def fold_scorers(samples: Sequence[Sample], reports: Sequence[str]) -> dict[str, Scorer]:
    """For each report, a scorer fitted on every other report's questions."""
    return {
        held_out: fit_scorer(
            [s for s in samples if s.report != held_out], [f"all corpus reports but {held_out}"]
        )
        for held_out in reports
    }
