"""What answering returns: an answer, whether the reports hold it, and verified citations."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from ingest.models import Report
from ingest.sections import section_path_at

NOT_FOUND = "报告中未找到相关信息"  # the fixed refusal phrase; tests and evaluation check it

QuestionKind = Literal[
    "figure", "table", "reason", "unmet", "crosscheck", "review", "list", "unanswerable"
]


class Citation(BaseModel):
    """A passage an answer rests on: an exact span of a report's stored text."""

    report_id: str
    title: str
    section_path: list[str] = Field(default_factory=list)
    page: int | None = Field(default=None, description="1-based PDF page of the quote's start")
    start: int = Field(description="offset of the quote in the report's stored text")
    end: int
    quote: str = Field(description="exactly report.text[start:end]")


class Answer(BaseModel):
    """The reply to one question."""

    question: str
    answer: str = Field(description="short answer text, or the refusal phrase")
    answerable: bool = Field(description="False when the reports do not hold the answer")
    kind: QuestionKind = Field(description="the kind of question as understood")
    report_id: str | None = Field(default=None, description="the report the question was about")
    citations: list[Citation] = Field(
        default_factory=list, description="support for the answer; empty on refusal"
    )
    computed: list[str] = Field(
        default_factory=list,
        description="numbers the answer computed from cited figures (a sum, a recomputed ratio, a "
        "difference); every other number in the answer is in a citation",
    )
    related: list[Citation] = Field(
        default_factory=list, description="可能相关: nearest passages shown on refusal, not support"
    )
    cautions: list[str] = Field(
        default_factory=list,
        description="figures the answer states that OCR read from a scan with low confidence: "
        "check them against the original",
    )
    timings: dict[str, float] = Field(default_factory=dict, description="milliseconds per stage")


def citation_of(report: Report, start: int, end: int) -> Citation:
    """The citation of report.text[start:end]: its quote, section path and page."""
    page = next((p.number for p in report.pages if p.start <= start < p.end), None)
    return Citation(
        report_id=report.id,
        title=report.title,
        section_path=section_path_at(report.sections, start),
        page=page,
        start=start,
        end=end,
        quote=report.text[start:end],
    )
