"""Wording against numbers (表述与数字): "决算数大于/小于/等于预算数" against the budget and actual
figures it follows, and 增加/减少 against two figures of different years in its sentence."""

from __future__ import annotations

import re
from typing import Any

from ingest.checks.document import Doc, clause_before, figures_between
from ingest.checks.review.context import Review
from ingest.checks.review.issue import Issue, Severity
from ingest.checks.review.vocabulary import vocabulary
from ingest.figures import sentence_start_of
from ingest.models import Figure

_YEAR = re.compile(r"(\d{4})\s*年")


def check_wording(review: Review) -> list[Issue]:
    return _actual_vs_budget(review) + _change_direction(review)


def _actual_vs_budget(review: Review) -> list[Issue]:
    words = vocabulary().wording
    doc = review.doc
    budget_before, actual_before = (
        re.compile(words["budget_figure"]),
        re.compile(words["actual_figure"]),
    )
    issues = []
    for match in re.finditer(words["actual_vs_budget"], doc.context):
        window = _sentences_back(doc, match.start(), 3)
        amounts = [f for f in figures_between(doc, window, match.start()) if f.kind == "amount"]
        # The budget the phrase names (年初/调整/全年), else the last one stated (an adjusted
        # or full-year budget is stated after the initial one and is what "预算数" means).
        named = re.search(r"年初|调整|全年", match.group(0))
        budgets = [
            (i, f)
            for i, f in enumerate(amounts)
            if budget_before.search(clause_before(doc, f))
            and (named is None or named.group(0) in clause_before(doc, f))
        ]
        if not budgets:
            continue
        actual = next(
            (
                f
                for f in amounts[budgets[0][0] + 1 :]
                if actual_before.search(clause_before(doc, f))
            ),
            None,
        )
        if actual is None:
            continue
        word = match.group("cmp") or match.group("flat")
        budget = budgets[-1]
        verdict = _contradiction(word, budget[1].normalized, actual.normalized, words)
        if verdict is None:
            continue
        severity, truth = verdict
        issues.append(
            Issue(
                family="wording",
                rule="actual_vs_budget",
                severity=severity,
                message=f"文中称“{match.group(0)}”,但预算数{budget[1].raw}、决算数{actual.raw},"
                f"决算数{truth}预算数。",
                evidence=[
                    review.cite("表述", match.start(), match.end()),
                    review.cite("预算数", *_span(budget[1]), budget[1].value),
                    review.cite("决算数", *_span(actual), actual.value),
                ],
            )
        )
    return issues


def _contradiction(
    word: str, budget: float, actual: float, words: dict[str, Any]
) -> tuple[Severity, str] | None:
    """How sure a direction word is wrong, and what the figures say; None when it holds."""
    truth = "大于" if actual > budget else "小于" if actual < budget else "等于"
    gap = abs(actual - budget)
    if any(w in word for w in words["equal"]):
        if gap < 0.005:
            return None
        share = gap / budget if budget else 1.0
        if "基本" in word and share <= float(words["roughly_equal_share"]):
            return None
        return ("确定" if share > float(words["roughly_equal_share"]) else "疑似"), truth
    if any(w in word for w in words["greater"]):
        return None if actual > budget else ("确定", truth)
    if any(w in word for w in words["less"]):
        return None if actual < budget else ("确定", truth)
    return None


def _change_direction(review: Review) -> list[Issue]:
    """ "2025年…为A,2026年…B,比2025年…减少p%": the verb against B − A."""
    words = vocabulary().wording
    verbs = "|".join(words["rise"] + words["fall"])
    doc = review.doc
    issues = []
    for match in re.finditer(rf"(?:比|较)[^,,。;;]{{0,20}}?(?P<verb>{verbs})", doc.context):
        start = sentence_start_of(doc.context, match.start())
        amounts = [
            (f, y)
            for f in figures_between(doc, start, match.start())
            if f.kind == "amount" and f.comparison is None
            for y in [_figure_year(doc, f)]
            if y is not None
        ]
        if len(amounts) != 2 or amounts[0][1] >= amounts[1][1]:
            continue
        (base, _), (current, _) = amounts
        verb = match.group("verb")
        rises = verb in words["rise"]
        if current.normalized == base.normalized or (current.normalized > base.normalized) == rises:
            continue
        truth = "增加" if current.normalized > base.normalized else "减少"
        issues.append(
            Issue(
                family="wording",
                rule="change_direction",
                severity="确定",
                message=f"文中称“{verb}”,但{base.raw}到{current.raw}是{truth}。",
                evidence=[
                    review.cite("表述", match.start("verb"), match.end("verb")),
                    review.cite("基数", *_span(base), base.value),
                    review.cite("本期数", *_span(current), current.value),
                ],
            )
        )
    return issues


def _figure_year(doc: Doc, figure: Figure) -> int | None:
    """The year stated in the clause right before a figure ("2025年当年预算执行数为")."""
    years = _YEAR.findall(clause_before(doc, figure))
    return int(years[-1]) if years else None


def _sentences_back(doc: Doc, at: int, count: int) -> int:
    start = at
    for _ in range(count):
        start = sentence_start_of(doc.context, max(start - 1, 0))
    return start


def _span(figure: Figure) -> tuple[int, int]:
    return figure.position.start, figure.position.end
