"""Sharing equal parts of kept records changes identities only, never values."""

from __future__ import annotations

from ingest.models import Figure, Position
from service.compact import Sharer


def _figure(start: int) -> Figure:
    position = Position(
        report_id="r", start=start, end=start + 5, section_path=["一、收入", "(一)"]
    )
    return Figure(
        value=1.0,
        unit="万元",
        normalized=1e4,
        kind="amount",
        raw="1.00万元",
        measure="收入 | 合计",
        position=position,
    )


def test_equal_parts_become_one_object_and_values_stay_equal() -> None:
    figures = [_figure(0), _figure(10)]
    before = [f.model_copy(deep=True) for f in figures]
    Sharer().share(figures)
    assert figures == before
    first, second = figures
    assert first.position.section_path is second.position.section_path
    assert first.__pydantic_fields_set__ is second.__pydantic_fields_set__
    assert first.model_dump(exclude_unset=True) == before[0].model_dump(exclude_unset=True)


def test_word_sets_in_tuples_are_shared() -> None:
    sharer = Sharer()
    a, b = sharer.share([("x", frozenset({"收入"})), ("y", frozenset({"收入"}))])
    assert a[1] is b[1] and a[1] == frozenset({"收入"})
