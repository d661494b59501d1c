"""Report metadata read off the text: title (标题), publisher (发布机构) and budget year (年度)."""

from __future__ import annotations

import re

from ingest.tables import CELL_BREAK

_TITLE_WORDS = re.compile(r"报告|决算|预算|自评表|绩效|申报表")
# A table's caption line names its body too, often with the unit after it: "编制部门:X 单位:元".
_PUBLISHER_LINE = re.compile(
    r"^[-\s]*(?:发布机构|发文机关|预算主管部门|主管部门|部门名称|单位名称|编制部门|编制单位)\s*[:]"
    r"\s*(\S.{1,40}?)\s*(?:(?:金额)?单位\s*[:].*)?$"
)
# The body named before the year in a title: "红河州司法局2024年度…", "上海市普陀区财政局2024年度…".
_PUBLISHER_IN_TITLE = re.compile(
    r"^(\S{2,40}?(?:局|部|委员会|委|办公室|办|中心|政府|院|所|学校|街道办事处|镇|厅|署|会))"
    r"(?:\d{4}|\))"
)
_YEAR = re.compile(r"(20\d{2})\s*年")
_MAX_TITLE = 80


def infer_title(text: str, fallback: str) -> str:
    """The first short line that reads like a report title, else `fallback` (the file name)."""
    lines = [line.strip() for line in text.splitlines()[:60] if line.strip()]
    for line in lines:
        if len(line) <= _MAX_TITLE and _TITLE_WORDS.search(line) and _YEAR.search(line):
            return line
    for line in lines:
        if len(line) <= _MAX_TITLE and _TITLE_WORDS.search(line) and not CELL_BREAK.search(line):
            return line
    return fallback


def infer_publisher(text: str, title: str) -> str | None:
    """The publishing body: a '发布机构:' line if present, else the body named in the title."""
    for line in text.splitlines()[:40]:
        match = _PUBLISHER_LINE.match(line.strip())
        if match:
            return match.group(1)
    match = _PUBLISHER_IN_TITLE.search(title.replace(" ", ""))
    return match.group(1) if match else None


def infer_year(title: str, text: str) -> int | None:
    """The budget year: the first year in the title, else in the opening text."""
    for source in (title, text[:2000]):
        match = _YEAR.search(source)
        if match:
            return int(match.group(1))
    return None
