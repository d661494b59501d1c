"""Chunk boundaries on the real corpus: exact spans, whole numbers, whole rows with headers."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from ingest.config import IngestSettings
from ingest.models import Chunk, Report
from ingest.pipeline import build_report
from tests.conftest import HONGHE, REPORTS_DIR

CORPUS_FILES = sorted(p for p in REPORTS_DIR.iterdir() if p.suffix in {".txt", ".pdf"})
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


@pytest.fixture(scope="module")
def built() -> dict[str, tuple[Report, list[Chunk]]]:
    settings = IngestSettings()
    return {p.name: build_report(p, p.read_bytes(), settings) for p in CORPUS_FILES}


def test_corpus_has_five_reports() -> None:
    assert len(CORPUS_FILES) == 5


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_every_chunk_is_an_exact_span_of_the_stored_text(
    built: dict[str, tuple[Report, list[Chunk]]], path: Path
) -> None:
    report, chunks = built[path.name]
    assert chunks
    for chunk in chunks:
        assert report.text[chunk.start : chunk.end] == chunk.text
        assert chunk.text == chunk.text.strip()
    ordered = [(c.start, c.end) for c in chunks]
    assert ordered == sorted(ordered)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(ordered))


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_no_chunk_boundary_splits_a_number(
    built: dict[str, tuple[Report, list[Chunk]]], path: Path
) -> None:
    report, chunks = built[path.name]
    for chunk in chunks:
        for edge in (chunk.start, chunk.end):
            before, after = report.text[edge - 1 : edge], report.text[edge : edge + 1]
            assert not (before.isdigit() and (after.isdigit() or after in ".,%")), report.text[
                edge - 10 : edge + 10
            ]


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_pdf_chunks_know_their_page(
    built: dict[str, tuple[Report, list[Chunk]]], path: Path
) -> None:
    report, chunks = built[path.name]
    if path.suffix == ".pdf":
        assert report.page_count > 1
        for chunk in chunks:
            page = next(p for p in report.pages if p.number == chunk.page)
            # the page it starts on: a sentence a page break cut goes on to the next page
            assert page.start <= chunk.start < page.end
    else:
        assert all(c.page is None for c in chunks)


def test_honghe_table_rows_are_whole_chunks_with_their_header(
    built: dict[str, tuple[Report, list[Chunk]]],
) -> None:
    _, chunks = built[HONGHE.name]
    row = next(c for c in chunks if c.text.startswith("普法宣传 | 10.00"))
    assert row.kind == "table_row"
    assert row.text == "普法宣传 | 10.00 | 353.02 | 353.02 | 352.29"
    assert row.header and "预算项目名称" in row.header and "实际支出资金" in row.header
    assert "预算项目名称" in row.embedding_text


def test_the_unmet_indicator_sentence_is_one_chunk_with_a_section_path(
    built: dict[str, tuple[Report, list[Chunk]]],
) -> None:
    _, chunks = built[HONGHE.name]
    hits = [c for c in chunks if "社区矫正对象重新犯罪率" in c.text and "0.25%" in c.text]
    assert hits
    assert hits[0].section_path and hits[0].section_path[0].startswith("二、")


def test_chunks_respect_the_size_limit_unless_one_sentence_is_longer() -> None:
    settings = IngestSettings(chunk_max_chars=120)
    _, chunks = build_report(HONGHE, HONGHE.read_bytes(), settings)
    for chunk in chunks:
        if chunk.kind == "text" and len(chunk.text) > 120:
            inner = chunk.text[:-1]
            assert not re.search(r"[。!?;；！？]", inner), chunk.text
