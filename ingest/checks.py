"""Cross-checks (交叉核对) of a report's own figures: totals, ratios, shares and restatements.

Checks, each citing every figure it uses:
- table_sum: a table's 合计/总计/小计 row against its direct child rows, per column (subject codes
  类/款/项 and ordinals 一、/1. give the hierarchy; "其中" rows are sub-items), and a 合计 column
  against its sibling columns, row by row;
- prose_sum: a total in prose against the items listed after it ("…2,661.83万元,其中:…");
- ratio: a stated percentage against the one its figures give: 占 (share of a whole), 执行率/
  完成率 (actual ÷ budget), 增长/下降 (change ÷ base), other 率 whose numerator and denominator
  the sentence names, and a table's 执行率 column;
- share_sum: the 占 shares of one whole, which must sum to 100%;
- repeated: one quantity stated twice with different values.

Silence is preferred to a wrong "inconsistent": where the structure is unclear (mixed numbering,
a list that may be partial, a ratio whose denominator is not named) nothing is reported.
Statuses come from the stated precision: "agrees" when the figures are equal at the precision
stated, "rounding" when the difference is within what rounding the inputs could cause (never less
than 0.01 of the stated unit or percentage point), "inconsistent" otherwise.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable
from typing import Literal, NamedTuple

from ingest.figures import (
    AMOUNT_UNITS,
    CellSpan,
    LogicalTable,
    clause_start_of,
    clean_measure,
    column_roles,
    column_title,
    column_unit,
    context_text,
    decimals,
    is_number_cell,
    label_column,
    logical_tables,
    row_cell_spans,
    row_label,
    sentence_end_of,
    sentence_start_of,
    stated_year,
    table_display_name,
)
from ingest.models import Evidence, Figure, Finding, FindingStatus, Report
from ingest.positions import Locator

_CHANGE = re.compile(r"(?:同比)?(增长|下降|增加|减少|上升|降低|提高)(?:了)?(?:为)?$")
_SEMICOLON = re.compile(r"[;；]")
_RISE = {"增长", "增加", "上升", "提高"}
_TOTAL_LABEL = re.compile(r"(合计|总计|小计|总额)$")
_TOTAL_WORD = re.compile(r"合计|总计|小计")
_NOT_ADDITIVE = re.compile(r"率|比例|比重|%|权重|分值|得分|分数|序号|单价|标准|指标值|完成值")
_LIST_MARKER = re.compile(r"(?<!主要)(?:其中|包括|分别为|分别是)[::,,]?")
_SHARE_MARKER = re.compile(r"(?:其中|主要用于以下方面|主要用于|分别为|包括)[::,,]?")
_BUDGET = re.compile(r"(?:年初|全年|调整后?|较)预算|预算(?:数|安排|金额|资金)?$")
_STAGE = re.compile(r"年初|预算|调整|决算|上年|结转|结余|到位|批复|设定|完成|执行|目标")
_GENERIC = re.compile(
    r"年初|全年|当年|本年度|本年|上年度|上年|年度|调整后?|预算|决算|执行|安排|支出|收入|合计|总计|"
    r"小计|共计|总额|金额|资金|实际|完成|到位|其他|数|额|值|总|计|共"
)
# Items off their total by more than this share are a partial list, not a typo.
_PARTIAL_LIST = 0.001
# A table total off its rows by more than this share, in a table where no column adds up, more
# likely means the rows were read wrongly than that the report is wrong.
_UNCONFIRMED_TABLE = 0.02


class _Table(NamedTuple):
    table: LogicalTable
    roles: list[str]
    cells: list[dict[int, CellSpan]]  # each row's cells by column, as they lie in the text


class _Doc(NamedTuple):
    report: Report
    text: str
    context: str  # the text with in-sentence line breaks made spaces, same offsets
    locator: Locator
    prose: list[Figure]  # prose figures in text order
    starts: list[int]  # their start offsets, for bisecting
    before: dict[int, str]  # a prose figure's clause text before it, by start offset
    tables: list[_Table]


class _Share(NamedTuple):
    percent: Figure
    part: Figure
    whole: Figure
    listed: bool  # the whole is the total of the list the part is in


def check_figures(report: Report, figures: list[Figure]) -> list[Finding]:
    """Every cross-check the report's figures allow, in the order of the checks above."""
    doc = _document(report, figures)
    shares: list[_Share] = []
    findings = _table_sums(doc)
    findings += _prose_sums(doc)
    findings += _ratios(doc, shares)
    findings += _share_sums(doc, shares)
    findings += _repeated(doc)
    return findings


def _document(report: Report, figures: list[Figure]) -> _Doc:
    text, context = report.text, context_text(report.text)
    prose = sorted((f for f in figures if not f.in_table), key=lambda f: f.position.start)
    before = {}
    for index, figure in enumerate(prose):
        start = clause_start_of(context, figure.position.start)
        if index and start <= prose[index - 1].position.end <= figure.position.start:
            start = prose[index - 1].position.end
        before[figure.position.start] = re.sub(r"\s+", "", context[start : figure.position.start])
    tables = [
        _Table(t, column_roles(t), [{c.column: c for c in row_cell_spans(text, r)} for r in t.rows])
        for t in logical_tables(report)
    ]
    starts = [f.position.start for f in prose]
    return _Doc(report, text, context, Locator(report), prose, starts, before, tables)


def _between(doc: _Doc, start: int, end: int) -> list[Figure]:
    """The prose figures starting in [start, end)."""
    return doc.prose[bisect.bisect_left(doc.starts, start) : bisect.bisect_left(doc.starts, end)]


# --- precision and status ---


def _half(decimal_places: int) -> float:
    return 0.5 * 10.0**-decimal_places


def _rounded(value: float, decimal_places: int) -> float:
    scale = 10.0**decimal_places
    return math.copysign(math.floor(abs(value) * scale + 0.5 + 1e-9) / scale, value)


def _status(stated: float, computed: float, places: int, tolerance: float) -> FindingStatus:
    if _rounded(computed, places) == _rounded(stated, places):
        return "agrees"
    if abs(stated - computed) <= max(tolerance, 0.01) + 1e-9:
        return "rounding"
    return "inconsistent"


def _fmt(value: float, places: int) -> str:
    return f"{value:,.{max(places, 0)}f}"


def _factor(unit: str | None) -> float:
    return AMOUNT_UNITS.get(unit or "", 1.0)


# --- evidence ---


def _cite(role: str, figure: Figure) -> Evidence:
    return Evidence(role=role, quote=figure.raw, value=figure.value, position=figure.position)


