"""Performance indicators (绩效指标), stated indicator counts, and the unmet-count cross-check.

Indicators arrive in four shapes; a walker per shape turns each into a `_Row` of raw strings, and
`_to_indicator` parses its values and decides its status the same way for all of them:

- table rows (`report.tables`: PDF/DOCX/XLSX tables, pipe rows, one-cell-a-line copies), columns
  found from their header words (三级指标, 年度指标值, 实际完成值, 分值, 得分, 偏差原因 …);
- whitespace-flattened tables ("一级指标 二级指标 三级指标 年度指标值 … 产出指标(50分) 数量指标 …"),
  as DOCX-to-text copies give them: empty cells vanish, so a row is found by its shape, a name,
  its values, then weight and score;
- glued rows of the 部门整体绩效自评表 (… 得分系数 指标权重 指标得分 是否核心指标) whose conversion
  dropped every cell boundary: each row still ends in "<得分系数>%<权重><得分>是|否";
- prose items: "—社区矫正对象重新犯罪率(全年目标值:<=0.02%),实际完成0.25%;未完成原因为:…".

Status is read, never guessed: a stated comparison (≥, 不低于, 以内 …) decides a numeric target;
a plain target is met only when the actual equals it; text targets are met when the actual says
the same or states achievement (达成预期指标, 按期完成). Points deducted (得分 < 分值), a stated
deviation for values that cannot be ordered, or a "未完成原因" list make an indicator unmet.
Anything else is "unknown".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Literal

from ingest.models import (
    SECTION_SEPARATOR,
    Comparison,
    Evidence,
    Finding,
    Indicator,
    IndicatorCount,
    Report,
    TableRowSpan,
    TableSpan,
)
from ingest.positions import Locator

Status = Literal["met", "unmet", "unknown"]

# fmt: off
# Column names of `indicators_table`, for whoever exports it.
INDICATOR_COLUMNS = (
    "一级指标", "二级指标", "三级指标", "指标性质", "年度指标值", "实际完成值",
    "分值", "得分", "完成情况", "偏差原因", "页码", "章节",
)
# Checked in this order: "经济成本指标" is a 成本 indicator, "服务对象满意度指标" a 满意度 one.
CATEGORIES = (
    "经济效益", "社会效益", "生态效益", "可持续影响", "满意度", "数量", "质量", "时效", "成本",
)
# fmt: on
TOTAL_CATEGORY = "合计"

_CATEGORY_WORDS = (
    r"(?:数量|质量|时效|(?:经济|社会|生态环境|生态)?成本|(?:经济|社会|生态)效益|可持续影响"
    r"|(?:服务对象|社会公众|群众|受益对象)?满意度)"
)
_LEVEL1 = re.compile(r"(?:产出|效益|满意度|成本|效果|决策|过程|管理)指标")
_LEVEL2 = re.compile(_CATEGORY_WORDS + r"指标")
_GROUP_SCORE = re.compile(r"\s*[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]\s*$")  # "产出指标(50分)"
_INDEX_LABEL = re.compile(r"^指标\s*\d+\s*[:：、.]?\s*")  # "指标1工程完工率": a template slot
_TOTAL_ROW = re.compile(r"^(?:合\s*计|总\s*计|小\s*计|总分)")
_NOT_A_REASON = re.compile(r"[\s/\\\-—–_0.…。]*|无|无偏差|不适用|暂无")

_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
_UNIT = (
    r"(?:%|‰|百分比|百分点|[万亿千]?元|人次|户次|学时|课时|小时|公里|平方米|"
    r"[个人次件份篇期场项家所台套辆天日月年周批条组处册本部户间座吨亩米])"
)
_QUANTITY = re.compile(rf"({_NUMBER})\s*({_UNIT}(?:/{_UNIT})?)?")
_RANGE = re.compile(rf"({_NUMBER})\s*({_UNIT})?\s*(?:-|~|～|—|–|至|到)\s*({_NUMBER})\s*({_UNIT})?")
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
_AFFIRMED = re.compile(
    r"(?:已|均已|全部|按期|按时|如期)?(?:完成|达成|达到|达标|实现)(?:预期)?(?:指标|目标|要求)?值?"
    r"|符合(?:要求|规定|标准|预期)"
)
_DENIED = re.compile(r"未完成|未达到|未达成|未达标|未实现|未开展|没有完成")
_SAYS_UNMET = re.compile(r"未完成|未达|未实现|偏差")


@dataclass(frozen=True)
class _Quantity:
    """A target or actual as parsed: comparison, number(s) and unit; value None for text."""

    comparison: Comparison | None = None
    value: float | None = None
    upper: float | None = None
    unit: str | None = None


@dataclass
class _Row:
    """One indicator's raw strings, whatever shape it came in, with the span it lies in."""

    name: str
    start: int
    end: int
    level1: str | None = None
    level2: str | None = None
    nature: str | None = None
    direction: str | None = None
    target: str | None = None
    unit: str | None = None
    actual: str | None = None
    weight: float | None = None
    score: float | None = None
    reason: str | None = None
    reason_span: tuple[int, int] | None = None
    listed_unmet: bool = False  # stated in a list of missed targets (未完成原因)


