"""Plain read functions over a ServiceContext, shared by the CLI, the HTTP routes and evaluation."""

from __future__ import annotations

from ingest.models import Figure, Finding, Report
from service.context import ServiceContext
from service.errors import BadRequest, NotFound
from service.records import ReportRecords
from service.retrieval.hybrid import RetrievedChunk


def list_reports(ctx: ServiceContext) -> list[Report]:
    """Every stored report, without its text (read again only when the set of reports changes:
    parsing every record costs tens of milliseconds)."""
    return ctx.reports()


def get_report(ctx: ServiceContext, ref: str) -> Report:
    """A report named by id, unique id prefix or source path; NotFound otherwise."""
    if ref in ctx.store.report_ids():
        return ctx.report(ref)  # by its full id: the kept copy (an id names one content)
    report = ctx.store.find_report(ref)
    if report is None:
        raise NotFound(f"no report matches '{ref}' (give a report id or the ingested file's path)")
    return report


def report_text(ctx: ServiceContext, ref: str, start: int = 0, end: int | None = None) -> str:
    """A span of a report's stored text: what every citation's offsets point into."""
    report = get_report(ctx, ref)
    end = len(report.text) if end is None else end
    if not 0 <= start <= end <= len(report.text):
        raise BadRequest(
            f"span [{start}, {end}) is outside the report's text of {len(report.text)} characters"
        )
    return report.text[start:end]


def search_chunks(
    ctx: ServiceContext, query: str, top_k: int = 5, report: str | None = None
) -> list[RetrievedChunk]:
    """The best chunks for `query` across all reports, or within one report."""
    query = query.strip()
    if not query:
        raise BadRequest("the query is empty")
    if len(query) > ctx.settings.max_question_chars:
        raise BadRequest(f"the query is longer than {ctx.settings.max_question_chars} characters")
    if not 1 <= top_k <= 50:
        raise BadRequest("top_k must be between 1 and 50")
    report_ids = [get_report(ctx, report).id] if report else None
    return ctx.retriever.search(query, top_k=top_k, report_ids=report_ids)


def report_records(ctx: ServiceContext, ref: str) -> tuple[Report, ReportRecords]:
    """A report named by id, prefix or path, and its structured records."""
    report = get_report(ctx, ref)
    return report, ctx.records(report.id)


def report_figures(
    ctx: ServiceContext, ref: str, measure: str | None = None, kind: str | None = None
) -> list[Figure]:
    """A report's figures, optionally those whose measure contains `measure`, or of one kind."""
    _, records = report_records(ctx, ref)
    return [
        f
        for f in records.figures
        if (measure is None or measure in f.measure) and (kind is None or f.kind == kind)
    ]


def report_checks(ctx: ServiceContext, ref: str, status: str | None = None) -> list[Finding]:
    """A report's cross-check findings, inconsistent first; optionally of one status."""
    _, records = report_records(ctx, ref)
    return [f for f in records.findings if status is None or f.status == status]
