"""Passages embedded by onnxruntime from the files `ingest.onnx_export` writes.

The session returns the pooled, normalised vector; the tokenizer is the model's own (the same one
sentence-transformers uses), so the ids fed to the graph are the ones the torch path sees.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt


class OnnxPassageEncoder:
    """One onnxruntime session over an exported sentence-embedding graph."""

    def __init__(self, model_file: Path, tokenizer: Any, max_length: int) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3  # the int8 graph's harmless shape-inference notes
        self._session = ort.InferenceSession(
            str(model_file), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = tokenizer
        self._max_length = max_length

    def encode(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """Vectors (n, d) for already prompted texts, in order."""
        encoded = self._tokenizer(
            texts,
            padding=True,
            truncation=True,
            max_length=self._max_length,
            return_tensors="np",
        )
        feeds = {
            "input_ids": encoded["input_ids"].astype(np.int64),
            "attention_mask": encoded["attention_mask"].astype(np.int64),
        }
        (vectors,) = self._session.run(["embedding"], feeds)
        result: npt.NDArray[np.float32] = np.asarray(vectors, dtype=np.float32)
        return result
