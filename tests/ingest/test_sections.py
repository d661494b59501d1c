"""Section paths of the real 红河 report and a Putuo PDF page, and of small literal documents."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from ingest.loaders.base import LoadedDocument, Page, TextBlock
from ingest.models import Section
from ingest.normalize import normalize_document
from ingest.sections import heading_kind, parse_chinese_numeral, section_path_at, split_sections

CORPUS = Path(__file__).resolve().parents[2] / "eval" / "corpus"
HONGHE = CORPUS / "reports" / "honghe-justice-2024-self-evaluation.txt"
PLANNING = CORPUS / "reports" / "putuo-planning-resources-2024-final-accounts.pdf"

PART2 = "二、部门整体支出绩效目标实现情况"
UNMET = "(二)绩效目标未完成原因分析"


def normalized(pages: list[Page], fmt: str) -> str:
    return normalize_document(LoadedDocument(path=Path("x"), format=fmt, pages=pages)).text


@pytest.fixture(scope="module")
def honghe() -> tuple[str, list[Section]]:
    text = normalized([Page(blocks=[TextBlock(HONGHE.read_text(encoding="utf-8"))])], "txt")
    return text, split_sections(text)


@pytest.fixture(scope="module")
def putuo_page() -> tuple[str, list[Section]]:
    with pdfplumber.open(PLANNING) as pdf:
        pages = [
            Page(blocks=[TextBlock(pdf.pages[n - 1].extract_text(), hard_wrapped=True)], number=n)
            for n in (20, 21)
        ]
    text = normalized(pages, "pdf")
    return text, split_sections(text)


@pytest.mark.parametrize(
    ("quote", "path"),
    [
        ("社区矫正对象重新犯罪率(全年目标值", [PART2, UNMET, "2.质量指标"]),
        ("人民监督员专项业务培训(全年目标值", [PART2, UNMET, "1.数量指标"]),
        ("预算执行支出进度9月30日", [PART2, UNMET, "3.时效指标"]),
        (
            "表2:项目收支情况表",
            [
                "一、部门基本情况",
                "(五)当年部门预算批复及整体支出安排情况",
                "2.整体收支情况",
                "(2)项目支出",
            ],
        ),
        (
            "合 计 | 80.00",
            [
                "一、部门基本情况",
                "(五)当年部门预算批复及整体支出安排情况",
                "2.整体收支情况",
                "(2)项目支出",
            ],
        ),
        (
            "政府采购执行率",
            [
                "四、绩效评价指标分析",
                "(二)过程情况分析",
                "1.预算执行情况分析",
                "(5)政府采购执行情况分析",
            ],
        ),
        ("自评得分96.70分", ["三、绩效自评结论"]),
        # "(1)…(6)" under 1.总体绩效目标 are sentences of a list, not headings
        (
            "(2)发挥依法治州统筹协调作用",
            ["一、部门基本情况", "(三)当年部门整体支出绩效目标", "1.总体绩效目标"],
        ),
        # "2.红河州司法局部门…" is the attachment list, not a second "2."
        (
            "2.红河州司法局部门2024年度",
            [
                "七、其他需说明的情况",
                "(二)往年绩效评价发现问题整改情况",
                "2.普法专项项目",
                "(2)整改措施",
            ],
        ),
        ("索引号", []),
    ],
)
def test_honghe_section_paths(
    honghe: tuple[str, list[Section]], quote: str, path: list[str]
) -> None:
    text, sections = honghe
    assert text.count(quote) >= 1
    assert section_path_at(sections, text.index(quote)) == path


def test_honghe_top_level_headings(honghe: tuple[str, list[Section]]) -> None:
    _, sections = honghe
    assert [s.title for s in sections if s.level == 1] == [
        "一、部门基本情况",
        PART2,
        "三、绩效自评结论",
        "四、绩效评价指标分析",
        "五、部门整体支出绩效中存在的问题及改进措施",
        "六、主要经验及做法",
        "七、其他需说明的情况",
    ]
    unmet = next(s for s in sections if s.title == UNMET)
    assert [s.title for s in sections if s.path[:-1] == unmet.path] == [
        "1.数量指标",
        "2.质量指标",
        "3.时效指标",
    ]
    assert len(sections) == 101


def test_section_spans_nest(honghe: tuple[str, list[Section]]) -> None:
    text, sections = honghe
    assert [s.start for s in sections] == sorted(s.start for s in sections)
    for index, section in enumerate(sections):
        assert text[section.start :].startswith(section.title)
        assert section.level == len(section.path) and section.path[-1] == section.title
        assert section.start < section.end <= len(text)
        parent = next((s for s in reversed(sections[:index]) if s.level < section.level), None)
        if parent is not None:
            assert parent.path == section.path[:-1]
            assert parent.start < section.start and section.end <= parent.end
        later = [s for s in sections[index + 1 :] if s.level <= section.level]
        assert section.end == (later[0].start if later else len(text))


def test_putuo_page_section_paths(putuo_page: tuple[str, list[Section]]) -> None:
    text, sections = putuo_page
    part3 = "第三部分 上海市普陀区规划和自然资源局 2024年度部门决算情况说明"
    part3_5 = [part3, "五、一般公共预算财政拨款支出决算情况说明"]
    expected = {
        "9859.38万元": [part3, "一、收入支出决算总体情况说明"],
        "本年收入合计 9746.50万元": [part3, "二、收入决算情况说明"],
        "占本年支出合计的 99.86%": [*part3_5, "(一)一般公共预算财政拨款支出决算总体情况"],
        "自然资源海洋气象等支出(类)4461.67万元": [
            *part3_5,
            "(二)一般公共预算财政拨款支出决算结构情况",
        ],
        "支出决算为 54.53万元": [
            *part3_5,
            "(三)一般公共预算财政拨款支出决算具体情况",
            "1、社会保障和就业支出(类)行政事业单位养老支出(款)行政单位离退休(项)",
        ],
    }
    for quote, path in expected.items():
        assert section_path_at(sections, text.index(quote)) == path, quote


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("第一部分 上海市普陀区财政局概况", "part"),
        ("第二章 总则", "chapter"),
        ("一、部门基本情况", "cn"),
        ("十一、其他重要事项说明", "cn"),
        ("(一)部门概况。", "paren_cn"),
        ("（一）部门概况", "paren_cn"),
        ("1.简述部门职能职责。", "num"),
        ("1、公共安全支出", "num"),
        ("1．简述部门职能职责", "num"),
        ("4．2026年部门财政拨款收支预算总表", None),  # "4.2026" reads as a decimal once folded
        ("(1)机构设置情况。", "paren_num"),
        ("（10）提升涉外法律服务质效", "paren_num"),
        ("①工程资金", "circled"),
        ("1.5万元用于培训", None),
        ("3.2024—2026年部门整体支出绩效目标表", None),
        ("2024年,红河州司法局", None),
        ("—人民监督员专项业务培训", None),
        ("第一条根据《上海市普陀区机构改革方案》", None),
    ],
)
def test_heading_kind(line: str, kind: str | None) -> None:
    assert heading_kind(line) == kind


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("一", 1),
        ("九", 9),
        ("十", 10),
        ("十一", 11),
        ("二十", 20),
        ("二十六", 26),
        ("一百零五", 105),
    ],
)
def test_parse_chinese_numeral(numeral: str, value: int) -> None:
    assert parse_chinese_numeral(numeral) == value


def paths(text: str) -> list[list[str]]:
    return [s.path for s in split_sections(text)]


def test_levels_follow_the_order_kinds_appear_in() -> None:
    # this document skips (一): "1." nests directly under "一、", "(1)" under "1."
    text = "一、概况\n1.职能\n(1)机构\n正文\n2.人员\n二、目标\n1.总体目标"
    assert paths(text) == [
        ["一、概况"],
        ["一、概况", "1.职能"],
        ["一、概况", "1.职能", "(1)机构"],
        ["一、概况", "2.人员"],
        ["二、目标"],
        ["二、目标", "1.总体目标"],
    ]


def test_usual_order_breaks_ties() -> None:
    # a "1." list before any "一、": the "一、" that follows is not its child
    text = "说明\n1.甲\n2.乙\n一、概况\n(一)职能"
    assert paths(text) == [["1.甲"], ["2.乙"], ["一、概况"], ["一、概况", "(一)职能"]]


def test_heading_followed_by_text_on_its_line() -> None:
    text = (
        "一、情况\n(1)预算执行情况分析。我局按照财政部门的要求,采取切实有效的措施。\n"
        "(2)收入合规性分析:依据充分。"
    )
    [_, first, second] = split_sections(text)
    assert first.title == "(1)预算执行情况分析" and first.start == text.index("(1)")
    assert second.title == "(2)收入合规性分析"


@pytest.mark.parametrize(
    "text",
    [
        "1.预算执行率=预算执行数/调整后预算数,预算执行率未达到90%的需说明原因(100字以内); |",
        "一、一般公共预算财政拨款收入 2,940.05 一、一般公共服务支出",  # flattened table rows
        "八、其他收入 八、社会保障和就业支出",
        "十八、自然资源海洋气象等支出 4461.67",
        "一、部门主要职能 ……………………………… 3",  # a contents line
        "(1)在全州持续抓好党的二十大关于“坚持全面依法治国,推进法治中国建设”有关要求的贯彻落实和习近平法治思想的学习宣传。",
        "1.5万元用于培训。",
    ],
)
def test_not_headings(text: str) -> None:
    assert split_sections(text) == []


def test_excerpts_have_no_headings() -> None:
    for path in sorted((CORPUS / "excerpts").glob("*.txt")):
        assert split_sections(path.read_text(encoding="utf-8")) == [], path.name


def test_section_path_at_edges() -> None:
    text = "前言\n一、甲\n内容\n二、乙\n"
    sections = split_sections(text)
    assert section_path_at(sections, 0) == []
    assert section_path_at(sections, text.index("一、")) == ["一、甲"]
    assert section_path_at(sections, text.index("二、") - 1) == ["一、甲"]
    assert section_path_at(sections, len(text)) == ["二、乙"]
    assert section_path_at([], 5) == []


# A budget laid out as the Putuo 部门预算 are: parts numbered only in the contents, named in the
# body by bare lines (the body's name for 部门, a table title running into its caption).
CONTENTS_GUIDED = """某区2026年区级部门预算
目 录
一、部门主要职能 ………………………… 3
二、部门预算编制说明 …………………… 5
三、部门预算表 ………………………………… 6
1. 2026年部门财务收支预算总表 ……………… 6
2.2026年部门收入预算总表 ………………… 7
四、其他相关情况说明 …………………… 9
某区司法局主要职能
(一)贯彻执行国家和本市有关司法行政工作的法律、法规、规章和方针、政策,制定本区司法行政工作规划、年度计划并组织实施。
2026年部门预算编制说明
2026年,某区司法局收入预算9628.22万元。
1、公共安全支出(204类)司法(06款)行政运行(01项)1672.67万元。主要用于:行政单位的基本支出。
2026年部门财务收支预算总表
编制部门:某区司法局 单位:元
2026年部门收入预算总表编制部门:某区司法局 单位:元
其他相关情况说明
一、2026年“三公”经费预算情况说明
2026年“三公”经费预算数为10.81万元。
二、机关运行经费预算
某项目经费情况说明
"""


def test_bare_lines_named_in_the_contents_are_headings() -> None:
    assert paths(CONTENTS_GUIDED) == [
        ["某区司法局主要职能"],
        ["2026年部门预算编制说明"],
        ["2026年部门预算编制说明", "1、公共安全支出(204类)司法(06款)行政运行(01项)1672.67万元"],
        # the contents' 三、部门预算表 has no line of its own: its tables stand in its place
        ["2026年部门财务收支预算总表"],
        ["2026年部门收入预算总表"],
        ["其他相关情况说明"],
        ["其他相关情况说明", "一、2026年“三公”经费预算情况说明"],
        ["其他相关情况说明", "二、机关运行经费预算"],
    ]


def test_a_contents_entry_under_a_parent_found_in_the_body_nests_under_it() -> None:
    text = (
        "目录\n一、部门概况 …… 1\n1. 主要职能 …… 1\n二、部门决算表 …… 3\n"
        "一、部门概况\n本部门主要职能\n负责全区工作。\n二、部门决算表\n"
    )
    assert paths(text) == [["一、部门概况"], ["一、部门概况", "本部门主要职能"], ["二、部门决算表"]]


def test_without_contents_bare_lines_stay_text() -> None:
    assert paths("某区司法局主要职能\n名词解释\n(一)财政拨款收入:是…\n") == [["(一)财政拨款收入"]]


def test_a_loaded_tables_title_heads_its_rows_and_closes_nothing() -> None:
    text = "一、收入\n2026年部门收入预算总表\n合计\t100.00\n二、支出\n"
    sections = split_sections(text, table_titles={text.index("2026")})
    assert [s.path for s in sections] == [
        ["一、收入"],
        ["一、收入", "2026年部门收入预算总表"],
        ["二、支出"],
    ]


def test_the_justice_budgets_tables_are_filed_under_their_titles() -> None:
    from ingest.config import IngestSettings
    from ingest.pipeline import build_report

    path = CORPUS / "reports" / "putuo-justice-2026-budget.pdf"
    report, _ = build_report(path, path.read_bytes(), IngestSettings())
    offset = report.text.index("一、财政拨款收入\t")
    assert section_path_at(report.sections, offset) == ["2026年部门财务收支预算总表"]
    offset = report.text.index("2026年“三公”经费预算数为10.81万元")
    assert section_path_at(report.sections, offset) == [
        "其他相关情况说明",
        "一、2026年“三公”经费预算情况说明",
    ]