# ---------------------------------------------------------------- public API


def extract_indicators(report: Report) -> list[Indicator]:
    """Every performance indicator (绩效指标) of the report: tables, flattened text, prose."""
    rows = [row for table in report.tables for row in _table_rows(table, report.text)]
    covered = [(table.start, table.end) for table in report.tables]
    rows += _flat_rows(report.text, covered)
    rows += _glued_rows(report.text, covered)
    rows = _merge_prose(rows, _prose_rows(report))
    locator = Locator(report)
    return [_to_indicator(row, locator) for row in sorted(rows, key=lambda r: r.start)]


def unmet_indicators(indicators: list[Indicator]) -> list[Indicator]:
    """The indicators the report shows as not met (未完成)."""
    return [indicator for indicator in indicators if indicator.status == "unmet"]


def extract_indicator_counts(report: Report) -> list[IndicatorCount]:
    """Stated counts of indicators ("年初设定139条绩效指标,共计完成131条"), per category."""
    locator = Locator(report)
    counts: list[IndicatorCount] = []
    for hits in _count_hits_by_sentence(report.text):
        for category in dict.fromkeys(hit.category for hit in hits):
            mine = [hit for hit in hits if hit.category == category]
            values = {hit.role: hit.value for hit in reversed(mine)}  # the first stated wins
            counts.append(
                IndicatorCount(
                    category=category,
                    set_count=values.get("set"),
                    met_count=values.get("met"),
                    unmet_count=values.get("unmet"),
                    position=locator.position(min(h.start for h in mine), max(h.end for h in mine)),
                )
            )
    return counts


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


# ---------------------------------------------------------------- values and status


def _parse_quantity(raw: str) -> _Quantity:
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
        return _Quantity("range", _number(match.group(1)), _number(match.group(3)), unit)
    if match := _QUANTITY.fullmatch(text):
        return _Quantity(comparison, _number(match.group(1)), None, _unit(match.group(2)))
    return _Quantity(comparison)


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _unit(text: str | None) -> str | None:
    return "%" if text == "百分比" else text


def _comparison_word(text: str | None) -> Comparison | None:
    """A 指标性质 cell holding only an operator ("≥", "不低于"); 正向/反向 指标方向性."""
    if not text:
        return None
    if "正向" in text:
        return ">="
    if "反向" in text:
        return "<="
    quantity = _parse_quantity(text + "0")  # the operator alone, as if before a number
    return quantity.comparison if quantity.value == 0 else None


def _compare(target: _Quantity, actual: _Quantity, comparison: Comparison | None) -> bool | None:
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


def _verdict(
    row: _Row, target: _Quantity, actual: _Quantity, comparison: Comparison | None
) -> bool | None:
    """What the target and actual values say: met (True), not met (False) or nothing (None)."""
    if not row.actual:
        return None
    if _DENIED.search(row.actual):
        return False
    compared = _compare(target, actual, comparison)
    if compared is not None:
        return compared
    if row.target and _plain_text(row.target) == _plain_text(row.actual):
        return True
    return True if _AFFIRMED.fullmatch(_plain_text(row.actual)) else None


def _plain_text(text: str) -> str:
    return re.sub(r"[\s。.,，;；]+", "", text)


def _decide_status(row: _Row, verdict: bool | None) -> Status:
    """met / unmet / unknown from the values' verdict, the score and any stated reason."""
    deducted = row.weight is not None and row.score is not None and row.score < row.weight
    if row.listed_unmet or verdict is False:
        return "unmet"
    if verdict is True:
        return "unmet" if deducted and row.reason else "met"
    if deducted or (row.reason and row.actual):
        return "unmet"  # points taken off, or a stated deviation for values we cannot order
    return "unknown"


