"""A fresh store: the page is up while the bundled reports are ingested, and shows progress."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect

from ingest.embedding import Embedder
from ingest.segmenter import Segmenter
from tests.conftest import HONGHE, make_context
from tests.live import serve


def test_the_page_shows_the_first_run_ingest_and_then_answers(
    browser: Browser, tmp_path: Path, model_cache: Path, embedder: Embedder, segmenter: Segmenter
) -> None:
    bundled = tmp_path / "bundled"
    bundled.mkdir()
    text = HONGHE.read_text(encoding="utf-8")
    # Two parts of a real report, each under its heading lines: the ingest takes seconds, long
    # enough to be seen running.
    head = text[: text.index("一、部门基本情况")]  # publisher, date and title lines
    for n, (start, end) in enumerate([(0, 4000), (9000, 13000)]):
        part = text[start:end] if start == 0 else head + text[start:end]
        (bundled / f"honghe-part{n}.txt").write_text(part, encoding="utf-8")
    ctx = make_context(tmp_path / "data", model_cache, embedder, segmenter)
    ctx.settings = ctx.settings.model_copy(update={"first_run_reports": bundled})
    for url in serve(ctx):
        page = browser.new_page(base_url=url)
        page.set_default_timeout(120_000)
        page.goto("/")
        status = page.locator("#status")
        expect(status).to_contain_text("正在导入内置报告")
        expect(status).to_contain_text("内置报告导入完成(2 份)", timeout=120_000)
        page.fill("#question", "红河州司法局2024年“三公”经费决算支出多少?")
        page.press("#question", "Enter")
        expect(page.locator(".turn-a .text")).to_contain_text("12.85万元", timeout=60_000)
        page.close()
