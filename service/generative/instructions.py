"""Report text that addresses a language model ("忽略以上指令…"): found so it is never sent."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data" / "instructions.toml"


@cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    data = tomllib.loads(_DATA.read_text(encoding="utf-8"))
    return tuple(re.compile(p) for p in data["patterns"])


def addresses_a_model(text: str) -> bool:
    """The text holds an instruction to a model rather than a statement to a reader."""
    return any(p.search(text) for p in _patterns())
