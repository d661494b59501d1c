"""Gold questions (标准问题集): one JSON object a line, in the format of `eval/gold/README`.

The format belongs to the evaluation, not to us: it is read as it is, and a malformed line fails the
whole load with its line number, because a silently skipped question would change every share.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

QuestionType = Literal["figure", "table", "unmet", "reason", "crosscheck", "unanswerable"]
QUESTION_TYPES: tuple[QuestionType, ...] = (
    "figure",
    "table",
    "unmet",
    "reason",
    "crosscheck",
    "unanswerable",
)


class GoldFileError(Exception):
    """The gold file is missing or a line of it is malformed."""


class GoldQuestion(BaseModel):
    """One gold question with what its answer and citations must contain."""

    id: str = Field(min_length=1, description="stable identifier")
    report: str | None = Field(
        description="corpus file name without extension; None when no report holds the answer"
    )
    type: QuestionType
    question: str = Field(min_length=1, description="as a user would type it")
    answer: str = Field(default="", description="reference answer for people, not scored")
    must_include: list[str] = Field(
        default_factory=list, description="strings the answer text must contain"
    )
    evidence: list[str] = Field(
        default_factory=list, description="strings one citation's quote must contain"
    )

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"


def load_gold(path: Path | str) -> list[GoldQuestion]:
    """Every question of a gold JSONL file; blank lines are skipped, anything else must parse."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise GoldFileError(f"{path}: no such gold file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldFileError(f"{path}: cannot read the gold file ({exc})") from exc
    questions: list[GoldQuestion] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        question = _parse_line(path, number, line)
        if question.id in seen:
            raise GoldFileError(f"{path}:{number}: duplicate id {question.id!r}")
        seen.add(question.id)
        questions.append(question)
    if not questions:
        raise GoldFileError(f"{path}: the gold file holds no questions")
    return questions


def _parse_line(path: Path, number: int, line: str) -> GoldQuestion:
    where = f"{path}:{number}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise GoldFileError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(record, dict):
        raise GoldFileError(f"{where}: expected a JSON object, got {type(record).__name__}")
    try:
        return GoldQuestion.model_validate(record)
    except ValidationError as exc:
        raise GoldFileError(f"{where}: {_first_problem(exc)}") from exc


def _first_problem(exc: ValidationError) -> str:
    """One readable reason, e.g. "field 'type': Input should be 'figure', ... (got 'number')"."""
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"]) or "record"
    got = f" (got {error['input']!r})" if error["type"] != "missing" else ""
    return f"field {field!r}: {error['msg']}{got}"