def _cite_cell(doc: _Doc, role: str, cell: CellSpan) -> Evidence:
    value = float(cell.text.replace(",", "").replace(" ", ""))
    position = doc.locator.position(cell.start, cell.end)
    return Evidence(
        role=role, quote=doc.text[cell.start : cell.end], value=value, position=position
    )


# --- table_sum ---


class _Entry(NamedTuple):
    """A table row as seen from one label column."""

    label: str
    total: str | None  # 合计 / 总计 / 小计, or None for an item row
    level: int | None  # nesting depth from codes or ordinals; None when unknown
    numbered: bool  # the level came from a code or ordinal
    sub: bool  # a "其中" row


def _table_sums(doc: _Doc) -> list[Finding]:
    findings: list[Finding] = []
    for table, roles, cells in doc.tables:
        for label in (i for i, role in enumerate(roles) if role == "label"):
            findings += _column_sums(doc, table, roles, cells, label)
        findings += _row_sums(doc, table, roles, cells)
    return findings


def _column_sums(
    doc: _Doc,
    table: LogicalTable,
    roles: list[str],
    cells: list[dict[int, CellSpan]],
    label: int,
) -> list[Finding]:
    columns = [
        c
        for c, role in enumerate(roles)
        if role == "value" and label_column(roles, c) == label and _additive(table, c)
    ]
    entries = [_entry(row.cells, roles, label) for row in table.rows]
    findings: list[Finding] = []
    for index, entry in enumerate(entries):
        children = _children(entries, index) if entry.total else None
        if not children or any(_unlabelled_value(entries, cells, k, columns) for k in children):
            continue
        results = [_column_sum(doc, table, cells, index, children, c, label) for c in columns]
        sums = [r for r in results if r is not None]
        if not any(r.finding.status != "inconsistent" for r in sums):
            sums = [r for r in sums if _near(r.finding, _UNCONFIRMED_TABLE)]
        findings += _distinct(table, sums)
    return findings


def _near(finding: Finding, share: float) -> bool:
    stated, computed = finding.stated or 0.0, finding.computed or 0.0
    return abs(stated - computed) <= share * max(abs(stated), abs(computed))


