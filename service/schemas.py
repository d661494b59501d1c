"""HTTP wire types, named by role."""

from __future__ import annotations

from pydantic import BaseModel, Field

from ingest.models import Figure, Finding, Indicator, IndicatorCount, PageSpan, Report, Section
from service.jobs import Job
from service.retrieval.hybrid import RetrievedChunk


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
        return cls.model_validate(
            report.model_dump(exclude={"text", "pages", "sections", "tables"})
        )


class ReportsPublic(BaseModel):
    data: list[ReportPublic]
    count: int


class ReportDetail(ReportPublic):
    """A report with its page spans and section tree."""

    pages: list[PageSpan]
    sections: list[Section]

    @classmethod
    def of(cls, report: Report) -> ReportDetail:
        return cls.model_validate(report.model_dump(exclude={"text", "tables"}))


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
    ingest: Job | None = Field(
        default=None, description="the first-run ingest of the bundled reports, while it is known"
    )


class FiguresPublic(BaseModel):
    report_id: str
    data: list[Figure]
    count: int


class IndicatorsPublic(BaseModel):
    """A report's performance indicators (绩效指标) and the counts it states (设定/完成 … 条)."""

    report_id: str
    data: list[Indicator]
    count: int
    stated_counts: list[IndicatorCount]


class UnmetPublic(BaseModel):
    """Unmet indicators with target, actual and reason; `unexplained` lists those with none."""

    report_id: str
    data: list[Indicator]
    count: int
    unexplained: list[str] = Field(description="names of unmet indicators with no stated reason")
    count_findings: list[Finding] = Field(
        description="the report's own counts of unmet indicators against those it explains"
    )


class ChecksPublic(BaseModel):
    """Cross-checks of a report's figures, inconsistent first."""

    report_id: str
    data: list[Finding]
    count: int
    by_status: dict[str, int]
