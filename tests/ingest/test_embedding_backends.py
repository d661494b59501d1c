"""The onnxruntime backends give torch's vectors, on real corpus chunks.

The full check, every corpus chunk, is `python -m eval.embedding_check`; this keeps a few of the
chunks it found hardest (table rows and headers from the PDFs) and a prose paragraph.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ingest.config import DEFAULT_EMBEDDING_BACKEND, IngestSettings
from ingest.embedding import Embedder
from ingest.onnx_export import EXPORT_MARKER, export_folder
from ingest.pipeline import build_report
from tests.conftest import HONGHE, PUTUO_FINANCE

pytestmark = pytest.mark.slow
MIN_COSINE = 0.99


@pytest.fixture(scope="module")
def torch_embedder(model_cache: Path) -> Embedder:
    return Embedder(IngestSettings().embedding_model, model_cache, backend="torch")


@pytest.fixture(scope="module")
def corpus_chunks() -> list[str]:
    texts: list[str] = []
    for path in (HONGHE, PUTUO_FINANCE):
        _, chunks = build_report(path, path.read_bytes(), IngestSettings())
        texts += [c.embedding_text for c in chunks[::25]]
    return texts


def test_default_backend_matches_torch(
    embedder: Embedder, torch_embedder: Embedder, corpus_chunks: list[str]
) -> None:
    assert embedder.backend == DEFAULT_EMBEDDING_BACKEND
    ours = embedder.embed_passages(corpus_chunks)
    reference = torch_embedder.embed_passages(corpus_chunks)
    cosine = np.sum(ours * reference, axis=1)
    assert cosine.min() >= MIN_COSINE, corpus_chunks[int(np.argmin(cosine))]
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_query_vectors_stay_on_the_torch_path(embedder: Embedder, torch_embedder: Embedder) -> None:
    question = "红河州司法局2024年“三公”经费决算支出多少?"
    assert float(embedder.embed_query(question) @ torch_embedder.embed_query(question)) > 0.9999


def test_export_is_built_once_with_its_marker(embedder: Embedder, model_cache: Path) -> None:
    if embedder.backend == "torch":
        pytest.skip("the default backend exports nothing")
    folders = [p for p in model_cache.iterdir() if p.name.endswith("-onnx")]
    assert folders, "no export beside the model"
    marker = json.loads((folders[0] / EXPORT_MARKER).read_text(encoding="utf-8"))
    assert marker["source_build"] is not None  # tied to the source model's own build
    assert export_folder(model_cache, marker["source"]) == folders[0]
