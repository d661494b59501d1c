"""POST /reports/{id}/summary: a report summarised, every figure verified.

Written by the model from the report's facts when one is configured (`mode: generative`), else
assembled from the records (`extractive`); a model reply that fails verification gives the
extractive summary with the reason (`extractive_fallback`).
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from service import queries
from service.context import ServiceContext
from service.deps import ContextDep
from service.generative.asking import configured_model
from service.generative.summary import ReportSummary, extractive_summary, generated_summary

router = APIRouter(tags=["reports"])


def summarize_report(ctx: ServiceContext, ref: str) -> ReportSummary:
    """The summary of the report `ref` names (id, prefix or ingested path)."""
    report, records = queries.report_records(ctx, ref)
    model = configured_model(ctx)
    if model is None:
        return extractive_summary(report, records)
    return generated_summary(model, report, records)


@router.post("/reports/{report_id}/summary", response_model=ReportSummary)
async def report_summary(ctx: ContextDep, report_id: str) -> ReportSummary:
    return await run_in_threadpool(summarize_report, ctx, report_id)
