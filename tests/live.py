"""A real reportqa server for the write, streaming, OpenAI and browser tests.

It serves a copy of the session's ingested corpus (so uploads and deletes never touch the store
the other tests count), with the admin token set, over real HTTP from uvicorn in a thread.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from ingest.embedding import Embedder
from ingest.pipeline import IngestSummary
from ingest.segmenter import Segmenter
from service.app import create_app
from service.context import ServiceContext

ADMIN_TOKEN = "test-admin-token"


@dataclass(frozen=True)
class LiveServer:
    url: str
    context: ServiceContext


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(ctx: ServiceContext) -> Iterator[str]:
    """Run the app on a free port until the generator is closed; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(
        create_app(context=ctx), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


@pytest.fixture(scope="session")
def writable_context(
    tmp_path_factory: pytest.TempPathFactory,
    corpus_context: ServiceContext,
    corpus_ingest: IngestSummary,
    model_cache: Path,
    embedder: Embedder,
    segmenter: Segmenter,
) -> ServiceContext:
    """A context on a copy of the ingested corpus, with the admin token configured."""
    from tests.conftest import make_context

    data_dir = tmp_path_factory.mktemp("writable-data")
    shutil.copytree(corpus_context.settings.ingest.store_dir, data_dir / "chroma")
    ctx = make_context(data_dir, model_cache, embedder, segmenter)
    ctx.settings = ctx.settings.model_copy(update={"admin_token": ADMIN_TOKEN})
    return ctx


@pytest.fixture(scope="session")
def live_server(writable_context: ServiceContext) -> Iterator[LiveServer]:
    for url in serve(writable_context):
        yield LiveServer(url, writable_context)
