"""Varied reports for the scale benchmark: place, years and amounts changed, ratios kept."""

from __future__ import annotations

import pytest

from eval.scale_corpus import pipe_tables, vary_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("上海市普陀区财政局2024年度部门决算", "上海市东湖区财政局2023年度部门决算"),
        ("红河州司法局2024年与2023年相比", "东湖州司法局2023年与2022年相比"),
        ("支出1,670.62万元,其中基本支出90.00万元", "支出3,341.24万元,其中基本支出180.00万元"),
        ("预算执行率95.50%,同比增长12.30%", "预算执行率95.50%,同比增长12.30%"),
        ("科目编码2010101,人数12人", "科目编码2010101,人数12人"),
        ("2024.50万元", "4049.00万元"),
    ],
)
def test_vary_text(text: str, expected: str) -> None:
    assert vary_text(text, "东湖", -1, 2.0) == expected


def test_tab_rows_become_pipe_rows() -> None:
    assert pipe_tables("表1\n项目\t金额\n合计\t1.00") == "表1\n| 项目 | 金额 |\n| 合计 | 1.00 |"
