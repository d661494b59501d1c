"""The structured path: questions answered from a report's records, not from free text.

Consistency questions ("表2合计对吗?", "项目支出前后一致吗?", "未完成的指标都说明原因了吗?") are
answered by the cross-check finding that matches them best; "哪些指标没有完成?" by the report's
unmet indicators. Each answer cites the row or sentence holding every figure it uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.chunking import sentence_spans
from ingest.models import Finding, Indicator, Position, Report
from ingest.segmenter import Segmenter
from service.records import ReportRecords
from service.terms import MIN_COVERAGE, coverage_of, holds_key, question_terms
from service.verify import normalise_number

_STATUS_LEAD = {
    "inconsistent": "不一致",
    "rounding": "基本一致(差异在舍入范围内)",
    "agrees": "一致",
}
_MAX_UNMET_LISTED = 30


@dataclass(frozen=True)
class StructuredAnswer:
    """An answer text, the spans it rests on, and the numbers it computed rather than quoted."""

    report_id: str
    text: str
    spans: list[tuple[int, int]]
    computed: frozenset[str]  # normalised numbers derived from the cited figures (sums, ratios)


def answer_from_findings(
    segmenter: Segmenter, question: str, records: list[tuple[Report, ReportRecords]]
) -> StructuredAnswer | None:
    """The finding that matches the question best, stated with its verdict; None if none fits."""
    terms = question_terms(segmenter, question, [report for report, _ in records])
    if not terms.weights:
        return None
    best: tuple[float, Report, Finding] | None = None
    for report, found in records:
        for finding in found.findings:
            words = " ".join([finding.subject, finding.message, *_section_words(finding)])
            tokens = frozenset(segmenter.tokenize(words))
            free = frozenset(segmenter.free_tokens(words))
            coverage = coverage_of(terms, tokens, free, frozenset())
            if coverage < MIN_COVERAGE or not holds_key(terms, free):
                continue
            if best is None or coverage > best[0]:
                best = (coverage, report, finding)
    if best is None:
        return None
    _, report, finding = best
    # The stated figure leads (it is what the question names); what it is checked against follows.
    evidence = sorted(finding.evidence, key=lambda e: e.value != finding.stated)
    spans = _dedupe([enclosing_span(report, e.position) for e in evidence])
    return StructuredAnswer(
        report.id,
        f"{_STATUS_LEAD[finding.status]}:{finding.message}",
        spans,
        derived_numbers(finding),
    )


def answer_unmet_list(report: Report, unmet: list[Indicator]) -> StructuredAnswer | None:
    """The report's unmet indicators with target, actual and stated reason (or that none is)."""
    if not unmet:
        return None
    lines = []
    spans = []
    for indicator in unmet[:_MAX_UNMET_LISTED]:
        target = f"目标{indicator.target_raw}" if indicator.target_raw else ""
        actual = f"实际{indicator.actual_raw}" if indicator.actual_raw else ""
        figures = ",".join(part for part in (target, actual) if part)
        reason = f";原因:{indicator.reason}" if indicator.reason else ";报告未说明原因"
        lines.append(f"—{indicator.name}" + (f"({figures})" if figures else "") + reason + "。")
        spans.append(enclosing_span(report, indicator.position))
        if indicator.reason_position is not None:
            spans.append(enclosing_span(report, indicator.reason_position))
    text = "报告中未完成的绩效指标:\n" + "\n".join(lines)
    return StructuredAnswer(report.id, text, _dedupe(spans), frozenset())


def enclosing_span(report: Report, position: Position) -> tuple[int, int]:
    """The table row or sentence holding a position: a quote a reader can check on its own."""
    for table in report.tables:
        if table.start <= position.start < table.end:
            for row in table.rows:
                if row.start <= position.start < row.end:
                    return row.start, max(row.end, min(position.end, table.end))
    line_start = report.text.rfind("\n", 0, position.start) + 1
    line_end = report.text.find("\n", position.start)
    line_end = len(report.text) if line_end < 0 else line_end
    for start, end in sentence_spans(report.text, line_start, line_end):
        if start <= position.start < end:
            return start, max(end, position.end)
    return position.start, position.end


def derived_numbers(finding: Finding) -> frozenset[str]:
    """The numbers a finding computed (a sum, a ratio, a difference), as an answer writes them."""
    out: set[str] = set()
    # `stated` too: a count of unmet indicators is itself a difference of two quoted counts.
    for value in (finding.stated, finding.computed, finding.difference):
        if value is None:
            continue
        for rounded in (round(value, 2), round(abs(value), 2), round(value, 4)):
            out.add(normalise_number(f"{rounded:f}"))
    return frozenset(out)


def _section_words(finding: Finding) -> list[str]:
    return [e.position.section_path[-1] for e in finding.evidence if e.position.section_path][:1]


def _dedupe(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans in the order given, each once, a span inside an earlier one dropped."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if any(s <= start and end <= e for s, e in out):
            continue
        out = [(s, e) for s, e in out if not (start <= s and e <= end)]
        out.append((start, end))
    return out


def asks_for_a_list(question: str) -> bool:
    return bool(re.search(r"哪些|哪几|有什么|列出", question))
