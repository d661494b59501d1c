"""Small real files of every format, generated into a folder (no binary fixtures in the tree).

Each function writes its file(s) into `folder` and returns the path(s). The contents model the
reports reportqa reads: Chinese headings, a 绩效目标完成情况表 with merged cells, GBK text.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import docx
import openpyxl
import xlwt
from openpyxl.styles import Alignment
from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter

INDICATOR_HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "偏差原因"]
SHORT_GBK_TEXT = "一、部门基本情况\r\n普法宣传 | 10.00 | 353.02\r\n"
GB18030_ONLY_TEXT = "二、绩效目标\n刘䶮 𠮷野家 项目完成率100%\n"  # 䶮 and 𠮷 are not in GBK


def make_docx(folder: Path) -> Path:
    """Headings 一、/(一), paragraphs, then a table with a horizontal and a vertical merge."""
    document = docx.Document()
    document.core_properties.title = "红河州司法局2024年度部门整体支出绩效自评报告"
    document.add_heading("一、部门基本情况", level=1)
    document.add_heading("(一)部门概况", level=2)
    document.add_paragraph("项目支出预算80.00万元，包括法律援助项目20.00万元。")
    table = document.add_table(rows=5, cols=4)
    for col, text in enumerate(["一级指标", "二级指标", "指标值", "完成值"]):
        table.cell(0, col).text = text
    merged_down = table.cell(1, 0).merge(table.cell(3, 0))  # 一级指标 over rows 1-3
    merged_down.text = "产出指标"
    rows = [
        ("数量指标", "≥500人次", "520人次"),
        ("质量指标", "≥95%", "92.28%"),
        ("时效指标", "12月底前", "按期完成"),
    ]
    for row, values in enumerate(rows, start=1):
        for col, text in enumerate(values, start=1):
            table.cell(row, col).text = text
    merged_across = table.cell(4, 0).merge(table.cell(4, 1))  # 合计 over two columns
    merged_across.text = "合计"
    table.cell(4, 2).text = "80.00"
    table.cell(4, 3).text = "79.50"
    document.add_paragraph("二、存在的问题")
    path = folder / "report.docx"
    document.save(str(path))
    return path


def make_xlsx(folder: Path) -> Path:
    """A 绩效目标完成情况表: merged title rows, 一级指标 merged down, 0.00 and 0.00% formats."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "绩效目标"
    sheet.append(["2024年度项目绩效目标完成情况表"])
    sheet.merge_cells("A1:F1")
    sheet.append(["填报单位：红河州司法局"])
    sheet.merge_cells("A2:F2")
    sheet.append(INDICATOR_HEADER)
    data = [
        ["产出指标", "数量指标", "培训人次", "≥500人次", 520, None],
        [None, "质量指标", "合格率", 0.95, 0.9228, "部分学员未参加考核"],
        [None, "成本指标", "预算金额(万元)", 80, 79.5, None],
        [None, "时效指标", "完成时间", "12月底前", "按期完成", None],
        ["效益指标", "社会效益指标", "群众满意度", "≥90%", 0.9516, None],
    ]
    for values in data:
        sheet.append(values)
    sheet.merge_cells("A4:A7")
    for cell in ("D5", "E5", "E8"):
        sheet[cell].number_format = "0.00%"
    for cell in ("D6", "E6"):
        sheet[cell].number_format = "0.00"
    sheet["A4"].alignment = Alignment(vertical="center")
    sheet["H20"].number_format = "0.00"  # formatted but empty: must not widen the table
    notes = book.create_sheet("说明")
    notes["A1"] = "偏差原因：部分学员未参加考核。"
    path = folder / "indicators.xlsx"
    book.save(path)
    return path


