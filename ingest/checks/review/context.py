"""What every review family reads: the checks' `Doc` and the report's `Layout`, built once."""

from __future__ import annotations

import bisect
import re
from functools import cached_property

from ingest.checks.document import Doc
from ingest.checks.review.issue import quote
from ingest.checks.review.layout import Layout, Line
from ingest.models import Evidence

# A 说明 part's heading: "一、收入决算情况说明" (section detection may fold these into others).
_PART_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+、[^\t]{2,60}")


class Review:
    """The checks' `Doc` and the report's `Layout`, with what several families ask of them."""

    def __init__(self, doc: Doc, layout: Layout) -> None:
        self.doc = doc
        self.layout = layout

    @cached_property
    def _headings(self) -> tuple[list[int], list[str]]:
        starts, titles = [], []
        offset = 0
        for line in self.doc.text.split("\n"):
            match = _PART_HEADING.match(line)
            if match and offset >= self.layout.contents_end:
                starts.append(offset)
                titles.append(match.group(0).strip())
            offset += len(line) + 1
        return starts, titles

    def heading_before(self, offset: int) -> str:
        """The nearest "一、…" heading before an offset, "" when none."""
        starts, titles = self._headings
        index = bisect.bisect_right(starts, offset) - 1
        return titles[index] if index >= 0 else ""

    @property
    def text(self) -> str:
        return self.doc.text

    @property
    def year(self) -> int | None:
        return self.doc.report.year

    def cite(self, role: str, start: int, end: int, value: float | None = None) -> Evidence:
        return quote(self.doc.text, self.doc.locator, role, start, end, value)

    def cite_line(self, role: str, line: Line) -> Evidence:
        return self.cite(role, line.start, line.end)

    def in_table(self, offset: int) -> bool:
        """Whether an offset lies in a table row (tables are not prose)."""
        return any(t.start <= offset < t.end for t in self.doc.report.tables)

    def in_contents(self, offset: int) -> bool:
        return bool(self.layout.contents) and offset < self.layout.contents_end
