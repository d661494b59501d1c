"""The write API over real HTTP: admin token, multipart upload, jobs, delete."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from ingest.pipeline import IngestSummary
from service.app import create_app
from service.context import ServiceContext
from tests.live import ADMIN_TOKEN, LiveServer

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
REPORT_TEXT = (
    "临沧市测试局2024年度部门整体支出绩效自评报告\n"
    "一、基本情况\n"
    "临沧市测试局2024年度培训经费支出45.67万元。\n"
)


def wait_for(client: httpx.Client, job: dict[str, Any], timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while job["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
        job = client.get(f"/jobs/{job['id']}", headers=AUTH).json()
    return job


@pytest.fixture()
def client(live_server: LiveServer) -> httpx.Client:
    return httpx.Client(base_url=live_server.url, timeout=120)


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 401, "unauthorized"),
        ({"Authorization": "Basic abc"}, 401, "unauthorized"),
        ({"Authorization": "Bearer wrong"}, 403, "forbidden"),
    ],
)
def test_every_write_route_needs_the_token(
    client: httpx.Client, headers: dict[str, str], status: int, code: str
) -> None:
    files = {"files": ("a.txt", b"x", "text/plain")}
    some_id = client.get("/reports").json()["data"][0]["id"]
    for response in (
        client.post("/reports", files=files, headers=headers),
        client.delete(f"/reports/{some_id}", headers=headers),
        client.get("/jobs/whatever", headers=headers),
    ):
        assert response.status_code == status
        assert response.json()["error"]["code"] == code
    assert some_id in {r["id"] for r in client.get("/reports").json()["data"]}


def test_writes_are_off_without_a_configured_token(
    corpus_context: ServiceContext, corpus_ingest: IngestSummary
) -> None:
    assert corpus_context.settings.admin_token is None
    with TestClient(create_app(context=corpus_context)) as test_client:
        response = test_client.post(
            "/reports", files={"files": ("a.txt", b"x", "text/plain")}, headers=AUTH
        )
        assert response.status_code == 403
        assert "REPORTQA_ADMIN_TOKEN" in response.json()["error"]["message"]
        assert test_client.get("/reports").status_code == 200  # reading stays public


def test_upload_poll_ask_replace_delete(client: httpx.Client) -> None:
    files = [
        ("files", ("lincang-test-2024.txt", REPORT_TEXT.encode(), "text/plain")),
        ("files", ("notes.exe", b"MZ", "application/octet-stream")),
        ("files", ("../../empty.txt", b"", "text/plain")),
    ]
    response = client.post("/reports", files=files, headers=AUTH)
    assert response.status_code == 202
    job = wait_for(client, response.json())
    assert job["status"] == "done" and job["done"] == job["total"] == 3
    by_name = {f["name"]: f for f in job["files"]}
    assert by_name["lincang-test-2024.txt"]["status"] == "ingested"
    assert (
        by_name["notes.exe"]["status"] == "rejected" and "不支持" in by_name["notes.exe"]["error"]
    )
    assert by_name["empty.txt"]["status"] == "rejected"  # the folder part of the name is dropped
    report_id = by_name["lincang-test-2024.txt"]["report_id"]
    listed = {r["id"]: r for r in client.get("/reports").json()["data"]}
    assert report_id in listed and listed[report_id]["publisher"] == "临沧市测试局"

    answer = client.post("/ask", json={"question": "临沧市测试局2024年培训经费支出多少?"}).json()
    assert answer["answerable"] and "45.67" in answer["answer"]
    assert answer["citations"][0]["report_id"] == report_id

    again = wait_for(
        client,
        client.post(
            "/reports",
            files=[("files", ("lincang-test-2024.txt", REPORT_TEXT.encode()))],
            headers=AUTH,
        ).json(),
    )
    assert again["files"][0]["status"] == "unchanged"
    changed = REPORT_TEXT.replace("45.67", "54.32").encode()
    replaced = wait_for(
        client,
        client.post(
            "/reports", files=[("files", ("lincang-test-2024.txt", changed))], headers=AUTH
        ).json(),
    )
    assert replaced["files"][0]["status"] == "replaced"
    new_id = replaced["files"][0]["report_id"]
    ids = {r["id"] for r in client.get("/reports").json()["data"]}
    assert new_id in ids and report_id not in ids

    deleted = client.delete(f"/reports/{new_id}", headers=AUTH)
    assert deleted.status_code == 200 and deleted.json()["deleted"] is True
    assert new_id not in {r["id"] for r in client.get("/reports").json()["data"]}
    assert client.delete(f"/reports/{new_id}", headers=AUTH).status_code == 404
    refused = client.post("/ask", json={"question": "临沧市测试局2024年培训经费支出多少?"}).json()
    assert not refused["answerable"]


def test_unknown_job_and_empty_upload(client: httpx.Client) -> None:
    missing = client.get("/jobs/no-such-job", headers=AUTH)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    empty = client.post("/reports", headers=AUTH)
    assert empty.status_code == 422 and empty.json()["error"]["status"] == 422
