"""The six existing cross-checks (sums, 其中 sums, ratios, shares, restatements, unmet counts) as
review issues: an inconsistent finding is certain; agreement and rounding are not issues."""

from __future__ import annotations

from ingest.checks.review.issue import Issue
from ingest.models import Finding


def arithmetic_issues(findings: list[Finding]) -> list[Issue]:
    return [
        Issue(
            family="arithmetic",
            rule=f.check,
            severity="确定",
            message=f.message,
            evidence=f.evidence,
        )
        for f in findings
        if f.status == "inconsistent"
    ]
