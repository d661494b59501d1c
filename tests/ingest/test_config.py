from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.config import EMBEDDING_BACKENDS, IngestSettings
from service.config import LLMSettings, ServiceSettings


def test_env_is_read_once_into_settings() -> None:
    env = {
        "REPORTQA_DATA_DIR": "/srv/rq",
        "REPORTQA_EMBEDDING_MODEL": "BAAI/bge-small-zh-v1.5",
        "REPORTQA_CHUNK_MAX_CHARS": "300",
        "REPORTQA_CHROMA_HOST": "chroma.internal",
    }
    settings = IngestSettings.from_env(env)
    assert settings.data_dir == Path("/srv/rq")
    assert settings.store_dir == Path("/srv/rq/chroma")
    assert settings.models_dir == Path("/srv/rq/cache/models")
    assert settings.chunking.max_chars == 300
    assert settings.chroma_host == "chroma.internal"


def test_collection_name_changes_with_model_and_chunking() -> None:
    base = IngestSettings.from_env({})
    other_model = IngestSettings.from_env({"REPORTQA_EMBEDDING_MODEL": "x/y"})
    other_chunks = IngestSettings.from_env({"REPORTQA_CHUNK_MAX_CHARS": "123"})
    other_dir = IngestSettings.from_env({"REPORTQA_DATA_DIR": "/elsewhere"})
    names = {base.collection_name, other_model.collection_name, other_chunks.collection_name}
    assert len(names) == 3
    assert other_dir.collection_name == base.collection_name
    assert re.fullmatch(r"[a-zA-Z0-9._-]{3,512}", base.collection_name)


def test_a_bad_value_is_one_line_naming_its_variable() -> None:
    with pytest.raises(ValueError, match=r"^REPORTQA_CHROMA_PORT: .*'abc'") as raised:
        IngestSettings.from_env({"REPORTQA_CHROMA_PORT": "abc"})
    assert "\n" not in str(raised.value)


def test_the_process_environment_is_read_when_none_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REPORTQA_MAX_QUESTION_CHARS", "9")
    monkeypatch.setenv("REPORTQA_MAX_UPLOAD_MB", "3")
    monkeypatch.setenv("REPORTQA_CORS_ORIGINS", "http://a.example, http://b.example")
    monkeypatch.setenv("REPORTQA_FIRST_RUN_REPORTS", "")
    settings = ServiceSettings.from_env()
    assert settings.max_question_chars == 9 and settings.max_upload_bytes == 3 * 2**20
    assert settings.cors_origins == ("http://a.example", "http://b.example")
    assert settings.first_run_reports is None
    assert ServiceSettings().max_question_chars == 9  # the same rules when constructed directly


def test_every_variable_the_readme_names_is_a_setting() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"REPORTQA_[A-Z_]*[A-Z]", readme))
    fields = {f"REPORTQA_{name.upper()}" for name in ServiceSettings.model_fields}
    fields |= {f"REPORTQA_{name.upper()}" for name in IngestSettings.model_fields}
    fields |= {f"REPORTQA_LLM_{name.upper()}" for name in LLMSettings.model_fields}
    fields.add("REPORTQA_LLM_TIMEOUT")  # LLMSettings.timeout_seconds
    assert named <= fields, named - fields


def test_a_given_mapping_is_all_that_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORTQA_MODEL_CACHE", "/from/the/process")
    monkeypatch.setenv("REPORTQA_PORT", "9")
    assert IngestSettings.from_env({}).model_cache is None
    settings = ServiceSettings.from_env({})
    assert settings.port == 8000 and settings.ingest.model_cache is None


def test_collection_name_holds_the_backend_but_torch_keeps_the_old_name() -> None:
    names = {
        backend: IngestSettings.from_env({"REPORTQA_EMBEDDING_BACKEND": backend}).collection_name
        for backend in EMBEDDING_BACKENDS
    }
    assert len(set(names.values())) == len(EMBEDDING_BACKENDS)
    assert names["torch"] == "chunks-0c55161c5ea6dcdd"  # the name stores had before backends


def test_unknown_backend_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match=r"REPORTQA_EMBEDDING_BACKEND.*onnx-int8"):
        IngestSettings.from_env({"REPORTQA_EMBEDDING_BACKEND": "tensorrt"})


def test_embedding_cache_can_be_switched_off() -> None:
    assert IngestSettings.from_env({}).embedding_cache
    assert not IngestSettings.from_env({"REPORTQA_EMBEDDING_CACHE": "off"}).embedding_cache
