"""The store against a real Chroma server (`chroma run`), as a multi-machine deployment uses it."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.config import IngestSettings
from ingest.embedding import Embedder
from ingest.pipeline import ingest_paths
from ingest.store import ReportStore
from tests.conftest import HONGHE


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
    assert chroma, "the chroma command comes with the chromadb package"
    port = _free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    process = subprocess.Popen(
        [chroma, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("chroma server did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_ingest_and_search_through_a_chroma_server(
    chroma_server: int, tmp_path: Path, model_cache: Path, embedder: Embedder
) -> None:
    settings = IngestSettings(
        data_dir=tmp_path,
        model_cache=model_cache,
        chroma_host="127.0.0.1",
        chroma_port=chroma_server,
    )
    store = ReportStore.open(settings)
    summary = ingest_paths([HONGHE], settings, store, embedder)
    assert summary.count("ingested") == 1
    assert not (tmp_path / "chroma").exists(), "server mode must not write a local store"
    hits = store.query(embedder.embed_query("三公经费决算支出"), top_k=5)
    assert any("12.85" in h.text for h in hits)
    again = ingest_paths([HONGHE], settings, ReportStore.open(settings), embedder)
    assert again.count("unchanged") == 1
