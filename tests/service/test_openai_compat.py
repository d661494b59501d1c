"""The OpenAI-compatible API, driven by the official `openai` client against the live server."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
from fastapi.testclient import TestClient
from openai import OpenAI

from ingest.embedding import Embedder
from ingest.segmenter import Segmenter
from service.app import create_app
from tests.conftest import make_context
from tests.live import LiveServer

SANGONG = "红河州司法局2024年“三公”经费决算支出多少?"


@pytest.fixture()
def client(live_server: LiveServer) -> OpenAI:
    return OpenAI(base_url=f"{live_server.url}/v1", api_key="unused", max_retries=0, timeout=120)


def extra(obj: Any) -> dict[str, Any]:
    return dict(obj.model_extra or {})


def test_models_lists_reportqa(client: OpenAI) -> None:
    assert [m.id for m in client.models.list()] == ["reportqa"]


def test_completion_numbers_its_citations_and_lists_sources(
    client: OpenAI, live_server: LiveServer
) -> None:
    completion = client.chat.completions.create(
        model="reportqa", messages=[{"role": "user", "content": SANGONG}]
    )
    text = completion.choices[0].message.content or ""
    assert completion.choices[0].finish_reason == "stop"
    answer, _, sources = text.partition("\n\n来源:\n")
    assert "12.85" in answer and "[1]" in answer
    citations = extra(completion)["citations"]
    assert citations and extra(completion)["reportqa"]["answerable"] is True
    listed = re.findall(r"^\[(\d+)\] ", sources, flags=re.M)
    assert listed == [str(n) for n in range(1, len(citations) + 1)]
    for n, citation in enumerate(citations, start=1):
        assert f"[{n}] {citation['title']}" in sources and citation["quote"] in sources
        span = httpx.get(
            f"{live_server.url}/reports/{citation['report_id']}/text",
            params={"start": citation["start"], "end": citation["end"]},
        ).json()
        assert span["text"] == citation["quote"]


def test_stream_carries_the_same_reply(client: OpenAI) -> None:
    messages: list[Any] = [{"role": "user", "content": SANGONG}]
    whole = client.chat.completions.create(model="reportqa", messages=messages)
    chunks = list(client.chat.completions.create(model="reportqa", messages=messages, stream=True))
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert len(chunks) > 3 and text == whole.choices[0].message.content
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert extra(chunks[-1])["citations"] == extra(whole)["citations"]


def test_the_history_is_the_conversation(client: OpenAI) -> None:
    first = "红河州司法局2024年基本支出是多少?"
    reply = client.chat.completions.create(
        model="reportqa", messages=[{"role": "user", "content": first}]
    )
    history: list[Any] = [
        {"role": "system", "content": "你是预算报告助手"},
        {"role": "user", "content": first},
        {"role": "assistant", "content": reply.choices[0].message.content},
        {"role": "user", "content": "那项目支出呢?"},
    ]
    follow = client.chat.completions.create(model="reportqa", messages=history)
    meta = extra(follow)["reportqa"]
    assert meta["followup"] and meta["resolved"] == "红河州司法局2024年项目支出是多少?"
    assert meta["answerable"] and meta["report_id"] == extra(reply)["reportqa"]["report_id"]
    # A history the client rewrote is replayed from its questions to the same topic.
    history[2] = {"role": "assistant", "content": "(已编辑)"}
    edited = client.chat.completions.create(model="reportqa", messages=history)
    assert extra(edited)["reportqa"]["resolved"] == meta["resolved"]


def test_a_refusal_says_so_and_lists_related_passages_as_not_support(client: OpenAI) -> None:
    completion = client.chat.completions.create(
        model="reportqa",
        messages=[{"role": "user", "content": "红河州司法局2024年飞机采购支出多少?"}],
    )
    text = completion.choices[0].message.content or ""
    assert text.startswith("报告中未找到相关信息")
    assert "[1]" not in text and "来源" not in text
    assert extra(completion)["citations"] == []
    if extra(completion)["reportqa"]["related"]:
        assert "可能相关(非依据" in text


def test_bad_requests_are_errors_the_client_raises(client: OpenAI) -> None:
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": SANGONG}]
        )
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(
            model="reportqa", messages=[{"role": "assistant", "content": "你好"}]
        )


def test_browser_chat_front_ends_are_let_in_only_when_configured(
    tmp_path: Path, model_cache: Path, embedder: Embedder, segmenter: Segmenter
) -> None:
    ctx = make_context(tmp_path, model_cache, embedder, segmenter)
    preflight = {
        "Origin": "http://chat.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }
    with TestClient(create_app(context=ctx)) as closed:
        response = closed.options("/v1/chat/completions", headers=preflight)
        assert "access-control-allow-origin" not in response.headers
    ctx.settings = ctx.settings.model_copy(update={"cors_origins": ("http://chat.example",)})
    with TestClient(create_app(context=ctx)) as opened:
        response = opened.options("/v1/chat/completions", headers=preflight)
        assert response.headers["access-control-allow-origin"] == "http://chat.example"
        other = opened.get("/v1/models", headers={"Origin": "http://elsewhere.example"})
        assert "access-control-allow-origin" not in other.headers