def _to_indicator(row: _Row, locator: Locator) -> Indicator:
    target = _parse_quantity(row.target) if row.target else _Quantity()
    actual = _parse_quantity(row.actual) if row.actual else _Quantity()
    comparison = (
        target.comparison or _comparison_word(row.nature) or _comparison_word(row.direction)
    )
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


# ---------------------------------------------------------------- tables in report.tables

_COLUMN_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("reason", re.compile(r"原因|改进措施")),
    ("direction", re.compile(r"方向")),
    ("score", re.compile(r"得分(?!系数)")),
    ("weight", re.compile(r"分值|权重")),
    ("actual", re.compile(r"实际|完成值|实现值")),
    ("target", re.compile(r"指标值|目标值")),
    ("unit", re.compile(r"度量单位|计量单位|^单位$")),
    ("nature", re.compile(r"性质|比较|符号")),
    ("level1", re.compile(r"一级指标")),
    ("level2", re.compile(r"二级指标")),
    ("name", re.compile(r"三级指标|指标名称|指标内容")),
)


def _column_field(header_cell: str) -> str | None:
    """The indicator field a header cell names ("年度指标值" → target), or None."""
    cell = re.sub(r"\s+", "", header_cell)  # "偏差原因分析\n及改进措施" from a PDF cell
    for part in (cell.rsplit("/", 1)[-1], cell):  # "指标/三级指标": the lowest level speaks first
        for name, pattern in _COLUMN_RULES:
            if pattern.search(part):
                return name
    return None


def _columns(header: list[str]) -> dict[str, int]:
    """Field → column index, the first column of each field; the name falls back to a level."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        kind = _column_field(cell)
        if kind is not None and kind not in columns:
            columns[kind] = index
    if "name" not in columns:  # "一级指标 | 二级指标 | 指标值": the deepest level names the row
        deepest = "level2" if "level2" in columns else "level1"
        if deepest in columns:
            columns["name"] = columns.pop(deepest)
    return columns


def _is_indicator_table(columns: dict[str, int]) -> bool:
    has_label = "name" in columns and (
        "level1" in columns or "level2" in columns or len(columns) > 3
    )
    return has_label and ("target" in columns or "actual" in columns)


def _table_rows(table: TableSpan, text: str) -> list[_Row]:
    data = [row for row in table.rows if not row.is_header]
    columns = _columns(data[0].header) if data else {}
    if not _is_indicator_table(columns):
        return []
    rows: list[_Row] = []
    level1: str | None = None
    level2: str | None = None
    for span in data:
        aligned = _realign([cell.strip() for cell in span.cells], columns)
        cells = {
            kind: aligned[index] if index < len(aligned) else "" for kind, index in columns.items()
        }
        # Text copies leave a merged 一级/二级指标 on the group's first row only: carry it down.
        if cells.get("level1"):
            level2 = level2 if _level_label(cells["level1"]) == level1 else None
            level1 = _level_label(cells["level1"])
        level2 = _level_label(cells.get("level2")) or level2
        row = _table_row(cells, span, text, level1, level2, "level2" in columns)
        if row is not None:
            rows.append(row)
    return rows


def _realign(cells: list[str], columns: dict[str, int]) -> list[str]:
    """The row's cells moved right past blank merged 一级/二级指标 cells a text copy dropped.

    " | | 培训场次 | ≥10场 | …" can arrive as ["培训场次", "≥10场", …, "", ""]. Of the shifts that
    only push empty cells off the end, the one whose cells best fit their columns wins (ties: none).
    """
    labels = [(kind, columns[kind]) for kind in ("level1", "level2") if kind in columns]
    if all(_fits(kind, cells[i] if i < len(cells) else "") for kind, i in labels):
        return cells  # the label columns hold labels or nothing: nothing was dropped
    leading = max((index for _, index in labels), default=-1) + 1
    best, best_fit = cells, _alignment_fit(cells, columns)
    for shift in range(1, leading + 1):
        if len(cells) <= shift or any(cells[-shift:]):
            break
        moved = [""] * shift + cells[:-shift]
        if (fit := _alignment_fit(moved, columns)) > best_fit:
            best, best_fit = moved, fit
    return best


def _alignment_fit(cells: list[str], columns: dict[str, int]) -> int:
    """How many cells look like what their column holds (labels, names, figures)."""
    return sum(
        _fits(kind, cells[index] if index < len(cells) else "") for kind, index in columns.items()
    )


def _fits(kind: str, cell: str) -> bool:
    label = _GROUP_SCORE.sub("", cell)
    if kind == "level1":
        return not cell or bool(_LEVEL1.fullmatch(label))
    if kind == "level2":
        return not cell or bool(_LEVEL2.fullmatch(label))
    if kind == "name":
        return bool(cell) and _score_number(cell) is None
    if kind in ("weight", "score"):
        return not cell or _score_number(cell) is not None
    return False


def _level_label(cell: str | None) -> str | None:
    return _GROUP_SCORE.sub("", cell).strip() or None if cell else None


def _table_row(
    cells: dict[str, str],
    span: TableRowSpan,
    text: str,
    level1: str | None,
    level2: str | None,
    has_level2: bool,
) -> _Row | None:
    name = _INDEX_LABEL.sub("", cells.get("name", "")).strip() if cells.get("name") else ""
    figures = [cells.get(kind) for kind in ("target", "actual", "weight", "score")]
    if not name or _TOTAL_ROW.match(name) or name in span.header or not any(figures):
        return None
    reason = _reason_text(cells.get("reason"))
    return _Row(
        name=name,
        start=span.start,
        end=span.end,
        level1=level1,
        level2=level2 if has_level2 else None,
        nature=cells.get("nature") or None,
        direction=cells.get("direction") or None,
        target=cells.get("target") or None,
        unit=cells.get("unit") or None,
        actual=cells.get("actual") or None,
        weight=_score_number(cells.get("weight")),
        score=_score_number(cells.get("score")),
        reason=reason,
        reason_span=_find_span(text, reason, span.start, span.end),
    )


def _reason_text(cell: str | None) -> str | None:
    """A 偏差原因 cell's text; None for "", "0", "/", "无" or a bare "已完成"."""
    if not cell or _NOT_A_REASON.fullmatch(cell) or _AFFIRMED.fullmatch(_plain_text(cell)):
        return None
    return cell


