"""执行率/完成率: the actual against the budget, both named in the rate's clause group."""

from __future__ import annotations

import re

from ingest.checks.document import Doc, figures_between, is_change
from ingest.checks.findings import ratio_finding, rounded
from ingest.figures import decimals, sentence_start_of
from ingest.models import Figure, Finding

_BUDGET = re.compile(r"(?:年初|全年|调整后?|较)预算|预算(?:数|安排|金额|资金)?$")


def budget_ratio(doc: Doc, percent: Figure, before: str) -> Finding | None:
    """执行率/完成率 = actual ÷ budget, both named in the same clause group. When the rate names
    its budget (完成年初预算的) that one is taken; when several budgets are stated and the rate
    does not say which, it is only confirmed, never faulted."""
    group = _clause_group(doc, percent)
    amounts = [f for f in group if f.kind == "amount" and not is_change(doc, f)]
    budgets = [f for f in amounts if _BUDGET.search(f.measure) and f.value]
    actuals = [f for f in amounts if not _BUDGET.search(f.measure)]
    for word in ("年初", "全年", "调整"):
        if word in before and any(word in f.measure for f in budgets):
            budgets = [f for f in budgets if word in f.measure]
    if len(actuals) != 1:
        return None
    actual = actuals[0]
    if not budgets:
        found = _confirming_budget(doc, percent, actual, doc.prose)
    elif len(budgets) > 1:
        found = _confirming_budget(doc, percent, actual, budgets)
    else:
        found = budgets[0]
    if found is None:
        return None
    computed = 100 * actual.normalized / found.normalized
    how = f"按{actual.measure}{actual.raw}÷{found.measure}{found.raw}"
    inputs = [("分子", actual), ("分母", found)]
    return ratio_finding(percent, computed, inputs, lambda v: 100 * v[0] / v[1], how)


def _clause_group(doc: Doc, percent: Figure) -> list[Figure]:
    """The figures before the percentage in its part of the sentence (split at ; and 其中)."""
    start = sentence_start_of(doc.context, percent.position.start)
    window = doc.context[start : percent.position.start]
    cut = max(window.rfind(";"), window.rfind("；"), window.rfind("其中"))
    start += cut + 1 if cut >= 0 else 0
    return figures_between(doc, start, percent.position.start)


def _confirming_budget(
    doc: Doc, percent: Figure, actual: Figure, candidates: list[Figure]
) -> Figure | None:
    """A budget figure among `candidates` that the rate was computed from.

    Searching can only confirm: a figure is taken only if it gives the stated rate, so this
    never reports an inconsistency, and trivial rates (0%, 100%) are left alone.
    """
    if actual.value <= 0 or percent.value in (0, 100):
        return None
    places = decimals(percent.raw)
    for figure in candidates:
        if figure is actual or figure.kind != "amount" or figure.normalized <= 0:
            continue
        if not re.search(r"预算|收入|资金|到位", figure.measure) or is_change(doc, figure):
            continue
        computed = 100 * actual.normalized / figure.normalized
        if rounded(computed, places) == rounded(percent.value, places):
            return figure
    return None
