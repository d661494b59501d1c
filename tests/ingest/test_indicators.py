"""Indicators (绩效指标) read from real inputs, parsed as the store keeps them: 红河's prose list of
missed targets and its stated counts, each excerpt's indicator table in its own text shape,
XLSX and DOCX tables with merged cells written here, and the 普陀 budget PDFs, which hold none."""

from __future__ import annotations

from pathlib import Path

import docx
import openpyxl
import pytest

from ingest.config import IngestSettings
from ingest.indicators import (
    INDICATOR_COLUMNS,
    extract_indicator_counts,
    extract_indicators,
    indicators_table,
    unmet_count_findings,
    unmet_indicators,
)
from ingest.models import Indicator, Report
from ingest.pipeline import build_report

CORPUS = Path(__file__).resolve().parents[2] / "eval" / "corpus"
HONGHE = CORPUS / "reports" / "honghe-justice-2024-self-evaluation.txt"
EXCERPTS = {path.name[:2]: path for path in (CORPUS / "excerpts").glob("*.txt")}
PUTUO = sorted((CORPUS / "reports").glob("putuo-*.pdf"))

# name, 二级指标, comparison, target, unit, actual, stated reason: "(二)绩效目标未完成原因分析"
HONGHE_UNMET = [
    ("人民监督员专项业务培训", "数量指标", ">=", 1, "期", 0, "因故人民监督员专项业务培训未组织"),
    (
        "创建州级民主法治示范村(社区)数量",
        "质量指标",
        ">=",
        100,
        "个",
        0,
        "接州委、州政府通知,全面停止示范创建活动,此项工作未开展",
    ),
    (
        "人民监督员业务培训合格率",
        "质量指标",
        "=",
        100,
        "%",
        None,
        "年内未开展人民监督员年度培训,因此不存在培训合格率情况",
    ),
    (
        "社区矫正对象重新犯罪率",
        "质量指标",
        "<=",
        0.02,
        "%",
        0.25,
        "年内14人重新犯罪。重新犯罪率为0.25%,高于全国水平",
    ),
    (
        "预算执行支出进度9月30日",
        "时效指标",
        ">=",
        80,
        "%",
        75.89,
        "受财政收入影响,未能按照预算执行进度支出财政资金",
    ),
    (
        "预算执行支出进度11月30日",
        "时效指标",
        ">=",
        95,
        "%",
        92.28,
        "受财政收入影响,未能按照预算执行进度支出财政资金",
    ),
]
# category: (设定, 完成), from "共计设定139条绩效指标,其中:…" and "年初设定…共计完成131条,其中:…"
HONGHE_COUNTS = {
    "合计": (139, 131),
    "数量": (56, 55),
    "质量": (43, 40),
    "时效": (4, 2),
    "成本": (1, 1),
    "经济效益": (1, 0),
    "社会效益": (20, 19),
    "可持续影响": (5, 5),
    "满意度": (9, 9),
}
# excerpt: (indicators, met, unmet, unknown)
EXCERPT_TALLIES = {
    "09": (2, 0, 0, 2),  # targets with 权重 but no 完成值 or 得分
    "10": (2, 1, 0, 1),  # "≤ 30 万元" → "完成"; the second table is cut off after its target
    "11": (9, 9, 0, 0),  # flattened DOCX: one line, cells between spaces
    "12": (9, 8, 1, 0),  # one cell a line; 43.2 → 37.24 lost a point with its 偏差原因
    "13": (19, 5, 0, 14),  # glued cells: only equal text/figures are met, nothing is guessed
    "17": (13, 0, 0, 13),  # 绩效目标申报表: targets only
}

