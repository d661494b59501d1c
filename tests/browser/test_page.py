"""The page in a real browser: ask, stream, cite, follow up, refuse, upload, escape."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.live import ADMIN_TOKEN, LiveServer

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("REPORTQA_SCREENSHOTS", ROOT / "docs" / "screenshots"))
SANGONG = "红河州司法局2024年“三公”经费决算支出多少?"
HOSTILE = (
    "<img src=x onerror=\"window.__xss='title'\">测试局2024年度部门整体支出绩效自评报告\n"
    "一、基本情况\n"
    "<script>window.__xss='script';alert('xss')</script>"
    "<img src=x onerror=\"window.__xss='img'\">测试局2024年度培训费支出12.34万元。\n"
)

COUNT_UPDATES = """() => {
  window.__updates = 0;
  new MutationObserver(() => { window.__updates += 1; })
    .observe(document.getElementById('chat'),
             {subtree: true, childList: true, characterData: true});
}"""


def ask(page: Page, question: str) -> Any:
    """Type the question, press Enter, wait for its answer; the answer's bubble."""
    answers = page.locator(".turn-a")
    before = answers.count()
    page.fill("#question", question)
    page.press("#question", "Enter")
    bubble = answers.nth(before)
    expect(bubble).not_to_have_attribute("aria-busy", "true")
    return bubble


def test_ask_streams_and_a_citation_shows_its_quote(page: Page, live_server: LiveServer) -> None:
    expected = httpx.post(f"{live_server.url}/ask", json={"question": SANGONG}).json()
    page.goto("/")
    page.evaluate(COUNT_UPDATES)
    bubble = ask(page, SANGONG)
    expect(bubble.locator(".text")).to_have_text(expected["answer"])
    assert page.evaluate("window.__updates") > len(expected["answer"].split(",")) + 1
    expect(bubble.locator("mark.fig").first).to_have_text("12.85万元")
    chip = bubble.locator(".support .chip").first
    expect(chip).to_contain_text(expected["citations"][0]["title"])
    chip.focus()
    page.keyboard.press("Enter")  # keyboard, not a mouse
    quote = page.locator("#panel-quote")
    expect(quote).to_have_text(expected["citations"][0]["quote"])
    surrounding = page.locator("#panel-text").text_content() or ""
    assert len(surrounding) > len(expected["citations"][0]["quote"]) + 100
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "desktop.png"))
    page.keyboard.press("Escape")
    expect(page.locator("#panel")).to_be_hidden()
    expect(chip).to_be_focused()


def test_the_original_pdf_page_opens_beside_the_passage(page: Page) -> None:
    page.goto("/")
    bubble = ask(page, "上海市普陀区财政局2024年基本支出是多少?")
    bubble.locator(".support .chip").first.click()
    page.click("#panel-original")
    image = page.locator("#panel-image")
    expect(image).to_be_visible()
    page.wait_for_function("document.getElementById('panel-image').naturalWidth > 1000")


def test_a_report_view_shows_tables_indicators_findings_and_the_chart(
    page: Page, live_server: LiveServer
) -> None:
    reports = httpx.get(f"{live_server.url}/reports").json()["data"]
    honghe = next(r["id"] for r in reports if r["title"].startswith("红河州司法局"))
    indicators = httpx.get(f"{live_server.url}/reports/{honghe}/indicators").json()["data"]
    page.goto("/#/reports")
    page.select_option("#f-year", "2024")
    page.select_option("#f-kind", "绩效自评")
    page.locator(".report-list a").filter(has_text="红河州司法局").click()
    expect(page.locator(".sections button").first).to_be_visible()
    page.click(".tabs button[data-tab=tables]")
    expect(page.locator("#report-body table th").first).to_be_visible()
    page.click(".tabs button[data-tab=figures]")
    expect(page.locator("#report-body mark.fig").filter(has_text="12.85万元").first).to_be_visible()
    page.click(".tabs button[data-tab=indicators]")
    expect(page.locator("#report-body tbody tr")).to_have_count(len(indicators))
    unmet = sum(1 for i in indicators if i["status"] == "unmet")
    expect(page.locator("#report-body .badge.unmet")).to_have_count(unmet)
    page.click(".tabs button[data-tab=checks]")
    expect(page.locator("#report-body .finding").first).to_be_visible()
    # the review's issues come first, most severe first
    expect(page.locator("#report-body h3").first).to_contain_text("审核意见·确定")
    page.click(".tabs button[data-tab=chart]")
    row = page.locator(".bar-row").filter(has_text="法律援助")
    expect(row.locator(".budget .num")).to_have_text("20.00")
    expect(row.locator(".actual .num")).to_have_text("68.41")


