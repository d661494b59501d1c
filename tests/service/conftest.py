"""Fixtures shared by the service tests."""

from __future__ import annotations

import pytest

from ingest.pipeline import IngestSummary
from service import cli
from service.context import ServiceContext


@pytest.fixture()
def cli_on_corpus(
    corpus_context: ServiceContext, corpus_ingest: IngestSummary, monkeypatch: pytest.MonkeyPatch
) -> ServiceContext:
    monkeypatch.setattr(cli, "_context", lambda: corpus_context)
    return corpus_context
