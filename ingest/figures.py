"""Figures (数字): every number a report states, with its unit, normalised value and measure.

Prose is scanned with one pattern for Arabic numbers ("2,961.68万元", "71.73%", "90%-95%",
"≥95%") and one for Chinese numerals ("三辆", "百分之九十五"). What looks like a number but
counts nothing is dropped by its context: years and dates, ordinals ("1." "(1)" "2、"), table
and annex numbers ("表2"), phone numbers, document numbers ("〔2024〕15号"), codes glued to
letters or dashes, and numbers quoted as names ("“12348”热线").

Table rows are read cell by cell. A cell's measure is its row label and column header
("一般公共服务支出 | 决算数"); its unit is the cell's own, else its column header's ("金额(万元)"),
else the table's unit note ("单位:万元" above or just below the table). Subject-code columns
(科目编码, 类/款/项) hold codes, not figures. A table broken over pages is read as one table.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal, NamedTuple

import cn2an

from ingest.models import Comparison, Figure, Report, TableRowSpan, TableSpan
from ingest.positions import Locator

FigureKind = Literal["amount", "percent", "count", "number"]
NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
AMOUNT_UNITS = {"元": 1.0, "千元": 1e3, "万元": 1e4, "亿元": 1e8}
PERCENT_UNITS = {"%": 1.0, "百分比": 1.0, "‰": 0.1}
# Longest first, so that "人次" is not read as "人" and "分钟" not as "分".
_COUNT = (
    "人次|场次|轮次|户次|家次|批次|个|人|件|次|条|家|辆|台|项|名|所|场|期|份|篇|批|处|套|户|间|座|张"
    "|册|艘|架|宗|通|天|年"
)
_OTHER = "百分点|学时|小时|分钟|平方米|公里|千米|分|倍|亩|吨|岁"
_UNIT = rf"亿元|万元|千元|元|%|‰|百分比|{_OTHER}|(?:万|亿)?(?:{_COUNT})|万|亿"
_COMPARISONS: dict[str, Comparison] = {
    "≥": ">=", ">=": ">=", "不低于": ">=", "不少于": ">=", "不小于": ">=", "及以上": ">=",
    "以上": ">=", "≤": "<=", "<=": "<=", "不超过": "<=", "不高于": "<=", "不大于": "<=",
    "不多于": "<=", "以下": "<=", "以内": "<=", "之内": "<=", ">": ">", "大于": ">", "高于": ">",
    "超过": ">", "<": "<", "小于": "<", "低于": "<", "=": "=",
}  # fmt: skip
_BEFORE = "|".join(
    sorted((k for k in _COMPARISONS if "以" not in k and "之" not in k), key=len)[::-1]
)
PROSE_FIGURE = re.compile(
    rf"(?P<cmp>{_BEFORE})?[ \t]*(?P<num>{NUMBER})(?P<pct1>%)?"
    rf"(?:[ \t]*(?:-|~|～|—|–|至)[ \t]*(?P<upper>{NUMBER}))?"
    rf"[ \t]?(?P<approx>余|多)?(?P<unit>{_UNIT})?(?P<bound>及以上|以上|以下|以内|之内)?"
)
_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
_CN_FIGURE = re.compile(
    rf"百分之(?P<pct>[{_CN_DIGITS}点]+|{NUMBER})|(?P<cn>[{_CN_DIGITS}]+)(?P<unit>万元|亿元|元|{_COUNT})"
)
_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d{2})年")
_COMPARED_YEAR = re.compile(r"(?:比|较|与|同|上)$")
_NOT_FIGURE_BEFORE = re.compile(
    r"(?:第|表|附件|附表|图|指标|序号|编号|编码|代码|No\.?|〔|\[)[ \t]*$"
)
_LINE_ORDINAL = re.compile(r"(?m)^[ \t—-]*(?:\d{1,2}\.(?=\D|\d{4}年)|\d{1,2}[、)]|\(\d{1,2}\))")
_PAREN_ORDINAL = re.compile(r"\(\d{1,2}\)|\d{1,2}\.(?=[ \t]?[\u4e00-\u9fff])")
_CODE_IN_PARENS = re.compile(r"\(\d+[类款项]\)")
_UNIT_NOTE = re.compile(r"单位[::]\s*(亿元|万元|千元|元)")
_UNIT_LINE = re.compile(r"\s*(?:金额)?单位[::]\s*(?:亿元|万元|千元|元)\s*")
_HEADER_UNIT = re.compile(r"\((亿元|万元|千元|元)\)")
CODE_HEADER = re.compile(r"编码|代码|序号|编号|(?:^|/)[类款项]$")
NOT_AMOUNT_HEADER = re.compile(
    r"率|比例|比重|%|权重|分值|得分|分数|人数|数量|个数|次数|天数|指标值|完成值|单位"
)
VALUE_HEADER = re.compile(r"指标值|完成值|目标值")
_ATTR_HEADER = re.compile(r"指标性质|单位|方向|原因|说明|备注|结论|指标值|完成值|目标值")
_ORDINAL_PREFIX = re.compile(
    r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十\d]+\)|\d{1,2}[.、])\s*"
)
_SPACES = re.compile(r"\s+")
_COUNTED = re.compile(r"[\u4e00-\u9fff]{2,8}(?=[,,;;。、)\s]|$)")
_SUB_ITEM = re.compile(r"^其中[::]?")
_CELL_NUMBER = re.compile(rf"-?{NUMBER}%?")
_FIGURE_CELL = re.compile(rf"(?:{_BEFORE})?\s*{NUMBER}\s*(?:{_UNIT})?(?:及以上|以上|以下|以内)?")
_CELL_BREAK = re.compile(r"[|\n]")
_CODE = re.compile(r"\d{2,7}")
_GLUED_BEFORE = re.compile(r"[A-Za-z0-9._/\\]$")
_GLUED_AFTER = re.compile(r"[A-Za-z_:]")
_CODE_DASH = re.compile(r"[A-Za-z0-9]-$")
_DATE_OR_CODE_AFTER = re.compile(r"[月日号时点、]|-[\u4e00-\u9fff]")
_YEAR_NUMBER = re.compile(r"(?:19|20)\d{2}")
_PLACEHOLDERS = {"", "/", "-", "—", "--", "——", "无", "空"}
_MAX_MEASURE = 30
_HEADING = re.compile(
    r"(?:[一二三四五六七八九十]+、|\(|\d{1,2}[、.]|第[一二三四五六七八九十\d]+[部章节条]|[-—•])"
)
_PAGE_GAP = re.compile(r"[\s\d/第页共-]*")


class CellSpan(NamedTuple):
    """One cell of a table row as it lies in the text: its column and exact span."""

    column: int
    start: int
    end: int
    text: str


class LogicalTable(NamedTuple):
    """A table with its continuation pages, its caption, unit note and year."""

    tables: list[TableSpan]
    header: list[str]
    rows: list[TableRowSpan]  # data rows only, in order
    caption: str | None
    unit: str | None
    year: int | None


class _Parsed(NamedTuple):
    value: float
    upper: float | None
    unit: str | None
    comparison: Comparison | None
    start: int  # the number's start (the comparison sign is not part of the raw text)
    end: int


def extract_figures(report: Report) -> list[Figure]:
    """Every figure of the report, prose and table cells, in text order."""
    locator = Locator(report)
    text = report.text
    context = context_text(text)
    figures: list[Figure] = []
    covered: list[tuple[int, int]] = []
    for table in logical_tables(report):
        roles = column_roles(table)
        for row in table.rows:
            covered.append((row.start, row.end))
            figures += _row_figures(text, context, table, roles, row, locator)
    covered.sort()
    cursor = 0
    for start, end in [*covered, (len(text), len(text))]:
        if start > cursor:
            figures += _prose_figures(text, context, cursor, start, locator, in_table=False)
        cursor = max(cursor, end)
    return sorted(figures, key=lambda f: f.position.start)


def parse_figure(text: str, start: int = 0, end: int | None = None) -> Iterator[_Parsed]:
    """Numbers of text[start:end] that are figures, with their units and comparisons."""
    end = len(text) if end is None else end
    masked = _masked(text, start, end)
    for match in PROSE_FIGURE.finditer(text, start, end):
        number_start = match.start("num")
        last = next(g for g in ("unit", "upper", "pct1", "num") if match[g])
        if number_start in masked or not _is_figure(text, match, match.end(last)):
            continue
        upper = _to_float(match["upper"]) if match["upper"] else None
        comparison = "range" if upper is not None else _comparison(match["cmp"], match["bound"])
        unit = match["unit"] or match["pct1"]
        yield _Parsed(
            _to_float(match["num"]), upper, unit, comparison, number_start, match.end(last)
        )
    for match in _CN_FIGURE.finditer(text, start, end):
        parsed = _chinese_figure(text, match)
        if parsed is not None:
            yield parsed


def decimals(raw: str) -> int:
    """How many decimals a figure is stated with ("1,045.50万元" → 2, "三辆" → 0)."""
    match = re.search(r"\d+(?:\.(\d+))?", raw.replace(",", ""))
    return len(match.group(1) or "") if match else 0


def logical_tables(report: Report) -> list[LogicalTable]:
    """The report's tables, each joined with the pages it continues on."""
    groups: list[list[TableSpan]] = []
    for table in sorted(report.tables, key=lambda t: t.start):
        if groups and _continues(report.text, groups[-1], table):
            groups[-1].append(table)
        else:
            groups.append([table])
    return [_logical(report.text, group) for group in groups]


