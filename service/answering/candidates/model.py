"""The one candidate type every kind produces and the scorer reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from service.retrieval.hybrid import RetrievedChunk

CandidateKind = Literal["sentence", "row", "cell"]


@dataclass(frozen=True)
class CellRef:
    """A table cell a candidate states: its figure as written, where it stands, what names it."""

    raw: str  # the cell's text, exactly as in the report
    unit: str | None
    row_label: str
    column: str
    caption: str | None
    start: int  # the cell's span in the report text
    end: int


@dataclass(frozen=True)
class Candidate:
    """A passage (or one cell of a table row) that might answer the question."""

    kind: CandidateKind
    chunk: RetrievedChunk
    start: int  # the quoted span in the report text: a sentence, two, or a table row
    end: int
    text: str  # exactly report.text[start:end]
    rank: int  # rank of its chunk among the retrieved ones
    tokens: frozenset[str]  # a table row's include its header's: its cells are named by them
    free: frozenset[str]  # tokens not cut from inside a compound ("电费" of "水电费")
    context: frozenset[str]  # words of the section title and table title
    own: frozenset[str]  # free tokens of the passage's own text (a row's cells, not its header)
    sentences: int = 1
    cell: CellRef | None = None
    cell_row: frozenset[str] = frozenset()  # a cell's row-label words
    cell_column: frozenset[str] = frozenset()  # a cell's column-header words

    @property
    def report_id(self) -> str:
        return self.chunk.report_id
