"""The answer cache: kept per question and store state, copies out, nothing kept across a write."""

from __future__ import annotations

from service.answer_cache import AnswerCache
from service.answering.answer import Answer, Citation


def _answer(text: str) -> Answer:
    quote = Citation(report_id="r1", title="t", start=0, end=4, quote=text[:4])
    return Answer(
        question="q", answer=text, answerable=True, kind="figure", report_id="r1", citations=[quote]
    )


class _Counter:
    def __init__(self, text: str = "共10.00万元") -> None:
        self.calls = 0
        self.text = text

    def __call__(self) -> Answer:
        self.calls += 1
        return _answer(self.text)


def test_a_repeated_question_is_answered_once_and_callers_get_copies() -> None:
    cache, compute = AnswerCache(8), _Counter()
    first = cache.answer(lambda: "s1", ("q", None, 5), compute)
    first.answer = "changed by the caller"
    first.citations[0].quote = "changed"
    second = cache.answer(lambda: "s1", ("q", None, 5), compute)
    assert compute.calls == 1
    assert second.answer == "共10.00万元"
    assert second.citations[0].quote == "共10."
    assert second.timings["cached"] == 1.0


def test_another_store_state_or_scope_is_answered_again() -> None:
    cache, compute = AnswerCache(8), _Counter()
    cache.answer(lambda: "s1", ("q", None, 5), compute)
    cache.answer(lambda: "s2", ("q", None, 5), compute)
    cache.answer(lambda: "s2", ("q", "r1", 5), compute)
    cache.answer(lambda: "s2", ("q", "r1", 3), compute)
    assert compute.calls == 4


def test_an_answer_made_while_the_store_changed_is_not_kept() -> None:
    cache, compute = AnswerCache(8), _Counter()
    states = iter(["s1", "s2", "s1", "s1"])
    cache.answer(lambda: next(states), ("q", None, 5), compute)  # s1 before, s2 after: not kept
    cache.answer(lambda: next(states), ("q", None, 5), compute)  # s1, s1: kept
    assert compute.calls == 2
    assert len(cache) == 1


def test_the_least_recently_used_answer_goes_first_and_size_0_keeps_none() -> None:
    cache, compute = AnswerCache(2), _Counter()
    for question in ("a", "b", "a", "c"):
        cache.answer(lambda: "s", (question,), compute)
    assert compute.calls == 3
    cache.answer(lambda: "s", ("a",), compute)  # kept: used after b
    assert compute.calls == 3
    cache.answer(lambda: "s", ("b",), compute)  # b went out when c came in
    assert compute.calls == 4

    off, counted = AnswerCache(0), _Counter()
    off.answer(lambda: "s", ("a",), counted)
    off.answer(lambda: "s", ("a",), counted)
    assert counted.calls == 2
    assert len(off) == 0
