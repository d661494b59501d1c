"""One indicator's raw strings (`Row`), as every walker hands it on to be parsed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Row:
    """One indicator's raw strings, whatever shape it came in, with the span it lies in."""

    name: str
    start: int
    end: int
    level1: str | None = None
    level2: str | None = None
    nature: str | None = None
    direction: str | None = None
    target: str | None = None
    unit: str | None = None
    actual: str | None = None
    weight: float | None = None
    score: float | None = None
    reason: str | None = None
    reason_span: tuple[int, int] | None = None
    listed_unmet: bool = False  # stated in a list of missed targets (未完成原因)


def inside(offset: int, covered: list[tuple[int, int]]) -> bool:
    """Whether `offset` lies in one of the `covered` spans (tables already read)."""
    return any(start <= offset < end for start, end in covered)
