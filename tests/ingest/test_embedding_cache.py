"""The on-disk passage-vector cache: hits, misses, broken rows and files, keys per model."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from ingest.embedding_cache import CACHE_FILE, EmbeddingCache, cache_key, embed_with_cache

DIM = 4
TEXTS = ["名词解释", "主要职能", "名词解释", "一般公共服务支出"]


class CountingEncoder:
    """A deterministic stand-in for a model: one unit vector per text, every call recorded."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, texts: list[str]) -> npt.NDArray[np.float32]:
        self.seen += texts
        rows = [np.random.default_rng(sum(map(ord, t))).normal(size=DIM) for t in texts]
        vectors = np.asarray(rows, dtype=np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _embed(cache: EmbeddingCache | None, encode: CountingEncoder, identity: str = "m|onnx"):
    return embed_with_cache(TEXTS, encode, DIM, cache, identity, "passage: ")


def test_each_distinct_text_is_encoded_once_and_order_is_kept(tmp_path: Path) -> None:
    encode = CountingEncoder()
    vectors = _embed(EmbeddingCache(tmp_path / CACHE_FILE, DIM), encode)
    assert sorted(encode.seen) == sorted(set(TEXTS))
    np.testing.assert_array_equal(vectors[0], vectors[2])
    np.testing.assert_allclose(vectors, CountingEncoder()(TEXTS))


def test_second_embedder_hits_the_cache(tmp_path: Path) -> None:
    first = EmbeddingCache(tmp_path / CACHE_FILE, DIM)
    expected = _embed(first, CountingEncoder())
    first.close()
    again, encode = EmbeddingCache(tmp_path / CACHE_FILE, DIM), CountingEncoder()
    np.testing.assert_array_equal(_embed(again, encode), expected)
    assert encode.seen == []
    assert (again.hits, again.misses) == (len(TEXTS), 0)


def test_other_model_backend_or_prompt_is_another_key() -> None:
    keys = {
        cache_key("m|onnx", "passage: ", "预算"),
        cache_key("m|torch", "passage: ", "预算"),
        cache_key("other|onnx", "passage: ", "预算"),
        cache_key("m|onnx", "query: ", "预算"),
        cache_key("m|onnx", "passage: ", "预算 "),
    }
    assert len(keys) == 5


def test_other_model_misses(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / CACHE_FILE, DIM)
    _embed(cache, CountingEncoder(), identity="m|onnx")
    encode = CountingEncoder()
    _embed(cache, encode, identity="m|onnx-int8")
    assert sorted(encode.seen) == sorted(set(TEXTS))


@pytest.mark.parametrize(
    "blob",
    [b"\x00" * 3, np.zeros(DIM, "<f4").tobytes(), np.full(DIM, np.nan, "<f4").tobytes()],
    ids=["truncated", "not-unit", "nan"],
)
def test_a_broken_row_is_recomputed_and_rewritten(tmp_path: Path, blob: bytes) -> None:
    path = tmp_path / CACHE_FILE
    expected = _embed(EmbeddingCache(path, DIM), CountingEncoder())
    key = cache_key("m|onnx", "passage: ", "主要职能")
    with sqlite3.connect(path) as db:
        db.execute("UPDATE vectors SET vector = ? WHERE key = ?", (blob, key))
    encode = CountingEncoder()
    np.testing.assert_allclose(_embed(EmbeddingCache(path, DIM), encode), expected)
    assert encode.seen == ["主要职能"]
    again = CountingEncoder()
    _embed(EmbeddingCache(path, DIM), again)
    assert again.seen == []  # the broken row was replaced


def test_a_file_that_is_not_a_database_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILE
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 2000)  # a torn header, as after a bad copy
    encode = CountingEncoder()
    cache = EmbeddingCache(path, DIM)
    _embed(cache, encode)
    assert sorted(encode.seen) == sorted(set(TEXTS))
    assert (tmp_path / (CACHE_FILE + ".corrupt")).exists()
    again = CountingEncoder()
    _embed(EmbeddingCache(path, DIM), again)
    assert again.seen == []


def test_an_unwritable_cache_folder_only_switches_caching_off(tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    encode = CountingEncoder()
    vectors = _embed(EmbeddingCache(blocker / CACHE_FILE, DIM), encode)
    assert vectors.shape == (len(TEXTS), DIM)
