"""Loaders on real corpus files and on small generated files of every format."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest.errors import (
    CorruptDocumentError,
    EmptyDocumentError,
    EncryptedDocumentError,
    IngestError,
    UnsupportedFormatError,
)
from ingest.loaders import SUPPORTED_EXTENSIONS, LoadedDocument, load_document
from ingest.loaders.base import TableBlock, TextBlock
from ingest.loaders.cells import count_header_rows, join_cell_lines, looks_like_value
from ingest.loaders.text import decode_text
from ingest.loaders.xlsx import format_number
from tests import fixtures_files as files

CORPUS = Path(__file__).resolve().parents[2] / "eval" / "corpus" / "reports"
HONGHE = CORPUS / "honghe-justice-2024-self-evaluation.txt"
FINANCE = CORPUS / "putuo-finance-2024-final-accounts.pdf"
JUSTICE = CORPUS / "putuo-justice-2026-budget.pdf"
PLANNING = CORPUS / "putuo-planning-resources-2024-final-accounts.pdf"
SOCIAL = CORPUS / "putuo-social-work-2024-final-accounts.pdf"

# name → (pages, tables): the tables pdfplumber finds, less one-column frames and empty grids.
PUTUO_PDFS = {
    FINANCE.name: (25, 15),
    JUSTICE.name: (23, 12),
    PLANNING.name: (30, 14),
    SOCIAL.name: (24, 13),
}


@pytest.fixture(scope="module")
def putuo() -> dict[str, LoadedDocument]:
    """Each Putuo PDF loaded once for the whole module (about 9 s together)."""
    return {name: load_document(CORPUS / name) for name in PUTUO_PDFS}


def tables(doc: LoadedDocument, page: int) -> list[TableBlock]:
    return [b for b in doc.pages[page - 1].blocks if isinstance(b, TableBlock)]


def texts(doc: LoadedDocument) -> str:
    return "\n".join(b.text for p in doc.pages for b in p.blocks if isinstance(b, TextBlock))


# --- text --------------------------------------------------------------------------------------


def test_honghe_txt_keeps_pipe_row_intact() -> None:
    doc = load_document(HONGHE)
    assert doc.format == "txt"
    assert [p.number for p in doc.pages] == [None]
    (block,) = doc.pages[0].blocks
    assert isinstance(block, TextBlock) and block.hard_wrapped is False
    rows = [line for line in block.text.split("\n") if line.startswith("普法宣传 |")]
    assert rows == ["普法宣传 | 10.00 | 353.02 | 353.02 | 352.29 | |"]
    assert doc.metadata["encoding"] == "utf-8"


def test_short_gbk_text_is_read_as_chinese_with_lf(tmp_path: Path) -> None:
    doc = load_document(files.make_gbk_txt(tmp_path))
    block = doc.pages[0].blocks[0]
    assert isinstance(block, TextBlock)
    assert block.text == "一、部门基本情况\n普法宣传 | 10.00 | 353.02\n"
    assert doc.metadata["encoding"] == "gb18030"


@pytest.mark.parametrize("text", ["一、部门基本情况", "中文", "普法宣传 | 10.00 | 353.02"])
def test_gbk_beats_charset_normalizer_on_short_text(text: str) -> None:
    # charset-normalizer alone reads these as cp949 / big5
    assert decode_text(text.encode("gbk"), Path("x.txt")) == (text, "gb18030")


def test_gb18030_characters_outside_gbk_survive(tmp_path: Path) -> None:
    block = load_document(files.make_gb18030_txt(tmp_path)).pages[0].blocks[0]
    assert isinstance(block, TextBlock)
    assert "刘䶮 𠮷野家 项目完成率100%" in block.text


def test_utf8_bom_and_cr_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_bytes("\ufeff# 一、概况\r\n第一行\r第二行".encode())
    doc = load_document(path)
    assert doc.format == "md"
    assert doc.pages[0].blocks == [TextBlock(text="# 一、概况\n第一行\n第二行")]


# --- PDF ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PUTUO_PDFS))
def test_putuo_pdf_pages_and_tables(putuo: dict[str, LoadedDocument], name: str) -> None:
    doc = putuo[name]
    page_count, table_count = PUTUO_PDFS[name]
    assert doc.format == "pdf"
    assert [p.number for p in doc.pages] == list(range(1, page_count + 1))
    found = [b for p in doc.pages for b in p.blocks if isinstance(b, TableBlock)]
    assert len(found) == table_count
    assert all(b.hard_wrapped for p in doc.pages for b in p.blocks if isinstance(b, TextBlock))


def test_finance_summary_table_rows_and_headers(putuo: dict[str, LoadedDocument]) -> None:
    (table,) = tables(putuo[FINANCE.name], 6)
    assert table.header_rows == 2
    income, spending = "一、一般公共预算财政拨款收入", "一、一般公共服务支出"
    assert table.rows[0] == ["收入", "收入", "支出", "支出"]
    assert table.rows[1] == ["项目", "决算数", "项目", "决算数"]
    assert table.rows[2] == [income, "2,940.05", spending, "2,106.66"]
    assert ["", "", "九、卫生健康支出", "60.99"] in table.rows
    assert table.rows[-1] == ["本年收入合计", "2,946.25", "本年支出合计", "2,940.05"]


def test_finance_text_above_table_comes_first_on_one_line(putuo: dict[str, LoadedDocument]) -> None:
    first, second = putuo[FINANCE.name].pages[5].blocks
    assert isinstance(first, TextBlock) and isinstance(second, TableBlock)
    # "2024" is set in another font 5 pt lower; it stays inside its line
    assert first.text.splitlines() == [
        "第二部分 上海市普陀区财政局2024年度部门决算表",
        "收入支出决算总表",
        "单位：万元",
    ]


def test_finance_multi_row_header_with_merged_cells(putuo: dict[str, LoadedDocument]) -> None:
    (table,) = tables(putuo[FINANCE.name], 8)
    assert table.header_rows == 3
    assert table.rows[0][:5] == ["项目", "项目", "项目", "项目", "本年收入合计"]
    assert [row[4] for row in table.rows[:3]] == ["本年收入合计"] * 3  # merged down
    assert table.rows[1][:4] == ["支出功能分类", "支出功能分类", "支出功能分类", "科目名称"]
    # a wrapped cell is closed up; a number is never touched
    wrapped = "机关事业单位基本养老保险缴费支出"
    assert ["208", "05", "05", wrapped, "160.75", "160.75", *[""] * 5] in table.rows


def test_table_continued_on_next_page_carries_the_header(
    putuo: dict[str, LoadedDocument],
) -> None:
    doc = putuo[FINANCE.name]
    (continued,) = tables(doc, 7)
    assert continued.header_rows == 0
    assert continued.rows[-1] == ["总计", "2,995.39", "总计", "2,995.39"]
    (opening,) = tables(doc, 6)
    assert continued.carried_header == opening.rows[: opening.header_rows]
    (repeated,) = tables(putuo[JUSTICE.name], 16)  # repeats its header: keeps it
    assert repeated.header_rows == 3


def test_empty_table_keeps_its_three_header_rows(putuo: dict[str, LoadedDocument]) -> None:
    (table,) = tables(putuo[JUSTICE.name], 17)
    assert table.header_rows == 3
    assert table.rows[3][0] == "无"


def test_boxed_table_of_contents_is_text(putuo: dict[str, LoadedDocument]) -> None:
    (block,) = putuo[JUSTICE.name].pages[1].blocks
    assert isinstance(block, TextBlock)
    assert block.text.startswith("目 录\n一、部门主要职能")


def test_pdf_title_is_the_cover_title(putuo: dict[str, LoadedDocument]) -> None:
    assert putuo[FINANCE.name].title == "上海市普陀区财政局2024年度部门决算"
    # its metadata title is a template's ("附件2：预算主管部门公开样张")
    assert putuo[PLANNING.name].title == "上海市普陀区规划和自然资源局2024年度部门决算"
    assert putuo[PLANNING.name].metadata["pdf_title"] == "附件2：预算主管部门公开样张"


def test_pdf_prose_keeps_its_figures(putuo: dict[str, LoadedDocument]) -> None:
    text = texts(putuo[FINANCE.name])
    assert "上海市普陀区财政局2024年度财政拨款收入支出总计0.3万元" in text
    assert "一般公共服务支出" in text


# --- DOCX / XLSX / XLS / HTML ------------------------------------------------------------------


def test_docx_blocks_in_document_order_with_merges_filled(tmp_path: Path) -> None:
    doc = load_document(files.make_docx(tmp_path))
    before, table, after = doc.pages[0].blocks
    assert isinstance(before, TextBlock) and isinstance(after, TextBlock)
    assert before.text.splitlines()[:2] == ["一、部门基本情况", "(一)部门概况"]
    assert after.text == "二、存在的问题"
    assert isinstance(table, TableBlock)
    assert table.rows == [
        ["一级指标", "二级指标", "指标值", "完成值"],
        ["产出指标", "数量指标", "≥500人次", "520人次"],
        ["产出指标", "质量指标", "≥95%", "92.28%"],
        ["产出指标", "时效指标", "12月底前", "按期完成"],
        ["合计", "合计", "80.00", "79.50"],
    ]
    assert table.header_rows == 1
    assert doc.title == "红河州司法局2024年度部门整体支出绩效自评报告"


def test_xlsx_indicator_table(tmp_path: Path) -> None:
    doc = load_document(files.make_xlsx(tmp_path))
    sheet, notes = doc.pages
    assert (sheet.name, notes.name) == ("绩效目标", "说明")
    unit_line, table = sheet.blocks
    assert unit_line == TextBlock(text="填报单位：红河州司法局")
    assert isinstance(table, TableBlock)
    assert table.title == "2024年度项目绩效目标完成情况表"
    assert table.header_rows == 1
    assert table.rows[0] == files.INDICATOR_HEADER
    assert [row[0] for row in table.rows[1:]] == ["产出指标"] * 4 + ["效益指标"]
    assert table.rows[1][3:5] == ["≥500人次", "520"]
    assert table.rows[2][3:5] == ["95.00%", "92.28%"]
    assert table.rows[3][3:5] == ["80.00", "79.50"]
    assert {len(row) for row in table.rows} == {6}  # the formatted empty H20 is trimmed
    assert notes.blocks == [TextBlock(text="偏差原因：部分学员未参加考核。")]


def test_xls_merged_cells_and_number_format(tmp_path: Path) -> None:
    doc = load_document(files.make_xls(tmp_path))
    (table,) = doc.pages[0].blocks
    assert isinstance(table, TableBlock)
    assert doc.pages[0].name == "表1"
    assert table.title == "项目支出绩效自评表"
    assert table.rows == [
        ["一级指标", "三级指标", "年度指标值", "实际完成值"],
        ["产出指标", "预算金额", "80.00", "79.50"],
        ["产出指标", "培训人次", "500", "520"],
    ]


def test_html_page(tmp_path: Path) -> None:
    doc = load_document(files.make_html(tmp_path))
    assert doc.title == "红河州司法局绩效自评报告"
    before, table, after = doc.pages[0].blocks
    assert isinstance(before, TextBlock) and isinstance(table, TableBlock)
    assert before.text == "一、部门基本情况\n本年收入合计2946.25万元，\n其中财政拨款2940.05万元。"
    assert table.title == "表2 绩效指标"
    assert table.header_rows == 2
    assert table.rows == [
        ["一级指标", "指标", "指标", "完成值"],
        ["一级指标", "二级指标", "三级指标", "完成值"],
        ["产出指标", "数量指标", "培训人次", "520人次"],
        ["产出指标", "质量指标合格率", "质量指标合格率", "92.28%"],
    ]
    assert after == TextBlock(text="二、存在的问题")
    everything = str(doc.pages)
    assert "脚本内容" not in everything and "政务公开" not in everything


def test_html_published_as_xls_is_read_as_html(tmp_path: Path) -> None:
    disguised = tmp_path / "table.xls"
    shutil.copy(files.make_html(tmp_path), disguised)
    assert load_document(disguised).format == "html"


def test_extension_is_case_insensitive(tmp_path: Path) -> None:
    upper = tmp_path / "REPORT.DOCX"
    shutil.copy(files.make_docx(tmp_path), upper)
    assert load_document(upper).format == "docx"
    expected = {".pdf", ".docx", ".xlsx", ".xls", ".html", ".htm", ".txt", ".md"}
    assert expected <= SUPPORTED_EXTENSIONS


# --- failures ----------------------------------------------------------------------------------


def bad_files(folder: Path) -> list[tuple[Path, type[IngestError], str]]:
    corrupt_pdf, corrupt_docx, corrupt_xlsx = files.make_corrupt_files(folder)
    png, odt = files.make_unsupported(folder)
    return [
        (files.make_empty(folder), EmptyDocumentError, "empty"),
        (files.make_blank_txt(folder), EmptyDocumentError, "no text"),
        (corrupt_pdf, CorruptDocumentError, "PDF"),
        (corrupt_docx, CorruptDocumentError, "Package not found"),
        (corrupt_xlsx, CorruptDocumentError, "zip"),
        (files.make_legacy_docx(folder), CorruptDocumentError, "legacy"),
        (files.make_encrypted_pdf(folder, FINANCE), EncryptedDocumentError, "password"),
        (png, EmptyDocumentError, "OCR found no text"),  # a blank picture (tests/ingest/test_ocr)
        (odt, UnsupportedFormatError, ".odt"),
        (folder / "missing.pdf", IngestError, "No such file"),
    ]


def test_bad_files_raise_the_right_error_naming_the_file(tmp_path: Path) -> None:
    for path, error, detail in bad_files(tmp_path):
        with pytest.raises(error) as raised:
            load_document(path)
        message = str(raised.value)
        assert message.startswith(f"{path}: "), message
        assert detail in message, message
        assert "Traceback" not in message and "\n" not in message


# --- cell rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "joined"),
    [
        ("本年收入合\n计", "本年收入合计"),
        ("机关事业单位基本养老保险\n缴费支出", "机关事业单位基本养老保险缴费支出"),
        ("公务用车\n(辆)", "公务用车(辆)"),
        ("96,282,2\n13.44", "96,282,213.44"),  # one number wrapped
        ("9628221\n3.44", "96282213.44"),
        ("2,940.05\n2,106.66", "2,940.05 2,106.66"),  # two numbers stay two
        ("2024\n13", "2024 13"),
        ("Total\nbudget", "Total budget"),
        ("  \n合计\n\n", "合计"),
    ],
)
def test_join_cell_lines(raw: str, joined: str) -> None:
    assert join_cell_lines(raw) == joined


@pytest.mark.parametrize(
    ("cell", "is_value"),
    [
        *[(cell, True) for cell in ("2,940.05", "92.28%", "≥500人次", "80.00万元", "-1.5", "无")],
        *[(cell, False) for cell in ("项目", "2024年", "本年收入合计", "", "1.项目")],
    ],
)
def test_looks_like_value(cell: str, is_value: bool) -> None:
    assert looks_like_value(cell) is is_value


@pytest.mark.parametrize(
    ("rows", "header_rows"),
    [
        ([["项目", "决算数"], ["合计", "2,940.05"]], 1),
        ([["收入", "收入"], ["项目", "决算数"], ["一、拨款", "2,940.05"]], 2),
        ([["201", "一般公共服务支出", "264.87"]], 0),
        ([["序号", "单位名称"], ["上海市", "本级"]], 1),
        ([], 0),
    ],
)
def test_count_header_rows(rows: list[list[str]], header_rows: int) -> None:
    assert count_header_rows(rows) == header_rows


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (80, "0.00", "80.00"),
        (79.5, "0.00", "79.50"),
        (0.9228, "0.00%", "92.28%"),
        (0.9228, "0%", "92%"),
        (520.0, "General", "520"),
        (0.1 + 0.2, "General", "0.3"),
        (1234.5, "#,##0.00", "1,234.50"),
        (1234.5, "#,##0.00_ ;[Red]\\-#,##0.00 ", "1,234.50"),
        (2.675, "0.00", "2.68"),  # Excel rounds half up on the decimal value
        (3.1, "0.0#", "3.1"),
        (96282213.44, "#,##0.00", "96,282,213.44"),
        (7, "@", "7"),
    ],
)
def test_format_number(value: float, number_format: str, shown: str) -> None:
    assert format_number(value, number_format) == shown
