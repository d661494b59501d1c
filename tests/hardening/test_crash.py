"""Crash-safe ingest: kill -9 at random moments, and two ingests of the same files at once.

A handful of kills here; `python -m eval.crash_ingest --kills 50` is the long run.
"""

from __future__ import annotations

from pathlib import Path

from eval.crash_ingest import crash_rounds, ingest_at_once


def test_kills_at_random_moments_leave_no_partial_or_double_report(tmp_path: Path) -> None:
    tally = crash_rounds(tmp_path / "data", kills=4, seed=7)
    assert tally.problems == []
    assert tally.kills + tally.finished_before_kill == 4 and tally.reader_checks > 0
    assert tally.final_reports == 6


def test_two_ingests_of_the_same_files_at_once_store_each_once(tmp_path: Path) -> None:
    assert ingest_at_once(tmp_path / "data") == []
