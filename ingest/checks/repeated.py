"""repeated: one quantity stated twice with different values, in prose or as a table's total.

A statement is keyed by its measure, year and what narrows it (the clauses before it, the list
it is in, a date); statements with the same key must agree.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ingest.checks.document import LIST_MARKER, Doc, is_plain, list_total, measure_key
from ingest.checks.findings import (
    cell_value,
    cite,
    cite_cell,
    format_value,
    half_digit,
    is_amount_cell,
    rounded,
    unit_factor,
)
from ingest.checks.hierarchy import TOTAL_LABEL
from ingest.figures import (
    AMOUNT_UNITS,
    CellSpan,
    LogicalTable,
    clause_start_of,
    clean_measure,
    decimals,
    row_label,
    sentence_start_of,
    stated_year,
    table_display_name,
)
from ingest.models import Evidence, Figure, Finding, FindingStatus

# The stage words of a list's total (年初预算, 决算 …) tell lists of the same items apart.
_STAGE = re.compile(r"年初|预算|调整|决算|上年|结转|结余|到位|批复|设定|完成|执行|目标")
# Words that name no subject of their own ("年初预算", "支出决算").
_GENERIC = re.compile(
    r"年初|全年|当年|本年度|本年|上年度|上年|年度|调整后?|预算|决算|执行|安排|支出|收入|合计|总计|"
    r"小计|共计|总额|金额|资金|实际|完成|到位|其他|数|额|值|总|计|共"
)


class _Statement(NamedTuple):
    key: tuple[str, ...]
    figure: Figure
    value: float  # in 元 for amounts
    half: float  # half the last stated digit, in the same unit
    quote: Evidence


def check_repeated(doc: Doc) -> list[Finding]:
    """repeated findings: every quantity stated again with another value, compared once."""
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
    doc: Doc, figure: Figure, table_keys: set[tuple[str, ...]]
) -> _Statement | None:
    if figure.kind != "amount" or not is_plain(doc, figure):
        return None
    measure = measure_key(figure.measure).replace("决算", "")
    if len(measure) < 2:
        return None
    year = str(_year_of(doc, figure) or "")
    parent = _list_parent(doc, figure)
    if parent is not None:  # "基本支出5377.64万元。其中:人员经费…" restates a table's row
        listed = (
            "prose",
            measure_key(parent.measure).replace("决算", "") + measure,
            year,
            "||",
            "",
        )
        if listed in table_keys:
            return _Statement(
                listed, figure, figure.normalized, _figure_half(figure), cite("", figure)
            )
    key = ("prose", measure, year, _qualifiers(doc, figure), "")
    # A generic measure ("年初预算", "支出决算") names its subject elsewhere on its line, unless
    # it names a table's total ("收入支出总计").
    if len(_GENERIC.sub("", measure)) < 2 and key not in table_keys:
        key = (*key[:-1], str(doc.context.rfind("\n", 0, figure.position.start)))
    return _Statement(key, figure, figure.normalized, _figure_half(figure), cite("", figure))


def _year_of(doc: Doc, figure: Figure) -> int | None:
    """The year a prose figure is of: its sentence's, else its paragraph's, else its section's
    (a heading such as "二、2023年预算执行情况"), else the report's."""
    if figure.year is not None:
        return figure.year
    line_start = doc.context.rfind("\n", 0, figure.position.start) + 1
    year = stated_year(doc.context, line_start, figure.position.start)
    for title in reversed(figure.position.section_path):
        year = year or stated_year(title, 0, len(title))
    return year or doc.report.year


def _qualifiers(doc: Doc, figure: Figure) -> str:
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
    if LIST_MARKER.search(doc.context, start, figure.position.start):
        total = _list_parent(doc, figure)
        stages = "".join(sorted(set(_STAGE.findall(total.measure)))) if total else "?"
    dates = re.findall(r"\d{1,2}月\d{1,2}日", doc.context[start : figure.position.start])
    return _context_key(lead, stages, dates[-1] if dates else "")


def _context_key(lead: str, stages: str, date: str) -> str:
    return "|".join([lead, stages, date])


