""" "这份决算有什么问题?": the disclosure review's issues as an answer, most severe first, each
citing the quotes it rests on."""

from __future__ import annotations

from collections import Counter

from ingest.checks.review import Issue
from ingest.checks.review.issue import SEVERITY_ORDER, sort_issues
from service.answering.structured.findings_indicators import StructuredAnswer
from service.answering.verify import numbers_in

REVIEW_LIMIT = 5  # issues stated in an answer; the rest are counted (the checks route lists all)


def review_answer(
    report_id: str, issues: list[Issue], limit: int = REVIEW_LIMIT
) -> StructuredAnswer | None:
    """The report's review issues as one answer, or None when the review raised none (the
    answerer then says nothing was found rather than that the report is clean)."""
    ordered = sort_issues(issues)
    if not ordered:
        return None
    counts: Counter[str] = Counter(i.severity for i in ordered)
    summary = "、".join(f"{s}{counts[s]}条" for s in SEVERITY_ORDER if counts[s])
    lines = [f"审核发现{len(ordered)}处问题({summary})。"]
    shown = ordered[:limit]
    lines += [f"{n}. [{i.severity}] {i.message}" for n, i in enumerate(shown, start=1)]
    if len(ordered) > limit:
        lines.append(f"另有{len(ordered) - limit}处,见报告的审核结果。")
    text = "\n".join(lines)
    spans = sorted({(e.position.start, e.position.end) for i in shown for e in i.evidence})
    quoted = {n for i in shown for e in i.evidence for n in numbers_in(e.quote)}
    # counts, ordinals and what a check computed from the quoted figures (a sum, a difference)
    return StructuredAnswer(report_id, text, spans, frozenset(numbers_in(text) - quoted))
