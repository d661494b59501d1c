"""OCR: the corpus scan pages, an image-only PDF built from them, a scanned table, confidence.

OCR takes seconds a page on this machine; the engine caches a page's reading by its pixels, so
each scan page (and the same page embedded in a PDF) is read once per test session.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pdfplumber
import pypdfium2 as pdfium
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from pypdf import PdfReader, PdfWriter

from ingest.chunking import chunk_document
from ingest.config import ChunkingSettings, IngestSettings
from ingest.embedding import Embedder
from ingest.errors import EmptyDocumentError
from ingest.figures import extract_figures
from ingest.loaders import load_document
from ingest.loaders.pdf import load_pdf
from ingest.models import Chunk, NormalizedDocument, OcrSpan, PageSpan, Report
from ingest.ocr import LOW_CONFIDENCE, OcrProgress, on_ocr_page
from ingest.pipeline import build_report, ingest_paths
from ingest.segmenter import Segmenter
from service.app import create_app
from tests import fixtures_files as files
from tests.conftest import CORPUS, PUTUO_FINANCE, make_context
from tests.live import ADMIN_TOKEN, LiveServer
from tests.service.test_write_api import wait_for

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}

SCANS = sorted((CORPUS / "scans").glob("*.png"))
# A figure each page states, as stored (full-width commas folded).
ON_PAGE = ["收入预算7,630.61万元", "执行数增加10.84%", "2026年度预算199万元"]
TABLE_PAGE = 6  # 收入支出决算总表 of the Putuo finance report


def _build(path: Path) -> tuple[Report, list[Chunk]]:
    return build_report(path, path.read_bytes(), IngestSettings())


def _page_text(report: Report, index: int) -> str:
    page = report.pages[index]
    return report.text[page.start : page.end].rstrip("\n")


def make_image_pdf(folder: Path, images: list[Path]) -> Path:
    """An image-only PDF: each image one page at 144 dpi, no text layer."""
    pdf = pdfium.PdfDocument.new()
    for image_path in images:
        with Image.open(image_path) as image:
            rgb = image.convert("RGB")
        width, height = rgb.size[0] / 2, rgb.size[1] / 2
        page = pdf.new_page(width, height)
        picture = pdfium.PdfImage.new(pdf)
        picture.set_bitmap(pdfium.PdfBitmap.from_pil(rgb))
        picture.set_matrix(pdfium.PdfMatrix().scale(width, height))
        page.insert_obj(picture)
        page.gen_content()
    path = folder / "scan.pdf"
    pdf.save(path)
    return path


@pytest.fixture(scope="module")
def scan_pages() -> list[tuple[Report, list[Chunk]]]:
    return [_build(path) for path in SCANS]


@pytest.fixture(scope="module")
def scan_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_image_pdf(tmp_path_factory.mktemp("scan-pdf"), SCANS)


@pytest.mark.parametrize("index", range(3))
def test_each_scan_page_ingests_as_a_one_page_report(
    scan_pages: list[tuple[Report, list[Chunk]]], index: int
) -> None:
    report, chunks = scan_pages[index]
    assert report.page_count == 1 and report.format == "png"
    assert ON_PAGE[index] in report.text
    assert report.pages[0].ocr, "the page's OCR lines are kept with their confidence"
    assert chunks and all(c.page == 1 and c.from_ocr for c in chunks)
    assert all(0 < (c.ocr_confidence or 0) <= 1 for c in chunks)
    assert all(report.text[c.start : c.end] == c.text for c in chunks)


def test_lines_become_paragraphs(scan_pages: list[tuple[Report, list[Chunk]]]) -> None:
    text = scan_pages[0][0].text
    # the first paragraph wraps after "比2025年预" in the scan
    assert "比2025年预算减少2,163.37万元;事业收入0万元" in text
    assert text.split("\n")[0] == "2026年单位预算编制说明"


def test_image_only_pdf_is_one_report_with_the_pages_text(
    scan_pdf: Path, scan_pages: list[tuple[Report, list[Chunk]]]
) -> None:
    seen: list[OcrProgress] = []
    with on_ocr_page(seen.append):
        report, chunks = _build(scan_pdf)
    assert report.page_count == 3 and report.format == "pdf"
    for index, (page_report, _) in enumerate(scan_pages):
        assert _page_text(report, index) == page_report.text
    assert {c.page for c in chunks} == {1, 2, 3}
    assert [(p.done, p.total) for p in seen] == [(1, 3), (2, 3), (3, 3)]


def test_a_mixed_pdf_is_read_by_ocr_only_on_its_image_page(tmp_path: Path, scan_pdf: Path) -> None:
    writer = PdfWriter()
    writer.add_page(PdfReader(PUTUO_FINANCE).pages[0])
    writer.add_page(PdfReader(scan_pdf).pages[2])
    mixed = tmp_path / "mixed.pdf"
    with mixed.open("wb") as handle:
        writer.write(handle)
    document = load_pdf(mixed)
    text_page, image_page = document.pages
    assert text_page.ocr_lines is None and image_page.ocr_lines
    report, chunks = _build(mixed)
    assert ON_PAGE[2] in _page_text(report, 1)
    assert {c.page for c in chunks if c.from_ocr} == {2}
    assert {c.page for c in chunks if not c.from_ocr} == {1}


def test_a_scanned_table_comes_out_as_rows_with_its_header(tmp_path: Path) -> None:
    pdf = pdfium.PdfDocument(PUTUO_FINANCE)
    scan = tmp_path / "table.png"
    pdf[TABLE_PAGE - 1].render(scale=2).to_pil().convert("RGB").save(scan)
    pdf.close()
    report, chunks = _build(scan)
    text_layer, _ = _build(PUTUO_FINANCE)
    page = text_layer.pages[TABLE_PAGE - 1]
    expected = next(t for t in text_layer.tables if page.start <= t.start < page.end)
    table = next(t for t in report.tables if any("2,940.05" in r.cells for r in t.rows))
    data = [r.cells for r in table.rows if not r.is_header]
    assert data == [r.cells for r in expected.rows if not r.is_header]
    assert "决算数" in table.rows[0].header[1] and "项目" in table.rows[0].header[0]
    row = next(c for c in chunks if c.kind == "table_row" and "2,940.05" in c.text)
    assert row.header and "决算数" in row.header and row.from_ocr


def test_a_blank_scan_is_empty_and_a_tiny_one_is_read(tmp_path: Path) -> None:
    blank, _ = files.make_unsupported(tmp_path)
    with pytest.raises(EmptyDocumentError, match="OCR found no text"):
        load_document(blank)
    document = load_document(files.make_scanned_pdf(tmp_path))
    assert document.pages[0].ocr_lines and document.pages[0].ocr_lines[0].text == "2,940.05"


def test_figures_on_ocr_pages_carry_confidence_and_low_ones_are_uncertain() -> None:
    text = "收入预算7,630.61万元。\n支出预算2,163.37万元。"
    cut = text.index("\n")
    spans = [
        OcrSpan(start=0, end=cut, confidence=0.99),
        OcrSpan(start=cut + 1, end=len(text), confidence=LOW_CONFIDENCE - 0.2),
    ]
    pages = [PageSpan(number=1, start=0, end=len(text), ocr=spans)]
    report = Report(id="r", title="t", source_path="s", file_name="s.png", format="png")
    report = report.model_copy(update={"text": text, "pages": pages})
    figures = {f.raw: f for f in extract_figures(report)}
    assert figures["7,630.61万元"].normalized == 76306100.0
    assert not figures["7,630.61万元"].uncertain
    assert figures["2,163.37万元"].uncertain
    assert figures["2,163.37万元"].ocr_confidence == pytest.approx(LOW_CONFIDENCE - 0.2)
    doc = NormalizedDocument(text=text, pages=pages)
    chunks = chunk_document("r", doc, [], [], ChunkingSettings(max_chars=12))
    assert [c.ocr_confidence for c in chunks] == [0.99, pytest.approx(LOW_CONFIDENCE - 0.2)]


@pytest.fixture(scope="module")
def scan_client(
    tmp_path_factory: pytest.TempPathFactory,
    scan_pdf: Path,
    model_cache: Path,
    embedder: Embedder,
    segmenter: Segmenter,
) -> Iterator[TestClient]:
    ctx = make_context(tmp_path_factory.mktemp("scan-data"), model_cache, embedder, segmenter)
    summary = ingest_paths([scan_pdf], ctx.settings.ingest, ctx.store, ctx.embedder)
    assert not summary.failed, [r.error for r in summary.failed]
    with TestClient(create_app(context=ctx)) as client:
        yield client


@pytest.mark.slow
def test_a_figure_on_a_scan_page_is_answered_with_a_citation_on_that_page(
    scan_client: TestClient,
) -> None:
    response = scan_client.post("/ask", json={"question": "2026年公益性岗位补贴预算是多少?"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["answerable"], body
    cited = body["citations"][0]
    assert cited["page"] == 3 and "199万元" in cited["quote"]
    span = scan_client.get(
        f"/reports/{cited['report_id']}/text", params={"start": cited["start"], "end": cited["end"]}
    ).json()
    assert span["text"] == cited["quote"]


def test_the_test_pdf_has_no_text_layer(scan_pdf: Path) -> None:
    with pdfplumber.open(scan_pdf) as pdf:
        assert all(not page.chars and page.images for page in pdf.pages)


@pytest.mark.slow
def test_an_uploaded_scan_shows_its_pages_read_in_the_job(
    live_server: LiveServer, tmp_path: Path
) -> None:
    scan = files.make_scanned_pdf(tmp_path).read_bytes()
    with httpx.Client(base_url=live_server.url, timeout=120) as client:
        posted = client.post("/reports", files=[("files", ("scan.pdf", scan))], headers=AUTH)
        assert posted.status_code == 202
        job = wait_for(client, posted.json())
        (uploaded,) = job["files"]
        assert uploaded["status"] == "ingested", uploaded
        assert uploaded["pages_read"] == uploaded["pages_to_read"] == 1
        client.delete(f"/reports/{uploaded['report_id']}", headers=AUTH)
