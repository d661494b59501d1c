"""The planted-error benchmark on a small seeded set: copies of real corpus reports get one error
of each family, the review finds every one, and raises nothing the clean original does not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.planted import Edit, edit_report, load_sources, plant_copy, review_of, run_benchmark
from eval.planted_command import planted_eval
from ingest.checks.review.layout import read_contents
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


def test_seeded_benchmark_finds_the_plants_and_raises_no_false_alarm(
    sources: list[Report], tmp_path: Path
) -> None:
    benchmark = run_benchmark(sources, 9, seed=3, out_dir=tmp_path)
    counts = benchmark.per_family()
    for family, (found, made) in counts.items():
        assert found >= made - 1, family  # a plant the review cannot tie may be missed
    found, made = (sum(c[i] for c in counts.values()) for i in (0, 1))
    assert made >= 40 and found >= 0.95 * made
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


def _at(text: str, needle: str, offset: int = 0, start: int = 0) -> tuple[int, int]:
    at = text.index(needle, start) + offset
    return at, at + len(needle) - offset


def test_ten_errors_planted_by_hand_are_all_found() -> None:
    """Ten errors of the kinds a reviewer's test copy holds, placed by hand (not by the
    generator) in the clean 社会工作部 决算: each is found, nothing else is raised."""
    path = REPORTS / "putuo-social-work-2024-final-accounts.pdf"
    report = load_sources([path])[0]
    text = report.text
    body = text.index("第三部分", text.index("第四部分"))  # the 说明 part, past the contents
    cover = text.index("第一部分", text.index("第一部分") + 1)
    plants = {
        "unit name XX局": (*_at(text, "社会工作部", start=cover), "XX局"),
        "heading year": (
            *_at(text, "2024年度部门决算情况说明", start=body),
            "2023年度部门决算情况说明",
        ),
        "截至 date": (*_at(text, "截至 2024年 12月 31日"), "截至 2023年 12月 31日"),
        "决算数等于预算数": (
            *_at(text, "决算数小于预算数的主要原因:人员"),
            "决算数等于预算数的主要原因:人员",
        ),
        "。。": (*_at(text, "按实际支出。"), "按实际支出。。"),
        "text figure": (*_at(text, "项目支出 202.24万元"), "项目支出 212.24万元"),
        "share over 100": (*_at(text, "占 86.05%"), "占 186.05%"),
        "total": (*_at(text, "总计\t307.82", offset=3), "308.82"),
    }
    edits = [Edit(s, e, new) for s, e, new in plants.values()]
    # A standard table removed (its title, rows and note), and a data row blanked whose
    # figures the text still states (收入决算表's 合计 row).
    tables = read_contents(text)[1]
    removed = text.index("财政拨款收入支出决算总表\n", tables)
    edits.append(Edit(removed, text.index("一般公共预算财政拨款支出决算表\n", removed), ""))
    row = text.index("合计\t合计\t307.82\t307.82\n", text.index("收入决算表\n", tables))
    first = row + len("合计\t合计\t")
    edits += [Edit(first, first + 6, ""), Edit(first + 7, first + 13, "")]
    copy, spans = edit_report(report, edits)
    issues = review_of(copy)
    clean = {(i.family, i.rule, tuple(e.quote for e in i.evidence)) for i in review_of(report)}
    names = [*plants, "table removed", "row blanked", "row blanked"]
    for name, (start, end) in zip(names, spans, strict=True):
        if name == "table removed":
            assert any(
                i.rule == "table_missing" and "财政拨款收入支出决算总表" in i.message
                for i in issues
            )
            continue
        if name == "row blanked":
            start = copy.text.rfind("\n", 0, start) + 1
            end = copy.text.index("\n", start)
        assert any(
            start < e.position.end and e.position.start < max(end, start + 1)
            for i in issues
            for e in i.evidence
        ), name
    new = [i for i in issues if (i.family, i.rule, tuple(e.quote for e in i.evidence)) not in clean]
    planted = [(copy.text.rfind("\n", 0, s) + 1, copy.text.find("\n", e)) for s, e in spans]
    unexplained = [
        i
        for i in new
        if not any(a <= e.position.start <= b for a, b in planted for e in i.evidence)
        and i.rule != "table_missing"
    ]
    assert unexplained == [], [i.message for i in unexplained]


def test_a_planted_copy_rendered_as_pdf_is_read_back_and_its_plants_found(
    sources: list[Report], tmp_path: Path
) -> None:
    pytest.importorskip("reportlab")
    from eval.planted_pdf import run_pdf_benchmark

    benchmark = run_pdf_benchmark(sources[:1], 1, seed=5, out_dir=tmp_path)
    (copy,) = benchmark.copies
    assert len(copy.plants) == 7 and all(copy.found), [p.what for p in copy.plants]
    assert copy.false_alarms == []
    assert (tmp_path / "000-putuo-finance-2024-final-accounts.pdf").stat().st_size > 10_000


def test_a_blanked_item_row_and_summary_cell_are_found(sources: list[Report]) -> None:
    finance = sources[0]
    text = finance.text
    clean = {(i.rule, tuple(e.quote for e in i.evidence)) for i in review_of(finance)}
    leaf = text.index("201\t06\t07\t信息化建设\t135.25\t\t135.25")  # 支出决算表's first
    first = leaf + len("201\t06\t07\t信息化建设\t")
    income = text.index("一、一般公共预算财政拨款收入\t2,940.05") + len(
        "一、一般公共预算财政拨款收入\t"
    )
    copy, _ = edit_report(
        finance,
        [Edit(first, first + 6, ""), Edit(first + 8, first + 14, ""), Edit(income, income + 8, "")],
    )
    new = [i for i in review_of(copy) if (i.rule, tuple(e.quote for e in i.evidence)) not in clean]
    rules = {i.rule for i in new}
    assert "blank_row" in rules and "table_identity" in rules, [i.message for i in new]
    row = next(i for i in new if i.rule == "blank_row")
    assert "2010607 信息化建设" in row.message and row.evidence[0].quote == "信息化建设"


def test_a_title_broken_over_two_lines_still_names_its_table(sources: list[Report]) -> None:
    finance = sources[0]
    head = "财政拨款“三公”经费支出决算"
    at = finance.text.index(head + "表\n单位") + len(head)
    copy, _ = edit_report(finance, [Edit(at, at, "\n")])
    assert [i.message for i in review_of(copy) if i.family == "structure"] == []


def test_a_reason_turned_and_a_part_dropped_from_the_contents_are_found(
    sources: list[Report],
) -> None:
    finance = sources[0]
    text = finance.text
    clean = {(i.rule, tuple(e.quote for e in i.evidence)) for i in review_of(finance)}
    reason = text.index("导致相关支出略有增加") + len("导致相关支出略有")
    entries, _ = read_contents(text)
    entry = next(e for e in entries if e.text.startswith("第四部分"))
    copy, _ = edit_report(
        finance, [Edit(reason, reason + 2, "减少"), Edit(entry.start, entry.end + 1, "")]
    )
    new = [i for i in review_of(copy) if (i.rule, tuple(e.quote for e in i.evidence)) not in clean]
    assert sorted((i.rule, i.evidence[-1].quote) for i in new) == [
        ("body_without_contents", "第四部分 名词解释"),
        ("reason_direction", "相关支出略有减少"),
    ]
