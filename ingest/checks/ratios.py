"""ratio: a stated percentage against the one its figures give.

The words right before the percentage say which ratio it is: 占 a share of a whole (`shares`),
执行率/完成率 actual ÷ budget (`budget_ratios`), 增长/下降 a change ÷ its base (`growth_ratios`),
another 率 whose numerator and denominator the sentence names (`named_ratios`). A table's
执行率 column is checked row by row (`table_ratios`).
"""

from __future__ import annotations

import re

from ingest.checks.budget_ratios import budget_ratio
from ingest.checks.document import CHANGE, Doc, clause_before
from ingest.checks.growth_ratios import growth_ratio
from ingest.checks.named_ratios import named_ratio
from ingest.checks.shares import Share, share_ratio
from ingest.checks.table_ratios import table_ratios
from ingest.models import Finding


def check_ratios(doc: Doc, shares: list[Share]) -> list[Finding]:
    """ratio findings of the prose percentages and the tables' rate columns; each share
    checked is added to `shares`, for `check_share_sums`."""
    findings: list[Finding] = []
    for percent in doc.prose:
        if percent.kind != "percent" or percent.comparison is not None:
            continue
        before = clause_before(doc, percent)
        finding: Finding | None
        if re.search(r"占", before):
            finding = share_ratio(doc, percent, before, shares)
        elif re.search(r"(?:完成|执行|控制)率|执行进度|完成(?:年初|全年)?预算", before):
            finding = budget_ratio(doc, percent, before)
        elif CHANGE.search(before):
            finding = growth_ratio(doc, percent, before)
        elif re.search(r"率(?:为|达|是)?$", before):
            finding = named_ratio(doc, percent, before)
        else:
            finding = None
        if finding is not None:
            findings.append(finding)
    for view in doc.tables:
        findings += table_ratios(doc, view)
    return findings
