"""Findings from a stated value and a computed one: the status by stated precision, citations.

"agrees" when the values are equal at the precision stated, "rounding" when the difference is
within what rounding the inputs could cause (never less than 0.01 of the stated unit or
percentage point), "inconsistent" otherwise. Every finding cites each figure it uses.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal

from ingest.checks.document import RISE, Doc
from ingest.figures import AMOUNT_UNITS, CellSpan, decimals, is_number_cell
from ingest.models import Evidence, Figure, Finding, FindingStatus


def half_digit(decimal_places: int) -> float:
    """Half a unit of the last decimal place: how far rounding may have moved a value."""
    return 0.5 * 10.0**-decimal_places


def rounded(value: float, decimal_places: int) -> float:
    """The value rounded half away from zero, as reports round."""
    scale = 10.0**decimal_places
    return math.copysign(math.floor(abs(value) * scale + 0.5 + 1e-9) / scale, value)


def status_of(stated: float, computed: float, places: int, tolerance: float) -> FindingStatus:
    """agrees at the stated precision, rounding within `tolerance`, else inconsistent."""
    if rounded(computed, places) == rounded(stated, places):
        return "agrees"
    if abs(stated - computed) <= max(tolerance, 0.01) + 1e-9:
        return "rounding"
    return "inconsistent"


def format_value(value: float, places: int) -> str:
    """A value as a message shows it: "1,234.50"."""
    return f"{value:,.{max(places, 0)}f}"


def unit_factor(unit: str | None) -> float:
    """The factor from an amount unit to 元; 1 for any other unit."""
    return AMOUNT_UNITS.get(unit or "", 1.0)


def cite(role: str, figure: Figure) -> Evidence:
    """A prose figure cited as `role` (合计, 分项, 分子 …)."""
    return Evidence(role=role, quote=figure.raw, value=figure.value, position=figure.position)


def cite_cell(doc: Doc, role: str, cell: CellSpan) -> Evidence:
    """A table cell cited as `role`."""
    value = float(cell.text.replace(",", "").replace(" ", ""))
    position = doc.locator.position(cell.start, cell.end)
    return Evidence(
        role=role, quote=doc.text[cell.start : cell.end], value=value, position=position
    )


def is_amount_cell(text: str) -> bool:
    """A number cell that is not a percentage."""
    return is_number_cell(text) and "%" not in text


def cell_value(cell: CellSpan) -> float:
    """A number cell's value."""
    return float(cell.text.replace(",", "").replace(" ", ""))


def sum_finding(
    check: Literal["table_sum", "prose_sum"],
    subject: str,
    stated: float,
    parts: list[float],
    places: list[int],
    unit: str,
    describe: Callable[[str, str], str],
    evidence: list[Evidence],
    exact: bool = False,
) -> Finding:
    """A stated total against the sum of its parts (all in the total's unit). Rounding may move
    each stated value by half its last digit, which counts (exact) never are."""
    computed = sum(parts)
    shown = max(places)
    tolerance = 0.0 if exact else half_digit(shown) * (len(parts) + 1)
    status = status_of(stated, computed, shown, tolerance)
    head = describe(
        f"{format_value(stated, shown)}{unit}", f"{format_value(computed, shown)}{unit}"
    )
    return Finding(
        check=check,
        status=status,
        subject=subject,
        stated=stated,
        computed=round(computed, shown + 2),
        difference=round(stated - computed, shown + 2),
        unit=unit or None,
        message=head + _gap(stated, computed, shown, unit, status),
        evidence=evidence,
    )


def _gap(stated: float, computed: float, places: int, unit: str, status: FindingStatus) -> str:
    if status == "agrees":
        return ",一致。"
    gap = f",相差{format_value(abs(stated - computed), places)}{unit}"
    return gap + (",在四舍五入误差以内。" if status == "rounding" else "。")


def ratio_finding(
    percent: Figure,
    computed: float,
    inputs: list[tuple[str, Figure]],
    formula: Callable[[list[float]], float],
    how: str,
    subject: str | None = None,
    verb: str = "",
) -> Finding:
    """A stated percentage against the one computed from `inputs`. With a `verb` (增加/下降…)
    the percentage is a signed change and is shown as one."""
    places = decimals(percent.raw)
    tolerance = half_digit(places) + _propagated(formula, [f for _, f in inputs])
    stated_value = -percent.value if verb and verb not in RISE else percent.value
    status = status_of(stated_value, computed, places, tolerance)
    subject = subject or percent.measure
    shown = f"{computed:.2f}%"
    if verb:
        shown = f"{'增长' if computed >= 0 else '下降'}{abs(computed):.2f}%"
    if status == "agrees":
        tail = ",一致。"
    else:
        tail = f",相差{abs(stated_value - computed):.2f}个百分点"
        tail += ",在四舍五入误差以内。" if status == "rounding" else "。"
    return Finding(
        check="ratio",
        status=status,
        subject=subject,
        stated=stated_value,
        computed=round(computed, 4),
        difference=round(stated_value - computed, 4),
        unit="%",
        message=f"{subject}{':' if verb else ''}所述{verb}{percent.raw},{how}计算为{shown}{tail}",
        evidence=[cite("所述比例", percent)] + [cite(r, f) for r, f in inputs],
    )


def _propagated(formula: Callable[[list[float]], float], inputs: list[Figure]) -> float:
    """How far the result can move when each input moves by half its last stated digit."""
    values = [f.normalized for f in inputs]
    base = formula(values)
    spread = 0.0
    for index, figure in enumerate(inputs):
        if figure.kind == "count":
            continue
        step = half_digit(decimals(figure.raw)) * (
            figure.normalized / figure.value if figure.value else 1
        )
        moved = list(values)
        moved[index] += step
        try:
            spread += abs(formula(moved) - base)
        except ZeroDivisionError:
            return math.inf
    return spread
