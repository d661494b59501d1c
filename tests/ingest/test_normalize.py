"""Normalisation on real report text (the 红河 TXT, Putuo PDF pages) and small literal strings."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pdfplumber
import pytest

from ingest.loaders.base import LoadedDocument, Page, TableBlock, TextBlock
from ingest.models import NormalizedDocument
from ingest.normalize import (
    clean_cell,
    clean_spaces,
    fold_width,
    join_wrapped_lines,
    normalize_document,
    normalize_text,
    rejoin_number_units,
    render_table,
)

CORPUS = Path(__file__).resolve().parents[2] / "eval" / "corpus"
HONGHE = CORPUS / "reports" / "honghe-justice-2024-self-evaluation.txt"
PLANNING = CORPUS / "reports" / "putuo-planning-resources-2024-final-accounts.pdf"


def pdf_pages(path: Path, numbers: list[int]) -> list[Page]:
    """Pages as pdfplumber's plain text extraction gives them, one hard-wrapped block each."""
    with pdfplumber.open(path) as pdf:
        return [
            Page(blocks=[TextBlock(pdf.pages[n - 1].extract_text(), hard_wrapped=True)], number=n)
            for n in numbers
        ]


def load(pages: list[Page], fmt: str = "pdf") -> NormalizedDocument:
    return normalize_document(LoadedDocument(path=Path("x." + fmt), format=fmt, pages=pages))


@pytest.fixture(scope="module")
def planning() -> NormalizedDocument:
    return load(pdf_pages(PLANNING, [20, 21, 22]))


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("，", ","),
        ("（一）部门概况", "(一)部门概况"),
        ("１２．８５％", "12.85%"),
        ("２，１６３．３７", "2,163.37"),  # OCR's full-width comma inside a number
        ("\u3000\u3000正文", "  正文"),
        ("。、“”《》‘’", "。、“”《》‘’"),  # no ASCII twin: left alone
        ("ＡＢＣ～", "ABC~"),
    ],
)
def test_fold_width(raw: str, folded: str) -> None:
    assert fold_width(raw) == folded


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("一\r\n二\r三", "一\n二\n三"),
        ("离退休人员\u00a054人", "离退休人员 54人"),
        ("行尾空格  \t\n下一行", "行尾空格\n下一行"),
        ("甲\n\n\n\n\n\n乙", "甲\n\n\n乙"),
        ("甲\n\n乙", "甲\n\n乙"),
        ("零\u200b宽\ufeff", "零宽"),
    ],
)
def test_clean_spaces(raw: str, cleaned: str) -> None:
    assert clean_spaces(raw) == cleaned


@pytest.mark.parametrize(
    ("raw", "joined"),
    [
        ("9859.38 万元", "9859.38万元"),
        ("增长 12.85 %", "增长 12.85%"),
        ("项目支出 1, 045.50万元", "项目支出 1,045.50万元"),
        ("1, 045, 500.00", "1,045,500.00"),
        ("截至 2024 年 12 月 31 日", "截至 2024年 12月 31日"),  # only number-to-unit spaces
        ("平均得分 99.43 分", "平均得分 99.43分"),
        # not split figures: left exactly as they are
        ("1, 2, 3", "1, 2, 3"),
        ("12, 3456", "12, 3456"),
        ("2024 2995.39 2023", "2024 2995.39 2023"),
        ("201 06 01 1,511.89 1,503.52 8.37", "201 06 01 1,511.89 1,503.52 8.37"),
    ],
)
def test_rejoin_number_units(raw: str, joined: str) -> None:
    assert rejoin_number_units(raw) == joined
    assert re.findall(r"\d", joined) == re.findall(r"\d", raw)


LINE = "国土空间开发适宜性评价，实施国土空间规划实施监测、评估和"  # a full line of page 4


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # CJK to CJK inside a sentence: joined with nothing
        (f"{LINE}\n预警，行使国土空间用途管制。", f"{LINE}预警，行使国土空间用途管制。"),
        # a sentence end, a heading, a bullet, a figure line: kept apart
        (f"{LINE}。\n下一句。", f"{LINE}。\n下一句。"),
        (f"{LINE}\n二、收入决算情况说明", f"{LINE}\n二、收入决算情况说明"),
        (f"{LINE}\n(1)机构设置情况", f"{LINE}\n(1)机构设置情况"),
        (f"{LINE}\n—人民监督员专项业务培训", f"{LINE}\n—人民监督员专项业务培训"),
        (f"{LINE}\n2024 2995.39 2023", f"{LINE}\n2024 2995.39 2023"),
        # a short line ended its paragraph or was a heading
        (
            "一、收入支出决算总体情况说明\n上海市普陀区",
            "一、收入支出决算总体情况说明\n上海市普陀区",
        ),
        # a figure's unit on the next line goes back to it, however short the line
        (
            "决算数小于全年预算数的主要原因:单位2024\n年新成立,人员变动。",
            "决算数小于全年预算数的主要原因:单位2024年新成立,人员变动。",
        ),
        ("离退休干部用车 0\n辆、其他用车 0辆", "离退休干部用车 0辆、其他用车 0辆"),
        # punctuation pushed to the next line always goes back
        (f"{LINE}\n。负责本系统信息化建设。", f"{LINE}。负责本系统信息化建设。"),
        # Latin words keep a space between them
        (
            "The budget of the district planning and natural resources bureau was\nexecuted",
            "The budget of the district planning and natural resources bureau was executed",
        ),
    ],
)
def test_join_wrapped_lines(raw: str, expected: str) -> None:
    assert join_wrapped_lines(raw) == expected