def row_cell_spans(text: str, row: TableRowSpan) -> list[CellSpan]:
    """The row's non-empty cells as text spans, each under its column of `row.cells`.

    The text may drop cells the loader filled in (merged cells, padding), so the pieces between
    pipes are matched to `row.cells` in order, skipping cells the text does not hold.
    """
    spans: list[CellSpan] = []
    column = 0
    cursor = row.start
    # Pipe rows hold one row a line; cell-per-line tables hold one cell a line.
    for piece in _CELL_BREAK.split(text[row.start : row.end]):
        stripped = piece.strip()
        lead = len(piece) - len(piece.lstrip())
        piece_start = cursor + lead
        cursor += len(piece) + 1
        if not stripped:
            continue
        match = next(
            (i for i in range(column, len(row.cells)) if _same_cell(row.cells[i], stripped)), None
        )
        if match is None:
            continue
        spans.append(CellSpan(match, piece_start, piece_start + len(stripped), stripped))
        column = match + 1
    return spans


def column_roles(table: LogicalTable) -> list[str]:
    """Each column's role: "code" (subject codes), "label" (row names), "attr" (a row's
    comparison sign, unit or remark) or "value"."""
    width = max([len(table.header), *(len(r.cells) for r in table.rows)], default=0)
    roles = []
    for column in range(width):
        header = table.header[column] if column < len(table.header) else ""
        cells = [
            r.cells[column]
            for r in table.rows
            if column < len(r.cells) and r.cells[column].strip() not in _PLACEHOLDERS
        ]
        numeric = sum(1 for c in cells if is_number_cell(c) or _FIGURE_CELL.fullmatch(c.strip()))
        if CODE_HEADER.search(header) or (not header and cells and all(map(_is_code, cells))):
            roles.append("code")
        elif cells and numeric * 2 < len(cells):
            roles.append("attr" if _ATTR_HEADER.search(header) else "label")
        else:
            roles.append("value")
    return roles


