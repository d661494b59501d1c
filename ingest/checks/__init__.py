"""Cross-checks (交叉核对) of a report's own figures: totals, ratios, shares and restatements.

Checks, each citing every figure it uses:
- table_sum: a table's 合计/总计/小计 row against its direct child rows, per column (subject codes
  类/款/项 and ordinals 一、/1. give the hierarchy; "其中" rows are sub-items), and a 合计 column
  against its sibling columns, row by row;
- prose_sum: a total in prose against the items listed after it ("…2,661.83万元,其中:…");
- ratio: a stated percentage against the one its figures give: 占 (share of a whole), 执行率/
  完成率 (actual ÷ budget), 增长/下降 (change ÷ base), other 率 whose numerator and denominator
  the sentence names, and a table's 执行率 column;
- share_sum: the 占 shares of one whole, which must sum to 100%;
- repeated: one quantity stated twice with different values.

Silence is preferred to a wrong "inconsistent": where the structure is unclear (mixed numbering,
a list that may be partial, a ratio whose denominator is not named) nothing is reported.
Statuses come from the stated precision: "agrees" when the figures are equal at the precision
stated, "rounding" when the difference is within what rounding the inputs could cause (never less
than 0.01 of the stated unit or percentage point), "inconsistent" otherwise.

Each check has its module (`table_sums` with `row_sums` and `hierarchy`, `prose_sums`, `ratios`
with one module per kind of ratio, `shares`, `repeated`). They read the report through
`document.Doc` and state what they find through `findings`.
"""

from __future__ import annotations

from ingest.checks.document import build_document
from ingest.checks.prose_sums import check_prose_sums
from ingest.checks.ratios import check_ratios
from ingest.checks.repeated import check_repeated
from ingest.checks.shares import Share, check_share_sums
from ingest.checks.table_sums import check_table_sums
from ingest.models import Figure, Finding, Report

__all__ = ["check_figures"]


def check_figures(report: Report, figures: list[Figure]) -> list[Finding]:
    """Every cross-check the report's figures allow, in the order of the checks above."""
    doc = build_document(report, figures)
    shares: list[Share] = []
    findings = check_table_sums(doc)
    findings += check_prose_sums(doc)
    findings += check_ratios(doc, shares)
    findings += check_share_sums(doc, shares)
    findings += check_repeated(doc)
    return findings
