"""An indicator's status (完成情况), and the `Indicator` record made of a `Row`.

Status is read, never guessed: a stated comparison (≥, 不低于, 以内 …) decides a numeric target;
a plain target is met only when the actual equals it; text targets are met when the actual says
the same or states achievement (达成预期指标, 按期完成). Points deducted (得分 < 分值), a stated
deviation for values that cannot be ordered, or a "未完成原因" list make an indicator unmet.
Anything else is "unknown".
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Literal

from ingest.indicators.rows import Row
from ingest.indicators.values import (
    AFFIRMED,
    Quantity,
    compare,
    comparison_word,
    parse_quantity,
    plain_text,
)
from ingest.models import Comparison, Indicator
from ingest.positions import Locator

Status = Literal["met", "unmet", "unknown"]
_DENIED = re.compile(r"未完成|未达到|未达成|未达标|未实现|未开展|没有完成")


def unmet_indicators(indicators: list[Indicator]) -> list[Indicator]:
    """The indicators the report shows as not met (未完成)."""
    return [indicator for indicator in indicators if indicator.status == "unmet"]


def _verdict(
    row: Row, target: Quantity, actual: Quantity, comparison: Comparison | None
) -> bool | None:
    """What the target and actual values say: met (True), not met (False) or nothing (None)."""
    if not row.actual:
        return None
    if _DENIED.search(row.actual):
        return False
    compared = compare(target, actual, comparison)
    if compared is not None:
        return compared
    if row.target and plain_text(row.target) == plain_text(row.actual):
        return True
    return True if AFFIRMED.fullmatch(plain_text(row.actual)) else None


def _decide_status(row: Row, verdict: bool | None) -> Status:
    """met / unmet / unknown from the values' verdict, the score and any stated reason."""
    deducted = row.weight is not None and row.score is not None and row.score < row.weight
    if row.listed_unmet or verdict is False:
        return "unmet"
    if verdict is True:
        return "unmet" if deducted and row.reason else "met"
    if deducted or (row.reason and row.actual):
        return "unmet"  # points taken off, or a stated deviation for values we cannot order
    return "unknown"


def to_indicator(row: Row, locator: Locator) -> Indicator:
    target = parse_quantity(row.target) if row.target else Quantity()
    actual = parse_quantity(row.actual) if row.actual else Quantity()
    comparison = target.comparison or comparison_word(row.nature) or comparison_word(row.direction)
    # A 度量单位 column gives the unit of both figures when the cells hold bare numbers.
    target_unit = target.unit or (row.unit if target.value is not None else None)
    actual_unit = actual.unit or (row.unit if actual.value is not None else None)
    target = replace(target, unit=target_unit)
    actual = replace(actual, unit=actual_unit)
    reason_position = locator.position(*row.reason_span) if row.reason_span else None
    return Indicator(
        level1=row.level1,
        level2=row.level2,
        name=row.name,
        comparison=comparison,
        target_raw=row.target,
        target_value=target.value,
        target_unit=target_unit,
        actual_raw=row.actual,
        actual_value=actual.value,
        actual_unit=actual_unit,
        weight=row.weight,
        score=row.score,
        status=_decide_status(row, _verdict(row, target, actual, comparison)),
        reason=row.reason,
        reason_position=reason_position,
        position=locator.position(row.start, row.end),
    )
