"""Tables found in plain text: 红河 表2 (pipe rows, two header rows) and the excerpts' indicator
tables (pipe rows, one cell a line), on the normalised text the store keeps."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.cell_tables import cell_tables
from ingest.loaders.base import LoadedDocument, Page, TextBlock
from ingest.models import TableRowSpan, TableSpan
from ingest.normalize import normalize_document
from ingest.tables import align_cells, find_text_tables, is_table_like, row_header_text

CORPUS = Path(__file__).resolve().parents[2] / "eval" / "corpus"
HONGHE = CORPUS / "reports" / "honghe-justice-2024-self-evaluation.txt"
EXCERPTS = {path.name[:2]: path for path in (CORPUS / "excerpts").glob("*.txt")}
TABLE2_HEADER = [
    "预算项目名称",
    "预算资金",
    "实际到位资金/上年结转资金",
    "实际到位资金/财政拨款资金",
    "实际到位资金/合计",
    "实际支出资金",
]
INDICATOR_HEADER = [
    "一级指标",
    "二级指标",
    "三级指标",
    "指标性质",
    "指标值",
    "度量单位",
    "完成值",
    "权重",
    "得分",
    "未完成原因分析",
]


def stored_text(path: Path) -> str:
    raw = path.read_text(encoding="utf-8")
    loaded = LoadedDocument(path=path, format="txt", pages=[Page(blocks=[TextBlock(raw)])])
    return normalize_document(loaded).text


def tables_of(path: Path) -> tuple[str, list[TableSpan]]:
    text = stored_text(path)
    return text, find_text_tables(text, [])


def data_rows(table: TableSpan) -> list[TableRowSpan]:
    return [row for row in table.rows if not row.is_header]


def quote(text: str, row: TableRowSpan) -> str:
    return text[row.start : row.end]


@pytest.fixture(scope="module")
def table2() -> tuple[str, TableSpan]:
    text, tables = tables_of(HONGHE)
    [table] = tables  # 表2 is the only table; the prose gives none
    return text, table


def test_table2_header(table2: tuple[str, TableSpan]) -> None:
    text, table = table2
    assert table.title == "表2:项目收支情况表"
    heads = [row for row in table.rows if row.is_header]
    assert [quote(text, r) for r in heads] == [
        "预算项目名称 | 预算资金 | 实际到位资金 | 实际支出资金",
        "上年结转资金 | 财政拨款资金 | 合计",
    ]
    assert all(row.header == TABLE2_HEADER for row in table.rows)


def test_table2_rows(table2: tuple[str, TableSpan]) -> None:
    text, table = table2
    rows = data_rows(table)
    assert [r.cells[0] for r in rows] == [
        "普法宣传",
        "法律援助",
        "社区矫正",
        "依法治州",
        "行政复议",
        "人民调解及安置帮教",
        "人民监督员履职",
        "合 计",
    ]
    first, total = rows[0], rows[-1]
    assert quote(text, first) == "普法宣传 | 10.00 | 353.02 | 353.02 | 352.29"
    # five cells under six columns: the web copy dropped the empty 上年结转资金 cell (0.00 in the
    # text: "上年结转结余资金0.00万元")
    assert dict(zip(first.header, first.cells, strict=True)) == {
        "预算项目名称": "普法宣传",
        "预算资金": "10.00",
        "实际到位资金/上年结转资金": "",
        "实际到位资金/财政拨款资金": "353.02",
        "实际到位资金/合计": "353.02",
        "实际支出资金": "352.29",
    }
    assert quote(text, total) == "合 计 | 80.00 | 898.33 | 898.33 | 883.84"
    assert total.cells == ["合 计", "80.00", "", "898.33", "898.33", "883.84"]
    assert table.start == text.index("预算项目名称") and table.end == total.end


def test_table2_figures_show_the_reported_mismatch(table2: tuple[str, TableSpan]) -> None:
    # DESIGN.md: 表2's 实际到位资金 items sum to 899.13 while its 合计 says 898.33
    *items, total = data_rows(table2[1])
    column = TABLE2_HEADER.index("实际到位资金/合计")
    assert round(sum(float(r.cells[column]) for r in items), 2) == 899.13
    assert total.cells[column] == "898.33"


def test_honghe_prose_gives_no_cell_per_line_tables() -> None:
    assert cell_tables(stored_text(HONGHE)) == []


def test_excerpt_12_indicator_row() -> None:
    text, tables = tables_of(EXCERPTS["12"])
    budget, indicators = tables
    assert budget.rows[0].cells == [
        "项目资金(万元)",
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "分值",
        "执行率",
        "得分",
    ]
    assert data_rows(budget)[0].cells == ["年度资金总额", "43.2", "43.2", "37.24", "10", "86%", "9"]
    header = [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    ]
    rows = data_rows(indicators)
    assert all(row.header == header for row in indicators.rows)
    assert rows[0].cells == [
        "产出指标",
        "数量指标",
        "指标1工程资金金额",
        "43.2",
        "37.24",
        "10",
        "9",
        "已完工,剩余3%尾款未付,且最高限价低于预算金额。提高预算准确度。",
    ]
    span = quote(text, rows[0])
    assert span.startswith("产出指标\n\n数量指标") and span.endswith("提高预算准确度。")
    # 一级指标 merged over rows is filled; "经济效益" / "指标" broken over lines is one label
    assert rows[1].cells[:3] == ["产出指标", "质量指标", "指标1工程完工率"]
    assert rows[5].cells == [
        "效益指标",
        "经济效益指标",
        "指标1安全率",
        "100",
        "100",
        "10",
        "10",
        "0",
    ]
    assert [r.cells[2] for r in rows] == [
        "指标1工程资金金额",
        "指标1工程完工率",
        "指标2工程验收合格率",
        "指标1项目完成及时率",
        "指标1成本控制率",
        "指标1安全率",
        "指标1学校发展能力",
        "指标1长期使用性",
        "指标1学生满意度",
    ]
    assert row_header_text(rows[0]) == "表头: " + " | ".join(header)


def test_excerpt_10_pipe_rows() -> None:
    text, tables = tables_of(EXCERPTS["10"])
    titles = [t.title for t in tables]
    assert titles == [
        "绩效指标(90分)",
        None,
        "部门预算项目支出绩效自评表(2023年度)",
        "预算执行情况(10分)",
        "绩效指标(90分)",
    ]
    indicators, budget = tables[0], tables[3]
    row = data_rows(indicators)[0]
    assert (
        quote(text, row) == "产出指标 | 经济成本指标 | 成本控制数 | ≤ | 30 | 万元 | 完成 | 90 | 90"
    )
    assert row.header == INDICATOR_HEADER  # "绩效指标(90分)" labels the block, not a column
    assert dict(zip(row.header, row.cells, strict=True)) == {
        "一级指标": "产出指标",
        "二级指标": "经济成本指标",
        "三级指标": "成本控制数",
        "指标性质": "≤",
        "指标值": "30",
        "度量单位": "万元",
        "完成值": "完成",
        "权重": "90",
        "得分": "90",
        "未完成原因分析": "",
    }
    assert [quote(text, r) for r in data_rows(budget)][:2] == [
        "总额 | 0.00 | 3.36 | 3.36 | 100.00% | 10 | 10 | 1.预算执行率=预算执行数/调整后预算数,"
        "预算执行率未达到90%的需说明原因(100字以内);2.年中发生预算调整的(追加或调减),应单独说明理由;"
        "3.其他资金包括:社会投入资金、银行贷款.",
        "其中:财政资金 | 0.00 | 3.36 | 3.36 | 100.00% | / | /",
    ]
    assert budget.rows[-1].header[0] == "年度预算数(万元)"
    form = tables[1]  # the form's closing fields are not indicator rows
    assert [r.cells[0] for r in form.rows] == [
        "评价结论",
        "存在问题",
        "改进措施",
        "项目负责人:查小兵",
    ]
    assert all(r.header == [] for r in form.rows)


def test_excerpt_17_cells_merged_from_the_row_above_are_filled() -> None:
    text, [table] = tables_of(EXCERPTS["17"])
    assert table.title == "部门预算项目绩效目标申报表(2023年度)"
    rows = data_rows(table)
    second = rows[2]
    assert quote(text, second) == "产出指标 | 时效指标 | 维持时效 | ≥ | 1 | 年 | 20 | 正向指标"
    assert second.cells == [
        "820001-井研县马踏镇人民政府",
        "村组干部报酬",
        "3,309,840.00",
        "按时发放村组干部报酬",
        "产出指标",
        "时效指标",
        "维持时效",
        "≥",
        "1",
        "年",
        "20",
        "正向指标",
    ]
    assert rows[9].cells[:2] == ["820001-井研县马踏镇人民政府", "基层组织活动经费"]


def test_excerpt_09_cell_per_line_tables() -> None:
    text, [budget, indicators] = tables_of(EXCERPTS["09"])
    assert (budget.title, indicators.title) == ("预算执行情况(10分)", "绩效指标(90分)")
    assert indicators.rows[0].cells == INDICATOR_HEADER
    assert [r.cells for r in data_rows(indicators)] == [
        ["产出指标", "数量指标", "发放(缴纳)覆盖率", "=", "100", "%", "", "60", "", ""],
        ["效益指标", "社会效益指标", "足额保障率(参保率)", "=", "100", "%", "", "30", "", ""],
        ["合计", "100", "", "", "", "", "", "", "", ""],
    ]
    assert [r.cells[0] for r in data_rows(budget)] == [
        "总额",
        "其中:财政资金",
        "财政专户管理资金",
        "单位资金",
        "其他资金",
    ]
    assert data_rows(budget)[0].cells[7].startswith("1.预算执行率=")  # the merged 原因 cell
    assert quote(text, data_rows(budget)[2]).startswith("财政专户管理资金 |\n0.00 |")


@pytest.mark.parametrize("name", ["11", "13"])
def test_flattened_and_garbled_excerpts_give_no_tables(name: str) -> None:
    assert tables_of(EXCERPTS[name])[1] == []


@pytest.mark.parametrize("path", [HONGHE, *sorted(EXCERPTS.values())], ids=lambda p: p.name[:12])
def test_row_spans_are_exact(path: Path) -> None:
    text, tables = tables_of(path)
    for table in tables:
        assert table.start == table.rows[0].start and table.end == table.rows[-1].end
        for row, following in zip(table.rows, table.rows[1:], strict=False):
            assert row.end <= following.start
        for row in table.rows:
            span = quote(text, row)
            assert span == span.strip(" |\n") and span
            # every piece of the span is (part of) one of the row's cells, nothing else
            pieces = [p.strip() for p in span.replace("\n", "|").split("|") if p.strip()]
            assert all(any(piece in cell for cell in row.cells) for piece in pieces)
            assert row.is_header or not row.header or len(row.cells) >= len(row.header)


def test_known_tables_are_not_found_again(table2: tuple[str, TableSpan]) -> None:
    text, table = table2
    assert find_text_tables(text, [table]) == []


def test_markdown_table() -> None:
    text = "表3 收支\n| 项目 | 金额 |\n|---|---|\n| 合计 | 10.00 |\n"
    [table] = find_text_tables(text, [])
    assert table.title == "表3 收支"
    assert [(quote(text, r), r.is_header) for r in table.rows] == [
        ("项目 | 金额", True),
        ("合计 | 10.00", False),
    ]


@pytest.mark.parametrize(
    ("cells", "header", "group", "previous", "aligned"),
    [
        (["a", "1"], ["名称", "值"], None, None, ["a", "1"]),
        (["a", "1"], ["名称", "值", "原因"], None, None, ["a", "1", ""]),
        (
            ["普法宣传", "10.00", "353.02", "353.02", "352.29"],
            TABLE2_HEADER,
            (2, 5),
            None,
            ["普法宣传", "10.00", "", "353.02", "353.02", "352.29"],
        ),
        (
            ["产出指标", "数量", "x"],
            ["单位", "一级指标", "二级指标", "三级指标"],
            None,
            ["A", "效益指标", "y", "z"],
            ["A", "产出指标", "数量", "x"],
        ),
    ],
)
def test_align_cells(
    cells: list[str],
    header: list[str],
    group: tuple[int, int] | None,
    previous: list[str] | None,
    aligned: list[str],
) -> None:
    assert align_cells(cells, header, group, previous) == aligned


@pytest.mark.parametrize(
    ("line", "table_like"),
    [
        ("普法宣传 | 10.00 | 353.02", True),
        ("2024 2995.39 2023", True),
        ("201 06 01 1,511.89 1,503.52 8.37", True),
        ("- 3 -", True),
        ("第 3 页 共 25 页", True),
        ("本年收入合计 9746.50 万元,其中:财政拨款收入 9746.50", False),
        ("上海市普陀区规划和自然资源局 2024 年度收入支出总计", False),
        ("", False),
    ],
)
def test_is_table_like(line: str, table_like: bool) -> None:
    assert is_table_like(line) is table_like


def test_row_header_text_without_header() -> None:
    assert row_header_text(TableRowSpan(start=0, end=1, cells=["a"], header=[])) == ""
