"""Service settings: ingest settings plus what only the service needs, one pydantic-settings
object read once from `REPORTQA_*` variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Self

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from ingest.config import IngestSettings, ReportqaSettings, read_settings

DEFAULT_SAMPLE_DIR = Path(__file__).resolve().parent.parent / "eval" / "corpus" / "reports"


class LLMSettings(ReportqaSettings):
    """An OpenAI-compatible chat endpoint (vLLM, Ollama, llama.cpp, a hosted API) for generative
    answers, follow-up rewrites and summaries; without one everything stays extractive."""

    model_config = SettingsConfigDict(env_prefix="REPORTQA_LLM_")

    base_url: str
    model: str
    api_key: str = "none"  # local servers take any key; the client refuses an empty one
    timeout_seconds: float = Field(
        default=30.0, validation_alias=AliasChoices("timeout_seconds", "REPORTQA_LLM_TIMEOUT")
    )
    retries: int = 1
    # The chooser is asked when the best two accepted candidates score closer than this.
    chooser_margin: float = 0.05

    @classmethod
    def configured(cls, env: Mapping[str, str] | None = None) -> LLMSettings | None:
        """None while `REPORTQA_LLM_BASE_URL` is unset; a base URL without a model is refused."""
        env = os.environ if env is None else env
        if not env.get("REPORTQA_LLM_BASE_URL", "").strip():
            return None
        if not env.get("REPORTQA_LLM_MODEL", "").strip():
            raise ValueError(
                "REPORTQA_LLM_BASE_URL is set but REPORTQA_LLM_MODEL is not: name the model the "
                "endpoint serves, or unset the base URL to answer extractively"
            )
        return read_settings(cls, env)

    @field_validator("api_key", mode="before")
    @classmethod
    def _empty_key_is_default(cls, value: object) -> object:
        return "none" if value == "" else value


class ServiceSettings(ReportqaSettings):
    """Everything the HTTP service and the CLI need."""

    ingest: IngestSettings = Field(default_factory=IngestSettings)
    host: str = "127.0.0.1"
    port: int = 8000
    max_question_chars: int = 2000
    scorer_file: Path | None = None  # a fitted scorer to use instead of the shipped one
    # Write routes (upload, delete) need this token; unset, they are switched off.
    admin_token: str | None = None
    # Ingested in the background when the store is empty at start, so a fresh clone serves at
    # once; "" switches it off.
    first_run_reports: Path | None = DEFAULT_SAMPLE_DIR
    max_conversations: int = 1000
    # Extractive answers kept per question while the stored reports stay the same
    # (service/answer_cache.py); 0 keeps none.
    answer_cache_size: int = 4096
    # Browser origins allowed to call the API (chat front ends that run in the browser), comma
    # separated in the variable.
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()
    # A language model for generative answers and summaries; None: extractive only.
    llm: LLMSettings | None = Field(default_factory=LLMSettings.configured)
    # Request limits (service/limits.py; 0 switches one off): generous, so a page is never slowed.
    rate_per_minute: int = 1200
    rate_burst: int = 300
    max_body_kb: int = 1024
    request_timeout_s: float = 120.0

    @field_validator("scorer_file", "admin_token", "first_run_reports", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(origin.strip() for origin in value.split(",") if origin.strip())
        return value

    @model_validator(mode="after")
    def _positive_sizes(self) -> Self:
        if self.max_question_chars < 1:
            raise ValueError("REPORTQA_MAX_QUESTION_CHARS must be at least 1")
        return self

    @property
    def max_upload_bytes(self) -> int:
        """The per-file upload limit: the one ingest refuses larger files by."""
        return self.ingest.max_file_bytes

    @property
    def upload_dir(self) -> Path:
        """Where uploaded files are kept: a stored report's source path must stay readable."""
        return self.ingest.data_dir / "uploads"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Self:
        """Read `REPORTQA_*` variables (the process environment when None); unset ones keep
        their defaults, and the ingest and model settings are read from the same variables."""
        env = os.environ if env is None else env
        return read_settings(
            cls, env, ingest=IngestSettings.from_env(env), llm=LLMSettings.configured(env)
        )
