"""Indicator tables that lost their cell boundaries in a text copy.

- Whitespace-flattened tables ("一级指标 二级指标 三级指标 年度指标值 … 产出指标(50分) 数量指标 …"),
  as DOCX-to-text copies give them: empty cells vanish, so a row is found by its shape, a name,
  its values, then weight and score;
- glued rows of the 部门整体绩效自评表 (… 得分系数 指标权重 指标得分 是否核心指标) whose conversion
  dropped every cell boundary: each row still ends in "<得分系数>%<权重><得分>是|否".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.indicators.labels import GROUP_SCORE, LEVEL1, LEVEL2, level_label
from ingest.indicators.rows import Row, inside
from ingest.indicators.tables import column_field, is_indicator_table
from ingest.indicators.values import NUMBER


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int


_FLAT_ENDS = ("评价结论", "存在问题", "改进措施", "项目负责人", "财务负责人", "联系人", "总分")
_FLAT_HEADER_START = ("一级指标", "二级指标", "三级指标", "指标名称")
_FLAT_SCORE = re.compile(r"\d{1,3}(?:\.\d+)?")
_PLACEHOLDER = re.compile(r"指标\d+|…+|\.{3,}")


def flat_rows(text: str, covered: list[tuple[int, int]]) -> list[Row]:
    if "级指标" not in text and "指标名称" not in text:
        return []
    tokens = [_Token(m.group(), m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    rows: list[Row] = []
    index = 0
    while index < len(tokens):
        if not tokens[index].text.startswith(_FLAT_HEADER_START):
            index += 1
            continue
        fields, after = _flat_header(tokens, index)
        if is_indicator_table({f: i for i, f in enumerate(fields)}) and not inside(
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
        kind = column_field(tokens[index].text)
        if kind is None or (len(tokens[index].text) > 12 and kind != "reason"):
            break
        fields.append(kind)
        index += 1
    return (fields if len(fields) >= 4 else []), index


def _flat_body(tokens: list[_Token], index: int, fields: list[str]) -> tuple[list[Row], int]:
    """Rows after a flattened header, until a closing label ("评价结论") or text it cannot read."""
    rows: list[Row] = []
    levels: dict[str, str | None] = {"level1": None, "level2": None}
    misses = 0
    while index < len(tokens) and misses < 3 and not tokens[index].text.startswith(_FLAT_ENDS):
        level = _flat_level(tokens, index)
        if level is not None:
            levels[level] = level_label(tokens[index].text)
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
    label = GROUP_SCORE.sub("", tokens[index].text)
    is_level1, is_level2 = bool(LEVEL1.fullmatch(label)), bool(LEVEL2.fullmatch(label))
    if is_level1 and is_level2:
        following = tokens[index + 1].text if index + 1 < len(tokens) else ""
        return "level1" if LEVEL2.fullmatch(GROUP_SCORE.sub("", following)) else "level2"
    return "level1" if is_level1 else "level2" if is_level2 else None


def _flat_row(tokens: list[_Token], index: int, fields: list[str]) -> tuple[Row, int] | None:
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
        row = Row(name=tokens[index].text, start=tokens[index].start, end=tokens[after - 1].end)
        for slot, token in zip(slots, values, strict=False):
            setattr(row, slot, token.text)
        if figures:
            row.weight, row.score = float(figures[0].text), float(figures[1].text)
        return row, after
    return None


def _flat_reason(tokens: list[_Token], index: int, fields: list[str], row: Row) -> int:
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


_GLUED_HEADER = re.compile(r"得分系数.{0,40}?是否核心指标")
_GLUED_ROW_END = re.compile(r"(\d+(?:\.\d+)?)%(\d{2,6})[是否]")
_GLUED_VALUE = re.compile(rf"{NUMBER}(?:%|[次份篇个人件项期场户家台套辆天]|万元|元)?$")
_GLUED_WORD_VALUE = re.compile(r"[高好中低优良差]{2}$")  # 定性 target and actual, e.g. "高高"
_GLUED_NATURE = re.compile(r"定量指标$|定性指标$")
_GLUED_UNIT = re.compile(r"(?:%|万元|元|[次份篇个人件项期场户家台套辆天])$")
_GLUED_MAX_ROW = 80


def glued_rows(text: str, covered: list[tuple[int, int]]) -> list[Row]:
    header = _GLUED_HEADER.search(text)
    if header is None or inside(header.start(), covered):
        return []
    rows: list[Row] = []
    previous = header.end()
    for match in _GLUED_ROW_END.finditer(text, header.end()):
        row = _glued_row(text, previous, match)
        if row is not None:
            rows.append(row)
        previous = match.end()
    return rows


def _glued_row(text: str, start: int, match: re.Match[str]) -> Row | None:
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


def _glued_values(body: str) -> Row | None:
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
    row = Row(name=name, start=0, end=0, unit=unit_match.group() if unit_match else None)
    row.target = values[0] if values else None
    row.actual = values[1] if len(values) > 1 else None
    return row
