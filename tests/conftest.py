"""Session-wide fixtures: one real embedding model, one real Chroma, the corpus ingested once."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.config import IngestSettings
from ingest.embedding import Embedder
from ingest.pipeline import IngestSummary, ingest_paths
from ingest.segmenter import Segmenter
from service.config import ServiceSettings
from service.context import ServiceContext
from tests.live import live_server, writable_context  # noqa: F401  (fixtures for every test)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "eval" / "corpus"
REPORTS_DIR = CORPUS / "reports"
EXCERPTS_DIR = CORPUS / "excerpts"
HONGHE = REPORTS_DIR / "honghe-justice-2024-self-evaluation.txt"
PUTUO_FINANCE = REPORTS_DIR / "putuo-finance-2024-final-accounts.pdf"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def model_cache() -> Path:
    """Built models survive between test runs (the build takes a while); never in the repo's git."""
    return Path(os.environ.get("REPORTQA_MODEL_CACHE", ROOT / "data" / "cache" / "models"))


@pytest.fixture(scope="session")
def embedder(model_cache: Path) -> Embedder:
    settings = IngestSettings()
    return Embedder(settings.embedding_model, model_cache, settings.embedding_batch_size)


@pytest.fixture(scope="session")
def segmenter(tmp_path_factory: pytest.TempPathFactory) -> Segmenter:
    return Segmenter(cache_dir=tmp_path_factory.mktemp("jieba"))


def make_context(
    data_dir: Path, model_cache: Path, embedder: Embedder, segmenter: Segmenter
) -> ServiceContext:
    """A context on its own data folder that reuses the session's loaded model."""
    ingest = IngestSettings(data_dir=data_dir, model_cache=model_cache)
    ctx = ServiceContext(ServiceSettings(ingest=ingest))
    ctx.__dict__["embedder"] = embedder  # cached_property slot: share the loaded model
    ctx.__dict__["segmenter"] = segmenter
    return ctx


@pytest.fixture(scope="session")
def corpus_context(
    tmp_path_factory: pytest.TempPathFactory,
    model_cache: Path,
    embedder: Embedder,
    segmenter: Segmenter,
) -> Iterator[ServiceContext]:
    """A store holding the five corpus reports, ingested once per test session."""
    ctx = make_context(tmp_path_factory.mktemp("corpus-data"), model_cache, embedder, segmenter)
    yield ctx


@pytest.fixture(scope="session")
def corpus_ingest(corpus_context: ServiceContext) -> IngestSummary:
    summary = ingest_paths(
        [REPORTS_DIR], corpus_context.settings.ingest, corpus_context.store, corpus_context.embedder
    )
    assert not summary.failed, [r.error for r in summary.failed]
    return summary
