"""The store against a real Chroma server (`chroma run`), as a multi-machine deployment uses it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import chromadb
import pytest

from ingest.config import IngestSettings
from ingest.embedding import Embedder
from ingest.pipeline import ingest_paths
from ingest.store import ReportStore, StoreUnreachable
from ingest.store_generation import ServerGeneration
from tests.conftest import HONGHE
from tests.hardening.processes import chroma_server as running_chroma
from tests.live import free_port


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    with running_chroma(tmp_path_factory.mktemp("chroma-server")) as server:
        yield server.port


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


def test_the_generation_marker_is_one_record_every_client_reads(chroma_server: int) -> None:
    def client() -> chromadb.api.ClientAPI:
        return chromadb.HttpClient(host="127.0.0.1", port=chroma_server)

    writer = ServerGeneration(client(), "marker-test")
    fresh = ServerGeneration(client(), "marker-test", poll_seconds=0.0)
    polled = ServerGeneration(client(), "marker-test", poll_seconds=3600.0)
    assert fresh.generation() == polled.generation() == ""
    first = writer.advance()
    assert fresh.generation() == first
    assert polled.generation() == "", "read again only once the poll interval is over"
    assert writer.advance() != first


def test_a_server_that_is_not_there_is_unreachable_at_once(tmp_path: Path) -> None:
    settings = IngestSettings(data_dir=tmp_path, chroma_host="127.0.0.1", chroma_port=free_port())
    with pytest.raises(StoreUnreachable, match="cannot be reached"):
        ReportStore.open(settings)
