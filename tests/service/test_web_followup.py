"""Follow-up rewriting on its own, and the first-run ingest seen through /health."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ingest.embedding import Embedder
from ingest.segmenter import Segmenter
from service.app import create_app
from service.conversation.followup import Topic, resolve, topic_of
from tests.conftest import HONGHE, make_context

PREVIOUS = topic_of("红河州司法局2024年“三公”经费决算支出多少?", "r1", "红河州司法局", 2024)


def test_topic_splits_body_year_subject_and_tail() -> None:
    assert (
        Topic(
            "红河州司法局2024年“三公”经费决算支出多少?",
            "r1",
            "红河州司法局",
            2024,
            "“三公”经费决算支出",
            "多少?",
        )
        == PREVIOUS
    )
    # no stated year: the report's own year is the topic's
    assert topic_of("项目支出是多少?", "r1", "红河州司法局", 2024).year == 2024


@pytest.mark.parametrize(
    ("asked", "text", "report"),
    [
        ("那项目支出呢?", "红河州司法局2024年项目支出多少?", "r1"),
        ("基本支出呢", "红河州司法局2024年基本支出多少?", "r1"),
        ("去年呢?", "红河州司法局2023年“三公”经费决算支出多少?", None),
        ("前年的呢?", "红河州司法局2022年“三公”经费决算支出多少?", None),
        ("2024年呢?", "红河州司法局2024年“三公”经费决算支出多少?", "r1"),
        ("今年呢?", "红河州司法局2024年“三公”经费决算支出多少?", "r1"),
        ("上年结转呢?", "红河州司法局2024年上年结转多少?", "r1"),
        ("那2023年的基本支出呢?", "红河州司法局2023年基本支出多少?", None),
        ("那去年的项目支出呢?", "红河州司法局2023年项目支出多少?", None),
        ("它为什么下降?", "红河州司法局2024年“三公”经费决算支出为什么下降?", "r1"),
        ("其中公务接待费是多少?", "红河州司法局2024年“三公”经费决算支出中公务接待费是多少?", "r1"),
    ],
)
def test_follow_ups_become_standalone(asked: str, text: str, report: str | None) -> None:
    resolution = resolve(asked, PREVIOUS)
    assert (resolution.text, resolution.report, resolution.followup) == (text, report, True)


def test_a_new_question_keeps_the_report_only_when_it_names_none() -> None:
    names_none = resolve("项目支出是多少?", PREVIOUS, lambda text: False)
    assert (names_none.text, names_none.report) == ("项目支出是多少?", "r1")
    names_one = resolve("普陀区财政局的基本支出是多少?", PREVIOUS, lambda text: True)
    assert names_one.report is None and not names_one.followup
    other_year = resolve("2026年的预算是多少?", PREVIOUS, lambda text: False)
    assert other_year.report is None
    assert resolve("那项目支出呢?", None).text == "那项目支出呢?"  # nothing to follow


def test_first_run_serves_at_once_and_ingests_in_the_background(
    tmp_path: Path, model_cache: Path, embedder: Embedder, segmenter: Segmenter
) -> None:
    bundled = tmp_path / "bundled"
    bundled.mkdir()
    (bundled / HONGHE.name).write_text(HONGHE.read_text(encoding="utf-8")[:3000], encoding="utf-8")
    ctx = make_context(tmp_path / "data", model_cache, embedder, segmenter)
    ctx.settings = ctx.settings.model_copy(update={"first_run_reports": bundled})
    with TestClient(create_app(context=ctx)) as client:
        first = client.get("/health").json()
        assert first["status"] == "ok" and first["ingest"]["kind"] == "first_run"
        assert first["ingest"]["total"] == 1
        deadline = time.monotonic() + 120
        health = first
        while health["ingest"]["status"] in ("queued", "running"):
            assert time.monotonic() < deadline
            time.sleep(0.2)
            health = client.get("/health").json()
        assert health["ingest"]["status"] == "done" and health["ingest"]["done"] == 1
        assert health["ingest"]["files"][0]["status"] == "ingested"
        assert health["reports"] == 1 and health["chunks"] > 0
        assert client.get("/").status_code == 200
    # a store that holds reports is never re-ingested at start
    with TestClient(create_app(context=ctx)) as client:
        assert client.get("/health").json()["ingest"] is None