def label_column(roles: list[str], column: int) -> int | None:
    """The label column that names the rows of a value column: the nearest one to its left."""
    return next((i for i in range(column - 1, -1, -1) if roles[i] == "label"), None)


def row_label(cells: list[str], label: int | None) -> str:
    """A row's name, without its ordinal ("一、") or spacing ("合 计")."""
    if label is None or label >= len(cells):
        return ""
    name = _SPACES.sub("", cells[label])
    name = _SUB_ITEM.sub("", name)
    return _ORDINAL_PREFIX.sub("", name)


def column_title(header: list[str], column: int, label: int | None) -> str:
    """A column's header less the top part its label column shares ("支出/决算数" → "决算数")."""
    if column >= len(header):
        return ""
    parts = header[column].split("/")
    shared = label is not None and label < len(header) and header[label].split("/")[0] == parts[0]
    return "/".join(parts[1:] if shared and len(parts) > 1 else parts)


def is_number_cell(cell: str) -> bool:
    return bool(_CELL_NUMBER.fullmatch(cell.replace(" ", "")))


def table_display_name(table: LogicalTable) -> str:
    """ "表2" for a numbered table, else its caption, else "表格"."""
    caption = table.caption or ""
    numbered = re.match(r"(?:附)?表\s*[\d一二三四五六七八九十]+", caption)
    if numbered:
        return numbered.group(0)
    return caption or "表格"


# --- prose ---


