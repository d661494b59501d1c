"""Disclosure review (公开审核) of a 部门/单位预算、决算 or 绩效自评报告 at a reviewer's breadth.

The report's kind is read from its title and cover, its standard tables are found by title
(`layout`), and each family of checks states `Issue`s, each certain (确定), suspected (疑似) or
a note (提示), citing every phrase and figure it rests on:

- structure: standard tables missing or out of order, contents entries without a body and
  top-level parts of the body without a contents entry, empty
  tables without the "本表无数据" note;
- text: placeholders left in, the unit's name written otherwise, doubled punctuation, words
  written twice, a total stated as 0, a share over 100%, a change figure without its unit, both
  directions left in (下降(增长)), a garbled comparison period (较上一度);
- years: headings, table titles and 截至 dates against the report's year;
- wording: 大于/小于/等于/持平 and 增加/减少 against the figures they describe, a stated reason
  against the direction it explains, a stated change against last year's figure stated elsewhere;
- identity: accounting identities within the standard tables and ties between them;
- text_table: a 说明 figure against the cell it describes (a blank cell included);
- arithmetic: the existing cross-checks (`ingest.checks`) that found an inconsistency.

Vocabulary (kinds, tables and aliases, identities, statements, word patterns) is data, in
`data/template.toml`. Silence is preferred to a false alarm: a table, row or column that cannot
be told apart is skipped, never guessed.
"""

from __future__ import annotations

from ingest.checks.document import build_document
from ingest.checks.review.arithmetic import arithmetic_issues
from ingest.checks.review.blanks import check_blanks
from ingest.checks.review.context import Review
from ingest.checks.review.economic import check_economic
from ingest.checks.review.identities import check_identities
from ingest.checks.review.issue import FAMILY_NAMES, Family, Issue, Severity, sort_issues
from ingest.checks.review.kind import detect_kind
from ingest.checks.review.layout import Layout, read_layout
from ingest.checks.review.reasons import check_reasons
from ingest.checks.review.structure import check_structure
from ingest.checks.review.text import check_text
from ingest.checks.review.text_table import check_text_table
from ingest.checks.review.wording import check_wording
from ingest.checks.review.years import check_years
from ingest.models import Figure, Finding, Report

__all__ = [
    "FAMILY_NAMES",
    "Family",
    "Issue",
    "Layout",
    "Severity",
    "detect_kind",
    "review_report",
]


def review_report(report: Report, figures: list[Figure], findings: list[Finding]) -> list[Issue]:
    """Every review issue of the report, most severe first. `findings` are the existing
    cross-checks' (`ingest.checks.check_figures` and the unmet counts)."""
    doc = build_document(report, figures)
    review = Review(doc, read_layout(doc))
    issues = (
        check_structure(review)
        + check_text(review)
        + check_years(review)
        + check_wording(review)
        + check_reasons(review)
        + check_identities(review)
        + check_economic(review)
        + check_blanks(review)
        + check_text_table(review)
    )
    issues += _not_restated(arithmetic_issues(findings), issues)
    return sort_issues(issues)


def _not_restated(old: list[Issue], new: list[Issue]) -> list[Issue]:
    """The existing checks' issues less those a new family states on the same figures."""
    cited = {e.position.start for i in new for e in i.evidence}
    return [i for i in old if not all(e.position.start in cited for e in i.evidence)]
