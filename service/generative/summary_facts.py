"""The facts a report summary rests on, from its records: budget, spending, execution rate,
unmet targets with their reasons, inconsistent cross-checks — each with the span it quotes.

Pure: a report and its records in, facts out. Which figures count as budget or spending is data
(`data/summary.toml`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ingest.figures.prose import sentence_end_of, sentence_start_of
from ingest.models import Figure, Finding, Indicator, Report
from service.answering.verify import numbers_in
from service.records import ReportRecords

_DATA = Path(__file__).resolve().parent / "data" / "summary.toml"


@dataclass(frozen=True)
class Fact:
    """One statement of a summary: its topic, its text, the spans of the report it quotes, and
    numbers it computed from them (a cross-check's sum), which no span states."""

    topic: str
    label: str
    text: str
    spans: tuple[tuple[int, int], ...]
    computed: frozenset[str] = frozenset()


@cache
def _vocabulary() -> dict[str, Any]:
    return tomllib.loads(_DATA.read_text(encoding="utf-8"))


def _line_or_sentence(text: str, figure: Figure) -> tuple[int, int]:
    """The span a figure is quoted in: its table row (a line), or its sentence."""
    start, end = figure.position.start, figure.position.end
    if figure.in_table:
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        return line_start, len(text) if line_end < 0 else line_end
    return sentence_start_of(text, start), sentence_end_of(text, end)


def figure_facts(report: Report, figures: list[Figure]) -> list[Fact]:
    """The first budget, spending and execution-rate figures, each quoted in its sentence."""
    facts = []
    ordered = sorted(figures, key=lambda f: (f.in_table, f.position.start))
    for topic in _vocabulary()["topic"]:
        pattern = re.compile(topic["measure"])
        found = next(
            (f for f in ordered if f.kind == topic["kind"] and pattern.search(f.measure)), None
        )
        if found is None:
            continue
        start, end = _line_or_sentence(report.text, found)
        quote = report.text[start:end].strip()
        offset = report.text.index(quote, start)
        facts.append(Fact(topic["name"], topic["label"], quote, ((offset, offset + len(quote)),)))
    return facts


def unmet_fact(report: Report, indicator: Indicator) -> Fact:
    """An unmet target: its name, target and actual as written, and its stated reason or none."""
    parts = [indicator.name]
    if indicator.target_raw:
        parts.append(f"目标{indicator.target_raw}")
    if indicator.actual_raw:
        parts.append(f"实际{indicator.actual_raw}")
    reason = f"原因:{indicator.reason}" if indicator.reason else "报告未说明原因"
    spans = [(indicator.position.start, indicator.position.end)]
    if indicator.reason_position is not None:
        spans.append((indicator.reason_position.start, indicator.reason_position.end))
    return Fact("unmet", "未完成目标", ",".join(parts) + ";" + reason + "。", tuple(spans))


def finding_fact(finding: Finding, quoted: set[str], numbers: set[str]) -> Fact:
    """An inconsistent cross-check: its message, citing every figure it uses."""
    spans = tuple((e.position.start, e.position.end) for e in finding.evidence)
    return Fact("finding", "核对发现", finding.message, spans, frozenset(numbers - quoted))


def summary_facts(report: Report, records: ReportRecords) -> list[Fact]:
    """Every fact of the summary, in the order it is told."""
    limits = _vocabulary()["limits"]
    facts = figure_facts(report, records.figures)
    facts += [unmet_fact(report, i) for i in records.unmet[: limits["unmet"]]]
    inconsistent = [f for f in records.findings if f.status == "inconsistent"]
    for finding in inconsistent[: limits["findings"]]:
        quoted = set().union(
            *(numbers_in(report.text[e.position.start : e.position.end]) for e in finding.evidence)
        )
        facts.append(finding_fact(finding, quoted, numbers_in(finding.message)))
    return facts
