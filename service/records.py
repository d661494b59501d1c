"""A report's structured records: figures, indicators, stated counts, unmet targets, findings.

They are derived from the stored report (its text and tables), computed once per report id and
cached: a report id is a hash of the file's bytes, so the records of an id never go stale.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.checks import check_figures
from ingest.figures import extract_figures
from ingest.indicators import (
    extract_indicator_counts,
    extract_indicators,
    unmet_count_findings,
    unmet_indicators,
)
from ingest.models import Figure, Finding, Indicator, IndicatorCount, Report

FINDING_ORDER = {"inconsistent": 0, "rounding": 1, "agrees": 2}


@dataclass(frozen=True)
class ReportRecords:
    """Everything structured that one report states, and the cross-checks of its figures."""

    report_id: str
    figures: list[Figure] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    counts: list[IndicatorCount] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def unmet(self) -> list[Indicator]:
        return unmet_indicators(self.indicators)

    def findings_by_status(self) -> dict[str, int]:
        counted = dict.fromkeys(FINDING_ORDER, 0)
        for finding in self.findings:
            counted[finding.status] += 1
        return counted


def build_records(report: Report) -> ReportRecords:
    """Extract and check one report's records (pure: the report in, records out)."""
    figures = extract_figures(report)
    indicators = extract_indicators(report)
    counts = extract_indicator_counts(report)
    findings = check_figures(report, figures) + unmet_count_findings(report, indicators, counts)
    findings.sort(key=lambda f: (FINDING_ORDER[f.status], _first_offset(f)))
    return ReportRecords(report.id, figures, indicators, counts, findings)


def _first_offset(finding: Finding) -> int:
    return min((e.position.start for e in finding.evidence), default=0)
