"""Service settings: ingest settings plus what only the service needs, read once from env."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ingest.config import IngestSettings

DEFAULT_SAMPLE_DIR = Path(__file__).resolve().parent.parent / "eval" / "corpus" / "reports"


@dataclass(frozen=True)
class ServiceSettings:
    """Everything the HTTP service and the CLI need."""

    ingest: IngestSettings = field(default_factory=IngestSettings)
    host: str = "127.0.0.1"
    port: int = 8000
    default_top_k: int = 5
    max_question_chars: int = 2000
    scorer_file: Path | None = None  # a fitted scorer to use instead of the shipped one

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ServiceSettings:
        """Read `REPORTQA_*` variables; unset ones keep their defaults."""
        env = os.environ if env is None else env
        defaults = cls()
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
        )
