"""Where a passage stands (its item's lead, its row's lineage) and where else a figure is stated."""

from __future__ import annotations

import pytest

from ingest.config import IngestSettings
from ingest.figures import extract_figures
from ingest.models import Report
from ingest.pipeline import build_report
from ingest.segmenter import Segmenter
from service.answering.candidates.cells import cell_candidates, index_cells
from service.answering.candidates.corroboration import corroborating_rows
from service.answering.candidates.model import Candidate
from service.answering.terms import question_terms
from service.retrieval.hybrid import RetrievedChunk, item_lead, row_lineage

_ITEMS = """财政拨款支出主要内容如下:
1、公共安全支出(204类)司法(06款)行政运行(01项)1672.67万元。主要用于:行政单位的基本支出。2025年当年预算执行数为1690.69万元。主要原因是:部分人员退休。
2、公共安全支出(204类)司法(06款)普法宣传(05项)124.29万元。主要用于:法制宣传工作支出。2025年当年预算执行数为118.46万元。
3、一般公共服务支出(类)社会工作事务(款)事业运行(项)。
主要用于:事业单位人员支出。全年预算为 17.68万元,支出决算为 11.31万元。
决算数小于全年预算数的主要原因:单位新成立。
"""


@pytest.mark.parametrize(
    ("word", "lead"),
    [
        ("1690.69", "1、公共安全支出(204类)司法(06款)行政运行(01项)1672.67万元"),
        ("118.46", "2、公共安全支出(204类)司法(06款)普法宣传(05项)124.29万元"),
        # a lead on a line of its own names the lines under it
        ("17.68", "3、一般公共服务支出(类)社会工作事务(款)事业运行(项)"),
        # a paragraph opening with its cause explains the item before it
        ("单位新成立", "3、一般公共服务支出(类)社会工作事务(款)事业运行(项)"),
        ("财政拨款支出主要内容", None),
    ],
)
def test_each_sentence_has_its_own_items_lead(word: str, lead: str | None) -> None:
    assert item_lead(_ITEMS, _ITEMS.index(word)) == lead


def test_a_row_is_named_by_the_rows_its_subject_code_falls_under() -> None:
    labels: dict[str, str] = {}
    rows = [
        "212\t城乡社区支出\t3832.36",
        "21201\t城乡社区管理事务\t1092.80",
        "2120101\t行政运行\t1092.80",
        "204\t06\t\t司法\t87267272.44",
        "204\t06\t01\t行政运行\t16726725.44",
        "合计\t25741666.44",
    ]
    lineages = [row_lineage(row, labels) for row in rows]
    assert lineages == [
        [],
        ["城乡社区支出"],
        ["城乡社区支出", "城乡社区管理事务"],
        [],
        ["司法"],
        [],
    ]


def test_a_unit_after_a_figure_is_no_term(segmenter: Segmenter) -> None:
    terms = question_terms(segmenter, "事业运行全年预算17.68万只花了11.31万,为什么", [])
    assert not any(t.startswith("万") for t in terms.weights)
    assert "17.68" in terms.weights


_TABLES = """某局2024年度部门决算
支出决算表
单位:万元
科目编码 | 科目名称 | 合计 | 基本支出
2210201 | 住房公积金 | 187.19 | 187.19
2080505 | 机关事业单位基本养老保险缴费支出 | 160.75 | 160.75
基本支出决算表
单位:万元
科目编码 | 科目名称 | 决算数
30113 | 住房公积金 | 187.19
30108 | 机关事业单位基本养老保险缴费 | 160.75
30112 | 其他社会保障缴费 | 0.00
"""


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, list[RetrievedChunk]]:
    path = tmp_path_factory.mktemp("report") / "某局-2024-决算.txt"
    path.write_text(_TABLES, encoding="utf-8")
    report, chunks = build_report(path, path.read_bytes(), IngestSettings())
    return report, [RetrievedChunk(**c.model_dump(), score=0.0) for c in chunks]


def _row(chunk: RetrievedChunk) -> Candidate:
    return Candidate("row", chunk, chunk.start, chunk.end, chunk.text, 0, *(frozenset(),) * 4)


def test_a_figure_another_table_states_under_the_same_label_is_cited_beside_it(
    segmenter: Segmenter, tables: tuple[Report, list[RetrievedChunk]]
) -> None:
    report, chunks = tables
    cells = index_cells(segmenter, report, extract_figures(report))
    economic = _row(next(c for c in chunks if c.text.startswith("30113")))
    spans = corroborating_rows(cells, report.text, economic)
    assert [report.text[s:e].split()[0] for s, e in spans] == ["2210201"]
    # a cell of the row corroborates the same way
    cell = next(c for c in cell_candidates(economic, cells) if c.cell and c.cell.raw == "187.19")
    assert corroborating_rows(cells, report.text, cell) == spans
    # another label with the same figure is not the same statement
    pension = _row(next(c for c in chunks if c.text.startswith("30108")))
    assert corroborating_rows(cells, report.text, pension) == []
    # nor is a zero, which many rows share
    zero = _row(next(c for c in chunks if c.text.startswith("30112")))
    assert corroborating_rows(cells, report.text, zero) == []
