"""Targets and actuals (年度指标值, 实际完成值) as stated: a comparison, number(s) and unit, or
text; whether an actual meets its target; the words that state achievement."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.models import Comparison

NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
_UNIT = (
    r"(?:%|‰|百分比|百分点|[万亿千]?元|人次|户次|学时|课时|小时|公里|平方米|"
    r"[个人次件份篇期场项家所台套辆天日月年周批条组处册本部户间座吨亩米])"
)
_QUANTITY = re.compile(rf"({NUMBER})\s*({_UNIT}(?:/{_UNIT})?)?")
_RANGE = re.compile(rf"({NUMBER})\s*({_UNIT})?\s*(?:-|~|～|—|–|至|到)\s*({NUMBER})\s*({_UNIT})?")
_PREFIX_COMPARISONS: tuple[tuple[re.Pattern[str], Comparison], ...] = (
    (re.compile(r"≥|>=|≧|=>|不低于|不少于|不小于|大于等于|大于或等于|至少|不得低于|达到"), ">="),
    (
        re.compile(
            r"≤|<=|≦|=<|不超过|不高于|不大于|不多于|小于等于|小于或等于|控制在|最多|不得超过"
        ),
        "<=",
    ),
    (re.compile(r">|大于|高于|超过|多于"), ">"),
    (re.compile(r"<|小于|低于|少于"), "<"),
    (re.compile(r"=|等于"), "="),
)
_SUFFIX_COMPARISONS: tuple[tuple[re.Pattern[str], Comparison], ...] = (
    (re.compile(r"(?:及|或)?以上$"), ">="),
    (re.compile(r"(?:及|或)?(?:以下|以内)$"), "<="),
)
_AMOUNT_SCALE = {"元": 1.0, "千元": 1e3, "万元": 1e4, "亿元": 1e8}
AFFIRMED = re.compile(
    r"(?:已|均已|全部|按期|按时|如期)?(?:完成|达成|达到|达标|实现)(?:预期)?(?:指标|目标|要求)?值?"
    r"|符合(?:要求|规定|标准|预期)"
)


@dataclass(frozen=True)
class Quantity:
    """A target or actual as parsed: comparison, number(s) and unit; value None for text."""

    comparison: Comparison | None = None
    value: float | None = None
    upper: float | None = None
    unit: str | None = None


def parse_quantity(raw: str) -> Quantity:
    """Parse a target or actual: ≥95% → (>=, 95, %); 90-95 → range; 12月底前 → text."""
    text = re.sub(r"\s+", "", raw)
    comparison: Comparison | None = None
    for pattern, found in _PREFIX_COMPARISONS:
        if match := pattern.match(text):
            comparison, text = found, text[match.end() :]
            break
    for pattern, found in _SUFFIX_COMPARISONS:
        if match := pattern.search(text):
            comparison, text = comparison or found, text[: match.start()]
    if match := _RANGE.fullmatch(text):
        unit = _unit(match.group(4) or match.group(2))
        return Quantity("range", _number(match.group(1)), _number(match.group(3)), unit)
    if match := _QUANTITY.fullmatch(text):
        return Quantity(comparison, _number(match.group(1)), None, _unit(match.group(2)))
    return Quantity(comparison)


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _unit(text: str | None) -> str | None:
    return "%" if text == "百分比" else text


def comparison_word(text: str | None) -> Comparison | None:
    """A 指标性质 cell holding only an operator ("≥", "不低于"); 正向/反向 指标方向性."""
    if not text:
        return None
    if "正向" in text:
        return ">="
    if "反向" in text:
        return "<="
    quantity = parse_quantity(text + "0")  # the operator alone, as if before a number
    return quantity.comparison if quantity.value == 0 else None


def compare(target: Quantity, actual: Quantity, comparison: Comparison | None) -> bool | None:
    """Whether the actual meets a numeric target; None when units or direction do not say."""
    if target.value is None or actual.value is None:
        return None
    scale = _unit_scale(target.unit, actual.unit)
    if scale is None:
        return None
    got, want = actual.value * scale, target.value
    equal = abs(got - want) <= 1e-9 * max(1.0, abs(want))
    if comparison == "range" and target.upper is not None:
        return want <= got <= target.upper
    outcomes = {
        ">=": got >= want or equal,
        "<=": got <= want or equal,
        ">": got > want,
        "<": got < want,
        "=": equal,
    }
    if comparison in outcomes:
        return outcomes[comparison]
    return True if equal else None  # a plain target: over or under may both be fine


def _unit_scale(target_unit: str | None, actual_unit: str | None) -> float | None:
    """Factor taking the actual into the target's unit; 1 when either leaves its unit out."""
    if not target_unit or not actual_unit or target_unit == actual_unit:
        return 1.0
    if target_unit in _AMOUNT_SCALE and actual_unit in _AMOUNT_SCALE:
        return _AMOUNT_SCALE[actual_unit] / _AMOUNT_SCALE[target_unit]
    return None


def plain_text(text: str) -> str:
    """Text without spaces or punctuation, for comparing names and text values."""
    return re.sub(r"[\s。.,，;；]+", "", text)
