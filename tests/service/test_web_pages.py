"""What the page reads beyond the JSON API: tables, and a PDF page with the quote boxed."""

from __future__ import annotations

import io

import httpx
import pypdfium2 as pdfium
import pytest
from PIL import Image

from service.pdf_pages import quote_boxes
from tests.conftest import PUTUO_FINANCE
from tests.live import LiveServer

QUESTION = "上海市普陀区财政局2024年基本支出是多少?"


@pytest.fixture()
def client(live_server: LiveServer) -> httpx.Client:
    return httpx.Client(base_url=live_server.url, timeout=120)


def red_pixels(png: bytes) -> int:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(1 for r, g, b in image.getdata() if r > 200 and g < 60 and b < 60)


def test_a_cited_pdf_page_is_rendered_with_its_quote_boxed(client: httpx.Client) -> None:
    citation = client.post("/ask", json={"question": QUESTION}).json()["citations"][0]
    assert citation["page"]
    url = f"/reports/{citation['report_id']}/page/{citation['page']}.png"
    boxed = client.get(url, params={"start": citation["start"], "end": citation["end"]})
    assert boxed.status_code == 200 and boxed.headers["content-type"] == "image/png"
    assert boxed.content.startswith(b"\x89PNG") and int(boxed.headers["x-quote-boxes"]) >= 1
    plain = client.get(url)
    assert plain.headers["x-quote-boxes"] == "0"
    assert red_pixels(boxed.content) > 500 > red_pixels(plain.content)


def test_quote_boxes_sit_on_the_quoted_line() -> None:
    pdf = pdfium.PdfDocument(PUTUO_FINANCE)
    try:
        textpage = pdf[20].get_textpage()
        text = textpage.get_text_range()
        boxes = [textpage.get_charbox(i) for i in range(len(text))]
    finally:
        pdf.close()
    found = quote_boxes(text, boxes, "本年支出合计2940.05万元,其中:基本支出2336.91万元,占79.49%;")
    assert len(found) == 1
    left, bottom, _right, top = found[0]
    first = text.index("本年支出合计2940.05")
    assert abs(boxes[first][0] - left) < 1 and bottom < boxes[first][3] <= top + 1
    assert quote_boxes(text, boxes, "这句话不在这一页上出现过") == []


def test_page_errors(client: httpx.Client) -> None:
    reports = client.get("/reports").json()["data"]
    txt = next(r["id"] for r in reports if r["format"] == "txt")
    pdf = next(r["id"] for r in reports if r["format"] == "pdf")
    assert client.get(f"/reports/{txt}/page/1.png").status_code == 400
    assert client.get(f"/reports/{pdf}/page/999.png").status_code == 404
    assert client.get(f"/reports/{pdf}/page/1.png?start=5&end=1").status_code == 400


def test_tables_come_row_by_row(client: httpx.Client) -> None:
    pdf = next(r["id"] for r in client.get("/reports").json()["data"] if r["format"] == "pdf")
    body = client.get(f"/reports/{pdf}/tables").json()
    assert body["count"] == len(body["data"]) > 0
    text = client.get(f"/reports/{pdf}/text").json()["text"]
    row = body["data"][0]["rows"][-1]
    assert row["cells"] and text[row["start"] : row["end"]]
