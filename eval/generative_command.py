"""`reportqa eval-generative GOLD.jsonl`: the reader with a scripted model, against extractive.

Registered on the main CLI by `register_generative_command(app)`; see `eval.generative`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from eval.cli_command import DEFAULT_OUT, ingest_corpus_if_missing, make_context
from eval.generative import evaluate_generative
from eval.gold import GoldFileError, load_gold
from eval.runner import EvalError
from eval.scripted_model import run_scripted_llm

out = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True)


def register_generative_command(app: typer.Typer) -> None:
    app.command("eval-generative")(eval_generative_command)


def eval_generative_command(
    gold: Annotated[Path, typer.Argument(help="gold questions: one JSON object a line")],
    out_dir: Annotated[
        Path, typer.Option("--out", help="folder for generative.json")
    ] = DEFAULT_OUT,
) -> None:
    """Score scripted-model answers against extractive ones; count planted wrong figures caught."""
    try:
        questions = load_gold(gold)
    except GoldFileError as exc:
        err.print(f"error: {exc}", highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(2) from exc
    ctx = make_context()
    ingest_corpus_if_missing(ctx, questions)
    for scripted in run_scripted_llm():
        try:
            summary = evaluate_generative(ctx, questions, scripted).summary()
        except EvalError as exc:
            err.print(f"error: {exc}", highlight=False, markup=False, soft_wrap=True)
            raise typer.Exit(2) from exc
    table = Table(
        title=f"generative (scripted model) vs extractive, {summary['questions']} questions"
    )
    for name in ("measure", "extractive", "generative"):
        table.add_column(name, justify="left" if name == "measure" else "right")
    for measure in ("answer_correct", "citation_correct", "refusal_correct"):
        table.add_row(
            measure,
            f"{summary['extractive'][measure]:.1%}",
            f"{summary['generative'][measure]:.1%}",
        )
    out.print(table)
    out.print(f"modes: {summary['modes']}", highlight=False)
    out.print(
        f"planted wrong figures caught: {summary['caught']}/{summary['planted_wrong_figures']}",
        highlight=False,
    )
    out.print(
        f"latency: extractive median {summary['extractive_ms_median']:.0f} ms; the model adds "
        f"median {summary['added_ms_median']:.0f} ms, p95 {summary['added_ms_p95']:.0f} ms",
        highlight=False,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "generative.json"
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    out.print(f"wrote {path}", highlight=False)
