"""Group labels of indicators: 一级指标 (产出指标 …), 二级指标 (数量指标 …), and the count
categories (数量, 社会效益, 满意度 …) that indicator counts are stated per."""

from __future__ import annotations

import re

from ingest.models import Indicator

# fmt: off
# Checked in this order: "经济成本指标" is a 成本 indicator, "服务对象满意度指标" a 满意度 one.
CATEGORIES = (
    "经济效益", "社会效益", "生态效益", "可持续影响", "满意度", "数量", "质量", "时效", "成本",
)
# fmt: on
TOTAL_CATEGORY = "合计"
CATEGORY_WORDS = (
    r"(?:数量|质量|时效|(?:经济|社会|生态环境|生态)?成本|(?:经济|社会|生态)效益|可持续影响"
    r"|(?:服务对象|社会公众|群众|受益对象)?满意度)"
)
LEVEL1 = re.compile(r"(?:产出|效益|满意度|成本|效果|决策|过程|管理)指标")
LEVEL2 = re.compile(CATEGORY_WORDS + r"指标")
GROUP_SCORE = re.compile(r"\s*[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]\s*$")  # "产出指标(50分)"


def level_label(cell: str | None) -> str | None:
    """A group label without its points ("产出指标(50分)" → "产出指标"); None when empty."""
    return GROUP_SCORE.sub("", cell).strip() or None if cell else None


def category_in(label: str) -> str | None:
    """The first of `CATEGORIES` that a label names."""
    return next((word for word in CATEGORIES if word in label), None)


def category_of(indicator: Indicator) -> str | None:
    """The count category (数量, 社会效益, 满意度 …) of an indicator, from its 二级/一级指标."""
    for label in (indicator.level2, indicator.level1):
        if label and (found := category_in(label)):
            return found
    return None
