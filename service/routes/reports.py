"""Routes over stored reports: list, detail, text spans."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from service import queries
from service.deps import ContextDep
from service.schemas import ReportDetail, ReportPublic, ReportsPublic, ReportTextPublic

router = APIRouter(prefix="/reports", tags=["reports"])


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
