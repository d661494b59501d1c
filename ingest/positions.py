"""Turn an offset span of a report's stored text into a `Position` (page and section path)."""

from __future__ import annotations

import bisect

from ingest.models import Position, Report
from ingest.sections import section_path_at


class Locator:
    """Finds the page and section of offsets in one report; built once per report."""

    def __init__(self, report: Report) -> None:
        self._report = report
        numbered = [p for p in report.pages if p.number is not None]
        self._page_starts = [p.start for p in numbered]
        self._page_numbers = [p.number for p in numbered]

    def page_at(self, offset: int) -> int | None:
        index = bisect.bisect_right(self._page_starts, offset) - 1
        if not self._page_numbers:
            return None
        return self._page_numbers[max(index, 0)]

    def position(self, start: int, end: int) -> Position:
        return Position(
            report_id=self._report.id,
            start=start,
            end=end,
            page=self.page_at(start),
            section_path=section_path_at(self._report.sections, start),
        )
