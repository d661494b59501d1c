"""A deployment past one process (issue 11, item 7): services that share one Chroma server and
no folder. An upload through one is answered by the others within seconds; while the server is
down every read is a 503 in the error shape, never a 500 or a hang; once it is back on its folder
and port, the answers are too.

The reader is `reportqa serve --workers 2` (two worker processes); the writer is the same app in
this process, on the session's loaded model: one model load fewer, which is most of the time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from ingest.embedding import Embedder
from ingest.segmenter import Segmenter
from ingest.store_generation import POLL_SECONDS
from service.app import create_app
from tests.conftest import make_context
from tests.hardening.badfiles import REPORT_TEXT
from tests.hardening.processes import ChromaServer, ServeProcess, process_env
from tests.live import ADMIN_TOKEN, free_port, serve

QUESTION = "大理州测试局2024年会议经费支出多少?"
FIGURE = "12.34"
SEEN_WITHIN = 15.0  # seconds for another process to answer from a new report (polls its marker)
REQUEST_TIME = 20.0  # no request may take longer, server up or down (on a busy machine)


def test_services_share_one_chroma_server(
    tmp_path: Path, model_cache: Path, request: pytest.FixtureRequest
) -> None:
    chroma = ChromaServer(tmp_path / "chroma")
    chroma.start()
    server = {"REPORTQA_CHROMA_HOST": "127.0.0.1", "REPORTQA_CHROMA_PORT": str(chroma.port)}
    # Each service on its own data folder: all they share is the Chroma server.
    readers = ServeProcess(
        process_env(tmp_path / "reader", model_cache, **server), "--workers", "2"
    )
    # Asked for only now, so that a model loaded for this test loads while the workers' do.
    embedder: Embedder = request.getfixturevalue("embedder")
    segmenter: Segmenter = request.getfixturevalue("segmenter")
    writer_context = make_context(tmp_path / "writer", model_cache, embedder, segmenter)
    server_ingest = {"chroma_host": "127.0.0.1", "chroma_port": chroma.port}
    ingest = writer_context.settings.ingest.model_copy(update=server_ingest)
    writer_context.settings = writer_context.settings.model_copy(
        update={"ingest": ingest, "admin_token": ADMIN_TOKEN, "first_run_reports": None}
    )
    writing = serve(writer_context)
    try:
        writer = next(writing)
        readers.wait_ready()
        reader = readers.url
        assert not _answered(reader), "the store starts empty"
        _upload(writer, "dali.txt", REPORT_TEXT)
        _wait_for(lambda: _answered(reader), SEEN_WITHIN, "the reader answers from it")
        for _ in range(4):  # fresh connections: either worker of the reader may answer
            assert _answered(reader)
        listed = _get(reader, "/reports")
        assert [r["file_name"] for r in listed.json()["data"]] == ["dali.txt"]

        chroma.kill()
        # Within one marker poll a process may still answer from what it holds in memory;
        # after it, every request of every process (each worker of the reader too) is a 503.
        time.sleep(POLL_SECONDS + 0.5)
        for url in (reader, writer):
            for response in (_ask(url), _get(url, "/reports")):
                _assert_unavailable(response)

        chroma.start()
        _wait_for(lambda: _answered(reader) and _answered(writer), 20.0, "answers return")
        assert _get(reader, "/reports").status_code == 200
    finally:
        writing.close()
        readers.stop()
        chroma.stop()


def _ask(url: str) -> httpx.Response:
    started = time.monotonic()
    response = httpx.post(f"{url}/ask", json={"question": QUESTION}, timeout=REQUEST_TIME)
    assert time.monotonic() - started < REQUEST_TIME
    assert response.status_code in (200, 503), response.text  # never a 500
    return response


def _answered(url: str) -> bool:
    response = _ask(url)
    return response.status_code == 200 and FIGURE in response.json()["answer"]


def _get(url: str, path: str) -> httpx.Response:
    return httpx.get(f"{url}{path}", timeout=REQUEST_TIME)


def _assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.json()["error"]["status"] == 503
    assert response.json()["error"]["code"] == "store_unavailable"
    assert response.json()["error"]["message"]
    assert response.headers["Retry-After"]


def _upload(url: str, name: str, text: str) -> None:
    auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with httpx.Client(base_url=url, headers=auth, timeout=REQUEST_TIME) as client:
        upload = client.post("/reports", files=[("files", (name, text.encode()))])
        assert upload.status_code == 202, upload.text
        job = upload.json()
        deadline = time.monotonic() + 60
        while job["status"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.2)
            job = client.get(f"/jobs/{job['id']}").json()
    assert job["files"][0]["status"] == "ingested", job


def _wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        time.sleep(0.2)


def test_a_service_started_before_its_chroma_server_waits_for_it(
    tmp_path: Path, model_cache: Path, embedder: Embedder, segmenter: Segmenter
) -> None:
    chroma = ChromaServer(tmp_path / "chroma", port=free_port())
    ctx = make_context(tmp_path / "data", model_cache, embedder, segmenter)
    server_ingest = {"chroma_host": "127.0.0.1", "chroma_port": chroma.port}
    ingest = ctx.settings.ingest.model_copy(update=server_ingest)
    ctx.settings = ctx.settings.model_copy(update={"ingest": ingest})
    with TestClient(create_app(context=ctx)) as client:  # runs the app's start-up
        _assert_unavailable(client.get("/reports"))
        _assert_unavailable(client.get("/health"))
        chroma.start()
        try:
            assert client.get("/reports").json()["count"] == 0
            assert client.post("/ask", json={"question": QUESTION}).json()["answerable"] is False
        finally:
            chroma.stop()
