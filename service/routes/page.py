"""The web page at `/` and what only it reads: a report's tables, a PDF page as an image."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, FastAPI, Query
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from ingest.models import TableSpan
from service import queries
from service.deps import ContextDep
from service.errors import BadRequest, NotFound
from service.pdf_pages import render_page

WEB_DIR = Path(__file__).resolve().parent.parent / "web"

router = APIRouter(tags=["page"])


class TablesPublic(BaseModel):
    report_id: str
    data: list[TableSpan]
    count: int


@router.get("/", include_in_schema=False)
def index() -> FileResponse:
    # The page must never be served stale over a newer script: it is tiny, so no caching.
    return FileResponse(WEB_DIR / "index.html", headers={"Cache-Control": "no-cache"})


@router.get("/reports/{report_id}/tables", response_model=TablesPublic, tags=["reports"])
def read_tables(ctx: ContextDep, report_id: str) -> TablesPublic:
    """The report's tables, row by row, each cell as stored."""
    report = queries.get_report(ctx, report_id)
    tables = ctx.report(report.id).tables
    return TablesPublic(report_id=report.id, data=tables, count=len(tables))


@router.get(
    "/reports/{report_id}/page/{number:int}.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}, "description": "the page, quote boxed"}},
    tags=["reports"],
)
def read_page_image(
    ctx: ContextDep,
    report_id: str,
    number: int,
    start: Annotated[int | None, Query(ge=0)] = None,
    end: Annotated[int | None, Query(ge=0)] = None,
) -> Response:
    """A PDF report's page as an image, the span `start`..`end` of its text boxed (打开原文)."""
    report = queries.get_report(ctx, report_id)
    if report.format != "pdf":
        raise BadRequest(f"report '{report.id}' is {report.format}, not a PDF: it has no pages")
    source = Path(report.source_path)
    if not source.is_file():
        raise NotFound(f"the original file of report '{report.id}' is no longer at {source}")
    quote = None
    if start is not None and end is not None:
        quote = queries.report_text(ctx, report.id, start, end)
    try:
        png, boxes = render_page(source, number, quote)
    except IndexError as exc:
        raise NotFound(f"report '{report.id}' has no page {number}") from exc
    # the same file always renders the same: a report id is the hash of its bytes
    headers = {"X-Quote-Boxes": str(boxes), "Cache-Control": "max-age=86400"}
    return Response(png, media_type="image/png", headers=headers)


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
