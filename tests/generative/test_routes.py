"""The generative paths over HTTP: /ask, /ask/stream, /v1/chat/completions, the summary route,
and the CLI — with the scripted model configured, and without one (exactly extractive)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from eval.scripted_model import ScriptedLLM, restate_every_fact
from ingest.pipeline import IngestSummary
from service import cli
from service.app import create_app
from service.context import ServiceContext
from tests.conftest import HONGHE

BUDGET = "2024年红河州司法局本级机关年初预算安排是多少?"


@pytest.fixture(scope="module")
def generative(generative_context: ServiceContext) -> Iterator[TestClient]:
    yield TestClient(create_app(context=generative_context))


@pytest.fixture(scope="module")
def extractive(corpus_context: ServiceContext, corpus_ingest: IngestSummary) -> TestClient:
    return TestClient(create_app(context=corpus_context))


def _sse(text: str) -> list[tuple[str, Any]]:
    events = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_ask_says_how_the_answer_was_made(
    generative: TestClient, extractive: TestClient, scripted: ScriptedLLM
) -> None:
    body = generative.post("/ask", json={"question": BUDGET}).json()
    assert body["mode"] == "generative" and "1,670.62万元" in body["answer"]
    assert body["generation"]["model"] == "scripted" and body["generation"]["reason"] is None
    plain = extractive.post("/ask", json={"question": BUDGET}).json()
    assert plain["mode"] == "extractive" and plain["generation"] is None
    assert plain["citations"] == body["citations"]
    scripted.script = lambda m: "年初预算安排1,670.26万元[1]。"
    fallback = generative.post("/ask", json={"question": BUDGET}).json()
    assert fallback["mode"] == "extractive_fallback"
    assert fallback["answer"] == plain["answer"] and "1,670.26" in fallback["generation"]["reason"]


def test_the_stream_carries_the_generative_answer(
    generative: TestClient, scripted: ScriptedLLM
) -> None:
    scripted.script = lambda m: "本级机关年初预算安排1,670.62万元[1],其中基本支出1,590.62万元[1]。"
    response = generative.post("/ask/stream", json={"question": BUDGET})
    events = _sse(response.text)
    text = "".join(d["text"] for name, d in events if name == "answer")
    done = events[-1][1]
    assert done["mode"] == "generative"
    assert text == done["answer"] == "本级机关年初预算安排1,670.62万元,其中基本支出1,590.62万元。"


def test_the_resolver_rewrites_a_follow_up(generative: TestClient, scripted: ScriptedLLM) -> None:
    first = _sse(generative.post("/ask/stream", json={"question": BUDGET}).text)
    conversation = first[0][1]["conversation_id"]

    def script(messages: list[dict[str, Any]]) -> str:
        if "改写" in messages[0]["content"]:
            return "2024年红河州司法局本级机关年初预算中项目支出安排是多少?"
        from eval.scripted_model import quote_every_passage

        return quote_every_passage(messages)

    scripted.script = script
    events = _sse(
        generative.post(
            "/ask/stream", json={"question": "那项目支出呢", "conversation_id": conversation}
        ).text
    )
    done = events[-1][1]
    assert done["resolved"] == "2024年红河州司法局本级机关年初预算中项目支出安排是多少?"
    assert "80.00" in done["answer"]


def test_a_rewrite_inventing_a_number_is_not_used(
    generative: TestClient, scripted: ScriptedLLM
) -> None:
    first = _sse(generative.post("/ask/stream", json={"question": BUDGET}).text)
    conversation = first[0][1]["conversation_id"]
    scripted.script = lambda m: "2023年红河州司法局项目支出是多少?"  # 2023 asked by no one
    events = _sse(
        generative.post(
            "/ask/stream", json={"question": "那项目支出呢", "conversation_id": conversation}
        ).text
    )
    assert "2023" not in events[-1][1]["resolved"]


def test_the_chat_api_numbers_generated_sentences(
    generative: TestClient, scripted: ScriptedLLM
) -> None:
    body = generative.post(
        "/v1/chat/completions",
        json={"model": "reportqa", "messages": [{"role": "user", "content": BUDGET}]},
    ).json()
    content = body["choices"][0]["message"]["content"]
    assert body["reportqa"]["mode"] == "generative"
    assert content.splitlines()[0].endswith("[1]") and "来源:" in content


def test_the_summary_route_and_its_errors(
    generative: TestClient, extractive: TestClient, scripted: ScriptedLLM
) -> None:
    report_id = extractive.get("/reports").json()["data"][0]["id"]
    plain = extractive.post(f"/reports/{report_id}/summary").json()
    assert plain["mode"] == "extractive" and plain["facts"] and plain["citations"]
    scripted.script = restate_every_fact
    made = generative.post(f"/reports/{report_id}/summary").json()
    assert made["mode"] == "generative" and made["citations"] == plain["citations"]
    missing = extractive.post("/reports/no-such-report/summary")
    assert missing.status_code == 404
    assert set(missing.json()["error"]) == {"status", "code", "message"}


def test_the_summary_command(
    corpus_context: ServiceContext, corpus_ingest: IngestSummary, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "_context", lambda: corpus_context)
    result = CliRunner().invoke(cli.app, ["summary", str(HONGHE)])
    assert result.exit_code == 0, result.output
    assert "1,670.62万元" in result.output and "[1]" in result.output
    result = CliRunner().invoke(cli.app, ["summary", "no-such-report"])
    assert result.exit_code == 2 and "error:" in result.output