def _prose_figures(
    text: str, context: str, start: int, end: int, locator: Locator, in_table: bool
) -> list[Figure]:
    figures: list[Figure] = []
    for parsed in sorted(parse_figure(text, start, end), key=lambda p: p.start):
        previous = figures[-1] if figures else None
        measure = prose_measure(context, parsed.start, previous, floor=start)
        counted = _COUNTED.match(context, parsed.end)
        if counted and (not measure or measure == (previous.measure if previous else None)):
            measure = counted.group(0)  # "共80个项目": what is counted follows the unit
        year = sentence_year(context, parsed.start, start)
        figures.append(_figure(text, parsed, measure, year, in_table, locator))
    return figures


def context_text(text: str) -> str:
    """The text with line breaks inside sentences made spaces, offsets unchanged.

    PDFs break lines mid-sentence ("占本年支出合计的\n100.00%"); a break after sentence-ending
    punctuation, around a table row, before a heading or after a short title line stays.
    """
    lines = text.split("\n")
    joined = []
    for line, following in zip(lines, [*lines[1:], ""], strict=True):
        joined.append(line)
        joined.append(" " if _runs_on(line, following) else "\n")
    return "".join(joined[:-1])


def _runs_on(line: str, following: str) -> bool:
    stripped, next_line = line.strip(), following.strip()
    if not stripped or not next_line or "|" in line or "|" in following:
        return False
    if stripped[-1] in "。!?;;::)" or len(stripped) < 15 or _HEADING.match(next_line):
        return False
    return not (_HEADING.match(stripped) and len(stripped) <= 50)


def prose_measure(text: str, at: int, previous: Figure | None, floor: int = 0) -> str:
    """What a prose figure measures: the noun phrase of its clause, before the number."""
    clause_start = clause_start_of(text, at, floor)
    previous_end = previous.position.end if previous is not None else floor
    same_sentence = (
        previous is not None and sentence_start_of(text, at, floor) <= previous.position.start
    )
    clause = text[max(clause_start, previous_end) : at]
    share = re.fullmatch(r"[,,]?\s*占(.*?)的?(?:比重|比例)?(?:为|达)?", clause)
    if share is not None and previous is not None and same_sentence:
        whole = clean_measure(share.group(1))
        return f"{previous.measure}占{whole}" if whole else f"{previous.measure}占比"
    measure = clean_measure(clause)
    if (
        measure
        and re.match(r"(?:较|比|与|同比)", measure)
        and previous is not None
        and same_sentence
    ):
        return previous.measure + measure
    if measure and measure not in _CHANGE_WORDS:
        return measure
    if previous is not None and same_sentence:
        subject = re.sub(r"(?:较|比|与|同比).*$|(?:增加|减少|增长|下降)$", "", previous.measure)
        return subject + measure if measure in _CHANGE_WORDS else previous.measure
    return clean_measure(text[sentence_start_of(text, at, floor) : at].split("(")[0]) or measure


_CHANGE_WORDS = {"增长", "下降", "增加", "减少", "上升", "降低", "提高", "同比增长", "同比下降"}
_CLAUSE_BREAK = re.compile(r"[,,;;。::!!??\n、]|其中")
_SENTENCE_BREAK = re.compile(r"[。!!??\n]")
_LEAD = re.compile(
    r"^(?:其中|包括|主要包括|分别为|分别是|共计|共有|累计|全年|今年以来|年内|目前|截至|截止|另外|此外|以及|"
    r"全[州县区市省]|共|和|及|并|对|已|实际完成|即)+"
)
_TRAIL = re.compile(r"(?:为|是|达到|达|约|共计|增至|的|了|实际完成)+$")
_DATE = re.compile(r"\d{4}年(?:度)?(?:\d{1,2}月(?:\d{1,2}日)?)?|\d{1,2}月\d{1,2}日")
# "红河州司法局本级机关", "中共上海市普陀区委社会工作部": a place, then an office.
_ORG = re.compile(
    r"^(?:中共)?[\u4e00-\u9fff]{1,4}[省市州][\u4e00-\u9fff]*?"
    r"(?:局|委员会|办公室|中心|政府|工作部)(?:本级机关|本级|机关|本部)?"
)


