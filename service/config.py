"""Service settings: ingest settings plus what only the service needs, read once from env."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ingest.config import IngestSettings

DEFAULT_SAMPLE_DIR = Path(__file__).resolve().parent.parent / "eval" / "corpus" / "reports"


@dataclass(frozen=True)
class LLMSettings:
    """An OpenAI-compatible chat endpoint (vLLM, Ollama, llama.cpp, a hosted API) for generative
    answers, follow-up rewrites and summaries; without one everything stays extractive."""

    base_url: str
    model: str
    api_key: str = "none"  # local servers take any key; the client refuses an empty one
    timeout_seconds: float = 30.0
    retries: int = 1
    # The chooser is asked when the best two accepted candidates score closer than this.
    chooser_margin: float = 0.05

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> LLMSettings | None:
        """None while `REPORTQA_LLM_BASE_URL` is unset; a base URL without a model is refused."""
        base_url = env.get("REPORTQA_LLM_BASE_URL", "").strip()
        if not base_url:
            return None
        model = env.get("REPORTQA_LLM_MODEL", "").strip()
        if not model:
            raise ValueError(
                "REPORTQA_LLM_BASE_URL is set but REPORTQA_LLM_MODEL is not: name the model the "
                "endpoint serves, or unset the base URL to answer extractively"
            )
        return cls(
            base_url=base_url,
            model=model,
            api_key=env.get("REPORTQA_LLM_API_KEY") or cls.api_key,
            timeout_seconds=float(env.get("REPORTQA_LLM_TIMEOUT", cls.timeout_seconds)),
            retries=int(env.get("REPORTQA_LLM_RETRIES", cls.retries)),
            chooser_margin=float(env.get("REPORTQA_LLM_CHOOSER_MARGIN", cls.chooser_margin)),
        )


@dataclass(frozen=True)
class ServiceSettings:
    """Everything the HTTP service and the CLI need."""

    ingest: IngestSettings = field(default_factory=IngestSettings)
    host: str = "127.0.0.1"
    port: int = 8000
    default_top_k: int = 5
    max_question_chars: int = 2000
    scorer_file: Path | None = None  # a fitted scorer to use instead of the shipped one
    # Write routes (upload, delete) need this token; unset, they are switched off.
    admin_token: str | None = None
    max_upload_bytes: int = 50 * 1024 * 1024
    # Ingested in the background when the store is empty at start, so a fresh clone serves at once.
    first_run_reports: Path | None = None
    max_conversations: int = 1000
    # Browser origins allowed to call the API (chat front ends that run in the browser).
    cors_origins: tuple[str, ...] = ()
    # A language model for generative answers and summaries; None: extractive only.
    llm: LLMSettings | None = None
    # Request limits (service/limits.py; 0 switches one off): generous, so a page is never slowed.
    rate_per_minute: int = 1200
    rate_burst: int = 300
    max_body_kb: int = 1024
    request_timeout_seconds: float = 120.0

    @property
    def upload_dir(self) -> Path:
        """Where uploaded files are kept: a stored report's source path must stay readable."""
        return self.ingest.data_dir / "uploads"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ServiceSettings:
        """Read `REPORTQA_*` variables; unset ones keep their defaults."""
        env = os.environ if env is None else env
        defaults = cls()
        # "" switches the first-run ingest off; unset, the bundled reports are ingested.
        first_run = env.get("REPORTQA_FIRST_RUN_REPORTS", str(DEFAULT_SAMPLE_DIR))
        return cls(
            ingest=IngestSettings.from_env(env),
            host=env.get("REPORTQA_HOST", defaults.host),
            port=int(env.get("REPORTQA_PORT", defaults.port)),
            default_top_k=int(env.get("REPORTQA_TOP_K", defaults.default_top_k)),
            max_question_chars=int(
                env.get("REPORTQA_MAX_QUESTION_CHARS", defaults.max_question_chars)
            ),
            scorer_file=Path(env["REPORTQA_SCORER_FILE"])
            if env.get("REPORTQA_SCORER_FILE")
            else None,
            admin_token=env.get("REPORTQA_ADMIN_TOKEN") or None,
            max_upload_bytes=int(
                env.get("REPORTQA_MAX_UPLOAD_MB", defaults.max_upload_bytes // 2**20)
            )
            * 2**20,
            first_run_reports=Path(first_run) if first_run else None,
            max_conversations=int(
                env.get("REPORTQA_MAX_CONVERSATIONS", defaults.max_conversations)
            ),
            cors_origins=tuple(
                o.strip() for o in env.get("REPORTQA_CORS_ORIGINS", "").split(",") if o.strip()
            ),
            llm=LLMSettings.from_env(env),
            rate_per_minute=int(env.get("REPORTQA_RATE_PER_MINUTE", defaults.rate_per_minute)),
            rate_burst=int(env.get("REPORTQA_RATE_BURST", defaults.rate_burst)),
            max_body_kb=int(env.get("REPORTQA_MAX_BODY_KB", defaults.max_body_kb)),
            request_timeout_seconds=float(
                env.get("REPORTQA_REQUEST_TIMEOUT_S", defaults.request_timeout_seconds)
            ),
        )