# A 绩效自评表 as departments fill it: 一级指标 merged down its group, 二级指标 merged for a pair.
SHEET_HEADER = [
    "一级指标",
    "二级指标",
    "三级指标",
    "指标性质",
    "年度指标值",
    "度量单位",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
]
SHEET_ROWS: list[list[str | float | None]] = [
    ["产出指标", "数量指标", "培训人次", "≥", 500, "人次", 520, 10, 10, None],
    [None, None, "宣传场次", "≥", 20, "场", 16, 10, 8, "受汛期影响,部分活动取消"],
    [None, "质量指标", "培训合格率", "≥", 95, "%", 96.5, 10, 10, None],
    [None, "成本指标", "项目成本", "≤", 80, "万元", 79.5, 10, 10, None],
    [
        "效益指标",
        "社会效益指标",
        "群众法治意识",
        "定性",
        "有效提升",
        None,
        "有效提升",
        20,
        20,
        None,
    ],
    [None, "可持续影响指标", "长效机制", "定性", "建立", None, "部分建立", 20, 15, None],
    ["满意度指标", "服务对象满意度指标", "群众满意度", "≥", 90, "%", 93, 20, 20, None],
]
# name: (一级指标, 二级指标, status) the sheet must give, merged labels carried to every row
SHEET_EXPECTED = {
    "培训人次": ("产出指标", "数量指标", "met"),
    "宣传场次": ("产出指标", "数量指标", "unmet"),
    "培训合格率": ("产出指标", "质量指标", "met"),
    "项目成本": ("产出指标", "成本指标", "met"),
    "群众法治意识": ("效益指标", "社会效益指标", "met"),
    "长效机制": ("效益指标", "可持续影响指标", "unmet"),
    "群众满意度": ("满意度指标", "服务对象满意度指标", "met"),
}


def parse(path: Path) -> Report:
    report, _ = build_report(path, path.read_bytes(), IngestSettings())
    return report


