"""POST /ask/stream read by a real SSE client over real HTTP; conversations and follow-ups."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from httpx_sse import connect_sse

from tests.live import LiveServer

SANGONG = "红河州司法局2024年“三公”经费决算支出多少?"


def stream(client: httpx.Client, body: dict[str, Any]) -> list[tuple[str, Any]]:
    with connect_sse(client, "POST", "/ask/stream", json=body) as source:
        assert source.response.headers["content-type"].startswith("text/event-stream")
        return [(e.event, json.loads(e.data)) for e in source.iter_sse()]


@pytest.fixture()
def client(live_server: LiveServer) -> httpx.Client:
    return httpx.Client(base_url=live_server.url, timeout=120)


def test_stream_carries_the_same_answer_as_ask(client: httpx.Client) -> None:
    events = stream(client, {"question": SANGONG})
    names = [name for name, _ in events]
    assert names[0] == "meta" and names[-2:] == ["citations", "done"]
    assert set(names[1:-2]) == {"answer"} and len(names) > 4  # the text comes in pieces
    text = "".join(data["text"] for name, data in events if name == "answer")
    done = events[-1][1]
    plain = client.post("/ask", json={"question": SANGONG}).json()
    assert text == done["answer"] == plain["answer"]
    assert "12.85" in text
    assert events[-2][1]["citations"] == done["citations"] == plain["citations"]
    assert done["conversation_id"] == events[0][1]["conversation_id"]
    for citation in done["citations"]:
        span = client.get(
            f"/reports/{citation['report_id']}/text",
            params={"start": citation["start"], "end": citation["end"]},
        ).json()
        assert span["text"] == citation["quote"]


def test_follow_ups_resolve_against_the_conversation(client: httpx.Client) -> None:
    first = stream(client, {"question": "红河州司法局2024年基本支出是多少?"})
    conversation = first[0][1]["conversation_id"]
    report = first[-1][1]["report_id"]

    project = stream(client, {"question": "那项目支出呢?", "conversation_id": conversation})[-1][1]
    assert project["resolved"] == "红河州司法局2024年项目支出是多少?"
    assert project["answerable"] and project["report_id"] == report
    assert "80.00" in project["answer"] or "1,045.52" in project["answer"]

    last_year = stream(client, {"question": "去年呢?", "conversation_id": conversation})[-1][1]
    assert last_year["resolved"] == "红河州司法局2023年项目支出是多少?"

    other = stream(client, {"question": SANGONG})
    why = stream(
        client, {"question": "它为什么下降?", "conversation_id": other[0][1]["conversation_id"]}
    )[-1][1]
    assert why["resolved"] == "红河州司法局2024年“三公”经费决算支出为什么下降?"
    assert why["answerable"] and "原因" in why["answer"]


def test_a_refusal_streams_related_passages_not_support(client: httpx.Client) -> None:
    events = stream(client, {"question": "红河州司法局2024年飞机采购支出多少?"})
    done = events[-1][1]
    assert not done["answerable"] and done["answer"] == "报告中未找到相关信息"
    assert events[-2][1]["citations"] == [] and events[-2][1]["related"] == done["related"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"question": "三公经费", "conversation_id": "no-such-conversation"}, 404),
        ({"question": "三公经费", "report": "no-such-report"}, 404),
        ({"question": ""}, 422),
        ({"question": "三公经费", "top_k": 0}, 422),
    ],
)
def test_bad_stream_requests_are_json_errors(
    client: httpx.Client, body: dict[str, Any], status: int
) -> None:
    response = client.post("/ask/stream", json=body)
    assert response.status_code == status
    assert response.json()["error"]["status"] == status


def test_the_page_is_served_and_builds_no_markup_from_text(client: httpx.Client) -> None:
    page = client.get("/")
    assert page.status_code == 200 and '<html lang="zh-CN">' in page.text
    script = client.get("/static/app.js")
    assert script.status_code == 200
    # Report text reaches the page as text nodes only: no API that parses strings as HTML.
    for parser in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert parser not in script.text
    assert "https://" not in page.text and "http://" not in script.text  # no CDN at run time
