from __future__ import annotations

import pytest

from ingest.metadata import infer_publisher, infer_title, infer_year


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