def _entry(cells: list[str], roles: list[str], label: int) -> _Entry:
    raw = re.sub(r"\s+", "", cells[label]) if label < len(cells) else ""
    name = row_label(cells, label)
    total = _TOTAL_LABEL.search(name)
    code_columns = []
    for i in range(label - 1, -1, -1):  # the code columns right before this label column
        if roles[i] != "code":
            break
        code_columns.append(i)
    codes = [cells[i] for i in code_columns if i < len(cells) and cells[i].isdigit()]
    if code_columns:
        level = (len(codes) if len(code_columns) > 1 else len(codes[0]) // 2) if codes else None
        numbered = bool(codes)
    else:
        level = _ordinal_level(raw)
        numbered = level > 0
    kind = None if total is None else "合计" if total.group(1) == "总额" else total.group(1)
    return _Entry(name, kind, level, numbered, raw.startswith("其中"))


def _ordinal_level(label: str) -> int:
    patterns = (
        r"[一二三四五六七八九十]+、",
        r"\([一二三四五六七八九十]+\)",
        r"\d{1,2}[.、]",
        r"\(\d{1,2}\)",
    )
    for level, pattern in enumerate(patterns, start=1):
        if re.match(pattern, label):
            return level
    return 0


def _children(entries: list[_Entry], index: int) -> list[int] | None:
    """The rows a total row sums: the rows above it up to the previous total, or below it up to
    the next, or the 小计 rows of the groups above it; only the top level of them; None when
    that is ambiguous."""
    total = entries[index]
    previous = next((j for j in range(index - 1, -1, -1) if entries[j].total), None)
    start = -1 if previous is None else previous
    above = [k for k in range(start + 1, index) if entries[k].label]
    if above:
        if previous is not None and entries[previous].total == "小计" != total.total:
            return None  # items after the last group: which rows the 合计 covers is not stated
        carried = [previous] if previous is not None and total.total == "总计" else []
        items = _top_level(entries, above, opened=False)
        return None if items is None else carried + items
    if previous is not None and entries[previous].total == "小计" != total.total:
        return _subtotals(entries, index)
    following = next((j for j in range(index + 1, len(entries)) if entries[j].total), None)
    if following is not None and entries[following].total == "小计" != total.total:
        return None  # a 合计 above groups closed by 小计 rows
    below = [k for k in range(index + 1, following or len(entries)) if entries[k].label]
    return _top_level(entries, below, opened=True)


def _subtotals(entries: list[_Entry], index: int) -> list[int] | None:
    """The 小计 rows a 合计 right below the last of them sums, back to the previous 合计."""
    subtotals = []
    for k in range(index - 1, -1, -1):
        if entries[k].total and entries[k].total != "小计":
            break
        if entries[k].total:
            subtotals.append(k)
    return sorted(subtotals) if len(subtotals) >= 2 else None


def _top_level(entries: list[_Entry], rows: list[int], opened: bool) -> list[int] | None:
    if opened and rows and entries[rows[0]].sub:
        items = rows  # "合计 / 其中:财政资金 / 其他资金": the 其中 opens the total's breakdown
    else:
        items = [k for k in rows if not entries[k].sub]
    levels = [entries[k].level for k in items]
    if None in levels or len({entries[k].numbered for k in items}) > 1:
        return None  # uncoded rows among coded ones, or numbered rows mixed with plain ones
    top = min((level for level in levels if level is not None), default=0)
    chosen = [k for k in items if entries[k].level == top]
    return chosen if len(chosen) >= 2 else None


def _unlabelled_value(
    entries: list[_Entry], cells: list[dict[int, CellSpan]], row: int, columns: list[int]
) -> bool:
    return not entries[row].label and any(c in cells[row] for c in columns)


def _additive(table: LogicalTable, column: int) -> bool:
    header = table.header[column] if column < len(table.header) else ""
    return not _NOT_ADDITIVE.search(header)


class _Sum(NamedTuple):
    finding: Finding
    column: int
    signature: tuple[float, ...]


def _column_sum(
    doc: _Doc,
    table: LogicalTable,
    cells: list[dict[int, CellSpan]],
    index: int,
    children: list[int],
    column: int,
    label: int,
) -> _Sum | None:
    total_cell = cells[index].get(column)
    if total_cell is None or not _amount_cell(total_cell.text):
        return None
    parts = [cells[k][column] for k in children if column in cells[k]]
    if any("%" in p.text for p in parts) or not any(_amount_cell(p.text) for p in parts):
        return None
    parts = [p for p in parts if _amount_cell(p.text)]
    unit = column_unit(table, table.rows[index], column) or ""
    name = f"{table_display_name(table)} {_column_name(table.header, column, label)}"
    row_name = row_label(table.rows[index].cells, label)
    evidence = [_cite_cell(doc, row_name or "合计", total_cell)]
    evidence += [_cite_cell(doc, "分项", p) for p in parts]
    finding = _sum_finding(
        "table_sum",
        f"{name} {row_name}".strip(),
        _cell_value(total_cell),
        [_cell_value(p) for p in parts],
        [decimals(c.text) for c in [total_cell, *parts]],
        unit,
        lambda total, items: f"{name}:各项之和{items},{row_name}行为{total}",
        evidence,
    )
    return _Sum(finding, column, (finding.stated or 0.0, *(_cell_value(p) for p in parts)))


def _sum_finding(
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
    tolerance = 0.0 if exact else _half(shown) * (len(parts) + 1)
    status = _status(stated, computed, shown, tolerance)
    head = describe(f"{_fmt(stated, shown)}{unit}", f"{_fmt(computed, shown)}{unit}")
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


def _distinct(table: LogicalTable, sums: list[_Sum]) -> list[Finding]:
    """One finding per distinct column: a 合计 column that repeats its only filled sibling
    (表2: 财政拨款资金 = 合计) says the same thing twice; the 合计 one is kept."""
    chosen: dict[tuple[float, ...], _Sum] = {}
    for item in sums:
        kept = chosen.get(item.signature)
        header = table.header[item.column] if item.column < len(table.header) else ""
        if kept is None or _TOTAL_WORD.search(header.split("/")[-1]):
            chosen[item.signature] = item
    return [item.finding for item in sorted(chosen.values(), key=lambda s: s.column)]


def _column_name(header: list[str], column: int, label: int | None) -> str:
    title = re.sub(r"\((?:亿元|万元|千元|元)\)", "", column_title(header, column, label))
    parts = title.split("/")
    if len(parts) > 1 and _TOTAL_WORD.fullmatch(parts[-1]):
        parts = parts[:-1]
    return "/".join(parts)


def _amount_cell(text: str) -> bool:
    return is_number_cell(text) and "%" not in text


def _cell_value(cell: CellSpan) -> float:
    return float(cell.text.replace(",", "").replace(" ", ""))


def _gap(stated: float, computed: float, places: int, unit: str, status: FindingStatus) -> str:
    if status == "agrees":
        return ",一致。"
    gap = f",相差{_fmt(abs(stated - computed), places)}{unit}"
    return gap + (",在四舍五入误差以内。" if status == "rounding" else "。")


def _row_sums(
    doc: _Doc, table: LogicalTable, roles: list[str], cells: list[dict[int, CellSpan]]
) -> list[Finding]:
    """A 合计 column against its sibling columns, row by row. Only the rows that disagree are
    reported, and only when most rows agree: that the columns add up is learnt from the table."""
    findings: list[Finding] = []
    for column, role in enumerate(roles):
        siblings = _sibling_columns(table.header, roles, column) if role == "value" else None
        if not siblings:
            continue
        checked = [
            _row_sum(doc, table, roles, cells, index, column, siblings)
            for index in range(len(table.rows))
        ]
        done = [f for f in checked if f is not None]
        if sum(1 for f in done if f.status == "agrees") * 2 > len(done):
            findings += [f for f in done if f.status != "agrees"]
    return findings


def _sibling_columns(header: list[str], roles: list[str], column: int) -> list[int] | None:
    if column >= len(header):
        return None
    parts = header[column].split("/")
    if _TOTAL_WORD.fullmatch(parts[-1]) and len(parts) > 1:
        return _grouped_siblings(header, roles, column, "/".join(parts[:-1]))
    if len(parts) == 1 and re.search(r"(?:合计|总计)$", parts[0]):
        following = []
        for other in range(column + 1, len(header)):
            if roles[other] != "value" or _TOTAL_WORD.fullmatch(header[other]):
                break
            following.append(other)
        return _grouped_siblings(header, roles, column, "", following)
    return None


def _grouped_siblings(
    header: list[str],
    roles: list[str],
    column: int,
    parent: str,
    candidates: list[int] | None = None,
) -> list[int] | None:
    """The columns a total column sums: its direct siblings under `parent`, and for a nested
    group ("公务用车购置及运行费/购置费|运行费|小计") the group's own subtotal."""
    prefix = parent + "/" if parent else ""
    direct: list[int] = []
    groups: dict[str, int | None] = {}
    for other in candidates if candidates is not None else range(len(header)):
        name = header[other]
        if other == column or roles[other] != "value" or not name.startswith(prefix):
            continue
        rest = name[len(prefix) :].split("/")
        if len(rest) == 1:
            direct.append(other)
        elif _TOTAL_WORD.fullmatch(rest[-1]):
            groups[rest[0]] = other
        else:
            groups.setdefault(rest[0], None)
    if any(total is None for total in groups.values()):
        return None  # a nested group with no subtotal of its own
    return sorted(direct + [t for t in groups.values() if t is not None]) or None


def _row_sum(
    doc: _Doc,
    table: LogicalTable,
    roles: list[str],
    cells: list[dict[int, CellSpan]],
    index: int,
    column: int,
    siblings: list[int],
) -> Finding | None:
    total_cell = cells[index].get(column)
    parts = [cells[index][c] for c in siblings if c in cells[index]]
    if total_cell is None or not _amount_cell(total_cell.text):
        return None
    if not parts or not all(_amount_cell(p.text) for p in parts):
        return None
    label = label_column(roles, column)
    row_name = row_label(table.rows[index].cells, label)
    name = " ".join(p for p in (table_display_name(table), row_name) if p)
    title = column_title(table.header, column, label)
    evidence = [_cite_cell(doc, "合计", total_cell)] + [_cite_cell(doc, "分项", p) for p in parts]
    return _sum_finding(
        "table_sum",
        f"{name} {title}",
        _cell_value(total_cell),
        [_cell_value(p) for p in parts],
        [decimals(c.text) for c in [total_cell, *parts]],
        column_unit(table, table.rows[index], column) or "",
        lambda total, items: f"{name}:{title}为{total},各分列之和为{items}",
        evidence,
    )


# --- prose helpers ---


def _sentence_figures(doc: _Doc, figure: Figure) -> list[Figure]:
    start = sentence_start_of(doc.context, figure.position.start)
    return _between(doc, start, sentence_end_of(doc.context, figure.position.start))


def _before(doc: _Doc, figure: Figure) -> str:
    """The clause text right before a prose figure, back to the previous figure, no spaces."""
    return doc.before.get(figure.position.start, "")


def _is_change(doc: _Doc, figure: Figure) -> bool:
    return bool(_CHANGE.search(_before(doc, figure)))


def _is_base(doc: _Doc, figure: Figure) -> bool:
    """A figure given as what another is compared with ("较预算支出39.10万元")."""
    return bool(re.match(r"[,,]?(?:较|比|与)", _before(doc, figure)))


def _plain(doc: _Doc, figure: Figure) -> bool:
    """A figure stated as a quantity: not a change, a comparison base, a target or a share."""
    return (
        figure.comparison is None
        and figure.kind in ("amount", "count")
        and not _is_change(doc, figure)
        and not _is_base(doc, figure)
    )


def _same_family(a: Figure, b: Figure) -> bool:
    if a.kind == "amount" or b.kind == "amount":
        return a.kind == b.kind
    return a.kind == b.kind and a.unit == b.unit


def _list_total(doc: _Doc, marker_start: int, sentence_start: int) -> Figure | None:
    """The figure a list opened at `marker_start` breaks down: the one right before the marker,
    with at most a short noun between ("设定139条绩效指标,其中:")."""
    candidates = [
        f
        for f in _between(doc, sentence_start, marker_start)
        if f.position.end <= marker_start and _plain(doc, f)
    ]
    if not candidates:
        return None
    gap = doc.context[candidates[-1].position.end : marker_start]
    return candidates[-1] if re.fullmatch(r"[\u4e00-\u9fff]{0,8}[,,。::\s]*", gap) else None


# --- prose_sum ---


def _prose_sums(doc: _Doc) -> list[Finding]:
    findings: list[Finding] = []
    for marker in _LIST_MARKER.finditer(doc.context):
        if _in_table(doc, marker.start()):
            continue
        start = sentence_start_of(doc.context, marker.start())
        if doc.context[start : marker.start()].strip() == "":
            start = sentence_start_of(doc.context, max(start - 1, 0))  # "…万元。其中:"
        total = _list_total(doc, marker.start(), start)
        if total is None:
            continue
        items = _list_items(doc, total, marker.end())
        finding = _prose_sum(doc, total, items) if len(items) >= 2 else None
        if finding is not None:
            findings.append(finding)
    return findings


def _in_table(doc: _Doc, offset: int) -> bool:
    return any(t.start <= offset < t.end for t in doc.report.tables)


def _list_items(doc: _Doc, total: Figure, start: int) -> list[Figure]:
    """The list's figures up to the sentence's end. A part after ; belongs to the list only when
    a figure opens it; a nested 其中 list's figures are its own total's, not this one's."""
    end = sentence_end_of(doc.context, start)
    items: list[Figure] = []
    nested_until = -1
    segment_start = start
    for figure in _between(doc, start, end):
        between = doc.context[segment_start : figure.position.start]
        cut = max(between.rfind(";"), between.rfind("；"))
        if cut >= 0:
            segment_start += cut + 1
            if figure.position.start - segment_start > 20:
                break
        if "其中" in doc.context[start : figure.position.start] and nested_until < 0:
            nested = doc.context.find("其中", start, figure.position.start)
            nested_until = _segment_end(doc.context, nested, end)
        if nested_until >= 0 and figure.position.start < nested_until:
            continue
        if _plain(doc, figure) and _same_family(total, figure) and _counts_same(doc, total, figure):
            items.append(figure)
    return items


def _segment_end(context: str, start: int, end: int) -> int:
    match = _SEMICOLON.search(context, start, end)
    return match.start() if match else end


def _counts_same(doc: _Doc, total: Figure, item: Figure) -> bool:
    """For counts, the item counts what the total counts ("38个党组织" ← "独立党组织31个", not
    "覆盖18个律师事务所")."""
    if total.kind != "count":
        return True
    noun = re.match(r"[\u4e00-\u9fff]{2,6}", doc.context[total.position.end :])
    if noun is None:
        return True
    after = doc.context[item.position.end : item.position.end + len(noun.group(0))]
    return item.measure.endswith(noun.group(0)[-2:]) or after == noun.group(0)


def _prose_sum(doc: _Doc, total: Figure, items: list[Figure]) -> Finding | None:
    factor = _factor(total.unit) if total.kind == "amount" else 1.0
    parts = [i.normalized / factor for i in items]
    if total.value and abs(total.value - sum(parts)) > _PARTIAL_LIST * abs(total.value):
        return None  # the items name only part of the total, or overlap
    return _sum_finding(
        "prose_sum",
        total.measure,
        total.value,
        parts,
        [decimals(f.raw) for f in [total, *items]],
        total.unit or "",
        lambda stated, computed: f"{total.measure}{stated},所列各项之和为{computed}",
        [_cite("合计", total)] + [_cite("分项", i) for i in items],
        exact=total.kind == "count",
    )


# --- ratio ---


def _ratios(doc: _Doc, shares: list[_Share]) -> list[Finding]:
    findings: list[Finding] = []
    for percent in doc.prose:
        if percent.kind != "percent" or percent.comparison is not None:
            continue
        before = _before(doc, percent)
        finding: Finding | None
        if re.search(r"占", before):
            finding = _share_ratio(doc, percent, before, shares)
        elif re.search(r"(?:完成|执行|控制)率|执行进度|完成(?:年初|全年)?预算", before):
            finding = _budget_ratio(doc, percent, before)
        elif _CHANGE.search(before):
            finding = _growth_ratio(doc, percent, before)
        elif re.search(r"率(?:为|达|是)?$", before):
            finding = _named_ratio(doc, percent, before)
        else:
            finding = None
        if finding is not None:
            findings.append(finding)
    for view in doc.tables:
        findings += _table_ratios(doc, view)
    return findings


def _ratio_finding(
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
    tolerance = _half(places) + _propagated(formula, [f for _, f in inputs])
    stated_value = -percent.value if verb and verb not in _RISE else percent.value
    status = _status(stated_value, computed, places, tolerance)
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
        evidence=[_cite("所述比例", percent)] + [_cite(r, f) for r, f in inputs],
    )


def _propagated(formula: Callable[[list[float]], float], inputs: list[Figure]) -> float:
    """How far the result can move when each input moves by half its last stated digit."""
    values = [f.normalized for f in inputs]
    base = formula(values)
    spread = 0.0
    for index, figure in enumerate(inputs):
        if figure.kind == "count":
            continue
        step = _half(decimals(figure.raw)) * (
            figure.normalized / figure.value if figure.value else 1
        )
        moved = list(values)
        moved[index] += step
        try:
            spread += abs(formula(moved) - base)
        except ZeroDivisionError:
            return math.inf
    return spread


def _share_ratio(doc: _Doc, percent: Figure, before: str, shares: list[_Share]) -> Finding | None:
    sentence = _sentence_figures(doc, percent)
    earlier = [f for f in sentence if f.position.end <= percent.position.start]
    if not earlier or not _plain(doc, earlier[-1]):
        return None
    part = earlier[-1]
    if not re.fullmatch(r"[,,]?占.*", before):
        return None
    unnamed = re.fullmatch(r"[,,]?占(?:比|比重|比例)?(?:为|达|是)?", before)
    named = None if unnamed else re.match(r"[,,]?占(.*?)的?(?:比重|比例)?(?:为|达)?$", before)
    found = _share_whole(doc, part, clean_measure(named.group(1)) if named else "")
    if found is None:
        return None
    whole, listed = found
    if whole.normalized <= 0 or not _same_family(part, whole):
        return None
    shares.append(_Share(percent, part, whole, listed))
    computed = 100 * part.normalized / whole.normalized
    how = f"按{part.measure}{part.raw}÷{whole.measure}{whole.raw}"
    inputs = [("分子", part), ("分母", whole)]
    return _ratio_finding(percent, computed, inputs, lambda v: 100 * v[0] / v[1], how)


def _share_whole(doc: _Doc, part: Figure, named: str) -> tuple[Figure, bool] | None:
    """What a share is of: the total of the list the part is in, or the figure the share names
    (then only when every figure of that name has the same value)."""
    start = sentence_start_of(doc.context, part.position.start)
    markers = list(_SHARE_MARKER.finditer(doc.context, start, part.position.start))
    total = _list_total(doc, markers[-1].start(), start) if markers else None
    if total is not None and (not named or _related(named, total.measure)):
        return total, True
    if not named:
        return None
    matches = [f for f in doc.prose if _plain(doc, f) and _key(f.measure) == _key(named)]
    if not matches or len({f.normalized for f in matches}) > 1:
        return None
    return matches[0], False


def _related(named: str, measure: str) -> bool:
    return named in measure or measure in named or _key(named) == _key(measure)


def _key(measure: str) -> str:
    """A measure's core for matching: no brackets, quotes or year words."""
    measure = re.sub(r"\([^)]*\)|[“”\"'\s]", "", measure)
    return re.sub(r"^(?:本年度|本年|当年|全年|年度)", "", measure)


def _budget_ratio(doc: _Doc, percent: Figure, before: str) -> Finding | None:
    """执行率/完成率 = actual ÷ budget, both named in the same clause group. When the rate names
    its budget (完成年初预算的) that one is taken; when several budgets are stated and the rate
    does not say which, it is only confirmed, never faulted."""
    group = _clause_group(doc, percent)
    amounts = [f for f in group if f.kind == "amount" and not _is_change(doc, f)]
    budgets = [f for f in amounts if _BUDGET.search(f.measure) and f.value]
    actuals = [f for f in amounts if not _BUDGET.search(f.measure)]
    for word in ("年初", "全年", "调整"):
        if word in before and any(word in f.measure for f in budgets):
            budgets = [f for f in budgets if word in f.measure]
    if len(actuals) != 1:
        return None
    actual = actuals[0]
    if not budgets:
        found = _confirming_budget(doc, percent, actual, doc.prose)
    elif len(budgets) > 1:
        found = _confirming_budget(doc, percent, actual, budgets)
    else:
        found = budgets[0]
    if found is None:
        return None
    computed = 100 * actual.normalized / found.normalized
    how = f"按{actual.measure}{actual.raw}÷{found.measure}{found.raw}"
    inputs = [("分子", actual), ("分母", found)]
    return _ratio_finding(percent, computed, inputs, lambda v: 100 * v[0] / v[1], how)


def _clause_group(doc: _Doc, percent: Figure) -> list[Figure]:
    """The figures before the percentage in its part of the sentence (split at ; and 其中)."""
    start = sentence_start_of(doc.context, percent.position.start)
    window = doc.context[start : percent.position.start]
    cut = max(window.rfind(";"), window.rfind("；"), window.rfind("其中"))
    start += cut + 1 if cut >= 0 else 0
    return _between(doc, start, percent.position.start)


def _confirming_budget(
    doc: _Doc, percent: Figure, actual: Figure, candidates: list[Figure]
) -> Figure | None:
    """A budget figure among `candidates` that the rate was computed from.

    Searching can only confirm: a figure is taken only if it gives the stated rate, so this
    never reports an inconsistency, and trivial rates (0%, 100%) are left alone.
    """
    if actual.value <= 0 or percent.value in (0, 100):
        return None
    places = decimals(percent.raw)
    for figure in candidates:
        if figure is actual or figure.kind != "amount" or figure.normalized <= 0:
            continue
        if not re.search(r"预算|收入|资金|到位", figure.measure) or _is_change(doc, figure):
            continue
        computed = 100 * actual.normalized / figure.normalized
        if _rounded(computed, places) == _rounded(percent.value, places):
            return figure
    return None


def _growth_ratio(doc: _Doc, percent: Figure, before: str) -> Finding | None:
    verb = _CHANGE.search(before)
    if verb is None or percent.value <= 0:
        return None
    sign = 1 if verb.group(1) in _RISE else -1
    sentence = _sentence_figures(doc, percent)
    earlier = [f for f in sentence if f.position.end <= percent.position.start]
    if earlier and earlier[-1].kind == "amount" and _is_change(doc, earlier[-1]):
        if re.fullmatch(r"[,,]?(?:同比)?" + verb.group(1) + r"(?:了)?(?:为)?", before):
            return _growth_from_change(doc, percent, earlier, sign)
        return None
    if earlier and earlier[-1].kind == "amount":
        return _growth_from_base(doc, percent, before, earlier)
    return None


def _growth_from_change(
    doc: _Doc, percent: Figure, earlier: list[Figure], sign: int
) -> Finding | None:
    """ "A万元,较上年增加D万元,增长P%": P = D ÷ (A − D), or D ÷ B when the base B is stated."""
    change = earlier[-1]
    subjects = [i for i, f in enumerate(earlier[:-1]) if _plain(doc, f) and f.kind == "amount"]
    after_subject = earlier[subjects[-1] + 1 : -1] if subjects else earlier[:-1]
    bases = [
        f
        for f in after_subject
        if f.kind == "amount" and _is_base(doc, f) and not _is_change(doc, f)
    ]
    if bases:
        base = bases[-1]
        computed = 100 * change.normalized / base.normalized if base.normalized else math.nan
        how = f"按{change.raw}÷{base.raw}"
        inputs = [("增减额", change), ("基数", base)]
        return _finite(percent, computed, inputs, lambda v: 100 * v[0] / v[1], how)
    current = _growth_subject(doc, change, earlier[:-1])
    if current is None:
        return None
    base_value = current.normalized - sign * change.normalized
    if base_value <= 0:
        return None
    computed = 100 * change.normalized / base_value
    how = f"按{change.raw}÷({current.raw}{'−' if sign > 0 else '+'}{change.raw})"
    inputs = [("增减额", change), ("本期数", current)]

    def formula(v: list[float]) -> float:
        return 100 * v[0] / (v[1] - sign * v[0])

    return _finite(percent, computed, inputs, formula, how)


def _growth_subject(doc: _Doc, change: Figure, earlier: list[Figure]) -> Figure | None:
    """The current figure a change is of: before it in the sentence, or the figure the change's
    subject names earlier on the same line ("总计2995.39万元。与2023年度相比,总计减少…")."""
    plain = [f for f in earlier if f.kind == "amount" and not _is_change(doc, f)]
    if plain:
        return None if _is_base(doc, plain[-1]) else plain[-1]
    subject = _key(
        re.sub(r"(?:较|比|与).*?(?:相比)?$|(?:增加|减少|增长|下降)$", "", change.measure)
    )
    line_start = doc.context.rfind("\n", 0, change.position.start) + 1
    same = [
        f
        for f in _between(doc, line_start, change.position.start)
        if f.kind == "amount" and _key(f.measure) == subject and not _is_change(doc, f)
    ]
    return same[-1] if subject and same else None


def _growth_from_base(
    doc: _Doc, percent: Figure, before: str, earlier: list[Figure]
) -> Finding | None:
    """ "2026年预算安排A万元,比2025年预算执行数增加P%": P = A ÷ B − 1, B named in the sentence."""
    named = re.search(r"(?:较|比)(.{0,20}?)(?:同比)?(?:增长|下降|增加|减少|上升|降低|提高)", before)
    if named is None:
        return None
    pair = _current_and_base(doc, earlier, named.group(1))
    if pair is None:
        return None
    current, base = pair
    computed = 100 * (current.normalized / base.normalized - 1)
    how = f"按{current.measure}{current.raw}与{base.measure}{base.raw}"
    inputs = [("本期数", current), ("基数", base)]
    subject = _line_subject(doc, percent) or current.measure
    verb = _CHANGE.search(before)
    word = verb.group(1) if verb else ""

    def formula(v: list[float]) -> float:
        return 100 * (v[0] / v[1] - 1)

    return _ratio_finding(percent, computed, inputs, formula, how, subject, word)


def _current_and_base(
    doc: _Doc, earlier: list[Figure], base_name: str
) -> tuple[Figure, Figure] | None:
    """The figure a rate compares and the base it names ("比2025年预算执行数": the sentence's
    2025 figure of that measure; "较上年": the figure whose measure says 上年)."""
    current = earlier[-1]
    others = [f for f in earlier[:-1] if f.kind == "amount" and not _is_change(doc, f)]
    if re.fullmatch(r"上年度?|上一年度?|去年", base_name):
        if "上年" in current.measure:  # "本年…39.10万元,上年…46.00万元,较上年下降"
            this_year = _key(current.measure.replace("上年", "本年"))
            matches = [f for f in others if "本年" in f.measure or _key(f.measure) == this_year]
            return (matches[-1], current) if len(matches) == 1 else None
        matches = [f for f in others if "上年" in f.measure]
    else:
        year = re.search(r"(\d{4})年", base_name)
        core = _key(re.sub(r"\d{4}年度?", "", base_name))
        matches = [
            f
            for f in others
            if (year is None or f.year == int(year.group(1)))
            and core
            and _key(re.sub(r"^当年", "", f.measure)) in core
        ]
    if len(matches) != 1 or matches[-1].normalized <= 0:
        return None
    return current, matches[-1]


def _line_subject(doc: _Doc, figure: Figure) -> str:
    """What a numbered line is about ("6、公共安全支出(204类)…其他司法支出(99项)3845.49万元。")."""
    start = doc.context.rfind("\n", 0, figure.position.start) + 1
    head = re.match(
        r"\s*(?:\d{1,2}[、.]|[一二三四五六七八九十]+、|\([一二三四五六七八九十\d]{1,3}\))",
        doc.context[start:],
    )
    if head is None:
        return ""
    first = next((f for f in _between(doc, start, figure.position.start + 1)), figure)
    text = doc.context[start + head.end() : first.position.start].split("。")[0]
    return _key(text)[:40]


def _finite(
    percent: Figure,
    computed: float,
    inputs: list[tuple[str, Figure]],
    formula: Callable[[list[float]], float],
    how: str,
) -> Finding | None:
    if not math.isfinite(computed):
        return None
    return _ratio_finding(percent, computed, inputs, formula, how)


def _named_ratio(doc: _Doc, percent: Figure, before: str) -> Finding | None:
    """ "调解矛盾纠纷20900件,调解成功20398件,调解成功率为97.60%": the numerator is the figure
    the rate is named after, the denominator the one quantity of its kind before it."""
    name = re.search(r"([\u4e00-\u9fff]{2,8}?)率(?:为|达|是)?$", before)
    if name is None:
        return None
    stem = name.group(1)
    sentence = [
        f for f in _sentence_figures(doc, percent) if f.position.end <= percent.position.start
    ]
    quantities = [f for f in sentence if _plain(doc, f)]
    numerators = [f for f in quantities if f.measure == stem or f.measure.startswith(stem)]
    if len(numerators) != 1:
        return None
    numerator = numerators[0]
    stems = _rate_stems(doc, percent)
    denominators = [
        f
        for f in quantities
        if f.position.end <= numerator.position.start
        and _same_family(f, numerator)
        and f.normalized >= numerator.normalized > 0
        and not any(f.measure.startswith(s) for s in stems)
    ]
    if len(denominators) != 1:
        return None
    denominator = denominators[0]
    computed = 100 * numerator.normalized / denominator.normalized
    how = f"按{numerator.measure}{numerator.raw}÷{denominator.measure}{denominator.raw}"
    inputs = [("分子", numerator), ("分母", denominator)]
    return _ratio_finding(percent, computed, inputs, lambda v: 100 * v[0] / v[1], how)


def _rate_stems(doc: _Doc, percent: Figure) -> list[str]:
    """Names of the other rates in the sentence, whose numerators are no denominators here."""
    end = sentence_end_of(doc.context, percent.position.start)
    start = sentence_start_of(doc.context, percent.position.start)
    stems = re.findall(r"([\u4e00-\u9fff]{2,8}?)率", doc.context[start:end])
    own = re.search(r"([\u4e00-\u9fff]{2,8}?)率(?:为|达|是)?$", _before(doc, percent))
    return [s for s in stems if own is None or s != own.group(1)]


def _table_ratios(doc: _Doc, view: _Table) -> list[Finding]:
    """A table's 执行率 column against its 执行数 ÷ 预算数 columns, row by row."""
    table = view.table
    header = table.header
    rate = _pick(header, r"执行率|完成率")
    actual = _pick(header, r"执行数|完成数|决算数|实际支出")
    budget = _pick(header, r"调整后预算|全年预算", r"预算数|预算$")
    if rate is None or actual is None or budget is None:
        return []
    findings = []
    for row, cells in zip(table.rows, view.cells, strict=True):
        rate_cell, actual_cell, budget_cell = cells.get(rate), cells.get(actual), cells.get(budget)
        if rate_cell is None or actual_cell is None or budget_cell is None:
            continue
        if not all(is_number_cell(c.text) for c in (rate_cell, actual_cell, budget_cell)):
            continue
        if "%" not in rate_cell.text or _cell_value(budget_cell) <= 0:
            continue
        findings.append(_table_ratio(doc, table, row.cells, rate_cell, actual_cell, budget_cell))
    return findings


def _pick(header: list[str], *patterns: str) -> int | None:
    for pattern in patterns:
        found = [i for i, h in enumerate(header) if re.search(pattern, h)]
        if found:
            return found[0]
    return None


def _table_ratio(
    doc: _Doc,
    table: LogicalTable,
    row: list[str],
    rate_cell: CellSpan,
    actual_cell: CellSpan,
    budget_cell: CellSpan,
) -> Finding:
    stated = float(rate_cell.text.rstrip("%").replace(",", ""))
    actual, budget = _cell_value(actual_cell), _cell_value(budget_cell)
    computed = 100 * actual / budget
    places = decimals(rate_cell.text)
    tolerance = (
        _half(places)
        + computed * (_half(decimals(actual_cell.text)) / actual if actual else 0)
        + computed * _half(decimals(budget_cell.text)) / budget
    )
    status = _status(stated, computed, places, tolerance)
    name = f"{table_display_name(table)} {row[0]}".strip()
    header = table.header
    numerator = f"{header[actual_cell.column]}{actual_cell.text}"
    how = f"{numerator}÷{header[budget_cell.column]}{budget_cell.text}"
    gap = "一致" if status == "agrees" else f"相差{abs(stated - computed):.2f}个百分点"
    return Finding(
        check="ratio",
        status=status,
        subject=f"{name} {header[rate_cell.column]}",
        stated=stated,
        computed=round(computed, 4),
        difference=round(stated - computed, 4),
        unit="%",
        message=f"{name}:{header[rate_cell.column]}{rate_cell.text},按{how}计算为{computed:.2f}%,{gap}。",
        evidence=[
            _cite_cell(doc, "所述比例", rate_cell._replace(text=rate_cell.text.rstrip("%"))),
            _cite_cell(doc, "分子", actual_cell),
            _cite_cell(doc, "分母", budget_cell),
        ],
    )


# --- share_sum ---


def _share_sums(doc: _Doc, shares: list[_Share]) -> list[Finding]:
    """The 占 shares of one whole sum to 100%, when their parts make up the whole."""
    groups: dict[int, list[_Share]] = {}
    for share in (s for s in shares if s.listed):
        groups.setdefault(share.whole.position.start, []).append(share)
    findings = []
    for group in groups.values():
        whole = group[0].whole
        parts = sum(s.part.normalized for s in group)
        if len(group) < 2 or abs(parts - whole.normalized) > 0.005 * whole.normalized:
            continue
        places = max(decimals(s.percent.raw) for s in group)
        stated = sum(s.percent.value for s in group)
        status = _status(stated, 100.0, places, _half(places) * len(group))
        listed = "、".join(s.percent.raw for s in group)
        tail = ",一致。" if status == "agrees" else f",与100%相差{abs(stated - 100):.2f}个百分点。"
        findings.append(
            Finding(
                check="share_sum",
                status=status,
                subject=f"{whole.measure}的构成",
                stated=round(stated, places + 2),
                computed=100.0,
                difference=round(stated - 100.0, places + 2),
                unit="%",
                message=f"{whole.measure}{whole.raw}的各项占比({listed})之和为"
                f"{_fmt(stated, places)}%{tail}",
                evidence=[_cite("总额", whole)] + [_cite("所述比例", s.percent) for s in group],
            )
        )
    return findings


# --- repeated ---


class _Statement(NamedTuple):
    key: tuple[str, ...]
    figure: Figure
    value: float  # in 元 for amounts
    half: float  # half the last stated digit, in the same unit
    quote: Evidence


def _repeated(doc: _Doc) -> list[Finding]:
    tables = _table_statements(doc)
    table_keys = {s.key for s in tables}
    statements = [s for f in doc.prose if (s := _prose_statement(doc, f, table_keys)) is not None]
    groups: dict[tuple[str, ...], list[_Statement]] = {}
    for statement in statements + tables:
        groups.setdefault(statement.key, []).append(statement)
    findings = []
    for group in groups.values():
        first = group[0]
        compared: set[float] = {first.value}
        for other in group[1:]:
            if other.value in compared or (first.figure.in_table and other.figure.in_table):
                continue
            compared.add(other.value)
            findings.append(_restatement(first, other))
    return findings


def _prose_statement(
    doc: _Doc, figure: Figure, table_keys: set[tuple[str, ...]]
) -> _Statement | None:
    if figure.kind != "amount" or not _plain(doc, figure):
        return None
    measure = _key(figure.measure).replace("决算", "")
    if len(measure) < 2:
        return None
    year = str(_year_of(doc, figure) or "")
    parent = _list_parent(doc, figure)
    if parent is not None:  # "基本支出5377.64万元。其中:人员经费…" restates a table's row
        listed = ("prose", _key(parent.measure).replace("决算", "") + measure, year, "||", "")
        if listed in table_keys:
            return _Statement(
                listed, figure, figure.normalized, _figure_half(figure), _cite("", figure)
            )
    key = ("prose", measure, year, _qualifiers(doc, figure), "")
    # A generic measure ("年初预算", "支出决算") names its subject elsewhere on its line, unless
    # it names a table's total ("收入支出总计").
    if len(_GENERIC.sub("", measure)) < 2 and key not in table_keys:
        key = (*key[:-1], str(doc.context.rfind("\n", 0, figure.position.start)))
    return _Statement(key, figure, figure.normalized, _figure_half(figure), _cite("", figure))


def _year_of(doc: _Doc, figure: Figure) -> int | None:
    """The year a prose figure is of: its sentence's, else its paragraph's, else its section's
    (a heading such as "二、2023年预算执行情况"), else the report's."""
    if figure.year is not None:
        return figure.year
    line_start = doc.context.rfind("\n", 0, figure.position.start) + 1
    year = stated_year(doc.context, line_start, figure.position.start)
    for title in reversed(figure.position.section_path):
        year = year or stated_year(title, 0, len(title))
    return year or doc.report.year


def _qualifiers(doc: _Doc, figure: Figure) -> str:
    """What narrows a figure beyond its measure: clauses before it in the sentence that hold no
    figure ("在面向中小企业预留的项目中,…,采购金额"), the stage words of the list it is in
    ("年初预算安排…,其中:基本支出"), and any date."""
    start = sentence_start_of(doc.context, figure.position.start)
    clause = clause_start_of(doc.context, figure.position.start, start)
    earlier = [f for f in doc.prose if start <= f.position.start < figure.position.start]
    lead_from = earlier[-1].position.end if earlier else start
    lead = doc.context[lead_from:clause] if lead_from < clause else ""
    lead = (
        ""
        if re.fullmatch(r"[\s,,::;;、]*(?:其中|包括)?[\s,,::;;、]*", lead)
        else clean_measure(lead)
    )
    stages = ""
    if _LIST_MARKER.search(doc.context, start, figure.position.start):
        total = _list_parent(doc, figure)
        stages = "".join(sorted(set(_STAGE.findall(total.measure)))) if total else "?"
    dates = re.findall(r"\d{1,2}月\d{1,2}日", doc.context[start : figure.position.start])
    return _context_key(lead, stages, dates[-1] if dates else "")


def _context_key(lead: str, stages: str, date: str) -> str:
    return "|".join([lead, stages, date])


def _list_parent(doc: _Doc, figure: Figure) -> Figure | None:
    """The total of the 其中 list a figure is listed in, if it is in one."""
    start = sentence_start_of(doc.context, figure.position.start)
    if doc.context[start : figure.position.start].lstrip().startswith("其中"):
        start = sentence_start_of(doc.context, max(start - 1, 0))  # "…万元。其中:人员经费…"
    markers = list(_LIST_MARKER.finditer(doc.context, start, figure.position.start))
    return _list_total(doc, markers[-1].start(), start) if markers else None


def _figure_half(figure: Figure) -> float:
    return _half(decimals(figure.raw)) * (figure.normalized / figure.value if figure.value else 1)


def _table_statements(doc: _Doc) -> list[_Statement]:
    """Table totals as statements a prose sentence can restate: "财政拨款收入支出决算总表"'s 总计
    row is the report's "财政拨款收入支出总计"; a 收入预算总表's 合计 is its "收入预算"."""
    statements = []
    for table, roles, row_cells in doc.tables:
        scope = _table_scope(table.caption)
        if not scope:
            continue
        for row, cells in zip(table.rows, row_cells, strict=True):
            for label in (i for i, role in enumerate(roles) if role == "label"):
                name = row_label(row.cells, label)
                value = next(
                    (cells[c] for c in sorted(cells) if c > label and _amount_cell(cells[c].text)),
                    None,
                )
                if not _TOTAL_LABEL.search(name) or value is None:
                    continue
                statements += _table_keys(doc, table, row.cells, value, scope, name)
    return statements


def _table_keys(
    doc: _Doc, table: LogicalTable, cells: list[str], cell: CellSpan, scope: str, name: str
) -> list[_Statement]:
    unit = table.unit
    if unit is None:
        return []
    factor = AMOUNT_UNITS[unit]
    value = _cell_value(cell) * factor
    half = _half(decimals(cell.text)) * factor
    year = str(table.year or doc.report.year or "")
    evidence = _cite_cell(doc, "", cell)
    figure = Figure(
        value=_cell_value(cell),
        unit=unit,
        normalized=value,
        kind="amount",
        raw=cell.text,
        measure=f"{name} | {table_display_name(table)}",
        year=table.year,
        in_table=True,
        position=evidence.position,
    )
    keys = [scope + name]
    if name in ("合计", "总计") and len(scope) >= 4:
        keys.append(scope)  # the table's grand total is what its name measures ("收入预算")
    elif name not in ("合计", "总计"):
        keys.append(scope + _TOTAL_LABEL.sub("", name))  # "基本支出…表"'s 人员经费合计: 人员经费
    context = _context_key("", "", "")
    return [
        _Statement(("prose", k, year, context, ""), figure, value, half, evidence) for k in keys
    ]


def _table_scope(caption: str | None) -> str:
    if not caption or re.match(r"(?:附)?表\s*\d", caption):
        return ""
    scope = re.sub(r"^\d{4}年度?|部门|决算|(?:总)?表$", "", caption)
    return _key(scope)


def _restatement(first: _Statement, other: _Statement) -> Finding:
    a, b = first.figure, other.figure
    unit = a.unit if not a.in_table else b.unit
    factor = _factor(unit)
    places = (
        min(decimals(a.raw), decimals(b.raw))
        if unit == a.unit == b.unit
        else decimals((b if a.in_table else a).raw)
    )
    left, right = first.value / factor, other.value / factor
    if abs(left - right) < 1e-9 * max(abs(left), 1):
        status: FindingStatus = "agrees"
    elif (
        _rounded(left, places) == _rounded(right, places)
        or abs(left - right) <= max((first.half + other.half) / factor, 0.01) + 1e-9
    ):
        status = "rounding"
    else:
        status = "inconsistent"
    measure = a.measure if not a.in_table else b.measure
    shown = f"{a.raw}{'' if a.unit and a.raw.endswith(a.unit) else a.unit or ''}"
    other_shown = f"{b.raw}{'' if b.unit and b.raw.endswith(b.unit) else b.unit or ''}"
    difference = left - right
    if status == "agrees":
        verdict = "一致。"
    elif _rounded(left, places) == _rounded(right, places):
        verdict = f"按{_fmt(_rounded(left, places), places)}{unit or ''}四舍五入后一致。"
    else:
        gap = f"相差{_fmt(abs(difference), max(places, 2))}{unit or ''},"
        verdict = gap + ("在四舍五入误差以内。" if status == "rounding" else "不一致。")
    return Finding(
        check="repeated",
        status=status,
        subject=measure,
        stated=round(left, 6),
        computed=round(right, 6),
        difference=round(difference, 6),
        unit=unit,
        message=(f"{measure}在两处分别为{shown}和{other_shown},{verdict}"),
        evidence=[
            first.quote.model_copy(update={"role": "第一处"}),
            other.quote.model_copy(update={"role": "第二处"}),
        ],
    )
