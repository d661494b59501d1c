"""Fixtures of the hardening tests: the bad-input corpus and a writable store with a small limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.embedding import Embedder
from ingest.segmenter import Segmenter
from service.context import ServiceContext
from tests.conftest import make_context
from tests.hardening.badfiles import SMALL_LIMIT_MB, Case, bad_files, good_variants
from tests.live import ADMIN_TOKEN


@pytest.fixture(scope="session")
def bad_corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Case]:
    return bad_files(tmp_path_factory.mktemp("bad-input"))


@pytest.fixture(scope="session")
def odd_but_good(tmp_path_factory: pytest.TempPathFactory) -> list[Case]:
    return good_variants(tmp_path_factory.mktemp("odd-input"))


def small_limit_context(
    data_dir: Path, model_cache: Path, embedder: Embedder, segmenter: Segmenter
) -> ServiceContext:
    """A context on its own store, with the admin token and a file limit of a few MB."""
    ctx = make_context(data_dir, model_cache, embedder, segmenter)
    ingest = ctx.settings.ingest.model_copy(update={"max_upload_mb": SMALL_LIMIT_MB})
    ctx.settings = ctx.settings.model_copy(update={"ingest": ingest, "admin_token": ADMIN_TOKEN})
    return ctx