def test_a_follow_up_keeps_the_conversation(page: Page) -> None:
    page.goto("/")
    ask(page, "红河州司法局2024年基本支出是多少?")
    bubble = ask(page, "那项目支出呢?")
    expect(page.locator(".turn-q").nth(1)).to_contain_text(
        "理解为:红河州司法局2024年项目支出是多少?"
    )
    expect(bubble.locator(".support .chip").first).to_contain_text("红河州司法局")
    expect(bubble.locator(".refusal-note")).to_have_count(0)


def test_a_refusal_says_so_and_related_passages_are_not_support(page: Page) -> None:
    page.goto("/")
    bubble = ask(page, "红河州司法局2024年飞机采购支出多少?")
    expect(bubble.locator(".refusal-note")).to_contain_text("无法回答")
    expect(bubble.locator(".text")).to_have_text("报告中未找到相关信息")
    expect(bubble.locator(".support")).to_have_count(0)
    related = bubble.locator(".related")
    expect(related.locator("h3")).to_contain_text("可能相关(非依据)")
    related.locator(".chip").first.click()
    expect(page.locator("#panel-kind")).to_contain_text("非依据")


def test_upload_needs_the_token_and_report_text_stays_text(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    hostile = tmp_path / "hostile-2024.txt"
    hostile.write_text(HOSTILE, encoding="utf-8")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.goto("/#/upload")
    page.fill("#token", "wrong-token")
    page.set_input_files("#files", str(hostile))
    page.click("#upload-button")
    expect(page.locator("#upload-result .error")).to_contain_text("上传被拒绝:管理员令牌不正确")
    page.fill("#token", ADMIN_TOKEN)
    page.click("#upload-button")
    expect(page.locator("#upload-result")).to_contain_text("完成", timeout=120_000)
    expect(page.locator("#upload-result .jobfile")).to_contain_text("已入库")

    page.goto("/#/reports")
    page.fill("#f-search", "测试局")
    entry = page.locator(".report-list a").filter(has_text="测试局2024年度")
    expect(entry).to_have_count(1)
    expect(entry.locator("strong")).to_contain_text("<img src=x onerror=")
    entry.click()
    expect(page.locator("#report-text")).to_contain_text("<script>window.__xss='script'")
    expect(page.locator("#report-title")).to_contain_text("<img src=x")
    assert page.evaluate("window.__xss") is None  # no handler and no script of the report ran
    assert page.evaluate("document.scripts.length") == 1  # only the page's own
    assert page.locator("main img").count() == 0
    assert not [d for d in dialogs if "xss" in d]

    page.click("#delete-report")  # the confirm() is accepted by the dialog handler
    # deleting rewrites the store and refreshes the indexes: seconds more on a loaded machine
    expect(page.locator(".report-list")).to_be_visible(timeout=60_000)
    listed = httpx.get(f"{live_server.url}/reports").json()["data"]
    assert not [r for r in listed if "测试局" in r["title"]]


def test_the_page_at_phone_width(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    bubble = ask(page, SANGONG)
    expect(bubble.locator(".support .chip")).to_have_count(1)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing overflows sideways
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "phone.png"))
    page.goto("/#/reports")
    expect(page.locator(".report-list a").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
