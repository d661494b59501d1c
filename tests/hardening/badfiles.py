"""The bad-input corpus, generated: every way a published or uploaded file goes wrong.

`bad_files(folder)` writes each case and returns it with the name it is uploaded under; nothing
binary is kept in the tree. A case is bad when reportqa must refuse it; `good_variants` are files
that look odd but are reports (other encodings, an HTML page with scripts) and must be read right.
"""

from __future__ import annotations

import codecs
import random
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
from PIL import Image

from tests.conftest import PUTUO_FINANCE
from tests.fixtures_files import make_encrypted_pdf

REPORT_TEXT = (
    "大理州测试局2024年度部门整体支出绩效自评报告\n"
    "一、基本情况\n"
    "大理州测试局2024年度会议经费支出12.34万元。\n"
)
# What the oversize case is tested against: the limit is set this low, not the file made huge.
SMALL_LIMIT_MB = 2


@dataclass(frozen=True)
class Case:
    """One file of the corpus: its id, the file on disk and the name a client sends."""

    case: str
    path: Path
    upload_name: str


def bad_files(folder: Path) -> list[Case]:
    """Every file reportqa must refuse, with a clear reason and no change to the store."""
    folder.mkdir(parents=True, exist_ok=True)
    noise = random.Random(11).randbytes(8192)
    pdf = PUTUO_FINANCE.read_bytes()
    cases = [
        _write(folder, "zero-bytes", "empty.pdf", b""),
        _write(folder, "junk-pdf", "junk.pdf", noise),
        _write(folder, "truncated-pdf", "truncated.pdf", pdf[: len(pdf) // 3]),
        _write(folder, "oversize", "big.txt", _oversize_text()),
        _write(folder, "invalid-utf8", "broken.txt", _invalid_utf8()),
        _write(folder, "utf16-no-bom", "nobom.txt", REPORT_TEXT.encode("utf-16-le")),
        _write(folder, "png-as-pdf", "picture.pdf", _png()),
        _write(folder, "pdf-as-txt", "report.txt", pdf[:4096]),
        _write(folder, "elf-as-docx", "program.docx", b"\x7fELF\x02\x01\x01" + noise),
        _write(folder, "docx-as-xlsx", "sheet.xlsx", _docx_bytes(folder, REPORT_TEXT)),
        _write(folder, "xlsx-zip-bomb", "bomb.xlsx", _zip_bomb(folder / "bomb.zip")),
        _write(folder, "html-only-scripts", "page.html", _html_scripts_only()),
        _write(folder, "docx-10000-empty", "blank.docx", _empty_paragraphs_docx(folder)),
        Case("encrypted-pdf", make_encrypted_pdf(folder, PUTUO_FINANCE), "encrypted.pdf"),
        # A scan OCR reads is a report (tests/ingest/test_ocr.py); one with nothing on it is not.
        Case("image-only-pdf", _blank_scan_pdf(folder), "scan.pdf"),
        _write(folder, "path-traversal", "passwd", b"root:x:0:0:root:/root:/bin/bash\n"),
        _write(folder, "nul-in-name", "报告.pdf.exe", b"MZ" + noise),
    ]
    # The names a hostile client sends; on disk they cannot exist (NUL) or would escape.
    renamed = {"path-traversal": "../../etc/passwd", "nul-in-name": "报告.pdf\x00.exe"}
    return [Case(c.case, c.path, renamed.get(c.case, c.upload_name)) for c in cases]


def good_variants(folder: Path) -> list[Case]:
    """Odd but honest reports: GBK, GB18030 and UTF-16 text, and HTML with scripts."""
    folder.mkdir(parents=True, exist_ok=True)
    gb18030 = REPORT_TEXT.replace("大理州", "𠮷野州") + "刘䶮签发。\n"  # not in GBK
    return [
        _write(folder, "gbk", "gbk.txt", REPORT_TEXT.replace("12.34", "21.43").encode("gbk")),
        _write(folder, "gb18030", "gb18030.txt", gb18030.encode("gb18030")),
        _write(folder, "utf16", "utf16.txt", codecs.BOM_UTF16_LE + _v(3).encode("utf-16-le")),
        _write(folder, "html-scripts", "scripts.html", _html_with_scripts()),
    ]


def _v(n: int) -> str:
    return REPORT_TEXT.replace("12.34", f"{n}.{n}{n}")


def _write(folder: Path, case: str, name: str, data: bytes) -> Case:
    path = folder / case / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return Case(case, path, name)


def _oversize_text() -> bytes:
    line = "大理州测试局2024年度会议经费支出12.34万元。\n".encode()
    return line * (SMALL_LIMIT_MB * 2**20 // len(line) + 100)


def _invalid_utf8() -> bytes:
    good = (REPORT_TEXT * 20).encode()
    return good[:301] + b"\xff\xfe\xc3" + good[301:]  # broken bytes inside UTF-8 Chinese


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + bytes(64)


def _docx_bytes(folder: Path, text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    path = folder / "as-docx.docx"
    document.save(str(path))
    return path.read_bytes()


def _empty_paragraphs_docx(folder: Path) -> bytes:
    document = docx.Document()
    for _ in range(10_000):
        document.add_paragraph("")
    path = folder / "empty-paragraphs.docx"
    document.save(str(path))
    return path.read_bytes()


def _zip_bomb(path: Path) -> bytes:
    """An XLSX package whose one sheet inflates from a few hundred KB to 300 MB."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            block = b" " * 2**20
            for _ in range(300):
                sheet.write(block)
    return path.read_bytes()


def _html_scripts_only() -> bytes:
    return (
        "<html><head><script>alert('x')</script></head>"
        "<body><script>document.write('大理州测试局')</script><style>p{}</style></body></html>"
    ).encode()


def _html_with_scripts() -> bytes:
    return (
        "<html><head><title>大理州测试局2024年度部门整体支出绩效自评报告</title>"
        "<script>var secret = '脚本里的数字99.99万元';</script></head><body>"
        "<h1>大理州测试局2024年度部门整体支出绩效自评报告</h1>"
        "<p>一、基本情况</p><p>大理州测试局2024年度会议经费支出56.78万元。</p>"
        "<script>document.write('<p>注入的段落</p>')</script>"
        "<noscript>请启用脚本</noscript></body></html>"
    ).encode()


def _blank_scan_pdf(folder: Path) -> Path:
    """An image-only PDF whose picture holds no text at all."""
    path = folder / "blank-scan.pdf"
    Image.new("RGB", (400, 200), "white").save(path, "PDF", resolution=72.0)
    return path
