"""Session fixtures for the evaluation tests: the 红河 report's id and one baseline index over it.

The baseline index embeds every splitter chunk, so it is built once per session and only over the
红河 report (about 45 chunks), which every question of these tests is asked within.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from eval.baseline import BaselineIndex
from ingest.pipeline import IngestSummary
from service.context import ServiceContext
from tests.conftest import HONGHE


@pytest.fixture(scope="session")
def honghe_id(corpus_context: ServiceContext, corpus_ingest: IngestSummary) -> str:
    for report in corpus_context.store.list_reports():
        if report.file_name == HONGHE.name:
            return report.id
    raise AssertionError(f"{HONGHE.name} was not ingested")


@pytest.fixture(scope="session")
def honghe_baseline(corpus_context: ServiceContext, honghe_id: str) -> Iterator[BaselineIndex]:
    with BaselineIndex(corpus_context, [honghe_id]) as index:
        yield index
