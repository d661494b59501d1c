"""The `reportqa` command line: ingest, reports, search, ask, check, indicators, summary, serve,
eval — over the same functions as HTTP.

This module sits above every package and nothing imports it.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from eval.cli_command import register_eval_command
from eval.generative_command import register_generative_command
from eval.loro_command import register_training_commands
from ingest.ocr.progress import OcrProgress, on_ocr_page
from ingest.pipeline import FileResult, expand_paths, ingest_paths
from service import queries
from service.config import ServiceSettings
from service.context import ServiceContext
from service.errors import ServiceError

if TYPE_CHECKING:
    from ingest.models import Report
    from service.records import ReportRecords
    from service.review_output import ReviewedReport

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
# Piped output (files, tests) gets a wide console so ids and titles are not cut.
out = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True)


def _context() -> ServiceContext:
    try:
        settings = ServiceSettings.from_env()
    except ValueError as exc:  # a setting that cannot be read: say which, in one line
        err.print(f"error: {exc}", highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(2) from exc
    return ServiceContext(settings)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="report files or folders")],
) -> None:
    """Ingest report files (TXT/MD/HTML/PDF/DOCX/XLSX/XLS, DOC/WPS/ET, scans as PDF/PNG/JPG/TIF)
    or folders of them into the store."""
    ctx = _context()
    files = list(expand_paths(paths))
    if not files:
        err.print(f"no supported report files under: {', '.join(map(str, paths))}")
        raise typer.Exit(2)
    started = time.perf_counter()
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("ingesting", total=len(files))
        pages = progress.add_task("OCR", total=None, visible=False)  # a scan's pages, seconds each

        def advance(result: FileResult) -> None:
            if result.error:
                # One line per failed file, however narrow the terminal: easy to grep.
                progress.console.print(
                    f"[red]error[/red] {result.error}", highlight=False, soft_wrap=True
                )
            progress.update(task, advance=1, description=result.path.name)
            progress.update(pages, visible=False)

        def read_page(page: OcrProgress) -> None:
            description = f"{page.path.name}: OCR pages"
            progress.update(pages, total=page.total, completed=page.done, description=description)
            progress.update(pages, visible=True)

        with on_ocr_page(read_page):
            summary = ingest_paths(files, ctx.settings.ingest, ctx.store, ctx.embedder, advance)
    _print_summary(summary.results, time.perf_counter() - started)
    if summary.failed:
        raise typer.Exit(1)


def _print_summary(results: list[FileResult], seconds: float) -> None:
    table = Table(title="ingest summary")
    for name in ("file", "status", "report id", "pages", "chunks", "parse s", "embed s"):
        table.add_column(
            name, justify="right" if name.endswith(("s", "pages", "chunks")) else "left"
        )
    for r in results:
        rep = r.report
        table.add_row(
            r.path.name,
            r.status,
            rep.id if rep else "-",
            str(rep.page_count) if rep else "-",
            str(rep.chunk_count) if rep else "-",
            f"{r.parse_seconds:.2f}",
            f"{r.embed_seconds:.2f}",
        )
    ok = [r for r in results if r.report]
    table.add_section()
    table.add_row(
        f"{len(results)} files",
        f"{len(ok)} stored",
        "",
        str(sum(r.report.page_count for r in ok if r.report)),
        str(sum(r.report.chunk_count for r in ok if r.report)),
        f"{sum(r.parse_seconds for r in results):.2f}",
        f"{sum(r.embed_seconds for r in results):.2f}",
    )
    out.print(table)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.print(f"{seconds:.1f} s in all, peak memory {peak_mb:.0f} MB")


@app.command()
def reports() -> None:
    """List the stored reports."""
    table = Table()
    for name in ("id", "title", "publisher", "year", "format", "pages", "chunks", "file"):
        table.add_column(name)
    for r in queries.list_reports(_context()):
        table.add_row(
            r.id,
            r.title,
            r.publisher or "-",
            str(r.year or "-"),
            r.format,
            str(r.page_count),
            str(r.chunk_count),
            r.source_path,
        )
    out.print(table)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="the query, in Chinese")],
    top_k: Annotated[int, typer.Option("--top-k", "-k")] = 5,
    report: Annotated[str | None, typer.Option(help="report id or ingested file path")] = None,
) -> None:
    """Show the best-matching chunks with score, section path and page."""
    try:
        hits = queries.search_chunks(_context(), query, top_k=top_k, report=report)
    except ServiceError as exc:
        err.print(f"error: {exc.message}")
        raise typer.Exit(2) from exc
    if not hits:
        out.print("no matching passages")
    for rank, hit in enumerate(hits, start=1):
        page = f" p.{hit.page}" if hit.page else ""
        out.print(
            f"[bold]{rank}. score {hit.score:.4f}[/bold] {hit.report_id}{page} "
            f"[dim]{hit.section_text or '(no section)'}[/dim]",
            highlight=False,
        )
        if hit.header:
            out.print(f"   [dim]{hit.header}[/dim]", highlight=False)
        out.print(f"   {hit.text}", highlight=False)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="the question, in Chinese")],
    report: Annotated[str | None, typer.Option(help="report id or ingested file path")] = None,
) -> None:
    """Answer a question with cited passages (section path, page, quote)."""
    from service.generative.asking import ask as ask_question

    try:
        answer = ask_question(_context(), question, report=report)
    except ServiceError as exc:
        err.print(f"error: {exc.message}")
        raise typer.Exit(2) from exc
    out.print(f"[bold]{answer.answer}[/bold]", highlight=False)
    if answer.generation is not None:
        how = (
            "由模型撰写并逐句核对" if answer.mode == "generative" else "模型回答未通过核对,改用摘录"
        )
        reason = f"({answer.generation.reason})" if answer.generation.reason else ""
        out.print(f"[dim]{how}{reason}[/dim]", highlight=False)
    for caution in answer.cautions:
        out.print(f"[yellow]OCR: {caution}[/yellow]", highlight=False)
    if answer.computed:
        out.print(
            f"计算所得(由下列引文中的数字算出): {', '.join(answer.computed)}", highlight=False
        )
    label = "依据" if answer.answerable else "可能相关(非依据)"
    for n, cited in enumerate(answer.citations or answer.related, start=1):
        page = f" 第{cited.page}页" if cited.page else ""
        where = " > ".join(cited.section_path) or "(无章节)"
        out.print(f"[{n}] {label}: {cited.title}{page} · {where}", highlight=False)
        out.print("    " + _highlight_numbers(cited.quote, answer.answer), highlight=False)


def _highlight_numbers(quote: str, answer_text: str) -> str:
    """The quote with the figures the answer states in bold."""
    from rich.markup import escape

    from service.answering.verify import NUMBER_PATTERN, normalise_number

    stated = {normalise_number(m.group(0)) for m in NUMBER_PATTERN.finditer(answer_text)}
    parts, last = [], 0
    for match in NUMBER_PATTERN.finditer(quote):
        if normalise_number(match.group(0)) in stated:
            parts += [escape(quote[last : match.start()]), f"[bold yellow]{match.group(0)}[/]"]
            last = match.end()
    return "".join(parts) + escape(quote[last:])


@app.command()
def check(
    reports: Annotated[
        list[str],
        typer.Argument(help="report ids, file paths or folders (unstored files are parsed)"),
    ],
    show_all: Annotated[
        bool, typer.Option("--all", help="also list cross-checks that agree or differ by rounding")
    ] = False,
    fmt: Annotated[str, typer.Option("--format", help="table, csv, json or xlsx")] = "table",
    output: Annotated[
        Path | None, typer.Option("--out", help="file to write (required for xlsx)")
    ] = None,
    annotate: Annotated[
        Path | None,
        typer.Option(
            "--annotate", help="write the (one, PDF) report with each finding's figures boxed"
        ),
    ] = None,
) -> None:
    """Review reports as a disclosure reviewer does: one summary row per report, then every
    finding by severity (确定/疑似/提示) with the quotes and pages it rests on."""
    from service.review_output import as_csv, as_json, review_records, xlsx_bytes

    if fmt not in ("table", "csv", "json", "xlsx"):
        err.print(f"error: unknown format {fmt!r}; use table, csv, json or xlsx")
        raise typer.Exit(2)
    if fmt == "xlsx" and output is None:
        err.print("error: xlsx needs --out FILE")
        raise typer.Exit(2)
    ctx = _context()
    reviewed = [review_records(*_report_and_records(ctx, ref)) for ref in _check_refs(reports)]
    if annotate is not None:
        _annotate(reviewed, annotate)
    if fmt == "table":
        _print_review(reviewed, show_all)
        return
    if fmt == "xlsx":
        data = xlsx_bytes(reviewed)
    else:
        data = (as_csv(reviewed) if fmt == "csv" else as_json(reviewed)).encode(
            "utf-8-sig" if fmt == "csv" else "utf-8"
        )
    if output is None:
        sys.stdout.write(data.decode("utf-8-sig" if fmt == "csv" else "utf-8"))
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(data)
    err.print(f"{len(reviewed)} reports reviewed, written to {output}")


def _annotate(reviewed: list[ReviewedReport], out_path: Path) -> None:
    from service.annotate import annotate_pdf

    source = Path(reviewed[0].report.source_path) if len(reviewed) == 1 else None
    if source is None or source.suffix.lower() != ".pdf" or not source.is_file():
        err.print("error: --annotate needs one report whose PDF file is at hand")
        raise typer.Exit(2)
    boxed = annotate_pdf(source, reviewed[0].report, reviewed[0].issues, out_path)
    err.print(f"{boxed} quotes of {len(reviewed[0].issues)} findings boxed in {out_path}")


def _check_refs(refs: list[str]) -> list[str]:
    """Folders expanded to the report files in them; ids and files as given."""
    out: list[str] = []
    for ref in refs:
        path = Path(ref)
        out += [str(p) for p in expand_paths([path])] if path.is_dir() else [ref]
    return out


def _report_and_records(ctx: ServiceContext, ref: str) -> tuple[Report, ReportRecords]:
    """A stored report and its records; a file not stored is parsed (not embedded)."""
    from ingest.pipeline import build_report
    from service.errors import NotFound
    from service.records import build_records

    try:
        return queries.report_records(ctx, ref)
    except NotFound as exc:
        path = Path(ref)
        if not path.is_file():
            err.print(f"error: {exc.message}")
            raise typer.Exit(2) from exc
        report, _ = build_report(path, path.read_bytes(), ctx.settings.ingest)
        return report, build_records(report)
    except ServiceError as exc:
        err.print(f"error: {exc.message}")
        raise typer.Exit(2) from exc


def _print_review(reviewed: list[ReviewedReport], show_all: bool) -> None:
    from service.review_output import SEVERITIES, cited

    summary = Table(title=f"审核汇总 ({len(reviewed)} 份报告)")
    for name in ("report", "kind", "year", *SEVERITIES, "cross-checks"):
        summary.add_column(name, justify="right" if name in SEVERITIES else "left")
    for item in reviewed:
        counts, old = item.by_severity(), item.records.findings_by_status()
        summary.add_row(
            item.name,
            item.kind or "-",
            str(item.report.year or "-"),
            *(str(counts[s]) for s in SEVERITIES),
            f"{old['inconsistent']} inconsistent, {old['rounding']} rounding, "
            f"{old['agrees']} agree",
        )
    out.print(summary)
    issues = [(item, issue) for item in reviewed for issue in item.issues]
    issues.sort(key=lambda pair: SEVERITIES.index(pair[1].severity))
    if issues:
        table = Table(title="审核意见", show_lines=True)
        for name in ("severity", "report", "family", "finding", "quoted (page)"):
            table.add_column(name)
        for item, issue in issues:
            table.add_row(
                issue.severity,
                item.name,
                f"{issue.family}/{issue.rule}",
                issue.message,
                cited(issue).replace(" | ", "\n"),
            )
        out.print(table)
    if show_all:
        for item in reviewed:
            _print_cross_checks(item.report, item.records)


def _print_cross_checks(report: Report, records: ReportRecords) -> None:
    """The existing cross-checks of one report, agreeing ones included."""
    table = Table(title=f"{report.title}: cross-checks", show_lines=True)
    for name in ("status", "check", "finding", "figures used (page)"):
        table.add_column(name)
    for finding in records.findings:
        used = "\n".join(
            f"{e.role}: {e.quote}" + (f" (p.{e.position.page})" if e.position.page else "")
            for e in finding.evidence
        )
        table.add_row(finding.status, finding.check, finding.message, used)
    out.print(table)


@app.command()
def indicators(
    report: Annotated[str, typer.Argument(help="report id or ingested file path")],
    fmt: Annotated[str, typer.Option("--format", help="csv or xlsx")] = "csv",
    output: Annotated[
        Path | None, typer.Option("--out", help="file to write (required for xlsx)")
    ] = None,
) -> None:
    """Export a report's performance indicators (绩效指标) as CSV or XLSX."""
    from ingest.indicators import INDICATOR_COLUMNS, indicators_table
    from service.export import indicators_csv, write_indicators

    if fmt not in ("csv", "xlsx"):
        err.print(f"error: unknown format {fmt!r}; use csv or xlsx")
        raise typer.Exit(2)
    if fmt == "xlsx" and output is None:
        err.print("error: xlsx needs --out FILE")
        raise typer.Exit(2)
    try:
        _, records = queries.report_records(_context(), report)
    except ServiceError as exc:
        err.print(f"error: {exc.message}")
        raise typer.Exit(2) from exc
    rows = indicators_table(records.indicators)
    if output is None:
        sys.stdout.write(indicators_csv(rows, INDICATOR_COLUMNS))
        return
    write_indicators(rows, INDICATOR_COLUMNS, output, fmt)
    err.print(f"{len(rows)} indicators written to {output}")


