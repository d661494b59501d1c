"""Quoted spans of a report's text, joined where they touch."""

from __future__ import annotations

from collections.abc import Sequence

Span = tuple[str, int, int]  # report id, start, end in its stored text


def joined_spans(spans: Sequence[Span], text_of: dict[str, str]) -> list[Span]:
    """The spans in text order, with each run that overlaps or is separated only by white space
    made one: two adjacent sentences that answer two parts of a question are one quote of the
    report, as a reader would cite them."""
    out: list[Span] = []
    for report_id, start, end in sorted(spans):
        if out:
            last_id, last_start, last_end = out[-1]
            gap = text_of[report_id][last_end:start] if start > last_end else ""
            if last_id == report_id and (start <= last_end or not gap.strip()):
                out[-1] = (report_id, last_start, max(last_end, end))
                continue
        out.append((report_id, start, end))
    return out
