"""The web page at `/` and what only it reads: a report's tables, a PDF page as an image."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from ingest.models import TableSpan
from service import queries
from service.deps import ContextDep

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


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
