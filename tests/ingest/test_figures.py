"""Figures (数字) read from real reports and from small hand-written texts: values, units,
normalisation, comparisons, measures, and what is not a figure."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.config import IngestSettings
from ingest.figures import extract_figures
from ingest.models import Figure, Report
from ingest.pipeline import build_report

CORPUS = Path(__file__).resolve().parents[2] / "eval" / "corpus"
CORPUS_FILES = sorted((CORPUS / "reports").iterdir()) + sorted((CORPUS / "excerpts").iterdir())


def parse(path: Path) -> Report:
    report, _ = build_report(path, path.read_bytes(), IngestSettings())
    return report


@pytest.fixture(scope="module")
def corpus() -> dict[str, tuple[Report, list[Figure]]]:
    """Every corpus file parsed once (a PDF takes seconds), with its figures."""
    reports = {path.name: parse(path) for path in CORPUS_FILES}
    return {name: (report, extract_figures(report)) for name, report in reports.items()}


def figures_of(tmp_path: Path, text: str) -> list[Figure]:
    """The figures of a hand-written text, read through the real pipeline."""
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    return extract_figures(parse(path))


def one(figures: list[Figure], raw: str) -> Figure:
    found = [f for f in figures if f.raw == raw]
    assert len(found) == 1, [f.raw for f in figures]
    return found[0]


@pytest.mark.parametrize(
    ("text", "raw", "value", "unit", "normalized", "kind"),
    [
        ("单位共有公务用车三辆。", "三辆", 3, "辆", 3, "count"),
        ("群众满意度达到百分之九十五。", "百分之九十五", 95, "%", 95, "percent"),
        ("支出合计2,961.68万元。", "2,961.68万元", 2961.68, "万元", 29_616_800, "amount"),
        ("收入预算96,282,213.44元。", "96,282,213.44元", 96282213.44, "元", 96282213.44, "amount"),
        ("年度收入1.2亿元。", "1.2亿元", 1.2, "亿元", 120_000_000, "amount"),
        ("财政拨款收入支出总计0.3万元。", "0.3万元", 0.3, "万元", 3000, "amount"),
        ("一般公共服务支出占71.73%。", "71.73%", 71.73, "%", 71.73, "percent"),
        ("共办理公证10319件。", "10319件", 10319, "件", 10319, "count"),
        ("组织送法活动3069场次。", "3069场次", 3069, "场次", 3069, "count"),
        ("完成不少于60学时的培训。", "60学时", 60, "学时", 60, "number"),
        ("自评得分96.70分。", "96.70分", 96.7, "分", 96.7, "number"),
        ("共230余人参训。", "230余人", 230, "人", 230, "count"),
        ("连续两年排名末位。", "两年", 2, "年", 2, "count"),
    ],
)
def test_values_units_and_normalisation(
    tmp_path: Path, text: str, raw: str, value: float, unit: str, normalized: float, kind: str
) -> None:
    figure = one(figures_of(tmp_path, text), raw)
    assert (figure.value, figure.unit, figure.kind) == (value, unit, kind)
    assert figure.normalized == pytest.approx(normalized)


@pytest.mark.parametrize(
    ("text", "raw", "comparison", "upper"),
    [
        ("全年目标值:≥95%。", "95%", ">=", None),
        ("目标值:>=80%。", "80%", ">=", None),
        ("重新犯罪率<=0.02%。", "0.02%", "<=", None),
        ("成本不超过30万元。", "30万元", "<=", None),
        ("受教育率达95%以上。", "95%", ">=", None),
        ("预算执行率为90%-95%。", "90%-95%", "range", 95),
        ("合格率为90-95%。", "90-95%", "range", 95),
        ("培训合格率=100%。", "100%", "=", None),
    ],
)
def test_comparisons_and_ranges(
    tmp_path: Path, text: str, raw: str, comparison: str, upper: float | None
) -> None:
    figure = one(figures_of(tmp_path, text), raw)
    assert (figure.comparison, figure.upper) == (comparison, upper)


@pytest.mark.parametrize(
    "text",
    [
        "2024年度部门决算。",
        "截至2024年12月31日。",
        "2022、2023年度连续考评。",
        "2024-2026年部门整体支出绩效目标表。",
        "(1)基本支出",
        "1.简述部门职能职责。",
        "具体包括: 2. 普陀区法律援助中心",
        "详见表2和附件1-3。",
        "联系电话:0873—3197023",
        "根据红财预发〔2024〕15号文件。",
        "功能分类科目编码2010101。",
        "接听“12348”热线。",
        "第一条根据方案制定本规定。",
        "公共安全支出(204类)司法(06款)行政运行(01项)。",
        "索引号: zsfj/2025-00012",
        "《关于进一步加强人民调解工作经费保障的二十条意见》",
    ],
)
def test_what_is_not_a_figure(tmp_path: Path, text: str) -> None:
    assert figures_of(tmp_path, text) == []


@pytest.mark.parametrize(
    ("text", "raw", "measure", "year"),
    [
        (
            "红河州司法局本级机关2024年“三公”经费决算支出12.85万元。",
            "12.85万元",
            "三公经费决算支出",
            2024,
        ),
        ("红河州司法局本级机关2024年收入合计2,884.60万元。", "2,884.60万元", "收入合计", 2024),
        (
            "支出合计2,661.83万元,其中:基本支出1,616.31万元、项目支出1,045.50万元。",
            "1,045.50万元",
            "项目支出",
            None,
        ),
        ("全州共办理告知承诺证明事项129398件。", "129398件", "办理告知承诺证明事项", None),
        (
            "项目支出1,045.52万元,较上年增加609.88万元,增长140%。",
            "609.88万元",
            "项目支出较上年增加",
            None,
        ),
        (
            "2025年当年预算执行数为1690.69万元,2026年预算安排1672.67万元。",
            "1672.67万元",
            "预算安排",
            2026,
        ),
        ("与2023年度相比,收入支出总计减少56.95万元。", "56.95万元", "收入支出总计减少", None),
    ],
)
def test_prose_measure_and_year(
    tmp_path: Path, text: str, raw: str, measure: str, year: int | None
) -> None:
    figure = one(figures_of(tmp_path, text), raw)
    assert (figure.measure, figure.year, figure.in_table) == (measure, year, False)


def test_share_measure_names_the_part(tmp_path: Path) -> None:
    figures = figures_of(tmp_path, "一般公共服务支出(类)2106.66万元,占71.73%。")
    assert one(figures, "71.73%").measure == "一般公共服务支出(类)占比"


def test_table_unit_from_a_note_above(tmp_path: Path) -> None:
    text = "单位:万元\n项目 | 预算数 | 决算数\n一、工资 | 100.00 | 90.00\n合计 | 100.00 | 90.00\n"
    figures = [f for f in figures_of(tmp_path, text) if f.measure == "工资 | 决算数"]
    assert [(f.value, f.unit, f.normalized, f.in_table) for f in figures] == [
        (90.0, "万元", 900_000.0, True)
    ]


def test_table_unit_from_the_header(tmp_path: Path) -> None:
    text = "项目 | 金额(元) | 备注\n办公费 | 1,200.00 | 无\n印刷费 | 300.00 | 无\n"
    figure = one(figures_of(tmp_path, text), "1,200.00")
    assert (figure.unit, figure.normalized, figure.measure) == ("元", 1200.0, "办公费 | 金额(元)")


def test_table_number_without_a_stated_unit(tmp_path: Path) -> None:
    text = "项目 | 数值 | 备注\n甲 | 12.50 | 无\n乙 | 3.00 | 无\n"
    figure = one(figures_of(tmp_path, text), "12.50")
    assert (figure.unit, figure.kind) == (None, "number")


def test_honghe_table2_cells(corpus: dict[str, tuple[Report, list[Figure]]]) -> None:
    """表2's unit note ("单位:万元") stands below the table; cells carry row and column."""
    _, figures = corpus["honghe-justice-2024-self-evaluation.txt"]
    total = [f for f in figures if f.measure == "合计 | 实际到位资金/合计"]
    assert [(f.raw, f.unit, f.normalized, f.in_table) for f in total] == [
        ("898.33", "万元", 8_983_300.0, True)
    ]
    assert any(f.measure == "普法宣传 | 实际支出资金" and f.value == 352.29 for f in figures)


