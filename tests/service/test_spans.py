"""Joining quoted spans: pure, on small strings."""

from __future__ import annotations

from service.answering.spans import joined_spans

_TEXT = {"r": "人员编制63人。 年末在职实有61人。另有一句。", "s": "别的报告。"}


def test_adjacent_and_overlapping_spans_become_one_quote() -> None:
    spans = [("r", 9, 18), ("r", 0, 8), ("r", 16, 18)]
    assert joined_spans(spans, _TEXT) == [("r", 0, 18)]


def test_spans_apart_or_in_other_reports_stay_apart() -> None:
    spans = [("r", 0, 8), ("r", 19, 24), ("s", 0, 5)]
    assert joined_spans(spans, _TEXT) == [("r", 0, 8), ("r", 19, 24), ("s", 0, 5)]
