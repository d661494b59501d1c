"""Performance indicators (绩效指标), stated indicator counts, and the unmet-count cross-check.

Indicators arrive in four shapes; a walker per shape turns each into a `Row` of raw strings, and
`to_indicator` parses its values and decides its status the same way for all of them:

- table rows (`report.tables`: PDF/DOCX/XLSX tables, pipe rows, one-cell-a-line copies), columns
  found from their header words (三级指标, 年度指标值, 实际完成值, 分值, 得分, 偏差原因 …);
- whitespace-flattened tables ("一级指标 二级指标 三级指标 年度指标值 … 产出指标(50分) 数量指标 …"),
  as DOCX-to-text copies give them: empty cells vanish, so a row is found by its shape, a name,
  its values, then weight and score;
- glued rows of the 部门整体绩效自评表 (… 得分系数 指标权重 指标得分 是否核心指标) whose conversion
  dropped every cell boundary: each row still ends in "<得分系数>%<权重><得分>是|否";
- prose items: "—社区矫正对象重新犯罪率(全年目标值:<=0.02%),实际完成0.25%;未完成原因为:…".

Status is read, never guessed: `status` says how.

One job a module: `labels` (一级/二级指标 and count categories), `values` (targets and actuals),
`rows` (the `Row`), the walkers `tables`, `text_tables` and `prose`, `status` (a `Row` made an
`Indicator`), `counts` (stated counts), `unmet_check` (the unmet_count cross-check) and
`export` (flat rows for CSV/XLSX).
"""

from __future__ import annotations

from ingest.indicators.counts import CountRole, extract_indicator_counts
from ingest.indicators.export import INDICATOR_COLUMNS, indicators_table
from ingest.indicators.labels import CATEGORIES, TOTAL_CATEGORY, category_of
from ingest.indicators.prose import merge_prose, prose_rows
from ingest.indicators.status import Status, to_indicator, unmet_indicators
from ingest.indicators.tables import table_rows
from ingest.indicators.text_tables import flat_rows, glued_rows
from ingest.indicators.unmet_check import unmet_count_findings
from ingest.models import Indicator, Report
from ingest.positions import Locator

__all__ = [
    "CATEGORIES",
    "INDICATOR_COLUMNS",
    "TOTAL_CATEGORY",
    "CountRole",
    "Status",
    "category_of",
    "extract_indicator_counts",
    "extract_indicators",
    "indicators_table",
    "unmet_count_findings",
    "unmet_indicators",
]


def extract_indicators(report: Report) -> list[Indicator]:
    """Every performance indicator (绩效指标) of the report: tables, flattened text, prose."""
    rows = [row for table in report.tables for row in table_rows(table, report.text)]
    covered = [(table.start, table.end) for table in report.tables]
    rows += flat_rows(report.text, covered)
    rows += glued_rows(report.text, covered)
    rows = merge_prose(rows, prose_rows(report))
    locator = Locator(report)
    return [to_indicator(row, locator) for row in sorted(rows, key=lambda r: r.start)]
