"""`reportqa fit` (fit the shipped scorer) and `reportqa loro` (leave-one-report-out): the
training and generalisation commands, registered on the main CLI like `eval`."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer

from eval.baseline import BaselineIndex
from eval.cli_command import (
    DEFAULT_OUT,
    _fail,
    err,
    ingest_corpus_if_missing,
    make_context,
    out,
    summary_table,
)
from eval.fitting import collect_samples
from eval.gold import load_gold
from eval.metrics import QuestionResult
from eval.report import report_data, write_report_data
from eval.runner import EvalError, EvalResult, SystemRun, run_eval
from eval.training import GOLD_DIR, TRAINING_GOLD, fit_all, fold_scorers, scopes_of, synthetic_gold
from service.answering.scoring import SCORER_FILE

SHIPPED_SCORER = Path(__file__).resolve().parent.parent / "service/answering/data" / SCORER_FILE


def register_training_commands(app: typer.Typer) -> None:
    app.command("fit")(fit_command)
    app.command("loro")(loro_command)


def fit_command(
    out_file: Annotated[
        Path, typer.Option("--out", help="where to write the scorer")
    ] = SHIPPED_SCORER,
) -> None:
    """Fit the candidate scorer on the gold-dev/probe sets and generated questions."""
    ctx = make_context()
    ingest_corpus_if_missing(ctx, [q for n in TRAINING_GOLD for q in load_gold(GOLD_DIR / n)])
    scorer, samples = fit_all(ctx)
    out_file.write_text(scorer.to_json(), encoding="utf-8")
    out.print(f"fitted on {len(samples)} questions; threshold {scorer.threshold}; wrote {out_file}")


def loro_command(
    baseline: Annotated[bool, typer.Option("--baseline/--no-baseline")] = True,
    out_dir: Annotated[Path, typer.Option("--out")] = DEFAULT_OUT / "loro",
) -> None:
    """Leave-one-report-out: fit on every report but one, score the one left out, in turn."""
    ctx = make_context()
    gold = [q for n in TRAINING_GOLD for q in load_gold(GOLD_DIR / n)]
    ingest_corpus_if_missing(ctx, gold)
    gold += synthetic_gold(ctx)
    scopes = scopes_of(ctx, gold)
    samples = collect_samples(ctx, gold, scopes)
    reports = sorted({q.report for q in gold if q.report})
    scorers = fold_scorers(samples, reports)
    index = BaselineIndex(ctx, None) if baseline else None
    ours: list[QuestionResult] = []
    base: list[QuestionResult] = []
    try:
        for held_out in reports:
            ctx.__dict__["scorer"] = scorers[held_out]
            questions = [q for q in gold if q.report == held_out]
            err.print(f"fold {held_out}: {len(questions)} questions", highlight=False)
            result = run_eval(ctx, questions, baseline=index or False)
            ours += result.ours.results
            if result.baseline is not None:
                base += result.baseline.results
    except EvalError as exc:
        _fail(exc)
    finally:
        if index is not None:
            index.close()
    merged = EvalResult(
        SystemRun("ours", ours, 0.0), SystemRun("baseline", base, 0.0) if base else None
    )
    data = report_data(merged, shlex.join(["reportqa", *sys.argv[1:]]), "leave-one-report-out")
    paths = write_report_data(data, out_dir)
    out.print(summary_table(data["summary"]))
    out.print("wrote " + ", ".join(str(p) for p in paths), highlight=False)
