from __future__ import annotations

import pytest

from ingest.metadata import infer_publisher, infer_title, infer_year, read_form_fields


@pytest.mark.parametrize(
    ("text", "title", "publisher"),
    [
        ("", "某县财政局2023年度部门决算", "某县财政局"),
        ("", "中共某市委宣传部2022年度部门整体支出绩效自评报告", "中共某市委宣传部"),
        (
            "某区2026年区级部门预算\n预算主管部门:某区卫生健康委员会\n",
            "某区2026年区级部门预算",
            "某区卫生健康委员会",
        ),
        ("- 发布机构: 某州教育局\n", "某某报告", "某州教育局"),
        # a budget table's caption line, the unit after the body (an XLSX sheet's second row)
        (
            "2026年部门收入预算总表\n编制部门:某区司法局 单位:元\n",
            "2026年部门收入预算总表",
            "某区司法局",
        ),
        ("编制单位:某街道办事处  金额单位:万元\n", "收支总表", "某街道办事处"),
        ("", "2024年度部门决算", None),
    ],
)
def test_publisher_from_a_stated_line_or_the_title(
    text: str, title: str, publisher: str | None
) -> None:
    assert infer_publisher(text, title) == publisher


def test_title_is_the_first_short_report_line_with_a_year() -> None:
    text = "预算绩效管理\n- 索引号: x\n某局2024年度部门整体支出绩效单位自评报告\n一、部门基本情况\n"
    assert infer_title(text, fallback="file") == "某局2024年度部门整体支出绩效单位自评报告"
    assert infer_title("没有标题的一段话\n", fallback="file") == "file"


def test_year_prefers_the_title() -> None:
    assert infer_year("某局2024年度部门决算", "2023年相比") == 2024
    assert infer_year("无年份", "……2025年预算……") == 2025
    assert infer_year("无年份", "无") is None


# The shapes a project's form takes in the wild (eval/corpus/excerpts): one cell a line, pipes,
# cells run together with spaces.
_ONE_CELL_A_LINE = (
    "部门预算项目支出绩效自评表(2023年度) |\n项目名称 |\n51000021R000000019951-工资性支出 |\n"
    "主管部门 |\n某县发展和改革局本级 |\n实施单位 (盖章) |\n某县发展和改革局 |\n"
)
_PIPES = (
    "部门预算项目支出绩效自评表(2023年度) | ||||\n"
    "项目名称 | 51092324T000010263357-2023年全县安可替代补助资金项目 | |||\n"
    "主管部门 | 某县司法局部门 | 实施单位 | 某县司法局 | ||\n"
)
_SPACES = (
    "附件: 项目支出绩效自评表 (2022年度) 项目名称 委托业务项目 主管部门 219-某区某镇人民政府 "
    "实施单位 219001-某区某镇人民政府 项目资金 (万元) 年初预算数"
)
# a list of projects: its 单位名称 and 项目名称 head columns
_LIST = (
    "| 部门预算项目绩效目标申报表(2023年度) | |||\n| 单位名称 | 项目名称 | 预算数 | 年度目标 |\n"
    "| 820001-某镇人民政府 | 村组干部报酬 | 3,309,840.00 | 按时发放 |\n"
)


@pytest.mark.parametrize(
    ("text", "publisher", "project"),
    [
        (_ONE_CELL_A_LINE, "某县发展和改革局", "工资性支出"),
        (_PIPES, "某县司法局", "2023年全县安可替代补助资金项目"),
        (_SPACES, "某区某镇人民政府", "委托业务项目"),
        (_LIST, None, None),
        ("某局2024年度部门决算\n项目名称 | 项目类型 | 金额\n", None, None),
    ],
)
def test_a_forms_body_and_project_are_read_from_its_labelled_cells(
    text: str, publisher: str | None, project: str | None
) -> None:
    fields = read_form_fields(text)
    assert (fields.publisher, fields.project) == (publisher, project)
    assert infer_publisher(text, infer_title(text, fallback="file")) == publisher


def test_a_forms_title_loses_its_rows_pipes() -> None:
    assert infer_title(_PIPES, fallback="file") == "部门预算项目支出绩效自评表(2023年度)"
