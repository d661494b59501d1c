"""Disclosure review (ingest.checks.review) on the real corpus, every issue there pinned after it
was read against the report, and on small texts that state one slip each."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.checks import check_figures
from ingest.checks.document import build_document
from ingest.checks.review import Issue, review_report
from ingest.checks.review.layout import read_layout
from ingest.config import IngestSettings
from ingest.figures import extract_figures
from ingest.models import Report
from ingest.pipeline import build_report

REPORTS = Path(__file__).resolve().parents[2] / "eval" / "corpus" / "reports"
FINANCE = "putuo-finance-2024-final-accounts.pdf"
JUSTICE = "putuo-justice-2026-budget.pdf"
PLANNING = "putuo-planning-resources-2024-final-accounts.pdf"
SOCIAL = "putuo-social-work-2024-final-accounts.pdf"
HONGHE = "honghe-justice-2024-self-evaluation.txt"

# Every issue the review raises on the corpus, as (severity, family, rule, first quote); each was
# read against the report and is real (see docs/review.md for the verdicts).
EXPECTED = {
    HONGHE: {
        ("确定", "arithmetic", "prose_sum", "2,661.83万元"),
        ("确定", "arithmetic", "repeated", "1,045.50万元"),
        ("确定", "arithmetic", "table_sum", "898.33"),
    },
    FINANCE: {
        ("确定", "text_table", "text_vs_cell", "0.3万元"),
        ("确定", "arithmetic", "ratio", "71.73%"),
        ("确定", "arithmetic", "share_sum", "2940.05万元"),
        ("提示", "identity", "table_tie", "326.71"),
    },
    JUSTICE: {
        ("确定", "text", "doubled_punctuation", "设及运行维护等方面的支出。。"),
        ("确定", "wording", "change_direction", "增加"),
        ("确定", "arithmetic", "ratio", "17.62%"),
        ("确定", "arithmetic", "ratio", "17.66%"),
        ("确定", "arithmetic", "ratio", "5.27%"),
        ("疑似", "years", "self_comparison", "比2026年预算增加"),
        ("疑似", "years", "self_comparison", "与2026年预算持平"),
    },
    PLANNING: {
        ("确定", "text_table", "text_vs_cell", "5377.64万元"),
        ("确定", "text_table", "text_vs_cell", "4896.98万元"),
        ("疑似", "text", "unit_name", "上海市规划和自然资源局"),
        ("疑似", "text", "unit_name", "上海市普陀区规划与自然资源局"),
        ("确定", "text", "both_directions", "下降(增长)"),
        ("疑似", "text", "change_without_unit", "增长 13.95"),
        ("提示", "text", "comparison_period", "较上一度"),
        ("提示", "identity", "table_tie", "236.63"),
        ("提示", "identity", "table_tie", "3845.25"),
    },
    SOCIAL: set(),
}


def parse(path: Path) -> Report:
    report, _ = build_report(path, path.read_bytes(), IngestSettings())
    return report


def review_of(report: Report) -> list[Issue]:
    figures = extract_figures(report)
    return review_report(report, figures, check_figures(report, figures))


@pytest.fixture(scope="module")
def corpus() -> dict[str, tuple[Report, list[Issue]]]:
    results = {}
    for path in sorted(REPORTS.iterdir()):
        report = parse(path)
        results[path.name] = (report, review_of(report))
    return results


def text_issues(tmp_path: Path, text: str) -> list[Issue]:
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    return review_of(parse(path))


def test_corpus_issues_are_the_judged_ones(
    corpus: dict[str, tuple[Report, list[Issue]]],
) -> None:
    for name, (_, issues) in corpus.items():
        got = {(i.severity, i.family, i.rule, i.evidence[0].quote) for i in issues}
        assert got == EXPECTED[name], name


def test_every_quote_is_verbatim(corpus: dict[str, tuple[Report, list[Issue]]]) -> None:
    for report, issues in corpus.values():
        for issue in issues:
            assert issue.evidence and issue.message
            for e in issue.evidence:
                assert report.text[e.position.start : e.position.end] == e.quote


def test_kinds_and_standard_tables(corpus: dict[str, tuple[Report, list[Issue]]]) -> None:
    kinds = {}
    for name, (report, _) in corpus.items():
        layout = read_layout(build_document(report, extract_figures(report)))
        kinds[name] = layout.kind
        if layout.family:
            assert [p.standard.order for p in layout.tables] == list(range(1, 10)), name
            assert all(p.view is not None for p in layout.tables), name
    assert kinds == {
        HONGHE: "绩效自评报告",
        FINANCE: "部门决算",
        JUSTICE: "部门预算",
        PLANNING: "部门决算",
        SOCIAL: "部门决算",
    }


DECISION = (
    "某区某某局2024年度部门决算\n"
    "一、支出决算情况说明\n"
    "本年支出合计100.00万元。年初预算为120.00万元,支出决算为100.00万元。决算数大于预算数的主要原因:"
    "项目增加。。\n"
    "2023年预算执行数为50.00万元,2024年预算安排40.00万元,比2023年预算执行数增加20.00%。\n"
    "截至2023年12月31日,本单位共有车辆2辆。其中公务用车支出支出占120.00%。\n"
)


def test_small_text_slips(tmp_path: Path) -> None:
    issues = text_issues(tmp_path, DECISION)
    got = {(i.family, i.rule, i.severity) for i in issues}
    assert ("wording", "actual_vs_budget", "确定") in got
    assert ("wording", "change_direction", "确定") in got
    assert ("text", "doubled_punctuation", "确定") in got
    assert ("text", "placeholder", "确定") in got  # 某某局
    assert ("text", "duplicate_word", "疑似") in got  # 支出支出
    assert ("text", "share_over_100", "确定") in got
    assert ("years", "as_of_date", "确定") in got
    wording = next(i for i in issues if i.rule == "actual_vs_budget")
    assert [e.quote for e in wording.evidence] == ["决算数大于预算数", "120.00万元", "100.00万元"]


def test_consistent_wording_is_silent(tmp_path: Path) -> None:
    text = (
        "某区财政局2024年度部门决算\n"
        "年初预算为120.00万元,支出决算为100.00万元。决算数小于预算数的主要原因:项目调减。\n"
        "年初预算为10.00万元,支出决算为10.00万元。决算数与预算数基本持平。\n"
        "2023年预算执行数为50.00万元,2024年预算安排60.00万元,比2023年预算执行数增加20.00%。\n"
        "截至2024年12月31日,共有车辆2辆。与2023年度相比,支出减少5.00万元。\n"
    )
    assert [i for i in text_issues(tmp_path, text) if i.family != "structure"] == []


def test_a_reason_against_its_direction(tmp_path: Path) -> None:
    text = (
        "某区财政局2024年度部门决算\n"
        "一、支出决算情况说明\n"
        "机关运行经费支出84.65万元,比2023年度减少2.55万元。主要原因是机关运行经费支出增加。\n"
        "公用经费支出30.00万元,较上年减少1.00万元,增加的主要原因是办公用品采购。\n"
        "印刷费支出20.00万元,比2023年度减少3.00万元,主要原因是:支出增加。\n"
    )
    issues = [i for i in text_issues(tmp_path, text) if i.rule == "reason_direction"]
    assert [(i.severity, [e.quote for e in i.evidence]) for i in issues] == [
        ("疑似", ["减少", "机关运行经费支出增加"]),
        ("疑似", ["减少", "增加"]),
        ("疑似", ["减少", "支出增加"]),
    ]
    assert all(i.family == "wording" and "相反" in i.message for i in issues)


def test_a_reason_that_names_something_else_is_silent(tmp_path: Path) -> None:
    text = (
        "某区财政局2024年度部门决算\n"
        "一、支出决算情况说明\n"
        "公用经费支出30.00万元,比2023年度减少1.00万元。主要原因是人员增加,办公面积压缩。\n"
        "机关运行经费支出84.65万元,比2023年度增加2.55万元。主要原因是:相关支出略有增加。\n"
        "年初预算为120.00万元,支出决算为100.00万元,比2023年度减少5.00万元。"
        "决算数小于预算数的主要原因:项目支出增加较少。\n"
        "培训费支出10.00万元,比2023年度减少1.00万元,下降的主要原因是培训次数减少,"
        "较上年增加的差旅支出另列。\n"
    )
    assert [i for i in text_issues(tmp_path, text) if i.rule == "reason_direction"] == []


def test_a_stated_change_against_last_years_figure(tmp_path: Path) -> None:
    text = (
        "某区财政局2024年度部门决算\n"
        "一、其他重要事项的情况说明\n"
        "2023年度机关运行经费支出为180.00万元。\n"
        "机关运行经费支出184.65万元,比2023年度增加2.55万元。\n"
        "上年公务接待费为10.00万元。公务接待费8.00万元,较上年减少2.00万元。\n"
        "会议费5.00万元,较上年减少1.00万元。\n"
    )
    issues = [i for i in text_issues(tmp_path, text) if i.rule == "implied_base"]
    assert [(i.severity, [e.quote for e in i.evidence]) for i in issues] == [
        ("疑似", ["184.65", "2.55", "180.00"])
    ]
    assert "182.10" in issues[0].message


def test_change_figures_and_comparison_periods(tmp_path: Path) -> None:
    text = (
        "某区财政局2024年度部门决算\n"
        "一、支出决算情况说明\n"
        "支出增加 1193.20万元,增长 13.95。公用经费减少 3.00,下降(增长)27.78%。\n"
        "培训费较上一度增加5.00万元,会议费比上年减少1.00万元。\n"
    )
    issues = [i for i in text_issues(tmp_path, text) if i.family == "text"]
    got = [(i.rule, i.severity, [e.quote for e in i.evidence]) for i in issues]
    assert ("change_without_unit", "疑似", ["增长 13.95"]) in got
    assert ("change_without_unit", "疑似", ["减少 3.00"]) in got
    assert ("both_directions", "确定", ["下降(增长)"]) in got
    assert ("comparison_period", "提示", ["较上一度"]) in got
    assert len(got) == 4


def test_change_figures_with_units_and_known_periods_are_silent(tmp_path: Path) -> None:
    text = (
        "某区财政局2024年度部门决算\n"
        "一、支出决算情况说明\n"
        "支出增加 1193.20 万元,增长 13.95 %。人员减少 2 人,项目增加3个。\n"
        "较上年度增加5.00万元,与上一年度持平,比上年同期下降1.00%,较上一年减少2.00万元。\n"
        "与上级部门相比增加(新增)1项。支出自2023年起逐年增长 2024。\n"
        "主要原因是增加\n1.办公设备购置。\n"
    )
    rules = ("change_without_unit", "both_directions", "comparison_period")
    assert [i for i in text_issues(tmp_path, text) if i.rule in rules] == []


CONTENTS = (
    "某区财政局2024年度部门决算\n"
    "目录\n"
    "第一部分 某区财政局概况\n"
    "第三部分 某区财政局2024年度部门决算情况说明\n"
    "第一部分 某区财政局概况\n"
    "一、主要职能\n"
    "负责本区财政工作。\n"
    "第二部分 名词解释\n"
    "一、财政拨款收入:指本级财政拨款。\n"
    "第三部分 某区财政局2024年度部门决算情况说明\n"
    "一、收入支出决算总体情况说明\n"
    "二、收入决算情况说明\n"
)


def test_a_body_part_the_contents_do_not_list(tmp_path: Path) -> None:
    issues = [i for i in text_issues(tmp_path, CONTENTS) if i.rule == "body_without_contents"]
    assert [(i.family, i.severity, i.evidence[0].quote) for i in issues] == [
        ("structure", "提示", "第二部分 名词解释")
    ]
    numbered = (
        "某区财政局2026年度部门预算\n目录\n一、部门主要职能\n二、部门预算编制说明\n"
        "一、部门主要职能\n负责本区财政工作。\n二、部门预算编制说明\n收入预算10.00万元。\n"
        "三、项目经费情况说明\n"
    )
    issues = [i for i in text_issues(tmp_path, numbered) if i.rule == "body_without_contents"]
    assert [i.evidence[0].quote for i in issues] == ["三、项目经费情况说明"]
    # Once a nested list begins (一、… under 二、), its 三、 is not told from the top level's.
    nested = numbered.replace("收入预算10.00万元。\n", "一、收入预算\n二、支出预算\n")
    assert [i for i in text_issues(tmp_path, nested) if i.rule == "body_without_contents"] == []


def test_check_command_reviews_a_folder_in_every_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpyxl import load_workbook
    from typer.testing import CliRunner

    from service import cli

    monkeypatch.setenv("REPORTQA_DATA_DIR", str(tmp_path / "data"))  # an empty store: parsed
    folder = tmp_path / "reports"
    folder.mkdir()
    for name in (HONGHE, JUSTICE):
        (folder / name).write_bytes((REPORTS / name).read_bytes())
    runner = CliRunner()
    table = runner.invoke(cli.app, ["check", str(folder)])
    assert table.exit_code == 0, table.output
    assert "审核汇总 (2 份报告)" in table.output and "比2026年预算增加" in table.output
    as_csv = runner.invoke(cli.app, ["check", str(folder), "--format", "csv"])
    lines = as_csv.output.splitlines()
    assert lines[0].startswith("报告,类型,年度,严重程度")
    assert sum(",汇总," in line for line in lines) == 2
    as_json = runner.invoke(cli.app, ["check", str(folder / JUSTICE), "--format", "json"])
    data = json.loads(as_json.output)
    assert data[0]["report"]["kind"] == "部门预算" and data[0]["by_severity"]["疑似"] == 5
    target = tmp_path / "review.xlsx"
    as_xlsx = runner.invoke(
        cli.app, ["check", str(folder), "--format", "xlsx", "--out", str(target)]
    )
    assert as_xlsx.exit_code == 0, as_xlsx.output
    assert load_workbook(target).sheetnames == ["汇总", "审核意见"]
    assert runner.invoke(cli.app, ["check", str(folder), "--format", "pdf"]).exit_code == 2


def test_check_annotates_a_pdf_with_its_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pypdf import PdfReader
    from typer.testing import CliRunner

    from service import cli

    monkeypatch.setenv("REPORTQA_DATA_DIR", str(tmp_path / "data"))
    target = tmp_path / "annotated.pdf"
    result = CliRunner().invoke(
        cli.app, ["check", str(REPORTS / FINANCE), "--annotate", str(target), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert "findings boxed in" in result.output
    original, annotated = PdfReader(REPORTS / FINANCE), PdfReader(target)
    assert len(annotated.pages) == len(original.pages)
    assert "0.3万元" in annotated.pages[20].extract_text()  # the page is kept, marks drawn over it
    not_pdf = CliRunner().invoke(
        cli.app, ["check", str(REPORTS / HONGHE), "--annotate", str(target)]
    )
    assert not_pdf.exit_code == 2
