"""Verification shared by every answer path: exact quotes, every answer number quoted."""

from __future__ import annotations

import pytest

from service.answering.answer import Citation
from service.answering.verify import normalise_number, numbers_in, verify_answer

_TEXT = "2024年“三公”经费决算支出12.85万元,较预算39.10万元减少26.25万元。见表2。"


def _citation(start: int, end: int, quote: str | None = None) -> Citation:
    return Citation(
        report_id="r",
        title="t",
        start=start,
        end=end,
        quote=_TEXT[start:end] if quote is None else quote,
    )


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("1,045.50", "1045.5"),
        ("80.00", "80"),
        ("0.25", "0.25"),
        ("139", "139"),
        ("2,961.68", "2961.68"),
    ],
)
def test_numbers_compare_whatever_their_format(raw: str, normalised: str) -> None:
    assert normalise_number(raw) == normalised


def test_numbers_in_text_skip_table_names() -> None:
    assert numbers_in(_TEXT) == {"2024", "12.85", "39.1", "26.25"}


def test_an_answer_whose_numbers_are_all_quoted_passes() -> None:
    assert verify_answer("决算支出12.85万元。", [_citation(0, len(_TEXT))], lambda _: _TEXT) == []


def test_a_number_in_no_quote_is_a_problem() -> None:
    problems = verify_answer("决算支出12.58万元。", [_citation(0, len(_TEXT))], lambda _: _TEXT)
    assert problems == ["number 12.58 is in no quote"]


def test_a_computed_number_is_allowed_only_when_declared() -> None:
    answer, cited = "相差26.25万元,合计51.95万元。", [_citation(0, len(_TEXT))]
    assert verify_answer(answer, cited, lambda _: _TEXT) == ["number 51.95 is in no quote"]
    assert verify_answer(answer, cited, lambda _: _TEXT, allowed={"51.95"}) == []


def test_a_quote_that_is_not_the_stored_text_is_a_problem() -> None:
    forged = _citation(0, 10, quote="2024年三公经费决算")
    assert verify_answer("", [forged], lambda _: _TEXT) != []
