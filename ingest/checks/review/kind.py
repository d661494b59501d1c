"""Which kind of report this is (部门决算, 单位预算, 绩效自评报告 …), from its title, else its
cover and contents; and the family of standard tables the kind has."""

from __future__ import annotations

from ingest.checks.review.vocabulary import vocabulary
from ingest.models import Report

# The cover and contents lie in the first characters of the text.
COVER_CHARS = 600


def detect_kind(report: Report) -> str | None:
    """The report's kind by the first pattern that its title, else its cover, holds."""
    kinds = vocabulary().kinds
    for where in (report.title, report.text[:COVER_CHARS]):
        for kind in kinds:
            if any(p.search(where) for p in kind.patterns):
                return kind.name
    return None


def table_family(kind: str | None) -> str | None:
    """决算 or 预算: whose standard tables the kind has; None for performance reports."""
    return vocabulary().families.get(kind or "")