def make_xls(folder: Path) -> Path:
    """A legacy .xls with a title merged across, 一级指标 merged down and a 0.00 number."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("表1")
    sheet.write_merge(0, 0, 0, 3, "项目支出绩效自评表")
    for col, text in enumerate(["一级指标", "三级指标", "年度指标值", "实际完成值"]):
        sheet.write(1, col, text)
    sheet.write_merge(2, 3, 0, 0, "产出指标")
    two_places = xlwt.easyxf(num_format_str="0.00")
    sheet.write(2, 1, "预算金额")
    sheet.write(2, 2, 80, two_places)
    sheet.write(2, 3, 79.5, two_places)
    sheet.write(3, 1, "培训人次")
    sheet.write(3, 2, 500)
    sheet.write(3, 3, 520)
    path = folder / "legacy.xls"
    book.save(str(path))
    return path


def make_html(folder: Path) -> Path:
    """A GBK page declared as gb2312, with script/nav noise and a colspan/rowspan table."""
    html = """<!DOCTYPE html><html><head><meta charset="gb2312">
<title>红河州司法局绩效自评报告</title><style>p {color: red}</style>
<script>var secret = "脚本内容";</script></head><body>
<nav>首页 | 政务公开</nav>
<h2>一、部门基本情况</h2><p>本年收入合计2946.25万元，<br>其中财政拨款2940.05万元。</p>
<table><caption>表2 绩效指标</caption>
<thead><tr><th rowspan="2">一级指标</th><th colspan="2">指标</th><th rowspan="2">完成值</th></tr>
<tr><th>二级指标</th><th>三级指标</th></tr></thead>
<tbody><tr><td rowspan="2">产出指标</td><td>数量指标</td><td>培训人次</td><td>520人次</td></tr>
<tr><td colspan="2">质量指标合格率</td><td>92.28%</td></tr></tbody></table>
<p>二、存在的问题</p></body></html>"""
    path = folder / "page.html"
    path.write_bytes(html.encode("gb18030"))
    return path


def make_gbk_txt(folder: Path) -> Path:
    """Short GBK text with CRLF line ends (charset-normalizer alone misreads it)."""
    path = folder / "gbk.txt"
    path.write_bytes(SHORT_GBK_TEXT.encode("gbk"))
    return path


def make_gb18030_txt(folder: Path) -> Path:
    """GB18030 text holding characters that GBK cannot encode."""
    path = folder / "gb18030.txt"
    path.write_bytes(GB18030_ONLY_TEXT.encode("gb18030"))
    return path


def make_empty(folder: Path) -> Path:
    """A zero-byte file with a supported extension."""
    path = folder / "empty.txt"
    path.write_bytes(b"")
    return path


def make_blank_txt(folder: Path) -> Path:
    """A text file holding only whitespace."""
    path = folder / "blank.txt"
    path.write_text(" \n\u3000\n\t\n", encoding="utf-8")
    return path


def make_corrupt_files(folder: Path) -> list[Path]:
    """Random bytes under .pdf, .docx and .xlsx names."""
    noise = random.Random(20241231).randbytes(4096)
    paths = [folder / f"corrupt.{ext}" for ext in ("pdf", "docx", "xlsx")]
    for path in paths:
        path.write_bytes(noise)
    return paths


def make_encrypted_pdf(folder: Path, source: Path) -> Path:
    """The first page of a real PDF, encrypted with a user password."""
    writer = PdfWriter()
    writer.add_page(PdfReader(source).pages[0])
    writer.encrypt(user_password="secret", owner_password="owner-secret", algorithm="AES-128")
    path = folder / "encrypted.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def make_scanned_pdf(folder: Path) -> Path:
    """An image-only PDF: a page with a picture of text and no text layer."""
    image = Image.new("RGB", (400, 200), "white")
    ImageDraw.Draw(image).text((20, 80), "2,940.05", fill="black")
    path = folder / "scan.pdf"
    image.save(path, "PDF", resolution=72.0)
    return path


def make_legacy_docx(folder: Path) -> Path:
    """A compound (OLE) file named .docx, as a renamed .doc is."""
    path = folder / "legacy.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    return path


def make_unsupported(folder: Path) -> list[Path]:
    """A .png picture and an .odt document: formats reportqa does not read."""
    png = folder / "scan.png"
    buffer = io.BytesIO()
    Image.new("L", (8, 8), 255).save(buffer, "PNG")
    png.write_bytes(buffer.getvalue())
    odt = folder / "report.odt"
    with zipfile.ZipFile(odt, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return [png, odt]
