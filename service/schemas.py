"""HTTP wire types, named by role."""

from __future__ import annotations

from pydantic import BaseModel, Field

from ingest.models import PageSpan, Report, Section
from service.retrieval import RetrievedChunk


class ReportPublic(BaseModel):
    """A report as listed: identity and provenance, no text."""

    id: str
    title: str
    file_name: str
    source_path: str
    format: str
    publisher: str | None
    year: int | None
    page_count: int
    chunk_count: int
    char_count: int
    ingested_at: str

    @classmethod
    def of(cls, report: Report) -> ReportPublic:
        return cls.model_validate(report.model_dump(exclude={"text", "pages", "sections"}))


class ReportsPublic(BaseModel):
    data: list[ReportPublic]
    count: int


class ReportDetail(ReportPublic):
    """A report with its page spans and section tree."""

    pages: list[PageSpan]
    sections: list[Section]

    @classmethod
    def of(cls, report: Report) -> ReportDetail:
        return cls.model_validate(report.model_dump(exclude={"text"}))


class ReportTextPublic(BaseModel):
    report_id: str
    start: int
    end: int
    text: str


class SearchResults(BaseModel):
    query: str
    data: list[RetrievedChunk]
    count: int


class Health(BaseModel):
    status: str = Field(description="'ok' when the store answers")
    reports: int
    chunks: int
    embedding_model: str
    collection: str
