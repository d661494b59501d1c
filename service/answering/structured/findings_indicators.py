"""The structured path: questions answered from a report's records, not from free text.

Consistency questions ("表2合计对吗?", "项目支出前后一致吗?", "未完成的指标都说明原因了吗?") are
answered by the cross-check finding that matches them best; "哪些指标没有完成?" by the report's
unmet indicators; a question naming one indicator by its target, actual value and reason. Each
answer cites the row or sentence holding every figure it uses.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.chunking import sentence_spans
from ingest.models import Finding, Indicator, Position, Report
from ingest.segmenter import Segmenter
from service.answering.lexicon import load_lexicon
from service.answering.question import Question
from service.answering.terms import MIN_COVERAGE, coverage_of, holds_key
from service.answering.verify import normalise_number
from service.records import FINDING_ORDER, ReportRecords

_STATUS_LEAD = {
    "inconsistent": "不一致",
    "rounding": "基本一致(差异在舍入范围内)",
    "agrees": "一致",
}
_MAX_UNMET_LISTED = 30
_STATUS_SAID = {"met": "已完成", "unmet": "未完成", "unknown": "报告未明确是否完成"}
_NAME_MATCH = 0.7  # share of an indicator's name the question must repeat to be about it
_NEAR_TIE = 0.15  # coverage within this of the best finding's counts as matching as well


@dataclass(frozen=True)
class StructuredAnswer:
    """An answer text, the spans it rests on, and the numbers it computed rather than quoted."""

    report_id: str
    text: str
    spans: list[tuple[int, int]]
    computed: frozenset[str]  # normalised numbers derived from the cited figures (sums, ratios)


@dataclass(frozen=True)
class RecordWords:
    """A report's records with the words questions are matched against, segmented once."""

    report: Report
    records: ReportRecords
    findings: list[tuple[Finding, frozenset[str], frozenset[str]]]  # tokens, free tokens
    indicators: list[tuple[Indicator, list[str]]]  # the words of each indicator's name


def index_records(segmenter: Segmenter, report: Report, records: ReportRecords) -> RecordWords:
    """Segment what each finding and indicator says, so that asking never segments records."""
    findings = []
    for finding in records.findings:
        words = " ".join([finding.subject, finding.message, *_places(report, finding)])
        findings.append(
            (finding, frozenset(segmenter.tokenize(words)), frozenset(segmenter.free_tokens(words)))
        )
    indicators = [
        # Digits count whole: "11月30日" and "9月30日" name different indicators.
        (i, [w for w in segmenter.free_tokens(i.name) if len(w) >= 2 or w.isdigit()])
        for i in records.indicators
    ]
    return RecordWords(report, records, findings, indicators)


def answer_from_findings(question: Question, indexed: list[RecordWords]) -> StructuredAnswer | None:
    """The finding that matches the question best, stated with its verdict; None if none fits."""
    terms = question.terms
    if not terms.weights:
        return None
    matched: list[tuple[float, Report, Finding]] = []
    for entry in indexed:
        report = entry.report
        for finding, tokens, free in entry.findings:
            coverage = coverage_of(terms, tokens, free, frozenset())
            if coverage >= MIN_COVERAGE and holds_key(terms, free):
                matched.append((coverage, report, finding))
    if not matched:
        return None
    # Among findings that match nearly as well as the best, a disagreement is what an evaluator
    # asking "一致吗?" needs to hear; agreement is reported only when nothing close disagrees.
    top = max(coverage for coverage, _, _ in matched)
    close = [m for m in matched if m[0] >= top - _NEAR_TIE]
    _, report, finding = min(close, key=lambda m: (FINDING_ORDER[m[2].status], -m[0]))
    # The stated figure leads (it is what the question names); what it is checked against follows.
    evidence = sorted(finding.evidence, key=lambda e: e.value != finding.stated)
    spans = _dedupe([enclosing_span(report, e.position) for e in evidence])
    return StructuredAnswer(
        report.id,
        f"{_STATUS_LEAD[finding.status]}:{finding.message}",
        spans,
        derived_numbers(finding),
    )


def answer_from_indicators(
    question: Question, indexed: list[RecordWords]
) -> StructuredAnswer | None:
    """A question that names an indicator ("人民监督员专项业务培训完成了吗?") gets its target,
    actual value, whether it was met, and the stated reason."""
    asked = question.free_words
    best: tuple[float, Report, Indicator] | None = None
    for entry in indexed:
        report = entry.report
        for indicator, named in entry.indicators:
            if not named:
                continue
            share = sum(len(w) for w in named if w in asked) / sum(len(w) for w in named)
            if share >= _NAME_MATCH and (best is None or share > best[0]):
                best = (share, report, indicator)
    if best is None:
        return None
    _, report, indicator = best
    facts = [f"目标值{indicator.target_raw}" if indicator.target_raw else "", ""]
    if indicator.actual_raw:
        facts[1] = f"实际完成{indicator.actual_raw}"
    # a form's row also weighs and scores the indicator: asked about it, the asker wants both
    if indicator.weight is not None:
        facts.append(f"权重{indicator.weight:g}")
    if indicator.score is not None:
        facts.append(f"得分{indicator.score:g}")
    verdict = _STATUS_SAID[indicator.status]
    reason = f";原因:{indicator.reason}" if indicator.reason else ""
    if indicator.status == "unmet" and not indicator.reason:
        reason = ";报告未说明原因"
    stated = ",".join(f for f in facts if f)
    text = f"{indicator.name}:" + (f"{stated}," if stated else "") + verdict + reason + "。"
    spans = [enclosing_span(report, indicator.position)]
    if indicator.reason_position is not None:
        spans.append(enclosing_span(report, indicator.reason_position))
    return StructuredAnswer(report.id, text, _dedupe(spans), frozenset())


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


def _places(report: Report, finding: Finding) -> list[str]:
    """Where a finding's figures stand: their section titles and table titles, each once."""
    places: list[str] = []
    for evidence in finding.evidence:
        where = evidence.position
        titles = [where.section_path[-1]] if where.section_path else []
        titles += [t.title for t in report.tables if t.title and t.start <= where.start < t.end]
        places += [t for t in titles if t not in places]
    return places


def _dedupe(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans in the order given, each once, a span inside an earlier one dropped."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if any(s <= start and end <= e for s, e in out):
            continue
        out = [(s, e) for s, e in out if not (start <= s and e <= end)]
        out.append((start, end))
    return out


def asks_for_a_list(question: Question) -> bool:
    return bool(load_lexicon().asks_list.search(question.text))
