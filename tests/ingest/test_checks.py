"""Cross-checks (交叉核对) on the real corpus: the inconsistencies DESIGN.md names are found with
their numbers, the agreeing figures are said to agree, every quote is exact, and every
"inconsistent" finding is one a reader can confirm. Small hand-written texts pin the rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.checks import check_figures
from ingest.config import IngestSettings
from ingest.figures import extract_figures
from ingest.models import Finding, Report
from ingest.pipeline import build_report

CORPUS = Path(__file__).resolve().parents[2] / "eval" / "corpus"
CORPUS_FILES = sorted((CORPUS / "reports").iterdir()) + sorted((CORPUS / "excerpts").iterdir())
HONGHE = "honghe-justice-2024-self-evaluation.txt"
FINANCE = "putuo-finance-2024-final-accounts.pdf"
JUSTICE = "putuo-justice-2026-budget.pdf"
PLANNING = "putuo-planning-resources-2024-final-accounts.pdf"

# Every "inconsistent" finding the corpus gives, as (check, stated, computed); each was read
# against the report by hand and is a real inconsistency of the report:
INCONSISTENT = {
    HONGHE: {
        ("table_sum", 898.33, 899.13),  # 表2 实际到位资金: items 899.13, 合计 898.33
        ("prose_sum", 2661.83, 2661.81),  # 支出合计 against 1,616.31 + 1,045.50 (the 1,045.50 typo)
        ("repeated", 1045.5, 1045.52),  # 项目支出 1,045.50 here, 1,045.52 there
    },
    FINANCE: {
        ("ratio", 71.73, 71.6539),  # 2106.66 ÷ 2940.05 = 71.65%, stated 71.73%
        ("share_sum", 100.07, 100.0),  # 71.73 + 11.11 + 2.07 + 15.16
        ("repeated", 0.3, 2961.68),  # 财政拨款收入支出总计 0.3万元 against the table's 2,961.68
    },
    JUSTICE: {
        ("ratio", 17.62, -91.1127),  # 3845.49 against 43269.3 is no 17.62% increase
        ("ratio", 17.66, 17.9254),  # 91.97 ÷ 77.99 − 1 = 17.93%, the line above's 17.66% copied
        ("ratio", 5.27, 1.5932),  # 201.50 ÷ 198.34 − 1 = 1.59%; the item is 208.8 elsewhere
    },
    PLANNING: {
        ("repeated", 4896.98, 4884.09),  # 人员经费 in prose against the table's 人员经费合计
    },
}


def parse(path: Path) -> Report:
    report, _ = build_report(path, path.read_bytes(), IngestSettings())
    return report


@pytest.fixture(scope="module")
def checked() -> dict[str, tuple[Report, list[Finding]]]:
    """Every corpus file parsed and checked once (a PDF takes seconds to parse)."""
    results = {}
    for path in CORPUS_FILES:
        report = parse(path)
        results[path.name] = (report, check_figures(report, extract_figures(report)))
    return results


def findings_of(tmp_path: Path, text: str) -> list[Finding]:
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    report = parse(path)
    return check_figures(report, extract_figures(report))


def only(findings: list[Finding], check: str, subject: str) -> Finding:
    found = [f for f in findings if f.check == check and subject in f.subject]
    assert len(found) == 1, [(f.check, f.subject) for f in findings]
    return found[0]


def quotes(finding: Finding) -> list[tuple[str, str]]:
    return [(e.role, e.quote) for e in finding.evidence]


# --- the corpus ---


def test_honghe_table2_received_funds(checked: dict[str, tuple[Report, list[Finding]]]) -> None:
    _, findings = checked[HONGHE]
    finding = only(findings, "table_sum", "表2 实际到位资金")
    assert (finding.status, finding.stated, finding.computed, finding.unit) == (
        "inconsistent",
        898.33,
        899.13,
        "万元",
    )
    assert finding.difference == pytest.approx(-0.80)
    assert (
        finding.message == "表2 实际到位资金:各项之和899.13万元,合计行为898.33万元,相差0.80万元。"
    )
    assert quotes(finding)[0] == ("合计", "898.33")
    assert sorted(q for role, q in quotes(finding) if role == "分项") == sorted(
        ["353.02", "68.41", "14.90", "8.00", "78.80", "366.00", "10.00"]
    )


def test_honghe_table2_other_columns_agree(
    checked: dict[str, tuple[Report, list[Finding]]],
) -> None:
    _, findings = checked[HONGHE]
    budget = only(findings, "table_sum", "表2 预算资金")
    spent = only(findings, "table_sum", "表2 实际支出资金")
    assert (budget.status, budget.stated) == ("agrees", 80.0)
    assert (spent.status, spent.stated) == ("agrees", 883.84)


def test_honghe_project_spending_stated_twice(
    checked: dict[str, tuple[Report, list[Finding]]],
) -> None:
    _, findings = checked[HONGHE]
    finding = only(findings, "repeated", "项目支出")
    assert (finding.status, finding.stated, finding.computed) == ("inconsistent", 1045.5, 1045.52)
    assert quotes(finding) == [("第一处", "1,045.50万元"), ("第二处", "1,045.52万元")]
    assert [e.position.section_path[-1] for e in finding.evidence] == [
        "2.整体收支情况",
        "3.预算执行情况",
    ]


def test_honghe_mediation_success_rate_agrees(
    checked: dict[str, tuple[Report, list[Finding]]],
) -> None:
    _, findings = checked[HONGHE]
    rates = [f for f in findings if f.check == "ratio" and f.subject == "调解成功率"]
    assert rates, "the rate is stated in two sections"
    for finding in rates:
        assert finding.status == "agrees"
        assert quotes(finding) == [("所述比例", "97.60%"), ("分子", "20398件"), ("分母", "20900件")]
        assert finding.computed == pytest.approx(100 * 20398 / 20900, abs=1e-4)


def test_honghe_budget_completion_rate_agrees(
    checked: dict[str, tuple[Report, list[Finding]]],
) -> None:
    """92.28% = 总支出 2,661.83 ÷ 收入合计 2,884.60, a figure of another paragraph."""
    _, findings = checked[HONGHE]
    finding = only(findings, "ratio", "预算支出完成率")
    assert finding.status == "agrees"
    assert quotes(finding) == [
        ("所述比例", "92.28%"),
        ("分子", "2,661.83万元"),
        ("分母", "2,884.60万元"),
    ]


def test_finance_general_public_services_share(
    checked: dict[str, tuple[Report, list[Finding]]],
) -> None:
    _, findings = checked[FINANCE]
    finding = only(findings, "ratio", "一般公共服务支出")
    assert (finding.status, finding.stated) == ("inconsistent", 71.73)
    assert finding.computed == pytest.approx(100 * 2106.66 / 2940.05, abs=1e-4)
    assert quotes(finding) == [
        ("所述比例", "71.73%"),
        ("分子", "2106.66万元"),
        ("分母", "2940.05万元"),
    ]


def test_finance_shares_sum_past_100(checked: dict[str, tuple[Report, list[Finding]]]) -> None:
    _, findings = checked[FINANCE]
    shares = [f for f in findings if f.check == "share_sum" and f.status == "inconsistent"]
    assert len(shares) == 1
    assert (shares[0].stated, shares[0].computed) == (100.07, 100.0)
    assert [q for role, q in quotes(shares[0]) if role == "所述比例"] == [
        "71.73%",
        "11.11%",
        "2.07%",
        "15.16%",
    ]


def test_finance_appropriation_total_against_its_table(
    checked: dict[str, tuple[Report, list[Finding]]],
) -> None:
    _, findings = checked[FINANCE]
    finding = only(findings, "repeated", "财政拨款收入支出总计")
    assert (finding.status, finding.stated, finding.computed, finding.unit) == (
        "inconsistent",
        0.3,
        2961.68,
        "万元",
    )
    assert quotes(finding) == [("第一处", "0.3万元"), ("第二处", "2,961.68")]
    assert finding.evidence[1].position.page is not None


def test_justice_yuan_tables_agree_with_wanyuan_prose(
    checked: dict[str, tuple[Report, list[Finding]]],
) -> None:
    """96,282,213.44元 in the tables is 9628.22万元 in the prose: rounding, not a mismatch."""
    _, findings = checked[JUSTICE]
    income = only(findings, "repeated", "收入预算")
    assert (income.status, income.stated, income.unit) == ("rounding", 9628.22, "万元")
    assert income.computed == pytest.approx(9628.221344)
    for finding in findings:
        values = {e.value for e in finding.evidence}
        if 9628.22 in values and finding.status == "inconsistent":
            pytest.fail(finding.message)


@pytest.mark.parametrize("name", [path.name for path in CORPUS_FILES])
def test_only_the_known_inconsistencies(
    checked: dict[str, tuple[Report, list[Finding]]], name: str
) -> None:
    _, findings = checked[name]
    found = {(f.check, f.stated, f.computed) for f in findings if f.status == "inconsistent"}
    assert found == INCONSISTENT.get(name, set()), [
        f.message for f in findings if f.status == "inconsistent"
    ]


@pytest.mark.parametrize("name", [path.name for path in CORPUS_FILES])
def test_every_quote_is_exact(checked: dict[str, tuple[Report, list[Finding]]], name: str) -> None:
    report, findings = checked[name]
    for finding in findings:
        assert len(finding.evidence) >= 2, finding.message
        assert finding.message.endswith("。")
        for evidence in finding.evidence:
            start, end = evidence.position.start, evidence.position.end
            assert report.text[start:end] == evidence.quote
            assert evidence.role


# --- the rules, on small texts ---


def test_table_total_with_a_sub_item_row(tmp_path: Path) -> None:
    text = (
        "单位:万元\n项目 | 预算数 | 决算数\n一、基本支出 | 100.00 | 90.00\n"
        "其中:人员经费 | 80.00 | 70.00\n二、项目支出 | 50.00 | 40.00\n合计 | 150.00 | 131.00\n"
    )
    findings = findings_of(tmp_path, text)
    assert [(f.status, f.stated, f.computed) for f in findings] == [
        ("agrees", 150.0, 150.0),
        ("inconsistent", 131.0, 130.0),
    ]


def test_total_over_subtotals(tmp_path: Path) -> None:
    text = (
        "项目 | 预算数(万元) | 决算数(万元)\n工资 | 10.00 | 9.00\n奖金 | 5.00 | 5.00\n"
        "小计 | 15.00 | 14.00\n办公费 | 3.00 | 2.00\n印刷费 | 1.00 | 1.00\n小计 | 4.00 | 3.00\n"
        "合计 | 19.50 | 17.00\n"
    )
    totals = [f for f in findings_of(tmp_path, text) if "合计" in f.subject]
    assert [(f.status, f.stated, f.computed) for f in totals] == [
        ("inconsistent", 19.5, 19.0),
        ("agrees", 17.0, 17.0),
    ]


@pytest.mark.parametrize(
    "text",
    [
        # numbered rows mixed with a plain one: which rows the 合计 covers is not clear
        "项目 | 预算数 | 决算数\n一、工资 | 10.00 | 9.00\n二、奖金 | 5.00 | 4.00\n"
        "其他 | 3.00 | 2.00\n合计 | 18.00 | 15.00\n",
        # a 合计 on top of groups closed by 小计 rows
        "项目 | 预算数 | 决算数\n合计 | 19.00 | 17.00\n工资 | 10.00 | 9.00\n奖金 | 5.00 | 5.00\n"
        "小计 | 15.00 | 14.00\n办公费 | 3.00 | 2.00\n印刷费 | 1.00 | 1.00\n小计 | 4.00 | 3.00\n",
        # a 其中 list that names only part of its total
        "共排查出重点对象1451人,其中涉黑涉恶380人,精神障碍患者89人,涉邪教31人。",
        "收入合计1000.00万元,其中:财政拨款995.00万元、上级补助3.00万元。",
        # a rate whose base is not stated, and a rate with two candidate budgets
        "本年收入600.00万元,比上年增长20%。",
        "年初预算100万元,调整预算120万元,实际支出110万元,预算执行率95%。",
    ],
)
def test_silent_where_the_structure_is_unclear(tmp_path: Path, text: str) -> None:
    assert [f for f in findings_of(tmp_path, text) if f.status != "agrees"] == []


@pytest.mark.parametrize(
    ("text", "check", "status"),
    [
        ("支出合计100.01万元,其中:基本支出50.00万元、项目支出50.00万元。", "prose_sum", "rounding"),
        (
            "支出合计100.03万元,其中:基本支出50.00万元、项目支出50.00万元。",
            "prose_sum",
            "inconsistent",
        ),
        (
            "成立38个党组织,其中独立党组织31个,联合党组织7个,联合党组织覆盖18个律师事务所。",
            "prose_sum",
            "agrees",
        ),
        ("培训人数200人,合格195人,合格率97.5%。", "ratio", "agrees"),
        ("培训人数200人,合格195人,合格率98.5%。", "ratio", "inconsistent"),
        ("本年支出500.00万元,较上年增加50.00万元,增长11.11%。", "ratio", "agrees"),
        ("本年支出500.00万元,较上年增加50.00万元,增长10.00%。", "ratio", "inconsistent"),
        ("年初预算为200.00万元,支出决算为180.00万元,完成年初预算的90.00%。", "ratio", "agrees"),
        (
            "年初预算为200.00万元,支出决算为180.00万元,完成年初预算的91.00%。",
            "ratio",
            "inconsistent",
        ),
        (
            "2025年当年预算执行数为60.41万元,2026年预算安排227.88万元,比2025年预算执行数增加277.22%。",
            "ratio",
            "agrees",
        ),
        ("采购金额618.80万元,年初采购预算14.30万元,采购执行率4,327.26%。", "ratio", "rounding"),
    ],
)
def test_status_by_stated_precision(tmp_path: Path, text: str, check: str, status: str) -> None:
    findings = [f for f in findings_of(tmp_path, text) if f.check == check]
    assert [f.status for f in findings] == [status], [f.message for f in findings]


def test_shares_of_one_whole(tmp_path: Path) -> None:
    text = "本年支出合计200.00万元,其中:基本支出150.00万元,占75.00%;项目支出50.00万元,占25.10%。"
    findings = findings_of(tmp_path, text)
    share_sum = only(findings, "share_sum", "本年支出合计")
    assert (share_sum.status, share_sum.stated) == ("inconsistent", 100.1)
    ratios = [(f.stated, f.status) for f in findings if f.check == "ratio"]
    assert ratios == [(75.0, "agrees"), (25.1, "inconsistent")]


def test_shares_written_as_zhanbi(tmp_path: Path) -> None:
    text = (
        "本年支出合计200.00万元,其中:基本支出150.00万元,占比75.00%;项目支出50.00万元,占比25.00%。"
    )
    findings = findings_of(tmp_path, text)
    assert [(f.check, f.status) for f in findings if f.check != "prose_sum"] == [
        ("ratio", "agrees"),
        ("ratio", "agrees"),
        ("share_sum", "agrees"),
    ]


def test_rate_of_the_final_budget_is_confirmed(tmp_path: Path) -> None:
    text = "年初预算数为100万元,全年预算数为120万元,全年执行数为110万元,执行率为91.67%。"
    finding = only(findings_of(tmp_path, text), "ratio", "执行率")
    assert finding.status == "agrees"
    assert [q for _, q in quotes(finding)] == ["91.67%", "110万元", "120万元"]


def test_repeated_after_unit_normalisation(tmp_path: Path) -> None:
    text = (
        "项目支出1,045.50万元。\n项目支出1,045.52万元,较上年增加609.88万元。\n项目支出10455000元。"
    )
    findings = [f for f in findings_of(tmp_path, text) if f.check == "repeated"]
    assert [(f.status, f.stated, f.computed) for f in findings] == [
        ("inconsistent", 1045.5, 1045.52)
    ]


def test_different_years_are_different_quantities(tmp_path: Path) -> None:
    text = "2024年项目支出1,045.52万元。\n2023年项目支出435.64万元。\n上年项目支出435.64万元。"
    assert [f for f in findings_of(tmp_path, text) if f.check == "repeated"] == []
