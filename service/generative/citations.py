"""A citation of a span of a stored report: its quote, section path and page, read from it."""

from __future__ import annotations

from ingest.models import Report
from ingest.sections import section_path_at
from service.answering.answer import Citation


def citation_of(report: Report, start: int, end: int) -> Citation:
    """The citation of report.text[start:end]."""
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
