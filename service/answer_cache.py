"""Answers kept per question for as long as the stored reports stay the same.

A public service is asked the same questions again and again (the page's examples, a figure in
the news), and the extractive answer to a question is a function of the question, its scope and
the stored reports alone: the scorer and the lexicon are fixed for a process's life. So an answer
is kept under the question, its scope and the set of stored report ids; an ingest or a delete
changes that set (a report id names one content, so a changed file is a new id) and with it every
key, so no answer outlives the reports it was made from. An answer is kept only when the set was
the same before and after it was made. Only the extractive answer is kept: a
language model's reply is not a function of its input.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock

from service.answering.answer import Answer

AnswerKey = tuple[Hashable, ...]


class AnswerCache:
    """At most `size` answers, least recently used out first; 0 keeps none."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._answers: OrderedDict[AnswerKey, Answer] = OrderedDict()
        self._lock = Lock()

    def answer(
        self, state: Callable[[], Hashable], key: AnswerKey, compute: Callable[[], Answer]
    ) -> Answer:
        """The kept answer for `key` at the store's `state()` (a copy: callers may change
        theirs), or `compute()`'s, kept when the state was the same before and after it (a
        write that landed while it ran may or may not be in it). Two threads asking a new
        question at once both compute it: holding the lock while answering would serialise
        every request."""
        if self._size <= 0:
            return compute()
        started = time.perf_counter()
        before = (state(), *key)
        with self._lock:
            kept = self._answers.get(before)
            if kept is not None:
                self._answers.move_to_end(before)
        if kept is not None:
            copy = kept.model_copy(deep=True)
            copy.timings = {"total_ms": (time.perf_counter() - started) * 1000, "cached": 1.0}
            return copy
        answer = compute()
        if (state(), *key) == before:
            with self._lock:
                self._answers[before] = answer.model_copy(deep=True)
                while len(self._answers) > self._size:
                    self._answers.popitem(last=False)
        return answer

    def __len__(self) -> int:
        return len(self._answers)