def _list_parent(doc: Doc, figure: Figure) -> Figure | None:
    """The total of the 其中 list a figure is listed in, if it is in one."""
    start = sentence_start_of(doc.context, figure.position.start)
    if doc.context[start : figure.position.start].lstrip().startswith("其中"):
        start = sentence_start_of(doc.context, max(start - 1, 0))  # "…万元。其中:人员经费…"
    markers = list(LIST_MARKER.finditer(doc.context, start, figure.position.start))
    return list_total(doc, markers[-1].start(), start) if markers else None


def _figure_half(figure: Figure) -> float:
    return half_digit(decimals(figure.raw)) * (
        figure.normalized / figure.value if figure.value else 1
    )


def _table_statements(doc: Doc) -> list[_Statement]:
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
                    (
                        cells[c]
                        for c in sorted(cells)
                        if c > label and is_amount_cell(cells[c].text)
                    ),
                    None,
                )
                if not TOTAL_LABEL.search(name) or value is None:
                    continue
                statements += _table_keys(doc, table, row.cells, value, scope, name)
    return statements


def _table_keys(
    doc: Doc, table: LogicalTable, cells: list[str], cell: CellSpan, scope: str, name: str
) -> list[_Statement]:
    unit = table.unit
    if unit is None:
        return []
    factor = AMOUNT_UNITS[unit]
    value = cell_value(cell) * factor
    half = half_digit(decimals(cell.text)) * factor
    year = str(table.year or doc.report.year or "")
    evidence = cite_cell(doc, "", cell)
    figure = Figure(
        value=cell_value(cell),
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
        keys.append(scope + TOTAL_LABEL.sub("", name))  # "基本支出…表"'s 人员经费合计: 人员经费
    context = _context_key("", "", "")
    return [
        _Statement(("prose", k, year, context, ""), figure, value, half, evidence) for k in keys
    ]


def _table_scope(caption: str | None) -> str:
    if not caption or re.match(r"(?:附)?表\s*\d", caption):
        return ""
    scope = re.sub(r"^\d{4}年度?|部门|决算|(?:总)?表$", "", caption)
    return measure_key(scope)


def _where_stated(a: Figure, shown: str, b: Figure, other_shown: str) -> str:
    """Where each figure stands, so a reader can find both: the text, or which table."""
    if not a.in_table and not b.in_table:
        return f"在文中两处分别为{shown}和{other_shown}"

    def place(figure: Figure) -> str:
        return figure.measure.rsplit(" | ", 1)[-1] if figure.in_table else "说明文字"

    return f"在{place(a)}中为{shown},在{place(b)}中为{other_shown}"


def _restatement(first: _Statement, other: _Statement) -> Finding:
    a, b = first.figure, other.figure
    unit = a.unit if not a.in_table else b.unit
    factor = unit_factor(unit)
    places = (
        min(decimals(a.raw), decimals(b.raw))
        if unit == a.unit == b.unit
        else decimals((b if a.in_table else a).raw)
    )
    left, right = first.value / factor, other.value / factor
    if abs(left - right) < 1e-9 * max(abs(left), 1):
        status: FindingStatus = "agrees"
    elif (
        rounded(left, places) == rounded(right, places)
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
    elif rounded(left, places) == rounded(right, places):
        verdict = f"按{format_value(rounded(left, places), places)}{unit or ''}四舍五入后一致。"
    else:
        gap = f"相差{format_value(abs(difference), max(places, 2))}{unit or ''},"
        verdict = gap + ("在四舍五入误差以内。" if status == "rounding" else "不一致。")
    return Finding(
        check="repeated",
        status=status,
        subject=measure,
        stated=round(left, 6),
        computed=round(right, 6),
        difference=round(difference, 6),
        unit=unit,
        message=f"{measure}{_where_stated(a, shown, b, other_shown)},{verdict}",
        evidence=[
            first.quote.model_copy(update={"role": "第一处"}),
            other.quote.model_copy(update={"role": "第二处"}),
        ],
    )
