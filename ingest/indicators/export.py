"""Indicators as flat rows under Chinese column names (`INDICATOR_COLUMNS`), for CSV/XLSX."""

from __future__ import annotations

from ingest.models import SECTION_SEPARATOR, Indicator

# fmt: off
# Column names of `indicators_table`, for whoever exports it.
INDICATOR_COLUMNS = (
    "一级指标", "二级指标", "三级指标", "指标性质", "年度指标值", "实际完成值",
    "分值", "得分", "完成情况", "偏差原因", "页码", "章节",
)
# fmt: on


def indicators_table(indicators: list[Indicator]) -> list[dict[str, str | float | None]]:
    """Flat rows under `INDICATOR_COLUMNS` (Chinese names) for CSV/XLSX export."""
    return [_table_record(indicator) for indicator in indicators]


def _table_record(indicator: Indicator) -> dict[str, str | float | None]:
    comparison = _COMPARISON_SHOWN.get(indicator.comparison) if indicator.comparison else None
    return {
        "一级指标": indicator.level1,
        "二级指标": indicator.level2,
        "三级指标": indicator.name,
        "指标性质": comparison,
        "年度指标值": _with_unit(indicator.target_raw, indicator.target_unit),
        "实际完成值": _with_unit(indicator.actual_raw, indicator.actual_unit),
        "分值": indicator.weight,
        "得分": indicator.score,
        "完成情况": _STATUS_SHOWN[indicator.status],
        "偏差原因": indicator.reason,
        "页码": indicator.position.page,
        "章节": SECTION_SEPARATOR.join(indicator.position.section_path) or None,
    }


_COMPARISON_SHOWN = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "=", "range": "区间"}
_STATUS_SHOWN = {"met": "完成", "unmet": "未完成", "unknown": "未知"}


def _with_unit(raw: str | None, unit: str | None) -> str | None:
    """A bare "100" under a 度量单位 of "%" reads "100%"; a raw value keeps its own unit."""
    if raw is None or unit is None or raw.endswith(unit):
        return raw
    return raw + unit
