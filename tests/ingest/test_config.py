from __future__ import annotations

import re
from pathlib import Path

from ingest.config import IngestSettings


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
