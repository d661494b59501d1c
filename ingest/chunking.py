"""Chunking (分块): cut the stored text into sentence-bounded chunks that are exact spans of it.

A chunk never splits a sentence, a number or a table row, never crosses a section or page boundary,
and each table row becomes a chunk of its own carrying its table's header. Every chunk satisfies
`text[chunk.start:chunk.end] == chunk.text`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ingest.config import ChunkingSettings
from ingest.models import Chunk, NormalizedDocument, Section, TableSpan
from ingest.ocr.confidence import lowest_confidence
from ingest.sections import section_path_at
from ingest.tables import row_header_text

# A sentence ends at 。!?; (full-width forms are folded by normalisation, both are accepted here)
# optionally followed by closing quotes/brackets, or at a line break.
_SENTENCE = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;]+[”’」』)\]]*|\n|$)")
# Fallback cut points inside an over-long sentence: after a comma or 、 that is not inside a number.
_CLAUSE_END = re.compile(r"(?<!\d)[,，、:：](?!\d)|(?<=\d)[,，、](?!\d{3}(?!\d))")


@dataclass(frozen=True)
class _Unit:
    """A sentence or table row: the smallest span chunking never cuts."""

    start: int
    end: int
    is_row: bool = False
    header: str | None = None


def chunk_document(
    report_id: str,
    doc: NormalizedDocument,
    sections: list[Section],
    tables: list[TableSpan],
    settings: ChunkingSettings,
) -> list[Chunk]:
    """All chunks of one normalised report, in text order."""
    page_starts = [p.start for p in doc.pages]
    units = list(_units(doc.text, tables, settings.max_chars))
    chunks: list[Chunk] = []
    group: list[_Unit] = []
    group_key: tuple[tuple[str, ...], int | None] | None = None

    def flush() -> None:
        if group:
            chunks.append(_make_chunk(report_id, len(chunks), doc, group, sections, page_starts))
            group.clear()

    for unit in units:
        key = (tuple(section_path_at(sections, unit.start)), _page_index(page_starts, unit.start))
        if unit.is_row:
            flush()
            group.append(unit)
            flush()
            group_key = None
            continue
        too_long = group and unit.end - group[0].start > settings.max_chars
        if key != group_key or too_long:
            flush()
        group.append(unit)
        group_key = key
    flush()
    return chunks


def _units(text: str, tables: list[TableSpan], max_chars: int) -> Iterator[_Unit]:
    """Sentences of the prose between tables, and the tables' data rows, in text order."""
    cursor = 0
    for table in sorted(tables, key=lambda t: t.start):
        yield from _sentences(text, cursor, table.start, max_chars)
        for row in table.rows:
            if not row.is_header:
                yield _Unit(row.start, row.end, is_row=True, header=row_header_text(row))
        cursor = max(cursor, table.end)
    yield from _sentences(text, cursor, len(text), max_chars)


def _sentences(text: str, start: int, end: int, max_chars: int) -> Iterator[_Unit]:
    """Sentence spans in text[start:end], stripped of surrounding white space."""
    for match in _SENTENCE.finditer(text, start, end):
        s, e = _strip(text, match.start(), match.end())
        if e <= s:
            continue
        if e - s <= max_chars:
            yield _Unit(s, e)
        else:
            yield from _clauses(text, s, e, max_chars)


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each sentence in text[start:end], white space stripped; never cut short."""
    stop = len(text) if end is None else end
    spans = []
    for match in _SENTENCE.finditer(text, start, stop):
        s, e = _strip(text, match.start(), match.end())
        if e > s:
            spans.append((s, e))
    return spans


def _clauses(text: str, start: int, end: int, max_chars: int) -> Iterator[_Unit]:
    """Cut an over-long sentence at clause marks so no chunk grows without bound.

    The cut is only ever after a comma or 、 that is not a thousands separator, so no number is
    split; a run without any such mark stays whole however long it is.
    """
    piece_start = start
    last_cut = None
    for match in _CLAUSE_END.finditer(text, start, end):
        cut = match.end()
        if cut - piece_start > max_chars and last_cut is not None:
            yield _Unit(*_strip(text, piece_start, last_cut))
            piece_start = last_cut
        last_cut = cut
    if end - piece_start > max_chars and last_cut is not None and last_cut > piece_start:
        yield _Unit(*_strip(text, piece_start, last_cut))
        piece_start = last_cut
    s, e = _strip(text, piece_start, end)
    if e > s:
        yield _Unit(s, e)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _page_index(page_starts: list[int], offset: int) -> int | None:
    if not page_starts:
        return None
    return max(bisect.bisect_right(page_starts, offset) - 1, 0)


def _make_chunk(
    report_id: str,
    ordinal: int,
    doc: NormalizedDocument,
    group: list[_Unit],
    sections: list[Section],
    page_starts: list[int],
) -> Chunk:
    start, end = group[0].start, group[-1].end
    page_index = _page_index(page_starts, start)
    page = doc.pages[page_index].number if page_index is not None else None
    ocr = doc.pages[page_index].ocr if page_index is not None else None
    return Chunk(
        id=f"{report_id}:{ordinal}",
        report_id=report_id,
        ordinal=ordinal,
        kind="table_row" if group[0].is_row else "text",
        text=doc.text[start:end],
        start=start,
        end=end,
        section_path=section_path_at(sections, start),
        page=page,
        header=group[0].header,
        ocr_confidence=None if ocr is None else lowest_confidence(ocr, start, end),
    )