def test_putuo_page_sentences_are_rejoined(planning: NormalizedDocument) -> None:
    lines = planning.text.split("\n")
    # the heading wrapped over two lines is one line again, and stays apart from the body
    assert lines[0] == "第三部分 上海市普陀区规划和自然资源局 2024年度部门决算情况说明"
    assert lines[1] == "一、收入支出决算总体情况说明"
    assert lines[2].startswith(
        "上海市普陀区规划和自然资源局 2024年度收入支出总计9859.38万元。与 2023年度相比,"
        "收入支出总计增加 1062.85万元,增长 12.08%。主要原因:"
    )
    assert lines[2].endswith("主要由于上海市普陀区自然资源确权登记事务中心办公大楼装修等。")
    # a sentence is never left broken before a unit, and no number is split from its unit
    assert not any(line.startswith("万元") for line in lines)
    assert " 万元" not in planning.text and " %" not in planning.text
    # a clause after ":" at a line end goes on (page 22: "主要原因:" / "年中社会保险缴费…")
    assert "决算数小于预算数的主要原因:年中社会保险缴费基数变更导致。" in planning.text


def test_pages_tile_the_text(planning: NormalizedDocument) -> None:
    pages = planning.pages
    assert [p.number for p in pages] == [20, 21, 22]
    assert pages[0].start == 0 and pages[-1].end == len(planning.text)
    assert all(a.end == b.start for a, b in itertools.pairwise(pages))
    assert planning.text[pages[1].start :].startswith("(一)一般公共预算财政拨款支出决算总体情况")
    assert planning.text[pages[2].start :].startswith("事业单位离退休(项)。")  # no join over pages


@pytest.mark.parametrize(
    "name",
    [
        "putuo-finance-2024-final-accounts.pdf",
        "putuo-social-work-2024-final-accounts.pdf",
        "putuo-justice-2026-budget.pdf",
        "putuo-planning-resources-2024-final-accounts.pdf",
    ],
)
def test_no_digit_is_changed(name: str) -> None:
    pages = pdf_pages(CORPUS / "reports" / name, [4, 8, 17, 21])
    raw = "".join(fold_width(b.text) for p in pages for b in p.blocks if isinstance(b, TextBlock))
    assert re.findall(r"\d", load(pages).text) == re.findall(r"\d", raw)


def test_honghe_text_keeps_its_lines_and_digits() -> None:
    raw = HONGHE.read_text(encoding="utf-8")
    doc = load([Page(blocks=[TextBlock(raw)])], fmt="txt")
    assert doc.pages[0].number is None and (doc.pages[0].start, doc.pages[0].end) == (
        0,
        len(doc.text),
    )
    assert doc.text.count("\n") == raw.strip("\n").count("\n")  # a TXT's lines are never joined
    assert re.findall(r"\d", doc.text) == re.findall(r"\d", raw)
    assert "合 计 | 80.00 | 898.33 | 898.33 | 883.84 |" in doc.text
    assert "办理涉外公证事项 763件" in doc.text


def test_running_header_is_not_glued_into_the_first_sentence() -> None:
    header = "普陀区规划和自然资源局二〇二四年度部门决算情况说明汇编本"
    assert len(header) == len(LINE)  # as wide as the body: it looks like a wrapped line
    bodies = [f"{LINE}\n预警,行使国土空间用途管制。{end}" for end in ("甲", "乙", "丙")]
    pages = [
        Page(blocks=[TextBlock(f"{header}\n{body}", hard_wrapped=True)], number=n)
        for n, body in enumerate(bodies, start=1)
    ]
    text = load(pages).text
    assert text.count(fold_width(f"{header}\n{LINE}预警,")) == 3
    # without knowing it repeats, the full-width header line would read as a wrapped sentence
    assert join_wrapped_lines(f"{header}\n{bodies[0]}").startswith(header + LINE)


