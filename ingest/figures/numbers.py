"""Numbers that are figures: found in text with their units and comparisons, made records.

Text is scanned with one pattern for Arabic numbers ("2,961.68万元", "71.73%", "90%-95%",
"≥95%") and one for Chinese numerals ("三辆", "百分之九十五"). What looks like a number but
counts nothing is dropped by its context: years and dates, ordinals ("1." "(1)" "2、"), table
and annex numbers ("表2"), phone numbers, document numbers ("〔2024〕15号"), codes glued to
letters or dashes, and numbers quoted as names ("“12348”热线").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal, NamedTuple

import cn2an

from ingest.figures.units import (
    AMOUNT_UNITS,
    COMPARISONS,
    COUNT_UNITS,
    LEADING_COMPARISON,
    NUMBER,
    PERCENT_UNITS,
    UNIT,
)
from ingest.models import Comparison, Figure
from ingest.positions import Locator

FigureKind = Literal["amount", "percent", "count", "number"]

PROSE_FIGURE = re.compile(
    rf"(?P<cmp>{LEADING_COMPARISON})?[ \t]*(?P<num>{NUMBER})(?P<pct1>%)?"
    rf"(?:[ \t]*(?:-|~|～|—|–|至)[ \t]*(?P<upper>{NUMBER}))?"
    rf"[ \t]?(?P<approx>余|多)?(?P<unit>{UNIT})?(?P<bound>及以上|以上|以下|以内|之内)?"
)
_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
_CN_FIGURE = re.compile(
    rf"百分之(?P<pct>[{_CN_DIGITS}点]+|{NUMBER})|(?P<cn>[{_CN_DIGITS}]+)(?P<unit>万元|亿元|元|{COUNT_UNITS})"
)
_NOT_FIGURE_BEFORE = re.compile(
    r"(?:第|表|附件|附表|图|指标|序号|编号|编码|代码|No\.?|〔|\[)[ \t]*$"
)
_LINE_ORDINAL = re.compile(r"(?m)^[ \t—-]*(?:\d{1,2}\.(?=\D|\d{4}年)|\d{1,2}[、)]|\(\d{1,2}\))")
_PAREN_ORDINAL = re.compile(r"\(\d{1,2}\)|\d{1,2}\.(?=[ \t]?[\u4e00-\u9fff])")
_CODE_IN_PARENS = re.compile(r"\(\d+[类款项]\)")
_GLUED_BEFORE = re.compile(r"[A-Za-z0-9._/\\]$")
_GLUED_AFTER = re.compile(r"[A-Za-z_:]")
_CODE_DASH = re.compile(r"[A-Za-z0-9]-$")
_DATE_OR_CODE_AFTER = re.compile(r"[月日号时点、]|-[\u4e00-\u9fff]")
_YEAR_NUMBER = re.compile(r"(?:19|20)\d{2}")


class ParsedFigure(NamedTuple):
    """A figure as found in text, before it is made a `Figure`."""

    value: float
    upper: float | None
    unit: str | None
    comparison: Comparison | None
    start: int  # the number's start (the comparison sign is not part of the raw text)
    end: int


def parse_figure(text: str, start: int = 0, end: int | None = None) -> Iterator[ParsedFigure]:
    """Numbers of text[start:end] that are figures, with their units and comparisons."""
    end = len(text) if end is None else end
    masked = _masked(text, start, end)
    for match in PROSE_FIGURE.finditer(text, start, end):
        number_start = match.start("num")
        last = next(g for g in ("unit", "upper", "pct1", "num") if match[g])
        if number_start in masked or not _is_figure(text, match, match.end(last)):
            continue
        upper = to_float(match["upper"]) if match["upper"] else None
        comparison = "range" if upper is not None else _comparison(match["cmp"], match["bound"])
        unit = match["unit"] or match["pct1"]
        yield ParsedFigure(
            to_float(match["num"]), upper, unit, comparison, number_start, match.end(last)
        )
    for match in _CN_FIGURE.finditer(text, start, end):
        parsed = _chinese_figure(text, match)
        if parsed is not None:
            yield parsed


def decimals(raw: str) -> int:
    """How many decimals a figure is stated with ("1,045.50万元" → 2, "三辆" → 0)."""
    match = re.search(r"\d+(?:\.(\d+))?", raw.replace(",", ""))
    return len(match.group(1) or "") if match else 0


def _masked(text: str, start: int, end: int) -> set[int]:
    """Start offsets of numbers that are ordinals or codes, whatever follows them."""
    masked: set[int] = set()
    for pattern in (_LINE_ORDINAL, _PAREN_ORDINAL, _CODE_IN_PARENS):
        for match in pattern.finditer(text, start, end):
            digits = re.search(r"\d", match.group(0))
            if digits:
                masked.add(match.start() + digits.start())
    return masked


def _is_figure(text: str, match: re.Match[str], end: int) -> bool:
    number = match["num"]
    before = text[max(0, match.start("num") - 4) : match.start("num")]
    after = text[end : end + 2]
    if _GLUED_BEFORE.search(before) or _GLUED_AFTER.match(after):
        return False
    if not match["unit"] and after[:1].isdigit():
        return False
    if _inside_title(text, match.start("num")):
        return False  # "《…二十条措施》": part of a document's name
    if before.endswith("-") and _CODE_DASH.search(before):
        return False
    if _NOT_FIGURE_BEFORE.search(before) or after.startswith("〕"):
        return False
    if before.endswith(("“", '"')) and after.startswith(("”", '"')):
        return False  # a name ("12348" hotline), not a quantity
    bare = not match["unit"] and not match["pct1"]
    if bare and _DATE_OR_CODE_AFTER.match(after):
        return False  # a date, time, document number, list ordinal or code
    year_like = _YEAR_NUMBER.fullmatch(number) and not match["pct1"]
    if year_like and (match["unit"] in (None, "年") or match["upper"]):
        return False  # a year, or a span of years
    if number.startswith("0") and len(number) >= 3 and "." not in number:
        return False  # an area code or a code with leading zeros
    if match["upper"] and len(match["upper"].replace(",", "")) >= 7 and "." not in match["upper"]:
        return False  # a phone number (0873—3197023)
    return not (len(number) == 11 and number.startswith("1") and not match["unit"])


def _inside_title(text: str, at: int) -> bool:
    window = text[max(0, at - 80) : at]
    return window.rfind("《") > window.rfind("》")


def _chinese_figure(text: str, match: re.Match[str]) -> ParsedFigure | None:
    before = text[max(0, match.start() - 1) : match.start()]
    if match["pct"] is not None:
        raw = match["pct"]
        value = to_float(raw) if raw[0].isdigit() else float(cn2an.cn2an(raw, "smart"))
        return ParsedFigure(value, None, "%", None, match.start(), match.end())
    numeral = match["cn"]
    if before in ("第", "周", "初", "每", "之", "星") or numeral in ("一", "十", "万", "亿"):
        return None  # ordinals and idioms ("第十条", "一人一档")
    if _inside_title(text, match.start()):
        return None
    if re.match(r"[一二三四五六七八九十两]", text[match.end() : match.end() + 1]):
        return None  # "一体两翼", "三单一书": a name, not a count
    try:
        value = float(cn2an.cn2an(numeral, "smart"))
    except (ValueError, KeyError):
        return None
    return ParsedFigure(value, None, match["unit"], None, match.start(), match.end())


def build_figure(
    text: str,
    parsed: ParsedFigure,
    measure: str,
    year: int | None,
    in_table: bool,
    locator: Locator,
) -> Figure:
    """The `Figure` record of a parsed figure: its kind and normalised value from its unit."""
    kind, factor, unit = _kind_of(parsed.unit)
    return Figure(
        value=parsed.value,
        unit=unit,
        normalized=parsed.value * factor,
        kind=kind,
        raw=text[parsed.start : parsed.end],
        measure=measure,
        year=year,
        comparison=parsed.comparison,
        upper=parsed.upper,
        in_table=in_table,
        position=locator.position(parsed.start, parsed.end),
    )


def _kind_of(unit: str | None) -> tuple[FigureKind, float, str | None]:
    """What a unit makes a figure, the factor to its normalised value, and the unit as kept."""
    if unit in PERCENT_UNITS:
        return "percent", PERCENT_UNITS[unit], "%" if unit == "百分比" else unit
    if unit in AMOUNT_UNITS:
        return "amount", AMOUNT_UNITS[unit], unit
    if not unit:
        return "number", 1.0, unit
    factor = {"万": 1e4, "亿": 1e8}.get(unit[0], 1.0) if len(unit) > 1 or unit in "万亿" else 1.0
    base = unit[1:] if factor != 1.0 and len(unit) > 1 else unit
    return ("count" if re.fullmatch(COUNT_UNITS, base) else "number"), factor, unit


def _comparison(before: str | None, bound: str | None) -> Comparison | None:
    for word in (before, bound):
        if word:
            return COMPARISONS[word]
    return None


def to_float(number: str) -> float:
    """A number as stated ("2,961.68") as a float."""
    return float(number.replace(",", "").replace(" ", ""))
