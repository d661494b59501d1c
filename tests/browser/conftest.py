"""Real headless Chromium (Debian's package) driven by Playwright, against the live server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.live import LiveServer


def chromium_path() -> str:
    # Playwright's own browser download needs the open internet; scripts/install puts Debian's
    # chromium on the machine instead.
    found = os.environ.get("REPORTQA_CHROMIUM") or shutil.which("chromium")
    if not found:
        pytest.fail("chromium is not installed (scripts/install installs it with apt-get)")
    return found


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()


@pytest.fixture()
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="zh-CN"
    )
    context.set_default_timeout(60_000)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    yield opened
    context.close()
    assert not errors, errors  # no script error on any page