def test_a_sentence_a_page_break_cut_is_joined_and_the_pages_still_tile_the_text() -> None:
    cut = ["年初预算为2.29万元,支出决算为0.49万元。", "主要原因:单位2024"]
    pages = [
        Page(blocks=[TextBlock(f"{LINE}\n{cut[0]}{cut[1]}", hard_wrapped=True)], number=1),
        Page(blocks=[TextBlock("年新成立,人员变动。\n二、支出情况", hard_wrapped=True)], number=2),
        Page(blocks=[TextBlock("三、其他情况", hard_wrapped=True)], number=3),
    ]
    doc = load(pages)
    assert "主要原因:单位2024年新成立,人员变动。" in doc.text
    assert "二、支出情况\n三、其他情况" in doc.text  # a heading opens its page: a break stays
    assert [p.start for p in doc.pages[1:]] == [p.end for p in doc.pages[:-1]]
    assert doc.pages[-1].end == len(doc.text)
    # a sheet or a DOCX page is no printed page: its breaks stay
    assert "单位2024\n年新成立" in load(pages, fmt="xlsx").text


def test_table_block_rows_and_header() -> None:
    table = TableBlock(
        title="表1：收支情况表",
        header_rows=2,
        rows=[
            ["项目", "预算数", "预算数", "执行数"],
            ["项目", "年初预算", "调整预算", "执行数"],
            ["普法宣传", "１０.００", "12.00", "11.50"],
            ["", "", "", "0.50"],
            ["", "", "", ""],
            ["机关事业单位基本养老保险缴\n费支出", "160.75", "160.75", None],  # type: ignore[list-item]
        ],
    )
    pages = [
        Page(blocks=[TextBlock("一、概况\n正文。", hard_wrapped=True), table], number=1),
        Page(blocks=[TextBlock("第二页。", hard_wrapped=True)], number=2),
    ]
    doc = load(pages)
    assert doc.text == (
        "一、概况\n正文。\n表1:收支情况表\n"
        "项目\t预算数\t预算数\t执行数\n"
        "项目\t年初预算\t调整预算\t执行数\n"
        "普法宣传\t10.00\t12.00\t11.50\n"
        "0.50\n"
        "机关事业单位基本养老保险缴费支出\t160.75\t160.75\n"
        "第二页。"
    )
    [span] = doc.tables
    assert span.title == "表1:收支情况表"
    assert [r.is_header for r in span.rows] == [True, True, False, False, False]
    assert span.rows[0].header == ["项目", "预算数/年初预算", "预算数/调整预算", "执行数"]
    assert span.rows[4].cells == ["机关事业单位基本养老保险缴费支出", "160.75", "160.75", ""]
    for row in span.rows:
        line = "\t".join(row.cells).rstrip("\t").lstrip()
        assert doc.text[row.start : row.end] == line
        assert doc.text[row.end] == "\n"
    assert doc.pages[0].start <= span.start < span.end <= doc.pages[0].end


def test_sheets_are_named_pages() -> None:
    sheets = [
        Page(blocks=[TableBlock(rows=[["指标", "分值"], ["满意度", "10"]])], name=name)
        for name in ("Sheet1", "绩效目标表")
    ]
    doc = load(sheets, fmt="xlsx")
    assert [(p.number, p.name) for p in doc.pages] == [(None, "Sheet1"), (None, "绩效目标表")]
    assert doc.text == "指标\t分值\n满意度\t10\n指标\t分值\n满意度\t10"
    assert [doc.text[r.start : r.end] for t in doc.tables for r in t.rows] == [
        "指标\t分值",
        "满意度\t10",
        "指标\t分值",
        "满意度\t10",
    ]


@pytest.mark.parametrize(
    ("cell", "cleaned"),
    [
        (None, ""),
        ("  ２，９４０．０５ ", "2,940.05"),
        ("因公出国\n(境)费", "因公出国(境)费"),
        ("Office\nsupplies", "Office supplies"),
        ("12.85 %", "12.85%"),
    ],
)
def test_clean_cell(cell: str | None, cleaned: str) -> None:
    assert clean_cell(cell) == cleaned


def test_normalize_text_of_a_blank_block_is_empty() -> None:
    assert normalize_text(" \u3000 \n\n") == ""


def test_a_continued_table_block_takes_the_carried_header() -> None:
    block = TableBlock(
        rows=[["差旅费", "95000.00"]], header_rows=0, carried_header=[["科目名称", "合计"]]
    )
    _, span = render_table(block, 0)
    assert span is not None
    assert span.rows[0].header == ["科目名称", "合计"] and not span.rows[0].is_header
