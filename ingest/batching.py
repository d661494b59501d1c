"""Length-sorted batches: texts of like length share a batch, so little of it is padding.

A batch is padded to its longest text; chunks run from a ten-character table row to a 400-character
paragraph, so batches in document order spend much of their work on padding. Texts are sorted by
length, encoded batch by batch, and the vectors put back in the order the texts came in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np
import numpy.typing as npt


def length_batches(texts: Sequence[str], batch_size: int) -> Iterator[list[int]]:
    """Indices of `texts`, longest first, in runs of at most `batch_size`.

    Longest first, so a batch too large for memory fails at once rather than at the end.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    for start in range(0, len(order), batch_size):
        yield order[start : start + batch_size]


def encode_by_length(
    texts: Sequence[str],
    batch_size: int,
    encode: Callable[[list[str]], npt.NDArray[np.float32]],
    dimension: int,
) -> npt.NDArray[np.float32]:
    """`encode` applied to length-sorted batches; row i of the result is the vector of texts[i]."""
    result = np.empty((len(texts), dimension), dtype=np.float32)
    for indices in length_batches(texts, batch_size):
        result[indices] = encode([texts[i] for i in indices])
    return result
