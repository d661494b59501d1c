"""Search and health routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from service import queries
from service.deps import ContextDep
from service.schemas import Health, SearchResults

router = APIRouter(tags=["search"])


@router.get("/search", response_model=SearchResults)
def search(
    ctx: ContextDep,
    q: Annotated[str, Query(min_length=1, description="the query, in Chinese")],
    top_k: Annotated[int, Query(ge=1, le=50)] = 5,
    report: Annotated[str | None, Query(description="limit to one report id")] = None,
) -> SearchResults:
    hits = queries.search_chunks(ctx, q, top_k=top_k, report=report)
    return SearchResults(query=q, data=hits, count=len(hits))


@router.get("/health", response_model=Health)
def health(ctx: ContextDep, request: Request) -> Health:
    ingest = ctx.settings.ingest
    jobs = getattr(request.app.state, "jobs", None)
    return Health(
        status="ok",
        reports=len(ctx.store.report_ids()),
        chunks=ctx.store.count_chunks(),
        embedding_model=ingest.embedding_model,
        collection=ingest.collection_name,
        ingest=jobs.first_run() if jobs is not None else None,
    )
