"""Reading gold files: the bundled one as it is, and a clear error for each kind of bad line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.gold import QUESTION_TYPES, GoldFileError, load_gold
from tests.conftest import ROOT

GOLD_DEV = ROOT / "eval" / "gold" / "gold-dev.jsonl"
GOOD = {
    "id": "q1",
    "report": "honghe-justice-2024-self-evaluation",
    "type": "figure",
    "question": "2024年“三公”经费决算支出多少?",
    "answer": "12.85万元",
    "must_include": ["12.85"],
    "evidence": ["经费决算支出12.85万元"],
}


def write_lines(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def good(**changes: object) -> str:
    return json.dumps({**GOOD, **changes}, ensure_ascii=False)


def test_the_bundled_gold_file_loads() -> None:
    questions = load_gold(GOLD_DEV)
    assert len(questions) == 49
    assert {q.type for q in questions} <= set(QUESTION_TYPES)
    unanswerable = [q for q in questions if not q.answerable]
    assert [q.id for q in unanswerable] == ["d29", "d30"]
    assert questions[0].must_include == ["1,670.62"]


def test_blank_lines_are_skipped_and_null_report_is_kept(tmp_path: Path) -> None:
    path = write_lines(tmp_path, good(), "", "   ", good(id="q2", report=None))
    questions = load_gold(path)
    assert [q.id for q in questions] == ["q1", "q2"]
    assert questions[1].report is None


def test_unknown_extra_fields_are_ignored(tmp_path: Path) -> None:
    assert load_gold(write_lines(tmp_path, good(note="reviewed")))[0].id == "q1"


@pytest.mark.parametrize(
    ("bad_line", "reason"),
    [
        ("{not json", "not valid JSON"),
        ('["a", "list"]', "expected a JSON object, got list"),
        (json.dumps({k: v for k, v in GOOD.items() if k != "question"}), "'question'"),
        (json.dumps({k: v for k, v in GOOD.items() if k != "report"}), "'report'"),
        (good(type="number"), "'type'"),
        (good(must_include="12.85"), "'must_include'"),
        (good(id=""), "'id'"),
        (good(id="q0"), "duplicate id 'q0'"),
    ],
)
def test_a_malformed_line_names_its_line_and_reason(
    tmp_path: Path, bad_line: str, reason: str
) -> None:
    path = write_lines(tmp_path, good(id="q0"), "", bad_line)
    with pytest.raises(GoldFileError) as caught:
        load_gold(path)
    assert f"{path}:3:" in str(caught.value)
    assert reason in str(caught.value)


def test_a_missing_file_is_a_gold_file_error(tmp_path: Path) -> None:
    with pytest.raises(GoldFileError, match="no such gold file"):
        load_gold(tmp_path / "absent.jsonl")


def test_an_empty_file_is_a_gold_file_error(tmp_path: Path) -> None:
    with pytest.raises(GoldFileError, match="holds no questions"):
        load_gold(write_lines(tmp_path, ""))