@app.command()
def summary(
    report: Annotated[str, typer.Argument(help="report id, id prefix or ingested file path")],
    as_json: Annotated[bool, typer.Option("--json", help="the full summary as JSON")] = False,
) -> None:
    """Summarise a report: budget, spending, execution rate, unmet targets, findings, cited."""
    from service.routes.summary import summarize_report

    try:
        summarized = summarize_report(_context(), report)
    except ServiceError as exc:
        err.print(f"error: {exc.message}")
        raise typer.Exit(2) from exc
    if as_json:
        out.print_json(summarized.model_dump_json())
        return
    out.print(f"[bold]{summarized.title}[/bold]", highlight=False)
    out.print(summarized.summary, highlight=False)
    if summarized.generation is not None and summarized.generation.reason:
        out.print(f"[dim]模型摘要未通过核对,改用摘录({summarized.generation.reason})[/dim]")
    for n, cited in enumerate(summarized.citations, start=1):
        page = f" 第{cited.page}页" if cited.page else ""
        out.print(f"[{n}]{page} · {' > '.join(cited.section_path) or '(无章节)'}", highlight=False)
        out.print("    " + _highlight_numbers(cited.quote, summarized.summary), highlight=False)


WORKER_HEALTHCHECK_SECONDS = 60


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="default: REPORTQA_HOST or 127.0.0.1")] = None,
    port: Annotated[int | None, typer.Option(help="default: REPORTQA_PORT or 8000")] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="worker processes (each loads the model and builds its indexes; they share "
            "the store: a local folder, or the Chroma server of REPORTQA_CHROMA_HOST)",
        ),
    ] = 1,
) -> None:
    """Start the HTTP service (OpenAPI docs at /docs)."""
    import uvicorn

    from service.app import create_app

    settings = ServiceSettings.from_env()
    host, port = host or settings.host, port or settings.port
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port)
        return
    if settings.first_run_reports is not None:
        err.print("several workers: an empty store is not filled at start (use `reportqa ingest`)")
    # Each worker process builds its own app from the same environment. Loading torch and the
    # model holds a worker's interpreter for seconds on a busy machine: uvicorn's default 5 s
    # health check would take that for a hung worker and start it again, and again.
    uvicorn.run(
        "service.app:create_worker_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
    )


register_eval_command(app)
register_generative_command(app)
register_training_commands(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