def clean_measure(clause: str) -> str:
    """A clause reduced to its noun phrase: no quotes, dates, organisation, verbs or connectors."""
    measure = re.sub(r"[“”\"'‘’《》\s—]", "", clause)
    dates = list(_DATE.finditer(measure))
    if dates and dates[-1].end() < len(measure):
        measure = measure[dates[-1].end() :]
    organisation = _ORG.match(measure)
    if organisation and len(measure) - organisation.end() >= 2:
        measure = measure[organisation.end() :]
    for comparison in sorted(_COMPARISONS, key=len, reverse=True):
        measure = measure.replace(comparison, "") if not comparison.isascii() else measure
    measure = re.sub(r"[≥≤<>=]", "", measure)
    measure = _TRAIL.sub("", _LEAD.sub("", measure))
    if measure.count("(") > measure.count(")"):
        measure = measure[: measure.rfind("(")]
    # A clause with no break for long is narrative; its last words name the figure.
    return measure.strip(",;:、")[-_MAX_MEASURE:]


def clause_start_of(text: str, at: int, floor: int = 0) -> int:
    """Where the clause holding offset `at` starts (after the last ,;:、 or 其中)."""
    window = text[max(floor, at - 80) : at]
    matches = list(_CLAUSE_BREAK.finditer(window))
    return max(floor, at - 80) + matches[-1].end() if matches else max(floor, at - 80)


def sentence_start_of(text: str, at: int, floor: int = 0) -> int:
    """Where the sentence holding offset `at` starts (after the last 。 or line break)."""
    index = max(text.rfind(mark, floor, at) for mark in "。!?\n")
    return index + 1 if index >= 0 else floor


def sentence_end_of(text: str, at: int) -> int:
    """Where the sentence holding offset `at` ends (at its 。 or line break, inclusive)."""
    match = _SENTENCE_BREAK.search(text, at)
    return match.end() if match else len(text)


def sentence_year(text: str, at: int, floor: int = 0) -> int | None:
    """The year the sentence states before the figure, not a year it compares with (比2023年)."""
    return stated_year(text, sentence_start_of(text, at, floor), at)


def stated_year(text: str, start: int, end: int) -> int | None:
    """The last year text[start:end] states, not counting years it compares with (比2023年)."""
    years = [
        m
        for m in _YEAR.finditer(text, start, end)
        if not _COMPARED_YEAR.search(text[max(start, m.start() - 3) : m.start()].rstrip())
    ]
    return int(years[-1].group(1)) if years else None


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


def _chinese_figure(text: str, match: re.Match[str]) -> _Parsed | None:
    before = text[max(0, match.start() - 1) : match.start()]
    if match["pct"] is not None:
        raw = match["pct"]
        value = _to_float(raw) if raw[0].isdigit() else float(cn2an.cn2an(raw, "smart"))
        return _Parsed(value, None, "%", None, match.start(), match.end())
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
    return _Parsed(value, None, match["unit"], None, match.start(), match.end())


# --- tables ---


def _row_figures(
    text: str,
    context: str,
    table: LogicalTable,
    roles: list[str],
    row: TableRowSpan,
    locator: Locator,
) -> list[Figure]:
    figures: list[Figure] = []
    for cell in row_cell_spans(text, row):
        role = roles[cell.column] if cell.column < len(roles) else "value"
        if role == "code" and (_is_code(cell.text) or is_number_cell(cell.text)):
            continue
        if role == "value" and is_number_cell(cell.text):
            figures.append(_cell_figure(text, table, row, cell, roles, locator))
            continue
        found = _prose_figures(text, context, cell.start, cell.end, locator, True)
        label = label_column(roles, cell.column)
        if len(found) == 1 and label is not None and _fills_cell(found[0], cell):
            # "≥50个" under 年度指标值: named by its row and column, like a number cell
            measure = _cell_measure(table.header, row, cell.column, label)
            found = [found[0].model_copy(update={"measure": measure})]
        figures += found
    return figures


def _fills_cell(figure: Figure, cell: CellSpan) -> bool:
    rest = cell.text.replace(figure.raw, "", 1)
    return not re.sub(rf"{_BEFORE}|及以上|以上|以下|以内|\s", "", rest)


def _cell_measure(header: list[str], row: TableRowSpan, column: int, label: int | None) -> str:
    title = column_title(header, column, label)
    return " | ".join(p for p in (row_label(row.cells, label), title) if p)