def _score_number(cell: str | None) -> float | None:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*分?\s*", cell or "")
    return float(match.group(1)) if match else None


def _find_span(text: str, needle: str | None, start: int, end: int) -> tuple[int, int] | None:
    """Where `needle` lies in text[start:end]; the whole span when a loader reflowed the cell."""
    if not needle:
        return None
    found = text.find(needle, start, end)
    return (found, found + len(needle)) if found >= 0 else (start, end)


def _inside(offset: int, covered: list[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in covered)


# ---------------------------------------------------------------- whitespace-flattened tables


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int


_FLAT_ENDS = ("评价结论", "存在问题", "改进措施", "项目负责人", "财务负责人", "联系人", "总分")
_FLAT_HEADER_START = ("一级指标", "二级指标", "三级指标", "指标名称")
_FLAT_SCORE = re.compile(r"\d{1,3}(?:\.\d+)?")
_PLACEHOLDER = re.compile(r"指标\d+|…+|\.{3,}")


def _flat_rows(text: str, covered: list[tuple[int, int]]) -> list[_Row]:
    if "级指标" not in text and "指标名称" not in text:
        return []
    tokens = [_Token(m.group(), m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    rows: list[_Row] = []
    index = 0
    while index < len(tokens):
        if not tokens[index].text.startswith(_FLAT_HEADER_START):
            index += 1
            continue
        fields, after = _flat_header(tokens, index)
        if _is_indicator_table({f: i for i, f in enumerate(fields)}) and not _inside(
            tokens[index].start, covered
        ):
            found, index = _flat_body(tokens, after, fields)
            rows += found
        else:
            index += 1
    return rows


def _flat_header(tokens: list[_Token], index: int) -> tuple[list[str], int]:
    """Header fields from `index` on ("一级指标 二级指标 三级指标 年度指标值 …"), index after."""
    fields: list[str] = []
    while index < len(tokens):
        kind = _column_field(tokens[index].text)
        if kind is None or (len(tokens[index].text) > 12 and kind != "reason"):
            break
        fields.append(kind)
        index += 1
    return (fields if len(fields) >= 4 else []), index


def _flat_body(tokens: list[_Token], index: int, fields: list[str]) -> tuple[list[_Row], int]:
    """Rows after a flattened header, until a closing label ("评价结论") or text it cannot read."""
    rows: list[_Row] = []
    levels: dict[str, str | None] = {"level1": None, "level2": None}
    misses = 0
    while index < len(tokens) and misses < 3 and not tokens[index].text.startswith(_FLAT_ENDS):
        level = _flat_level(tokens, index)
        if level is not None:
            levels[level] = _level_label(tokens[index].text)
            if level == "level1":
                levels["level2"] = None
            index += 1
            continue
        read = _flat_row(tokens, index, fields)
        if read is None:
            misses += 0 if _PLACEHOLDER.fullmatch(tokens[index].text) else 1
            index += 1
            continue
        row, index = read
        row.level1, row.level2 = levels["level1"], levels["level2"]
        index = _flat_reason(tokens, index, fields, row)
        rows.append(row)
        misses = 0
    return rows, index


def _flat_level(tokens: list[_Token], index: int) -> str | None:
    """'level1' / 'level2' for a group label token; 满意度指标 and 成本指标 can be either."""
    label = _GROUP_SCORE.sub("", tokens[index].text)
    is_level1, is_level2 = bool(_LEVEL1.fullmatch(label)), bool(_LEVEL2.fullmatch(label))
    if is_level1 and is_level2:
        following = tokens[index + 1].text if index + 1 < len(tokens) else ""
        return "level1" if _LEVEL2.fullmatch(_GROUP_SCORE.sub("", following)) else "level2"
    return "level1" if is_level1 else "level2" if is_level2 else None


def _flat_row(tokens: list[_Token], index: int, fields: list[str]) -> tuple[_Row, int] | None:
    """A row from `index`: its name, up to one token per value column, then weight and score.

    Empty cells left no token, so fewer values are tried too; a number right after the row
    means the split was wrong (it belongs to this row's figures).
    """
    scored = "weight" in fields and "score" in fields
    after_name = fields[fields.index("name") + 1 :]
    slots = [f for f in after_name if f not in ("weight", "score", "reason")]
    if not slots or _FLAT_SCORE.fullmatch(tokens[index].text):
        return None
    for count in range(len(slots), -1, -1):
        end = index + 1 + count
        values = tokens[index + 1 : end]
        if len(values) < count or any(_flat_level(tokens, i) for i in range(index + 1, end)):
            continue
        figures = tokens[end : end + 2] if scored else []
        if scored and not (
            len(figures) == 2 and all(_FLAT_SCORE.fullmatch(t.text) for t in figures)
        ):
            continue
        after = end + len(figures)
        if after < len(tokens) and _FLAT_SCORE.fullmatch(tokens[after].text):
            continue
        row = _Row(name=tokens[index].text, start=tokens[index].start, end=tokens[after - 1].end)
        for slot, token in zip(slots, values, strict=False):
            setattr(row, slot, token.text)
        if figures:
            row.weight, row.score = float(figures[0].text), float(figures[1].text)
        return row, after
    return None


def _flat_reason(tokens: list[_Token], index: int, fields: list[str], row: _Row) -> int:
    """Take the token after a row that lost points as its 偏差原因, unless it opens a row."""
    deducted = row.weight is not None and row.score is not None and row.score < row.weight
    if "reason" not in fields or not deducted or index >= len(tokens):
        return index
    token = tokens[index]
    if _flat_level(tokens, index) or token.text.startswith(_FLAT_ENDS):
        return index
    if _flat_row(tokens, index, fields) is not None:
        return index
    row.reason, row.reason_span, row.end = token.text, (token.start, token.end), token.end
    return index + 1


# ---------------------------------------------------------------- glued rows (部门整体绩效自评表)

_GLUED_HEADER = re.compile(r"得分系数.{0,40}?是否核心指标")
_GLUED_ROW_END = re.compile(r"(\d+(?:\.\d+)?)%(\d{2,6})[是否]")
_GLUED_VALUE = re.compile(rf"{_NUMBER}(?:%|[次份篇个人件项期场户家台套辆天]|万元|元)?$")
_GLUED_WORD_VALUE = re.compile(r"[高好中低优良差]{2}$")  # 定性 target and actual, e.g. "高高"
_GLUED_NATURE = re.compile(r"定量指标$|定性指标$")
_GLUED_UNIT = re.compile(r"(?:%|万元|元|[次份篇个人件项期场户家台套辆天])$")
_GLUED_MAX_ROW = 80


def _glued_rows(text: str, covered: list[tuple[int, int]]) -> list[_Row]:
    header = _GLUED_HEADER.search(text)
    if header is None or _inside(header.start(), covered):
        return []
    rows: list[_Row] = []
    previous = header.end()
    for match in _GLUED_ROW_END.finditer(text, header.end()):
        row = _glued_row(text, previous, match)
        if row is not None:
            rows.append(row)
        previous = match.end()
    return rows


def _glued_row(text: str, start: int, match: re.Match[str]) -> _Row | None:
    """One row: its body before "<coef>%", then weight and score split to agree with coef."""
    body_end = match.start(1)
    line_start = text.rfind("\n", start, body_end) + 1 or start
    head = re.match(r"\d+[、.]", text[line_start:body_end])  # a page marker "3、"
    body_start = line_start + (head.end() if head else 0)
    body = text[body_start:body_end]
    if not body or len(body) > _GLUED_MAX_ROW:
        return None
    coefficient, body = _glued_coefficient(match.group(1), body, match.group(2))
    weight_score = _split_weight_score(match.group(2), coefficient)
    row = _glued_values(body)
    if row is None:
        return None
    row.start, row.end = body_start, match.end()
    if weight_score is not None:
        row.weight, row.score = weight_score
    return row


def _glued_coefficient(digits: str, body: str, weight_score: str) -> tuple[float, str]:
    """The 得分系数 at the end of `digits` that splits the weight/score digits consistently.

    "…3%0" + "100": the actual (0) runs into the coefficient (100); the longest coefficient that
    explains the score is taken, the digits before it go back to the body.
    """
    options = [digits[i:] for i in range(len(digits)) if digits[i] != "0" or i == len(digits) - 1]
    options = [o for o in options if float(o) <= 100] or [digits]
    chosen = next((o for o in options if _split_weight_score(weight_score, float(o))), options[0])
    return float(chosen), body + digits[: len(digits) - len(chosen)]


def _split_weight_score(digits: str, coefficient: float) -> tuple[float, float] | None:
    """Split glued weight and score digits: 1010 at 100% → (10, 10), score = weight × coef."""
    for cut in range(1, len(digits)):
        weight, score = digits[:cut], digits[cut:]
        if any(len(part) > 1 and part.startswith("0") for part in (weight, score)):
            continue
        if abs(float(score) - float(weight) * coefficient / 100) < 0.5:
            return float(weight), float(score)
    return None


def _glued_values(body: str) -> _Row | None:
    """Name, unit, 定量/定性 and up to two values, read from the right of a glued body."""
    values: list[str] = []
    if match := _GLUED_WORD_VALUE.search(body):
        values, body = list(match.group()), body[: match.start()]
    else:
        while len(values) < 2 and (match := _GLUED_VALUE.search(body)):
            values.insert(0, match.group())
            body = body[: match.start()]
    body = _GLUED_NATURE.sub("", body)
    unit_match = _GLUED_UNIT.search(body) if len(body) > 2 else None
    name = body[: unit_match.start()] if unit_match else body
    if name.count("“") != name.count("”"):  # a quote cut in half by the conversion
        name = name.strip("“”")
    if len(name) < 2:
        return None
    row = _Row(name=name, start=0, end=0, unit=unit_match.group() if unit_match else None)
    row.target = values[0] if values else None
    row.actual = values[1] if len(values) > 1 else None
    return row


# ---------------------------------------------------------------- prose items

_BULLET = re.compile(r"\s*(?:[—\-–·•●○◆■▪*]+|\d{1,2}[.、]|[(（]\d{1,2}[)）]|[①-⑳])?\s*")
_PROSE_TARGET = re.compile(
    r"[(（]\s*(?:全年|年度|年初)?(?:目标值|指标值|目标)\s*(?:为|:|：)?\s*(?P<target>[^()（）]{1,30}?)"
    r"\s*[)）]"
    r"|[,，]?\s*(?:全年|年度|年初)?(?:目标值|指标值)\s*(?:为|:|：)\s*(?P<target2>[^,，;；。()（）]{1,30})"
)
_PROSE_ACTUAL = re.compile(
    r"\s*[,，;；]?\s*(?:实际完成值?|实际值|完成值|实际)\s*(?:为|:|：)?\s*(?P<actual>[^,，;；。\n]{1,30})"
)
_PROSE_REASON = re.compile(
    r"\s*[,，;；]?\s*(?P<label>未完成原因|未达标原因|未达成原因|偏差原因|原因)(?:分析)?\s*(?:为|是)?"
    r"\s*[:：]\s*(?P<reason>\S.*)"
)
_PROSE_NAME = re.compile(r"[^,，。;；:：!?！？]{2,60}")


def _prose_rows(report: Report) -> list[_Row]:
    """Indicator items written as sentences, one a line, with a target and an actual or reason."""
    tables = [(table.start, table.end) for table in report.tables]
    rows: list[_Row] = []
    offset = 0
    for line in report.text.split("\n"):
        row = _prose_row(line, offset)
        if row is not None and not _inside(offset, tables):
            path = _path_titles(report, offset)
            row.level1 = _level_from_path(path, _LEVEL1)
            row.level2 = _level_from_path(path, _LEVEL2)
            row.listed_unmet = row.listed_unmet or any(_SAYS_UNMET.search(t) for t in path)
            rows.append(row)
        offset += len(line) + 1
    return rows


def _prose_row(line: str, offset: int) -> _Row | None:
    """One item: 名称(目标值:X),实际完成Y;未完成原因为:Z. The actual or the reason may be absent."""
    bullet = _BULLET.match(line)
    name_start = bullet.end() if bullet else 0
    target = _PROSE_TARGET.search(line, name_start)
    if target is None:
        return None
    name = line[name_start : target.start()].strip().rstrip(":：,，").strip()
    if not _PROSE_NAME.fullmatch(name):
        return None
    rest = target.end()
    actual = _PROSE_ACTUAL.match(line, rest)
    rest = actual.end() if actual else rest
    reason = _PROSE_REASON.match(line, rest)
    if actual is None and reason is None:
        return None
    end = len(line.rstrip())
    row = _Row(name=name, start=offset + name_start, end=offset + end)
    row.target = (target.group("target") or target.group("target2")).strip()
    row.actual = actual.group("actual").strip() if actual else None
    if reason is not None:
        reason_end = len(line[: reason.end("reason")].rstrip().rstrip("。.").rstrip())
        row.reason = line[reason.start("reason") : reason_end] or None
        row.reason_span = (offset + reason.start("reason"), offset + reason_end)
        row.listed_unmet = "未" in reason.group("label")
    return row


def _path_titles(report: Report, offset: int) -> list[str]:
    """Titles of the sections holding `offset`, outermost first (sections nest)."""
    return [section.title for section in report.sections if section.start <= offset < section.end]


def _level_from_path(titles: list[str], pattern: re.Pattern[str]) -> str | None:
    """The innermost heading that is just a level label ("1.数量指标" → "数量指标")."""
    for title in reversed(titles):
        label = re.sub(r"^\s*(?:[(（]?[\d一二三四五六七八九十]+[)）.、]?)\s*", "", title)
        label = label.rstrip("。.:： ")
        if pattern.fullmatch(label):
            return label
    return None


def _merge_prose(rows: list[_Row], prose: list[_Row]) -> list[_Row]:
    """Prose that restates a table's indicator lends it its reason instead of repeating it."""
    by_name = {_plain_text(row.name): row for row in rows}
    for item in prose:
        twin = by_name.get(_plain_text(item.name))
        if twin is None:
            rows.append(item)
        elif twin.reason is None and item.reason is not None:
            twin.reason, twin.reason_span = item.reason, item.reason_span
            twin.listed_unmet = twin.listed_unmet or item.listed_unmet
    return rows


# ---------------------------------------------------------------- stated counts

CountRole = Literal["set", "met", "unmet"]


@dataclass(frozen=True)
class _CountHit:
    """One stated count: '完成131条' (met, 合计) or '数量指标56条' (set, 数量), with its clause."""

    category: str
    role: CountRole
    value: int
    start: int
    end: int


_COUNT_TOKEN = re.compile(
    r"(?P<unmet>未完成|未实现|未达成|未达到|未达标)"
    r"|(?P<set>设定|设置|设立|确定|制定|申报|编报|共有|设有)"
    r"|(?P<met>完成|实现|达成|达到|达标)"
    rf"|(?P<cat>{_CATEGORY_WORDS})(?:类)?(?:绩效)?指标\s*(?:共|为|有)?\s*(?:(?P<catn>\d+)\s*[条个项])?"
    rf"|(?P<n>\d+)\s*[条个项](?:(?P<ncat>{_CATEGORY_WORDS})类?)?(?P<noun>(?:绩效)?指标)?"
)
_VERB_ROLES: dict[str, CountRole] = {"unmet": "unmet", "met": "met", "set": "set"}
_SENTENCE = re.compile(r"[^。;；\n]+")
_CLAUSE_BREAK = re.compile(r"[,，、:：]")
# "共计完成131条", "设置绩效指标12个": a bare count belongs to a verb with only these between.
_VERB_FILLER = re.compile(r"(?:[了共计总合累已全部均\s]|(?:绩效)?指标)*")


def _count_hits_by_sentence(text: str) -> Iterator[list[_CountHit]]:
    for sentence in _SENTENCE.finditer(text):
        if "指标" in sentence.group():
            hits = list(_count_hits(text, sentence.start(), sentence.end()))
            if hits:
                yield hits


def _count_hits(text: str, start: int, end: int) -> Iterator[_CountHit]:
    """Counts in one sentence; each takes the role of the last verb before it (设定/完成/未完成)."""
    role: CountRole = "set"
    category = TOTAL_CATEGORY
    verb_end: int | None = None
    for token in _COUNT_TOKEN.finditer(text, start, end):
        verb = _VERB_ROLES.get(token.lastgroup or "")
        if verb is not None:
            role, verb_end = verb, token.end()
            continue
        if token.group("cat"):
            category = _category(token.group("cat")) or category
            if token.group("catn") is None:
                continue
            value = token.group("catn")
        else:
            bare = token.group("noun") is None and token.group("ncat") is None
            if bare and not _follows_verb(text, verb_end, token.start()):
                continue  # "12条意见", "设定一级指标3个": a number of something else
            verb_end = None  # "完成26个,2个…": one verb, one bare count
            if not bare:
                category = _category(token.group("ncat") or "") or TOTAL_CATEGORY
            value = token.group("n")
        yield _CountHit(
            category, role, int(value), _clause_start(text, start, token.start()), token.end()
        )


def _follows_verb(text: str, verb_end: int | None, offset: int) -> bool:
    return verb_end is not None and bool(_VERB_FILLER.fullmatch(text, verb_end, offset))


def _clause_start(text: str, sentence_start: int, offset: int) -> int:
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, sentence_start, offset)]
    return breaks[-1] if breaks else sentence_start


def _category(label: str) -> str | None:
    return next((word for word in CATEGORIES if word in label), None)


def category_of(indicator: Indicator) -> str | None:
    """The count category (数量, 社会效益, 满意度 …) of an indicator, from its 二级/一级指标."""
    for label in (indicator.level2, indicator.level1):
        if label and (found := _category(label)):
            return found
    return None


# ---------------------------------------------------------------- the unmet_count check


@dataclass
class _Tally:
    """One category's stated figures, each with the clause that states it."""

    figures: dict[CountRole, _CountHit] = field(default_factory=dict)

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
    for hits in _count_hits_by_sentence(text):
        for hit in hits:
            if any(start <= hit.start and hit.end <= end for start, end in spans):
                tallies.setdefault(hit.category, _Tally()).figures.setdefault(hit.role, hit)
    _prefer_paired_total(text, tallies, spans)
    return tallies


def _prefer_paired_total(
    text: str, tallies: dict[str, _Tally], spans: list[tuple[int, int]]
) -> None:
    """A total stated as a pair in one sentence (设定139条,完成131条) outweighs a lone one."""
    for hits in _count_hits_by_sentence(text):
        totals = {h.role: h for h in hits if h.category == TOTAL_CATEGORY}
        inside = all(any(s <= h.start and h.end <= e for s, e in spans) for h in totals.values())
        if "set" in totals and ("met" in totals or "unmet" in totals) and inside:
            tallies[TOTAL_CATEGORY] = _Tally(dict(totals))
            return


def _distinct(indicators: list[Indicator]) -> list[Indicator]:
    seen: dict[str, Indicator] = {}
    for indicator in indicators:
        seen.setdefault(_plain_text(indicator.name), indicator)
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
