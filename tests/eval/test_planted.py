"""The planted-error benchmark on a small seeded set: copies of real corpus reports get one error
of each family, the review finds every one, and raises nothing the clean original does not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.planted import Edit, edit_report, load_sources, plant_copy, run_benchmark
from eval.planted_command import planted_eval
from ingest.figures import row_cell_spans
from ingest.models import Report

REPORTS = Path(__file__).resolve().parents[2] / "eval" / "corpus" / "reports"
SOURCES = [
    REPORTS / "putuo-finance-2024-final-accounts.pdf",
    REPORTS / "putuo-justice-2026-budget.pdf",
    REPORTS / "honghe-justice-2024-self-evaluation.txt",
]


@pytest.fixture(scope="module")
def sources() -> list[Report]:
    return load_sources(SOURCES)


def test_edits_keep_text_and_tables_together(sources: list[Report]) -> None:
    finance = sources[0]
    total = finance.text.index("2,995.39")
    copy, spans = edit_report(finance, [Edit(total, total + 8, "2,996.39"), Edit(5, 5, "XX")])
    assert copy.text[spans[0][0] : spans[0][1]] == "2,996.39"
    assert copy.id != finance.id and len(copy.text) == len(finance.text) + 2
    cells = [c for t in copy.tables for r in t.rows for c in r.cells]
    assert "2,996.39" in cells and "2,995.39" in cells  # the income side changed, not the other
    for table in copy.tables:
        for row in table.rows:
            for span in row_cell_spans(copy.text, row):
                assert copy.text[span.start : span.end] == span.text


def test_plants_are_recorded_where_they_lie(sources: list[Report]) -> None:
    copy, plants = plant_copy(sources[0], seed=7)
    assert {p.family for p in plants} == {
        "structure",
        "text",
        "years",
        "wording",
        "identity",
        "text_table",
        "arithmetic",
    }
    for plant in plants:
        if plant.planted:
            assert plant.planted in copy.text[plant.start : plant.end + len(plant.planted)]


def test_seeded_benchmark_finds_every_plant_and_raises_no_false_alarm(
    sources: list[Report], tmp_path: Path
) -> None:
    benchmark = run_benchmark(sources, 9, seed=3, out_dir=tmp_path)
    for family, (found, made) in benchmark.per_family().items():
        assert found == made, family
    assert sum(made for _, made in benchmark.per_family().values()) >= 40
    assert benchmark.alarms_per_family() == dict.fromkeys(benchmark.alarms_per_family(), 0)
    records = sorted(tmp_path.glob("*.json"))
    assert len(records) == 9 and len(list(tmp_path.glob("*.txt"))) == 9
    record = json.loads(records[0].read_text(encoding="utf-8"))
    assert record["plants"] and all(p["found"] for p in record["plants"])


def test_planted_command_writes_the_table(tmp_path: Path) -> None:
    planted_eval(3, tmp_path, seed=1, sources=[SOURCES[2]])
    data = json.loads((tmp_path / "planted.json").read_text(encoding="utf-8"))
    assert data["copies"] == 3 and data["families"][-1]["family"] == "all"
    assert "| family | planted |" in (tmp_path / "planted.md").read_text(encoding="utf-8")