def _cell_figure(
    text: str,
    table: LogicalTable,
    row: TableRowSpan,
    cell: CellSpan,
    roles: list[str],
    locator: Locator,
) -> Figure:
    # A value cell holds one number and at most a %: read directly, it is most of a table's time.
    value = _to_float(cell.text.replace(" ", "").rstrip("%"))
    percent = "%" if cell.text.endswith("%") else None
    parsed = _Parsed(value, None, percent, None, cell.start, cell.end)
    label = label_column(roles, cell.column)
    header = table.header
    unit = parsed.unit or column_unit(table, row, cell.column)
    comparison = parsed.comparison or _row_comparison(row, header, cell.column)
    measure = _cell_measure(header, row, cell.column, label)
    year_match = _YEAR.search(header[cell.column]) if cell.column < len(header) else None
    year = int(year_match.group(1)) if year_match else table.year
    parsed = parsed._replace(unit=unit, comparison=comparison)
    return _figure(text, parsed, measure, year, True, locator)


def column_unit(table: LogicalTable, row: TableRowSpan, column: int) -> str | None:
    """The unit of a column's cells: from its header ("金额(万元)"), the row's 度量单位 cell for
    an indicator value, else the table's unit note unless the column counts or rates."""
    header = table.header[column] if column < len(table.header) else ""
    stated = _HEADER_UNIT.search(header)
    if stated:
        return stated.group(1)
    if VALUE_HEADER.search(header):
        unit_column = next((i for i, h in enumerate(table.header) if h.endswith("单位")), None)
        if unit_column is not None and unit_column < len(row.cells):
            return row.cells[unit_column] or None
        return None
    return None if NOT_AMOUNT_HEADER.search(header) else table.unit


def _row_comparison(row: TableRowSpan, header: list[str], column: int) -> Comparison | None:
    if column >= len(header) or not VALUE_HEADER.search(header[column]):
        return None
    kind = next(
        (row.cells[i] for i, h in enumerate(header) if "指标性质" in h and i < len(row.cells)), ""
    )
    return _COMPARISONS.get(kind.strip())


def _continues(text: str, group: list[TableSpan], table: TableSpan) -> bool:
    """A table that picks up where the previous one stopped: a page break between, same columns."""
    previous = group[-1]
    if not _PAGE_GAP.fullmatch(text[previous.end : table.start]):
        return False
    data = [r for r in table.rows if not r.is_header]
    header = next((r.header for r in group[0].rows if r.header), [])
    width = len(header) or max((len(r.cells) for r in group[0].rows), default=0)
    own_header = next((r.header for r in table.rows if r.header), [])
    if own_header and own_header != header:
        return False
    return bool(data) and len(data[0].cells) == width


def _logical(text: str, group: list[TableSpan]) -> LogicalTable:
    first = group[0]
    header = next((r.header for r in first.rows if r.header), [])
    rows = [r for t in group for r in t.rows if not r.is_header]
    before = text[max(0, first.start - 300) : first.start].split("\n")[-4:]
    after = [
        line
        for line in text[group[-1].end : group[-1].end + 80].split("\n")[1:2]
        if _UNIT_LINE.fullmatch(line)
    ]
    caption = first.title or _caption(before)
    note = _UNIT_NOTE.search("\n".join(before[-3:])) or _UNIT_NOTE.search("\n".join(after))
    stated = [m.group(1) for h in header[:1] for m in [_HEADER_UNIT.search(h)] if m]
    unit = note.group(1) if note else stated[0] if stated else None
    year = _YEAR.search(caption or "")
    return LogicalTable(group, header, rows, caption, unit, int(year.group(1)) if year else None)


def _caption(lines: list[str]) -> str | None:
    """The table's name from the lines above it ("…决算表收入支出决算总表" → "收入支出决算总表")."""
    for line in reversed(lines):
        name = re.split(r"编制部门|(?:金额)?单位[::]", line.strip().strip("|").strip())[0].strip()
        if name.endswith("表"):
            pieces = [p for p in name.split("表") if p]
            return (pieces[-1] if pieces else name).split()[-1] + "表"
    return None


def _same_cell(cell: str, piece: str) -> bool:
    return cell == piece or _SPACES.sub("", cell) == _SPACES.sub("", piece)


def _is_code(cell: str) -> bool:
    return bool(_CODE.fullmatch(cell.strip())) or cell.strip() in ("类", "款", "项")


# --- building records ---


def _figure(
    text: str, parsed: _Parsed, measure: str, year: int | None, in_table: bool, locator: Locator
) -> Figure:
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
    return ("count" if re.fullmatch(_COUNT, base) else "number"), factor, unit


def _comparison(before: str | None, bound: str | None) -> Comparison | None:
    for word in (before, bound):
        if word:
            return _COMPARISONS[word]
    return None


def _to_float(number: str) -> float:
    return float(number.replace(",", "").replace(" ", ""))
