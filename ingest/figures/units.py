"""What figures are stated in and against: number shapes, units, comparison words and years.

Data, kept apart from the code that reads it (`numbers`, `prose`, `tables`, `cells`).
"""

from __future__ import annotations

import re

from ingest.models import Comparison

NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
AMOUNT_UNITS = {"元": 1.0, "千元": 1e3, "万元": 1e4, "亿元": 1e8}
PERCENT_UNITS = {"%": 1.0, "百分比": 1.0, "‰": 0.1}
# Longest first, so that "人次" is not read as "人" and "分钟" not as "分".
COUNT_UNITS = (
    "人次|场次|轮次|户次|家次|批次|个|人|件|次|条|家|辆|台|项|名|所|场|期|份|篇|批|处|套|户|间|座|张"
    "|册|艘|架|宗|通|天|年"
)
_OTHER = "百分点|学时|小时|分钟|平方米|公里|千米|分|倍|亩|吨|岁"
UNIT = rf"亿元|万元|千元|元|%|‰|百分比|{_OTHER}|(?:万|亿)?(?:{COUNT_UNITS})|万|亿"
COMPARISONS: dict[str, Comparison] = {
    "≥": ">=", ">=": ">=", "不低于": ">=", "不少于": ">=", "不小于": ">=", "及以上": ">=",
    "以上": ">=", "≤": "<=", "<=": "<=", "不超过": "<=", "不高于": "<=", "不大于": "<=",
    "不多于": "<=", "以下": "<=", "以内": "<=", "之内": "<=", ">": ">", "大于": ">", "高于": ">",
    "超过": ">", "<": "<", "小于": "<", "低于": "<", "=": "=",
}  # fmt: skip
LEADING_COMPARISON = "|".join(
    sorted((k for k in COMPARISONS if "以" not in k and "之" not in k), key=len)[::-1]
)
YEAR = re.compile(r"(?<![\d.])((?:19|20)\d{2})年")