def write_xlsx(folder: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "绩效自评表"
    sheet.append(["2024年度项目支出绩效自评表"])
    sheet.merge_cells("A1:J1")
    sheet.append(SHEET_HEADER)
    for values in SHEET_ROWS:
        sheet.append(values)
    for cells in ("A3:A6", "B3:B4", "A7:A8"):
        sheet.merge_cells(cells)
    path = folder / "indicators.xlsx"
    book.save(path)
    return path


def write_docx(folder: Path, counts: str, reasons: dict[int, str]) -> Path:
    """The sheet as a DOCX table with vertical merges, after a sentence stating the counts."""
    document = docx.Document()
    document.add_paragraph("二、绩效指标完成情况")
    document.add_paragraph(counts)
    table = document.add_table(rows=len(SHEET_ROWS) + 1, cols=len(SHEET_HEADER))
    for col, text in enumerate(SHEET_HEADER):
        table.cell(0, col).text = text
    for row, values in enumerate(SHEET_ROWS, start=1):
        for col, value in enumerate(values):
            if value is not None:
                table.cell(row, col).text = str(value)
        if row in reasons:
            table.cell(row, len(SHEET_HEADER) - 1).text = reasons[row]
    table.cell(1, 0).merge(table.cell(4, 0)).text = "产出指标"
    table.cell(1, 1).merge(table.cell(2, 1)).text = "数量指标"
    table.cell(5, 0).merge(table.cell(6, 0)).text = "效益指标"
    path = folder / "indicators.docx"
    document.save(str(path))
    return path


def by_name(indicators: list[Indicator]) -> dict[str, Indicator]:
    return {indicator.name: indicator for indicator in indicators}


def assert_spans_inside(report: Report, indicators: list[Indicator]) -> None:
    for indicator in indicators:
        position = indicator.position
        assert 0 <= position.start < position.end <= len(report.text)
        assert position.report_id == report.id
        if indicator.reason is not None:
            assert indicator.reason_position is not None
            reason = indicator.reason_position
            assert position.start <= reason.start < reason.end <= position.end
            assert report.text[reason.start : reason.end] == indicator.reason


@pytest.fixture(scope="module")
def honghe() -> Report:
    return parse(HONGHE)


@pytest.fixture(scope="module")
def honghe_indicators(honghe: Report) -> list[Indicator]:
    return extract_indicators(honghe)


@pytest.fixture(scope="module")
def excerpts() -> dict[str, Report]:
    return {code: parse(path) for code, path in EXCERPTS.items()}


@pytest.fixture(scope="module")
def putuo() -> list[Report]:
    return [parse(path) for path in PUTUO]


# ---------------------------------------------------------------- 红河: prose, counts, cross-check


def test_honghe_lists_exactly_its_six_explained_unmet_indicators(
    honghe: Report, honghe_indicators: list[Indicator]
) -> None:
    assert [i.name for i in honghe_indicators] == [row[0] for row in HONGHE_UNMET]
    assert unmet_indicators(honghe_indicators) == honghe_indicators
    assert_spans_inside(honghe, honghe_indicators)


@pytest.mark.parametrize(
    ("name", "level2", "comparison", "target", "unit", "actual", "reason"), HONGHE_UNMET
)
def test_honghe_unmet_indicator(
    honghe: Report,
    honghe_indicators: list[Indicator],
    name: str,
    level2: str,
    comparison: str,
    target: float,
    unit: str,
    actual: float | None,
    reason: str,
) -> None:
    indicator = by_name(honghe_indicators)[name]
    assert (indicator.level2, indicator.comparison) == (level2, comparison)
    assert (indicator.target_value, indicator.target_unit) == (target, unit)
    assert indicator.actual_value == actual
    assert (indicator.status, indicator.reason) == ("unmet", reason)
    assert indicator.position.section_path[-2] == "(二)绩效目标未完成原因分析"
    quoted = honghe.text[indicator.position.start : indicator.position.end]
    assert quoted.startswith(name) and quoted.endswith(reason + "。")


@pytest.mark.parametrize(("category", "set_met"), HONGHE_COUNTS.items())
def test_honghe_stated_counts(honghe: Report, category: str, set_met: tuple[int, int]) -> None:
    counts = [c for c in extract_indicator_counts(honghe) if c.category == category]
    stated_set = next(c.set_count for c in counts if c.set_count is not None)
    stated_met = next(c.met_count for c in counts if c.met_count is not None)
    assert (stated_set, stated_met) == set_met
    for count in counts:
        quote = honghe.text[count.position.start : count.position.end]
        assert str(count.set_count if count.set_count is not None else count.met_count) in quote


def test_honghe_total_is_one_clause_with_both_figures(honghe: Report) -> None:
    totals = [c for c in extract_indicator_counts(honghe) if c.category == "合计"]
    paired = [c for c in totals if c.set_count is not None and c.met_count is not None]
    assert [(c.set_count, c.met_count) for c in paired] == [(139, 131)]
    position = paired[0].position
    assert honghe.text[position.start : position.end] == "年初设定139条绩效指标,共计完成131条"
    assert position.section_path[-1] == "(一)绩效目标完成情况"


def test_honghe_unmet_count_finding(honghe: Report, honghe_indicators: list[Indicator]) -> None:
    counts = extract_indicator_counts(honghe)
    (finding,) = unmet_count_findings(honghe, honghe_indicators, counts)
    assert (finding.check, finding.status) == ("unmet_count", "inconsistent")
    assert (finding.stated, finding.computed, finding.difference) == (8, 6, 2)
    assert finding.message == (
        "报告称设定139条、完成131条,未完成8条,但只说明了6条的未完成原因;"
        "经济效益指标1条、社会效益指标1条未说明原因。"
    )
    for evidence in finding.evidence:
        assert honghe.text[evidence.position.start : evidence.position.end] == evidence.quote
    quoted = {(e.quote, e.value) for e in finding.evidence}
    for figure in [
        ("年初设定139条绩效指标", 139),
        ("共计完成131条", 131),
        ("经济效益指标1条", 1),
        ("经济效益指标0条", 0),
        ("社会效益指标20条", 20),
        ("社会效益指标19条", 19),
    ]:
        assert figure in quoted
    explained = [e for e in finding.evidence if e.role == "已说明原因的未完成指标"]
    assert [e.quote.split("(")[0] for e in explained][:2] == [
        "人民监督员专项业务培训",
        "创建州级民主法治示范村",
    ]
    assert len(explained) == 6


# ---------------------------------------------------------------- excerpts: one text shape each


@pytest.mark.parametrize(("code", "tally"), EXCERPT_TALLIES.items())
def test_excerpt_indicator_tallies(
    excerpts: dict[str, Report], code: str, tally: tuple[int, int, int, int]
) -> None:
    report = excerpts[code]
    indicators = extract_indicators(report)
    statuses = [i.status for i in indicators]
    counted = (len(indicators), *(statuses.count(s) for s in ("met", "unmet", "unknown")))
    assert counted == tally
    assert_spans_inside(report, indicators)
    assert extract_indicator_counts(report) == []


def test_langfang_missed_amount_is_unmet_with_its_reason(excerpts: dict[str, Report]) -> None:
    report = excerpts["12"]
    indicator = by_name(extract_indicators(report))["工程资金金额"]  # "指标1" slot label dropped
    assert (indicator.level1, indicator.level2) == ("产出指标", "数量指标")
    assert (indicator.target_value, indicator.actual_value) == (43.2, 37.24)
    assert (indicator.weight, indicator.score, indicator.status) == (10, 9, "unmet")
    assert indicator.reason == "已完工,剩余3%尾款未付,且最高限价低于预算金额。提高预算准确度。"
    assert unmet_indicators(extract_indicators(report)) == [indicator]


def test_langfang_reason_column_zero_is_no_reason(excerpts: dict[str, Report]) -> None:
    safety = by_name(extract_indicators(excerpts["12"]))["安全率"]
    assert (safety.level2, safety.reason, safety.status) == ("经济效益指标", None, "met")


def test_chizhou_flattened_rows_keep_their_group_labels(excerpts: dict[str, Report]) -> None:
    indicators = by_name(extract_indicators(excerpts["11"]))
    count = indicators["基建工程委托业务项目数量"]
    assert (count.level1, count.level2, count.comparison) == ("产出指标", "数量指标", ">=")
    assert (count.target_value, count.target_unit, count.actual_value) == (50, "个", 50)
    assert (count.weight, count.score, count.status) == (8, 8, "met")
    cost = indicators["项目总成本"]
    assert (cost.level2, cost.comparison, cost.target_unit) == ("成本指标", "<=", "万元")
    compliance = indicators["经费支出合规性"]  # no 二级指标 token of its own: carried from above
    assert (compliance.level2, compliance.target_raw) == ("质量指标", "严格执行相关制度规定")
    assert compliance.actual_raw == "达成预期指标"
    lasting = indicators["对推动基建项目“四项制度”健全和落实的持续性影响"]
    assert (lasting.level1, lasting.level2, lasting.weight) == ("效益指标", "可持续影响指标", 10)


def test_chongqing_glued_rows_split_and_never_guess_met(excerpts: dict[str, Report]) -> None:
    report = excerpts["13"]
    indicators = by_name(extract_indicators(report))
    training = indicators["党性教育培训次数"]
    assert (training.target_raw, training.actual_raw) == ("26次", "12次")
    assert (training.weight, training.score) == (5, 5)  # "55" split at 得分系数 100%
    assert training.status == "unknown"  # full points, but 12 of 26 is not "met" by reading
    adjustment = indicators["预算调整率"]  # "3%0100%22否": actual 0 runs into coefficient 100%
    assert (adjustment.target_raw, adjustment.actual_raw, adjustment.weight) == ("3%", "0", 2)
    assert indicators["资金使用合规性"].status == "met"  # 好 → 好
    assert indicators["预决算信息公开性"].position.start > report.text.index("\n3、")
    assert indicators["播发稿件数量tot扁"].weight == 10  # a garbled name stays as written


def test_targets_only_table_has_comparisons_and_no_status(excerpts: dict[str, Report]) -> None:
    indicators = extract_indicators(excerpts["17"])
    assert {i.comparison for i in indicators} == {">=", "="}
    villages = by_name(indicators)["行政村数量"]
    assert (villages.level1, villages.level2) == ("产出指标", "数量指标")
    assert (villages.target_value, villages.target_unit, villages.weight) == (11, "个", 10)
    assert all(i.actual_raw is None and i.status == "unknown" for i in indicators)


def test_operator_and_unit_columns(excerpts: dict[str, Report]) -> None:
    qingshen = by_name(extract_indicators(excerpts["09"]))["发放(缴纳)覆盖率"]
    assert (qingshen.comparison, qingshen.target_value, qingshen.target_unit) == ("=", 100, "%")
    assert (qingshen.weight, qingshen.score, qingshen.status) == (60, None, "unknown")
    daying = by_name(extract_indicators(excerpts["10"]))["成本控制数"]
    assert (daying.comparison, daying.target_value, daying.target_unit) == ("<=", 30, "万元")
    assert (daying.actual_raw, daying.status) == ("完成", "met")


# ---------------------------------------------------------------- generated XLSX and DOCX


def test_xlsx_merged_table(tmp_path: Path) -> None:
    report = parse(write_xlsx(tmp_path))
    indicators = extract_indicators(report)
    got = {i.name: (i.level1, i.level2, i.status) for i in indicators}
    assert got == SHEET_EXPECTED
    events = by_name(indicators)["宣传场次"]
    assert (events.comparison, events.target_unit, events.reason) == (
        ">=",
        "场",
        "受汛期影响,部分活动取消",
    )
    assert by_name(indicators)["项目成本"].comparison == "<="
    assert_spans_inside(report, indicators)


def test_docx_merged_table_and_unmet_count_that_disagrees(tmp_path: Path) -> None:
    report = parse(write_docx(tmp_path, "本项目共设定绩效指标7条,完成5条,未完成2条。", {}))
    indicators = extract_indicators(report)
    assert {i.name: (i.level1, i.level2, i.status) for i in indicators} == SHEET_EXPECTED
    (finding,) = unmet_count_findings(report, indicators, extract_indicator_counts(report))
    assert (finding.status, finding.stated, finding.computed) == ("inconsistent", 2, 1)
    assert finding.message == (
        "报告称设定7条、完成5条,未完成2条,但只说明了1条的未完成原因;长效机制列为未完成却无原因。"
    )


def test_docx_unmet_count_that_agrees(tmp_path: Path) -> None:
    reasons = {6: "机制建设仍在推进"}
    report = parse(write_docx(tmp_path, "共设置绩效指标7个,已完成5个,未完成2个。", reasons))
    indicators = extract_indicators(report)
    counts = extract_indicator_counts(report)
    assert [(c.category, c.set_count, c.met_count, c.unmet_count) for c in counts] == [
        ("合计", 7, 5, 2)
    ]
    (finding,) = unmet_count_findings(report, indicators, counts)
    assert finding.status == "agrees"
    assert finding.message == "报告称设定7条、完成5条,未完成2条,2条均说明了未完成原因。"


# ---------------------------------------------------------------- reports without indicators


def test_putuo_budget_pdfs_give_no_indicators_or_counts(putuo: list[Report]) -> None:
    for report in putuo:
        indicators = extract_indicators(report)
        counts = extract_indicator_counts(report)
        assert (indicators, counts) == ([], [])
        assert unmet_count_findings(report, indicators, counts) == []


# ---------------------------------------------------------------- export and speed


def test_indicators_table_rows(honghe_indicators: list[Indicator]) -> None:
    rows = indicators_table(honghe_indicators)
    assert all(tuple(row) == INDICATOR_COLUMNS for row in rows)
    assert rows[3] == {
        "一级指标": None,
        "二级指标": "质量指标",
        "三级指标": "社区矫正对象重新犯罪率",
        "指标性质": "≤",
        "年度指标值": "<=0.02%",
        "实际完成值": "0.25%",
        "分值": None,
        "得分": None,
        "完成情况": "未完成",
        "偏差原因": "年内14人重新犯罪。重新犯罪率为0.25%,高于全国水平",
        "页码": None,
        "章节": "二、部门整体支出绩效目标实现情况 > (二)绩效目标未完成原因分析 > 2.质量指标",
    }


def test_bare_target_takes_the_unit_column(excerpts: dict[str, Report]) -> None:
    (row,) = indicators_table(extract_indicators(excerpts["09"]))[:1]
    assert (row["年度指标值"], row["分值"], row["完成情况"]) == ("100%", 60, "未知")
