"""Routes over stored reports: list, detail, text spans."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import Field

from ingest.checks.review import Issue
from service import queries
from service.deps import ContextDep
from service.schemas import (
    ChecksPublic,
    FiguresPublic,
    IndicatorsPublic,
    ReportDetail,
    ReportPublic,
    ReportsPublic,
    ReportTextPublic,
    UnmetPublic,
)

router = APIRouter(prefix="/reports", tags=["reports"])


class ReviewedChecksPublic(ChecksPublic):
    """The cross-checks, and the disclosure review as `reportqa check` gives it."""

    kind: str | None = Field(description="部门决算 / 部门预算 / 绩效自评报告 …, when detected")
    issues: list[Issue] = Field(description="review findings, 确定 first, each quoting its figures")
    by_severity: dict[str, int]


@router.get("", response_model=ReportsPublic)
def read_reports(ctx: ContextDep) -> ReportsPublic:
    reports = [ReportPublic.of(r) for r in queries.list_reports(ctx)]
    return ReportsPublic(data=reports, count=len(reports))


@router.get("/{report_id}", response_model=ReportDetail)
def read_report(ctx: ContextDep, report_id: str) -> ReportDetail:
    return ReportDetail.of(queries.get_report(ctx, report_id))


@router.get("/{report_id}/text", response_model=ReportTextPublic)
def read_report_text(
    ctx: ContextDep,
    report_id: str,
    start: Annotated[int, Query(ge=0)] = 0,
    end: Annotated[int | None, Query(ge=0)] = None,
) -> ReportTextPublic:
    report = queries.get_report(ctx, report_id)
    text = queries.report_text(ctx, report.id, start, end)
    return ReportTextPublic(report_id=report.id, start=start, end=start + len(text), text=text)


@router.get("/{report_id}/figures", response_model=FiguresPublic)
def read_figures(
    ctx: ContextDep,
    report_id: str,
    measure: Annotated[
        str | None, Query(min_length=1, description="keep figures whose measure holds this")
    ] = None,
    kind: Literal["amount", "percent", "count", "number"] | None = None,
) -> FiguresPublic:
    """Every number the report states, with unit, normalised value, what it measures and where."""
    report = queries.get_report(ctx, report_id)
    figures = queries.report_figures(ctx, report.id, measure, kind)
    return FiguresPublic(report_id=report.id, data=figures, count=len(figures))


@router.get("/{report_id}/indicators", response_model=IndicatorsPublic)
def read_indicators(
    ctx: ContextDep,
    report_id: str,
    status: Literal["met", "unmet", "unknown"] | None = None,
) -> IndicatorsPublic:
    """The report's performance indicators (绩效指标) as records, and the counts it states."""
    report, records = queries.report_records(ctx, report_id)
    data = [i for i in records.indicators if status is None or i.status == status]
    return IndicatorsPublic(
        report_id=report.id, data=data, count=len(data), stated_counts=records.counts
    )


@router.get("/{report_id}/unmet", response_model=UnmetPublic)
def read_unmet(ctx: ContextDep, report_id: str) -> UnmetPublic:
    """Unmet targets with target, actual and stated reason; those with no reason are named."""
    report, records = queries.report_records(ctx, report_id)
    unmet = records.unmet
    return UnmetPublic(
        report_id=report.id,
        data=unmet,
        count=len(unmet),
        unexplained=[i.name for i in unmet if not i.reason],
        count_findings=[f for f in records.findings if f.check == "unmet_count"],
    )


@router.get("/{report_id}/checks", response_model=ReviewedChecksPublic)
def read_checks(
    ctx: ContextDep,
    report_id: str,
    status: Literal["agrees", "rounding", "inconsistent"] | None = None,
    severity: Literal["确定", "疑似", "提示"] | None = None,
) -> ReviewedChecksPublic:
    """Cross-checks of the report's figures (sums, ratios, repeated figures, counts) under
    `data`, and the disclosure review (structure, placeholders, years, wording, identities,
    text against table) under `issues`, most severe first."""
    report, records = queries.report_records(ctx, report_id)
    data = [f for f in records.findings if status is None or f.status == status]
    reviewed = ctx.reviewed(report.id)
    return ReviewedChecksPublic(
        report_id=report.id,
        data=data,
        count=len(data),
        by_status=records.findings_by_status(),
        kind=reviewed.kind,
        issues=[i for i in reviewed.issues if severity is None or i.severity == severity],
        by_severity=reviewed.by_severity(),
    )
