"""The bad-input corpus through the write API and the CLI: each file refused with its reason,
no 5xx, the store unchanged, and the next good file still ingested."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ingest.embedding import Embedder
from ingest.pipeline import ingest_file
from ingest.segmenter import Segmenter
from service import cli
from service.app import create_app
from service.context import ServiceContext
from tests.hardening.badfiles import REPORT_TEXT, Case
from tests.hardening.conftest import small_limit_context
from tests.live import ADMIN_TOKEN

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
# What each case is refused for, as the message says it (API job, API error or CLI line).
REASONS = {
    "zero-bytes": "空文件",
    "junk-pdf": "not a PDF",
    "truncated-pdf": "truncated PDF",
    "oversize": "MB",
    "invalid-utf8": "invalid UTF-8",
    "utf16-no-bom": "UTF-16",
    "png-as-pdf": "PNG image",
    "pdf-as-txt": "the content is a PDF",
    "elf-as-docx": "ELF executable",
    "docx-as-xlsx": "not a XLSX",
    "xlsx-zip-bomb": "zip bomb",
    "html-only-scripts": "no text",
    "docx-10000-empty": "no text",
    "encrypted-pdf": "encrypted",
    "image-only-pdf": "OCR",
    "path-traversal": "不支持的格式",
    "nul-in-name": "不支持的格式",
}
CLI_REASONS = REASONS | {
    "zero-bytes": "0 bytes",
    "path-traversal": "unsupported format",
    "nul-in-name": "unsupported format",
}


@pytest.fixture(scope="module")
def ctx(
    tmp_path_factory: pytest.TempPathFactory,
    model_cache: Path,
    embedder: Embedder,
    segmenter: Segmenter,
) -> ServiceContext:
    data_dir = tmp_path_factory.mktemp("bad-input-store")
    return small_limit_context(data_dir, model_cache, embedder, segmenter)


@pytest.fixture(scope="module")
def api(ctx: ServiceContext) -> Iterator[TestClient]:
    with TestClient(create_app(context=ctx), raise_server_exceptions=False) as client:
        first = _upload(client, "first.txt", REPORT_TEXT.encode())
        assert first.status_code == 202
        assert _finished(client, first.json())["files"][0]["status"] == "ingested"
        yield client


def _upload(client: TestClient, name: str, data: bytes) -> Any:
    return client.post("/reports", files=[("files", (name, data))], headers=AUTH)


def _finished(client: TestClient, job: dict[str, Any]) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while job["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.1)
        job = client.get(f"/jobs/{job['id']}", headers=AUTH).json()
    return job


def _stored(client: TestClient) -> set[str]:
    return {r["id"] for r in client.get("/reports").json()["data"]}


def test_the_corpus_has_every_case(bad_corpus: list[Case]) -> None:
    assert {c.case for c in bad_corpus} == set(REASONS)


@pytest.mark.parametrize("case", sorted(REASONS))
def test_upload_is_refused_with_its_reason(
    api: TestClient, bad_corpus: list[Case], case: str
) -> None:
    bad = next(c for c in bad_corpus if c.case == case)
    before = _stored(api)
    response = _upload(api, bad.upload_name, bad.path.read_bytes())
    if response.status_code == 202:  # refused once parsed: a rejected file in its job
        job = _finished(api, response.json())
        (outcome,) = job["files"]
        assert outcome["status"] == "rejected", outcome
        message = outcome["error"]
    else:
        assert response.status_code == (413 if case == "oversize" else 422), response.text
        error = response.json()["error"]
        assert error["status"] == response.status_code and error["code"]
        message = error["message"]
    assert REASONS[case] in message and "\n" not in message
    assert _stored(api) == before


def test_a_good_upload_works_after_every_refusal(
    api: TestClient, bad_corpus: list[Case], ctx: ServiceContext
) -> None:
    for bad in bad_corpus:
        assert _upload(api, bad.upload_name, bad.path.read_bytes()).status_code < 500
    text = REPORT_TEXT.replace("12.34", "43.21").replace("大理州", "楚雄州")
    job = _finished(api, _upload(api, "after.txt", text.encode()).json())
    assert job["files"][0]["status"] == "ingested"
    answer = api.post("/ask", json={"question": "楚雄州测试局2024年会议经费支出多少?"}).json()
    assert answer["answerable"] and "43.21" in answer["answer"]
    assert not list(ctx.settings.upload_dir.glob("*passwd*"))  # nothing escaped or was kept


def test_oversize_is_refused_before_any_file_of_the_upload_is_kept(
    api: TestClient, bad_corpus: list[Case], ctx: ServiceContext
) -> None:
    big = next(c for c in bad_corpus if c.case == "oversize")
    files = [
        ("files", ("kept-not.txt", REPORT_TEXT.replace("12.34", "9.87").encode())),
        ("files", (big.upload_name, big.path.read_bytes())),
    ]
    response = api.post("/reports", files=files, headers=AUTH)
    assert response.status_code == 413 and response.json()["error"]["code"] == "payload_too_large"
    assert not (ctx.settings.upload_dir / "kept-not.txt").exists()


@pytest.mark.parametrize("case", sorted(CLI_REASONS))
def test_cli_ingest_fails_with_one_line_and_a_non_zero_exit(
    ctx: ServiceContext, bad_corpus: list[Case], case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "_context", lambda: ctx)
    bad = next(c for c in bad_corpus if c.case == case)
    before = set(ctx.store.report_ids())
    result = CliRunner().invoke(cli.app, ["ingest", str(bad.path)])
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error ")]
    assert len(errors) == 1 and CLI_REASONS[case] in errors[0], result.output
    assert bad.path.name in errors[0]
    assert set(ctx.store.report_ids()) == before


def test_odd_but_honest_files_are_read_right(ctx: ServiceContext, odd_but_good: list[Case]) -> None:
    wanted = {"gbk": "21.43万元", "gb18030": "𠮷野州", "utf16": "3.33万元", "html-scripts": "56.78"}
    for good in odd_but_good:
        result = ingest_file(good.path, ctx.settings.ingest, ctx.store, ctx.embedder)
        assert result.status == "ingested" and result.report, result.error
        text = ctx.store.get_report(result.report.id)
        assert text is not None and wanted[good.case] in text.text
        assert "脚本" not in text.text and "注入" not in text.text
