"""The HTTP app end to end: real corpus, real model, real Chroma."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from ingest.pipeline import IngestSummary
from service.app import create_app
from service.context import ServiceContext


@pytest.fixture(scope="module")
def client(corpus_context: ServiceContext, corpus_ingest: IngestSummary) -> Iterator[TestClient]:
    with TestClient(create_app(context=corpus_context)) as test_client:
        yield test_client


def test_health_counts_the_corpus(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["reports"] == 5 and body["chunks"] > 100


def test_report_text_spans_match_chunks(client: TestClient) -> None:
    reports = client.get("/reports").json()
    assert reports["count"] == 5
    hits = client.get("/search", params={"q": "三公经费决算支出", "top_k": 5}).json()["data"]
    assert hits
    for hit in hits:
        span = client.get(
            f"/reports/{hit['report_id']}/text", params={"start": hit["start"], "end": hit["end"]}
        ).json()
        assert span["text"] == hit["text"]


def test_report_detail_has_sections_and_pages(client: TestClient) -> None:
    report_id = next(r["id"] for r in client.get("/reports").json()["data"] if r["format"] == "pdf")
    detail = client.get(f"/reports/{report_id}").json()
    assert detail["pages"] and detail["pages"][0]["number"] == 1
    assert detail["sections"]


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("get", "/reports/unknown-id", 404),
        ("get", "/reports/unknown-id/text", 404),
        ("get", "/search?q=", 422),
        ("get", "/search?q=%20", 400),
        ("get", "/search?q=x&top_k=0", 422),
        ("get", "/no-such-route", 404),
    ],
)
def test_errors_share_one_json_shape(
    client: TestClient, method: str, url: str, status: int
) -> None:
    response = client.request(method, url)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["status"] == status and error["code"] and error["message"]
