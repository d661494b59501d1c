"""Fixtures of the generative tests: the scripted model server and contexts configured for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from eval.scripted_model import ScriptedLLM, quote_every_passage, run_scripted_llm
from ingest.pipeline import IngestSummary
from service.config import LLMSettings
from service.context import ServiceContext

SHARED = ("store", "embedder", "segmenter", "retriever", "scorer")


@pytest.fixture(scope="session")
def scripted_server() -> Iterator[ScriptedLLM]:
    yield from run_scripted_llm()


@pytest.fixture()
def scripted(scripted_server: ScriptedLLM) -> Iterator[ScriptedLLM]:
    """The server with the correct script and no requests recorded; reset after each test."""
    scripted_server.script = quote_every_passage
    scripted_server.requests.clear()
    yield scripted_server
    scripted_server.script = quote_every_passage


def with_model(ctx: ServiceContext, url: str, timeout: float = 2.0) -> ServiceContext:
    """A context on `ctx`'s store and loaded models, with the scripted model configured."""
    llm = LLMSettings(base_url=url, model="scripted", timeout_seconds=timeout, retries=0)
    configured = ServiceContext(ctx.settings.model_copy(update={"llm": llm}))
    for name in SHARED:
        configured.__dict__[name] = getattr(ctx, name)
    # the records caches are keyed by report id (a content hash): sharing them is safe
    configured._records = ctx._records
    configured._record_words = ctx._record_words
    configured._cells = ctx._cells
    return configured


@pytest.fixture(scope="session")
def generative_context(
    corpus_context: ServiceContext, corpus_ingest: IngestSummary, scripted_server: ScriptedLLM
) -> ServiceContext:
    return with_model(corpus_context, scripted_server.url)