def test_finance_table_cells_and_codes(corpus: dict[str, tuple[Report, list[Figure]]]) -> None:
    _, figures = corpus["putuo-finance-2024-final-accounts.pdf"]
    general = [f for f in figures if f.measure == "一般公共服务支出 | 决算数"]
    assert [(f.value, f.unit, f.kind) for f in general] == [(2106.66, "万元", "amount")]
    assert general[0].position.page is not None
    # subject codes (类/款/项: 201, 06, 01) are codes, not figures
    table_raws = {f.raw for f in figures if f.in_table}
    assert not table_raws & {"201", "06", "01", "208", "301", "302"}


def test_planning_seven_digit_codes(corpus: dict[str, tuple[Report, list[Figure]]]) -> None:
    _, figures = corpus["putuo-planning-resources-2024-final-accounts.pdf"]
    assert not [f for f in figures if f.raw in {"2080501", "20805", "2101101", "30101"}]


def test_justice_tables_in_yuan_prose_in_wanyuan(
    corpus: dict[str, tuple[Report, list[Figure]]],
) -> None:
    _, figures = corpus["putuo-justice-2026-budget.pdf"]
    table = [f for f in figures if f.in_table and f.raw == "96,282,213.44"]
    prose = [f for f in figures if not f.in_table and f.raw == "9628.22万元"]
    assert table and all(f.unit == "元" and f.normalized == 96282213.44 for f in table)
    assert prose and all(f.normalized == pytest.approx(96_282_200.0) for f in prose)


def test_indicator_table_value_takes_the_rows_unit_and_sign(
    corpus: dict[str, tuple[Report, list[Figure]]],
) -> None:
    _, figures = corpus["09_qingshen_fagaiju_2023_xiangmuzhichu_zipingbiao.txt"]
    target = [f for f in figures if f.measure == "发放(缴纳)覆盖率 | 指标值"]
    assert [(f.value, f.unit, f.kind, f.comparison) for f in target] == [
        (100.0, "%", "percent", "=")
    ]


@pytest.mark.parametrize("name", [path.name for path in CORPUS_FILES])
def test_every_raw_is_its_span(corpus: dict[str, tuple[Report, list[Figure]]], name: str) -> None:
    report, figures = corpus[name]
    assert figures, "every corpus file states figures"
    for figure in figures:
        start, end = figure.position.start, figure.position.end
        assert report.text[start:end] == figure.raw
        assert figure.position.report_id == report.id
    starts = [f.position.start for f in figures]
    assert starts == sorted(starts)
