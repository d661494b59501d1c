"""The unmet_count cross-check: unmet indicators by the stated counts against those explained.

The stated counts (设定139条,完成131条) give how many indicators were not met, in total and per
category; the indicators listed as unmet, and those of them with a stated reason, must agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ingest.indicators.counts import CountHit, CountRole, count_hits_by_sentence
from ingest.indicators.labels import TOTAL_CATEGORY, category_of
from ingest.indicators.status import unmet_indicators
from ingest.indicators.values import plain_text
from ingest.models import Evidence, Finding, Indicator, IndicatorCount, Report
from ingest.positions import Locator


@dataclass
class _Tally:
    """One category's stated figures, each with the clause that states it."""

    figures: dict[CountRole, CountHit] = field(default_factory=dict)

    def get(self, role: CountRole) -> int | None:
        hit = self.figures.get(role)
        return hit.value if hit else None

    def unmet(self) -> int | None:
        stated, set_, met = self.get("unmet"), self.get("set"), self.get("met")
        if stated is not None:
            return stated
        return set_ - met if set_ is not None and met is not None else None


def unmet_count_findings(
    report: Report, indicators: list[Indicator], counts: list[IndicatorCount]
) -> list[Finding]:
    """The unmet_count cross-check: unmet indicators by the stated counts vs those explained."""
    tallies = _tallies(report.text, counts)
    total = tallies.get(TOTAL_CATEGORY)
    stated = total.unmet() if total else None
    if total is None or stated is None:
        return []
    unmet = _distinct(unmet_indicators(indicators))
    explained = [i for i in unmet if i.reason]
    gaps = _category_gaps(tallies, explained)
    agrees = stated == len(explained) == len(unmet) and not gaps
    locator = Locator(report)
    evidence = _count_evidence(report.text, tallies, locator) + _indicator_evidence(
        report.text, unmet
    )
    return [
        Finding(
            check="unmet_count",
            status="agrees" if agrees else "inconsistent",
            subject="未完成绩效指标条数与说明原因的条数",
            stated=float(stated),
            computed=float(len(explained)),
            difference=float(stated - len(explained)),
            unit="条",
            message=_unmet_message(total, stated, explained, unmet, gaps),
            evidence=evidence,
        )
    ]


def _tallies(text: str, counts: list[IndicatorCount]) -> dict[str, _Tally]:
    """Per category, the first stated figure of each role, from the clauses `counts` came from."""
    spans = [(count.position.start, count.position.end) for count in counts]
    tallies: dict[str, _Tally] = {}
    for hits in count_hits_by_sentence(text):
        for hit in hits:
            if any(start <= hit.start and hit.end <= end for start, end in spans):
                tallies.setdefault(hit.category, _Tally()).figures.setdefault(hit.role, hit)
    _prefer_paired_total(text, tallies, spans)
    return tallies


def _prefer_paired_total(
    text: str, tallies: dict[str, _Tally], spans: list[tuple[int, int]]
) -> None:
    """A total stated as a pair in one sentence (设定139条,完成131条) outweighs a lone one."""
    for hits in count_hits_by_sentence(text):
        totals = {h.role: h for h in hits if h.category == TOTAL_CATEGORY}
        inside = all(any(s <= h.start and h.end <= e for s, e in spans) for h in totals.values())
        if "set" in totals and ("met" in totals or "unmet" in totals) and inside:
            tallies[TOTAL_CATEGORY] = _Tally(dict(totals))
            return


def _distinct(indicators: list[Indicator]) -> list[Indicator]:
    seen: dict[str, Indicator] = {}
    for indicator in indicators:
        seen.setdefault(plain_text(indicator.name), indicator)
    return list(seen.values())


def _category_gaps(tallies: dict[str, _Tally], explained: list[Indicator]) -> dict[str, int]:
    """Categories whose stated unmet count differs from the explained ones (+ missing, − extra)."""
    categories = [category_of(i) for i in explained]
    if None in categories:
        return {}  # an explained indicator of unknown category: no per-category comparison
    gaps: dict[str, int] = {}
    for category, tally in tallies.items():
        unmet = tally.unmet()
        if category == TOTAL_CATEGORY or unmet is None:
            continue
        difference = unmet - categories.count(category)
        if difference:
            gaps[category] = difference
    return gaps


def _unmet_message(
    total: _Tally,
    stated: int,
    explained: list[Indicator],
    unmet: list[Indicator],
    gaps: dict[str, int],
) -> str:
    set_, met = total.get("set"), total.get("met")
    head = f"报告称未完成{stated}条"
    if set_ is not None and met is not None:
        head = f"报告称设定{set_}条、完成{met}条,未完成{stated}条"
    if stated == len(explained) == len(unmet) and not gaps:
        return f"{head},{stated}条均说明了未完成原因。" if stated else f"{head}。"
    problems = []
    if len(explained) < stated:
        problems.append(f"但只说明了{len(explained)}条的未完成原因")
    elif len(explained) > stated:
        problems.append(f"但说明了{len(explained)}条未完成指标的原因")
    if len(unmet) > max(stated, len(explained)):
        problems.append(f"逐条列出的未完成指标有{len(unmet)}条")
    if silent := [i.name for i in unmet if not i.reason]:
        problems.append(
            f"{'、'.join(silent[:5])}{'等' if len(silent) > 5 else ''}列为未完成却无原因"
        )
    if missing := "、".join(f"{c}指标{n}条" for c, n in gaps.items() if n > 0):
        problems.append(f"{missing}未说明原因")
    if extra := "、".join(f"{c}指标{-n}条" for c, n in gaps.items() if n < 0):
        problems.append(f"说明原因的指标中{extra}超出该类未完成条数")
    return head + "," + ";".join(problems) + "。"


_ROLE_NAMES = {"set": "设定", "met": "完成", "unmet": "未完成"}


def _count_evidence(text: str, tallies: dict[str, _Tally], locator: Locator) -> list[Evidence]:
    evidence: list[Evidence] = []
    for category, tally in tallies.items():
        label = "指标总数" if category == TOTAL_CATEGORY else f"{category}指标条数"
        for role, hit in tally.figures.items():
            evidence.append(
                Evidence(
                    role=f"{_ROLE_NAMES[role]}{label}",
                    quote=text[hit.start : hit.end],
                    value=float(hit.value),
                    position=locator.position(hit.start, hit.end),
                )
            )
    return evidence


def _indicator_evidence(text: str, unmet: Iterable[Indicator]) -> list[Evidence]:
    return [
        Evidence(
            role="已说明原因的未完成指标" if indicator.reason else "未说明原因的未完成指标",
            quote=text[indicator.position.start : indicator.position.end],
            value=indicator.actual_value,
            position=indicator.position,
        )
        for indicator in unmet
    ]
