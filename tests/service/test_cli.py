"""The `reportqa` commands, run in-process against the session's ingested corpus."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from service import cli
from service.context import ServiceContext
from tests.conftest import HONGHE

runner = CliRunner()


def test_search_finds_the_unmet_reoffending_rate(cli_on_corpus: ServiceContext) -> None:
    # top 5: the int8 vectors differ in the last digits from one CPU to another (AVX-512 or not),
    # enough to swap near-tied passages (the two statements of the 0.25% are ranks 1 and 3–4)
    result = runner.invoke(cli.app, ["search", "社区矫正对象重新犯罪率", "--top-k", "5"])
    assert result.exit_code == 0, result.output
    assert "实际完成0.25%" in result.output


def test_search_top5_holds_the_chunk(cli_on_corpus: ServiceContext) -> None:
    hits = cli_on_corpus.retriever.search("社区矫正对象重新犯罪率", top_k=5)
    assert any("实际完成0.25%" in h.text for h in hits)


def test_search_within_a_report_named_by_path(cli_on_corpus: ServiceContext) -> None:
    result = runner.invoke(cli.app, ["search", "三公经费", "--report", str(HONGHE)])
    assert result.exit_code == 0, result.output
    assert "12.85" in result.output


def test_search_with_unknown_report_fails_with_a_message(cli_on_corpus: ServiceContext) -> None:
    result = runner.invoke(cli.app, ["search", "三公经费", "--report", "nope"])
    assert result.exit_code == 2
    assert "no report matches 'nope'" in result.output


def test_reports_lists_the_corpus(cli_on_corpus: ServiceContext) -> None:
    result = runner.invoke(cli.app, ["reports"])
    assert result.exit_code == 0, result.output
    assert "红河州司法局" in result.output
    assert result.output.count("pdf") >= 4


def test_ingest_reports_bad_files_and_exits_non_zero(
    cli_on_corpus: ServiceContext, tmp_path: pytest.TempPathFactory
) -> None:
    bad = tmp_path / "broken.docx"  # type: ignore[operator]
    bad.write_bytes(b"not a zip")
    result = runner.invoke(cli.app, ["ingest", str(bad), str(HONGHE)])
    assert result.exit_code == 1
    assert "broken.docx" in result.output and "unchanged" in result.output


def test_ask_prints_the_answer_and_its_cited_passage(cli_on_corpus: ServiceContext) -> None:
    result = runner.invoke(cli.app, ["ask", "红河州司法局2024年的“三公”经费决算支出是多少?"])
    assert result.exit_code == 0, result.output
    assert "12.85" in result.output and "依据" in result.output
    assert "红河州司法局2024年度部门整体支出绩效单位自评报告" in result.output


def test_ask_refusal_shows_related_passages_as_not_support(cli_on_corpus: ServiceContext) -> None:
    result = runner.invoke(cli.app, ["ask", "明天上海的天气怎么样?"])
    assert result.exit_code == 0, result.output
    assert "报告中未找到相关信息" in result.output and "依据:" not in result.output
