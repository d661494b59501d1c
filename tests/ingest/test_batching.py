"""Length-sorted batches: like lengths together, vectors back in the texts' order."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from ingest.batching import encode_by_length, length_batches

TEXTS = ["表1", "一般公共服务支出2106.66万元,占71.73%。", "", "预算执行率95.50%", "名词解释", "三"]


def test_batches_hold_like_lengths_and_every_index_once() -> None:
    batches = list(length_batches(TEXTS, 2))
    assert sorted(i for batch in batches for i in batch) == list(range(len(TEXTS)))
    assert all(len(batch) <= 2 for batch in batches)
    lengths = [len(TEXTS[i]) for batch in batches for i in batch]
    assert lengths == sorted(lengths, reverse=True)


def test_vectors_come_back_in_input_order() -> None:
    calls: list[list[str]] = []

    def encode(batch: list[str]) -> npt.NDArray[np.float32]:
        calls.append(batch)
        return np.asarray([[len(t), ord(t[0]) if t else 0] for t in batch], dtype=np.float32)

    vectors = encode_by_length(TEXTS, 4, encode, 2)
    assert vectors[:, 0].tolist() == [len(t) for t in TEXTS]
    assert vectors[:, 1].tolist() == [ord(t[0]) if t else 0 for t in TEXTS]
    assert [len(c) for c in calls] == [4, 2]


def test_no_texts_no_calls() -> None:
    def encode(batch: list[str]) -> npt.NDArray[np.float32]:
        raise AssertionError("called")

    assert encode_by_length([], 8, encode, 3).shape == (0, 3)


def test_batch_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        list(length_batches(TEXTS, 0))
