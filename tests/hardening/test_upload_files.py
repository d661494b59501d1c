"""Uploaded files on disk: staged under a name of their own, moved into place only once stored.

A re-upload that fails its ingest leaves the stored report's file as it was; an oversize upload
keeps nothing; what a dead service left in the staging folder is removed at start and never read
as a report, while a living service's staged files are left alone.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ingest.config import IngestSettings
from ingest.embedding import Embedder
from ingest.pipeline import expand_paths
from ingest.segmenter import Segmenter
from service.app import create_app
from service.config import ServiceSettings
from service.context import ServiceContext
from service.staging import STAGING_FOLDER, Staging
from tests.hardening.badfiles import SMALL_LIMIT_MB
from tests.hardening.conftest import small_limit_context
from tests.live import ADMIN_TOKEN

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
NAME = "baoshan-test-2024.txt"
REPORT = (
    "保山市测试局2024年度部门整体支出绩效自评报告\n"
    "一、基本情况\n"
    "保山市测试局2024年度差旅经费支出23.45万元。\n"
).encode()
QUESTION = "保山市测试局2024年差旅经费支出多少?"


@pytest.fixture(scope="module")
def ctx(
    tmp_path_factory: pytest.TempPathFactory,
    model_cache: Path,
    embedder: Embedder,
    segmenter: Segmenter,
) -> ServiceContext:
    context = small_limit_context(
        tmp_path_factory.mktemp("upload-files"), model_cache, embedder, segmenter
    )
    context.settings = context.settings.model_copy(update={"first_run_reports": None})
    return context


@pytest.fixture(scope="module")
def api(ctx: ServiceContext) -> Iterator[TestClient]:
    with TestClient(create_app(context=ctx), raise_server_exceptions=False) as client:
        yield client


def _upload(client: TestClient, *files: tuple[str, bytes]) -> Any:
    return client.post("/reports", files=[("files", f) for f in files], headers=AUTH)


def _finished(client: TestClient, job: dict[str, Any]) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while job["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.1)
        job = client.get(f"/jobs/{job['id']}", headers=AUTH).json()
    return job


def _reports(client: TestClient) -> list[dict[str, Any]]:
    return list(client.get("/reports").json()["data"])


def _staged(ctx: ServiceContext) -> list[Path]:
    """Staged uploads (not the lock files that say which service a staging folder is of)."""
    found = (ctx.settings.upload_dir / STAGING_FOLDER).rglob("*")
    return [p for p in found if p.is_file() and p.suffix != ".lock"]


def test_a_failed_reupload_leaves_the_stored_report_and_its_file(
    api: TestClient, ctx: ServiceContext
) -> None:
    first = _finished(api, _upload(api, (NAME, REPORT)).json())
    assert first["files"][0]["status"] == "ingested", first
    stored = ctx.settings.upload_dir / NAME
    (report,) = [r for r in _reports(api) if r["id"] == first["files"][0]["report_id"]]
    assert report["file_name"] == NAME and report["source_path"] == str(stored.resolve())
    before = _reports(api)

    # Passes the checks made at upload (it is text) but holds none: refused by its ingest.
    blank = _finished(api, _upload(api, (NAME, b" \n\n \n")).json())
    (outcome,) = blank["files"]
    assert outcome["status"] == "rejected" and "no text" in outcome["error"], outcome
    assert NAME in outcome["error"] and STAGING_FOLDER not in outcome["error"]

    assert stored.read_bytes() == REPORT
    assert _reports(api) == before
    answer = api.post("/ask", json={"question": QUESTION}).json()
    assert answer["answerable"] and "23.45" in answer["answer"], answer
    assert not _staged(ctx)


def test_a_good_reupload_takes_the_files_place(api: TestClient, ctx: ServiceContext) -> None:
    changed = REPORT.replace(b"23.45", b"32.10")
    job = _finished(api, _upload(api, (NAME, changed)).json())
    assert job["files"][0]["status"] == "replaced", job
    assert (ctx.settings.upload_dir / NAME).read_bytes() == changed
    answer = api.post("/ask", json={"question": QUESTION}).json()
    assert answer["answerable"] and "32.10" in answer["answer"], answer
    assert not _staged(ctx)


def test_an_oversize_upload_keeps_no_file(api: TestClient, ctx: ServiceContext) -> None:
    line = "保山市测试局2024年度差旅经费支出23.45万元。\n".encode()
    big = line * (SMALL_LIMIT_MB * 2**20 // len(line) + 100)
    before = set(ctx.settings.upload_dir.rglob("*"))
    response = _upload(
        api, ("small-first.txt", REPORT.replace(b"23.45", b"6.78")), ("big.txt", big)
    )
    assert response.status_code == 413, response.text
    error = response.json()["error"]
    assert error["code"] == "payload_too_large" and f"{SMALL_LIMIT_MB} MB" in error["message"]
    assert set(ctx.settings.upload_dir.rglob("*")) == before
    assert not _staged(ctx)


def test_stale_staging_is_removed_at_start_and_a_living_services_is_kept(
    tmp_path: Path,
) -> None:
    settings = ServiceSettings(ingest=IngestSettings(data_dir=tmp_path), first_run_reports=None)
    staging = tmp_path / "uploads" / STAGING_FOLDER
    dead = staging / "0dead"
    dead.mkdir(parents=True)
    (staging / "0dead.lock").touch()  # its process is gone, so no one holds the lock
    (dead / "1234-stale.txt").write_bytes(REPORT)
    (staging / "5678-loose.txt").write_bytes(REPORT)
    living = Staging(settings.upload_dir)  # another service on the same data folder
    receiving = living.new_path("arriving.txt")
    receiving.write_bytes(REPORT)

    ctx = ServiceContext(settings)
    ctx.__dict__["warm_up"] = lambda: None  # an empty store, nothing to warm
    try:
        with TestClient(create_app(context=ctx)) as client:
            assert client.get("/reports").json()["data"] == []
        assert sorted(p.name for p in _staged(ctx)) == [receiving.name]
        assert not list(expand_paths([settings.upload_dir]))  # a staged file is no report
    finally:
        living.close()
    assert not staging.exists() or not any(staging.iterdir())
