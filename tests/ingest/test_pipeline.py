"""Ingest into a real Chroma: whole reports, idempotence, replacement, bad files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ingest.embedding import Embedder
from ingest.pipeline import IngestSummary, ingest_paths
from ingest.segmenter import Segmenter
from ingest.store import StoreError
from service.context import ServiceContext
from tests.conftest import HONGHE, REPORTS_DIR, make_context

SMALL_REPORT = """某某局2024年度部门整体支出绩效自评报告
一、部门基本情况
2024年收入支出年初预算安排100.00万元,其中基本支出90.00万元、项目支出10.00万元。
二、绩效目标实现情况
预算执行率95.50%,全年完成。
"""


@pytest.fixture()
def small_context(
    tmp_path: Path, model_cache: Path, embedder: Embedder, segmenter: Segmenter
) -> ServiceContext:
    return make_context(tmp_path / "data", model_cache, embedder, segmenter)


def _ingest(ctx: ServiceContext, *paths: Path) -> IngestSummary:
    return ingest_paths(list(paths), ctx.settings.ingest, ctx.store, ctx.embedder)


def test_corpus_ingests_five_reports(
    corpus_context: ServiceContext, corpus_ingest: IngestSummary
) -> None:
    assert corpus_ingest.count("ingested") == 5
    reports = corpus_context.store.list_reports()
    assert len(reports) == 5
    total = sum(r.chunk_count for r in reports)
    assert corpus_context.store.count_chunks() == total


def test_stored_text_contains_every_chunk_verbatim(
    corpus_context: ServiceContext, corpus_ingest: IngestSummary
) -> None:
    for report in corpus_context.store.list_reports():
        full = corpus_context.store.get_report(report.id)
        assert full is not None and full.text
        chunks = corpus_context.store.chunks_of(report.id)
        assert len(chunks) == report.chunk_count
        for chunk in chunks:
            assert full.text[chunk.start : chunk.end] == chunk.text


def test_ingesting_the_corpus_again_changes_nothing(
    corpus_context: ServiceContext, corpus_ingest: IngestSummary
) -> None:
    before = corpus_context.store.count_chunks()
    again = _ingest(corpus_context, REPORTS_DIR)
    assert again.count("unchanged") == 5
    assert corpus_context.store.count_chunks() == before


def test_reports_are_found_by_id_prefix_and_by_path(
    corpus_context: ServiceContext, corpus_ingest: IngestSummary
) -> None:
    store = corpus_context.store
    by_path = store.find_report(str(HONGHE))
    assert by_path is not None and by_path.publisher == "红河州司法局" and by_path.year == 2024
    assert store.find_report(by_path.id[:8]) is not None
    assert store.find_report("no-such-report") is None
    publishers = {r.file_name: r.publisher for r in store.list_reports()}
    assert publishers["putuo-justice-2026-budget.pdf"] == "上海市普陀区司法局"
    assert publishers["putuo-finance-2024-final-accounts.pdf"] == "上海市普陀区财政局"


def test_a_changed_file_replaces_its_old_version_whole(
    small_context: ServiceContext, tmp_path: Path
) -> None:
    report_file = tmp_path / "report.txt"
    report_file.write_text(SMALL_REPORT, encoding="utf-8")
    first = _ingest(small_context, report_file)
    old_id = first.results[0].report.id  # type: ignore[union-attr]
    report_file.write_text(SMALL_REPORT.replace("95.50%", "88.80%"), encoding="utf-8")
    second = _ingest(small_context, report_file)
    assert second.results[0].status == "replaced"
    store = small_context.store
    assert store.report_ids() == [second.results[0].report.id]  # type: ignore[union-attr]
    assert store.chunks_of(old_id) == []
    texts = " ".join(c.text for c in store.iter_chunks())
    assert "88.80%" in texts and "95.50%" not in texts


def test_bad_files_fail_alone_and_the_rest_ingest(
    small_context: ServiceContext, tmp_path: Path
) -> None:
    good = tmp_path / "good.txt"
    good.write_text(SMALL_REPORT, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    corrupt = tmp_path / "broken.pdf"
    corrupt.write_bytes(b"%PDF-1.4 this is not really a pdf" * 10)
    unsupported = tmp_path / "picture.png"
    unsupported.write_bytes(b"\x89PNG\r\n")
    missing = tmp_path / "missing.txt"
    summary = _ingest(small_context, empty, corrupt, unsupported, missing, good)
    statuses = {r.path.name: r.status for r in summary.results}
    assert statuses == {
        "empty.txt": "failed",
        "broken.pdf": "failed",
        "picture.png": "failed",
        "missing.txt": "failed",
        "good.txt": "ingested",
    }
    for result in summary.failed:
        assert result.error and result.path.name in result.error and "\n" not in result.error
    assert len(small_context.store.report_ids()) == 1


class _WrongSizeEmbedder:
    """Gives vectors of the wrong size, so Chroma rejects the write half-way through ingest."""

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return np.ones((len(texts), 3), dtype=np.float32)


def test_a_failed_store_write_leaves_no_trace(
    small_context: ServiceContext, tmp_path: Path
) -> None:
    kept = tmp_path / "kept.txt"
    kept.write_text(SMALL_REPORT, encoding="utf-8")
    _ingest(small_context, kept)
    chunks_before = small_context.store.count_chunks()
    failing = tmp_path / "failing.txt"
    failing.write_text(SMALL_REPORT.replace("某某局", "另一局"), encoding="utf-8")
    with pytest.raises(StoreError):
        ingest_paths(
            [failing], small_context.settings.ingest, small_context.store, _WrongSizeEmbedder()
        )
    assert [r.file_name for r in small_context.store.list_reports()] == ["kept.txt"]
    assert small_context.store.count_chunks() == chunks_before


@pytest.mark.parametrize("parse_ahead", [True, False])
def test_results_keep_file_order_with_parsing_ahead(
    small_context: ServiceContext, tmp_path: Path, parse_ahead: bool
) -> None:
    """The copy is parsed while the first file is embedded, before it is stored: it is found
    stored when its own turn comes, and embedded never."""
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text(SMALL_REPORT, encoding="utf-8")
    (folder / "b-copy-of-a.txt").write_text(SMALL_REPORT, encoding="utf-8")
    (folder / "c-broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf" * 10)
    (folder / "d.txt").write_text(SMALL_REPORT.replace("某某局", "另一局"), encoding="utf-8")
    ctx = small_context
    summary = ingest_paths(
        [folder], ctx.settings.ingest, ctx.store, ctx.embedder, parse_ahead=parse_ahead
    )
    assert [(r.path.name, r.status) for r in summary.results] == [
        ("a.txt", "ingested"),
        ("b-copy-of-a.txt", "unchanged"),
        ("c-broken.pdf", "failed"),
        ("d.txt", "ingested"),
    ]
    assert len(ctx.store.list_reports()) == 2
