"""A faster path for single questions: the model's transformer traced and frozen by TorchScript.

sentence-transformers spends more time in Python around each small forward pass than the pass
itself on a two-core machine; a frozen trace of the same weights gives the same vector (checked on
a probe sentence at build time) in about two thirds of the time. Only the common shape is traced —
a transformer, mean or CLS pooling, optional normalisation; anything else keeps the plain path.
"""

from __future__ import annotations

import logging
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

_PROBE = "2024年“三公”经费决算支出多少?"
_MIN_AGREEMENT = 0.9999  # cosine with the plain path on the probe; below it the trace is not used
log = logging.getLogger(__name__)


class TracedQueryEncoder:
    """Encodes one text with a frozen trace of the model's transformer; same vector, less time."""

    def __init__(self, tokenizer: Any, traced: Any, pooling: str, max_length: int) -> None:
        self._tokenizer = tokenizer
        self._traced = traced
        self._pooling = pooling
        self._max_length = max_length

    def encode(self, text: str) -> npt.NDArray[np.float32]:
        import torch

        encoded = self._tokenizer(
            [text], return_tensors="pt", truncation=True, max_length=self._max_length
        )
        mask = encoded["attention_mask"]
        with torch.inference_mode():
            output = self._traced(encoded["input_ids"], mask)
        hidden = output["last_hidden_state"] if isinstance(output, dict) else output[0]
        if self._pooling == "cls":
            pooled = hidden[:, 0]
        else:
            pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
        vector = torch.nn.functional.normalize(pooled, dim=-1)[0]
        result: npt.NDArray[np.float32] = vector.numpy().astype(np.float32)
        return result


def build_traced_encoder(
    model: SentenceTransformer, prompt: str | None
) -> TracedQueryEncoder | None:
    """A traced encoder for `model`, or None when its shape is not the common one or the trace
    does not reproduce the plain path's vector."""
    shape = pooling_of(model)
    if shape is None:
        return None
    try:
        import torch

        transformer: Any = model[0]
        tokenizer = transformer.tokenizer
        example = tokenizer([(prompt or "") + _PROBE], return_tensors="pt")
        # The tracer warns about the padding branch of the attention mask; one unpadded text per
        # call never takes it, and the probe check below would catch a wrong trace.
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            traced: Any = torch.jit.trace(  # type: ignore[no-untyped-call]
                transformer.auto_model.eval(),
                (example["input_ids"], example["attention_mask"]),
                strict=False,
            )
            traced = torch.jit.freeze(traced.eval())
        encoder = TracedQueryEncoder(tokenizer, traced, shape, int(model.max_seq_length or 512))
        plain = model.encode([_PROBE], prompt=prompt, normalize_embeddings=True)[0]
        fast = encoder.encode((prompt or "") + _PROBE)
        if float(np.dot(plain, fast)) < _MIN_AGREEMENT:
            log.warning("traced query encoder disagrees with the model; using the plain path")
            return None
        return encoder
    except Exception as exc:  # tracing is an optimisation: any failure keeps the plain path
        log.warning("cannot trace the query encoder (%s); using the plain path", exc)
        return None


def pooling_of(model: SentenceTransformer) -> str | None:
    """'mean' or 'cls' for a [Transformer, Pooling(, Normalize)] model, else None."""
    modules = [type(m).__name__ for m in model]
    if modules not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        return None
    pooling: Any = model[1]
    config: dict[str, Any] = pooling.get_config_dict()
    mode = config.get("pooling_mode")
    if mode is None:  # older sentence-transformers: one flag per mode
        flags = [k for k, v in config.items() if k.startswith("pooling_mode_") and v is True]
        mode = (
            flags[0].removeprefix("pooling_mode_").removesuffix("_tokens")
            if len(flags) == 1
            else None
        )
    if mode == "cls_token":
        mode = "cls"
    if mode not in ("mean", "cls") or config.get("include_prompt") is False:
        return None
    return str(mode)
