"""`reportqa eval GOLD.jsonl`: score ours against the naive baseline and write the report.

Registered on the main CLI by `register_eval_command(app)`, so `service/cli.py` stays the only entry
module and this package never imports it.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from eval.gold import GoldFileError, GoldQuestion, load_gold
from eval.metrics import MEASURE_LABELS, QuestionResult, summarize
from eval.report import (
    LATENCY_MEASURES,
    SHARE_MEASURES,
    format_measure,
    format_ratio,
    measure_value,
    report_data,
    write_report_data,
)
from eval.runner import EvalError, EvalResult, SystemRun, run_eval
from eval.training import synthetic_questions_of
from ingest.pipeline import ingest_paths
from service.config import DEFAULT_SAMPLE_DIR, ServiceSettings
from service.context import ServiceContext
from service.errors import ServiceError
from service.queries import get_report

DEFAULT_OUT = Path("eval") / "results"

# Piped output (files, tests) gets a wide console so tables are not cut.
out = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True)


def make_context() -> ServiceContext:
    """The context the command runs on; tests replace this to reuse their ingested store."""
    return ServiceContext(ServiceSettings.from_env())


def register_eval_command(app: typer.Typer) -> None:
    """Add the `eval` command to the `reportqa` app."""
    app.command("eval")(eval_command)


def eval_command(
    gold: Annotated[
        Path | None, typer.Argument(help="gold questions: one JSON object a line")
    ] = None,
    baseline: Annotated[
        bool, typer.Option("--baseline/--no-baseline", help="also run the LangChain baseline")
    ] = True,
    out_dir: Annotated[
        Path, typer.Option("--out", help="folder for report.md and report.json")
    ] = DEFAULT_OUT,
    ingest: Annotated[
        bool,
        typer.Option(
            "--ingest/--no-ingest",
            help="ingest the bundled corpus first if the store lacks a report the gold names",
        ),
    ] = True,
    scoped: Annotated[
        bool,
        typer.Option(
            "--scoped/--open",
            help="ask each question within its gold report (default), or over all reports",
        ),
    ] = True,
    synthetic: Annotated[
        list[str] | None,
        typer.Option(
            "--synthetic",
            help="instead of a gold file: questions generated from every table cell and stated "
            "figure of this stored report (id, prefix or path; repeat for several)",
        ),
    ] = None,
    planted: Annotated[
        int | None,
        typer.Option(
            "--planted",
            help="instead of a gold file: plant errors of every family into N copies of the "
            "corpus reports and score the disclosure review (recall, false alarms)",
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="seed of the planted copies")] = 0,
    render: Annotated[
        str, typer.Option(help="planted copies as txt, or pdf (reportlab) read back by the loader")
    ] = "txt",
) -> None:
    """Score answers to gold questions (answer, citation, refusal, retrieval, latency)."""
    if planted:
        from eval.planted_command import planted_eval

        planted_eval(planted, out_dir, seed, render=render)
        return
    ctx = make_context()
    if synthetic:
        _synthetic_eval(ctx, synthetic, out_dir)
        return
    if gold is None:
        _fail(GoldFileError("give a gold file, or --synthetic REPORT"))
    try:
        questions = load_gold(gold)
    except GoldFileError as exc:
        _fail(exc)
    if ingest:
        ingest_corpus_if_missing(ctx, questions)
    try:
        result = _run_with_progress(ctx, questions, baseline, scoped)
    except EvalError as exc:
        _fail(exc)
    data = report_data(result, shlex.join(["reportqa", *sys.argv[1:]]), str(gold))
    paths = write_report_data(data, out_dir)
    out.print(summary_table(data["summary"]))
    out.print("wrote " + ", ".join(str(p) for p in paths), highlight=False)


def _synthetic_eval(ctx: ServiceContext, refs: list[str], out_dir: Path) -> None:
    """Figure recall@1 and citation correctness on each report's generated questions."""

    try:
        reports = [get_report(ctx, ref) for ref in refs]
    except ServiceError as exc:
        _fail(exc)
    table = Table(title="generated questions, per report")
    for name in ("report", "questions", "figure recall@1", "citation correct", "refusal correct"):
        table.add_column(name, justify="left" if name == "report" else "right")
    everything: list[QuestionResult] = []
    for report in reports:
        questions = synthetic_questions_of(ctx, report.id)
        run = run_eval(ctx, questions, baseline=False)
        everything += run.ours.results
        m = summarize(run.ours.results)
        table.add_row(
            Path(report.file_name).stem,
            str(m.questions),
            *(
                f"{s.value:.1%} ({s.correct}/{s.total})" if s.value is not None else "—"
                for s in (m.answer_correct, m.citation_correct, m.refusal_correct)
            ),
        )
    data = report_data(
        EvalResult(SystemRun("ours", everything, 0.0), None),
        shlex.join(["reportqa", *sys.argv[1:]]),
        "generated: " + ", ".join(refs),
    )
    paths = write_report_data(data, out_dir)
    out.print(table)
    out.print("wrote " + ", ".join(str(p) for p in paths), highlight=False)


def _fail(exc: Exception) -> NoReturn:
    # One unwrapped line: scripts grep it, and a path must not be cut in two.
    err.print(f"error: {exc}", highlight=False, markup=False, soft_wrap=True)
    raise typer.Exit(2) from exc


def ingest_corpus_if_missing(ctx: ServiceContext, questions: list[GoldQuestion]) -> None:
    """Ingest the bundled sample reports when a report the gold names is not stored yet."""
    stored = {Path(report.file_name).stem for report in ctx.store.list_reports()}
    if all(q.report is None or q.report in stored for q in questions):
        return
    err.print(f"ingesting the bundled corpus from {DEFAULT_SAMPLE_DIR} …", highlight=False)
    summary = ingest_paths([DEFAULT_SAMPLE_DIR], ctx.settings.ingest, ctx.store, ctx.embedder)
    for failed in summary.failed:
        err.print(f"[red]error[/red] {failed.error}", highlight=False)


def _run_with_progress(
    ctx: ServiceContext, questions: list[GoldQuestion], baseline: bool, scoped: bool = True
) -> EvalResult:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as progress:
        total = len(questions) * (2 if baseline else 1)
        task = progress.add_task("evaluating", total=total)

        def advance(system: str, result: QuestionResult) -> None:
            progress.update(task, advance=1, description=f"{system} {result.gold.id}")

        return run_eval(ctx, questions, baseline=baseline, progress=advance, scoped=scoped)


def summary_table(summary: dict[str, Any]) -> Table:
    """The report's summary table (`report_data(...)["summary"]`), for the terminal."""
    ours, base = summary["ours"], summary["baseline"]
    table = Table(title=f"evaluation on {ours['questions']} questions")
    table.add_column("measure")
    for name in ("ours", "baseline", "ratio"):
        table.add_column(name, justify="right")
    for name in SHARE_MEASURES + LATENCY_MEASURES:
        table.add_row(
            MEASURE_LABELS[name],
            format_measure(ours, name),
            format_measure(base, name),
            format_ratio(measure_value(ours, name), measure_value(base, name)),
        )
    return table
