"""Evaluators' tools end to end: figures, indicators, unmet targets and cross-checks over HTTP,
the CLI and /ask, on the real corpus with the real model and Chroma."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner

from ingest.pipeline import IngestSummary
from service import cli
from service.answering.verify import numbers_in
from service.app import create_app
from service.context import ServiceContext
from tests.conftest import HONGHE, PUTUO_FINANCE

runner = CliRunner()


@pytest.fixture(scope="module")
def client(corpus_context: ServiceContext, corpus_ingest: IngestSummary) -> Iterator[TestClient]:
    with TestClient(create_app(context=corpus_context)) as test_client:
        yield test_client


def _report_id(client: TestClient, path: Path) -> str:
    listed = client.get("/reports").json()["data"]
    return str(next(r["id"] for r in listed if r["file_name"] == path.name))


def _get(client: TestClient, url: str, **params: Any) -> dict[str, Any]:
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _text(client: TestClient, report_id: str, start: int, end: int) -> str:
    return str(_get(client, f"/reports/{report_id}/text", start=start, end=end)["text"])


def _inconsistent_messages(body: dict[str, Any]) -> str:
    return "\n".join(f["message"] for f in body["data"] if f["status"] == "inconsistent")


def test_checks_find_the_honghe_inconsistencies_and_quote_every_figure(
    client: TestClient,
) -> None:
    rid = _report_id(client, HONGHE)
    body = _get(client, f"/reports/{rid}/checks")
    messages = _inconsistent_messages(body)
    assert "899.13" in messages and "898.33" in messages  # 表2 实际到位资金
    assert "1,045.50" in messages and "1,045.52" in messages  # 项目支出 stated twice
    assert "139" in messages and "131" in messages  # 8 unmet, 6 explained
    assert body["by_status"]["inconsistent"] == len(
        [f for f in body["data"] if f["status"] == "inconsistent"]
    )
    for finding in body["data"]:
        assert finding["evidence"], finding
        for evidence in finding["evidence"]:
            where = evidence["position"]
            assert _text(client, rid, where["start"], where["end"]) == evidence["quote"]


def test_checks_mark_the_agreeing_ratios_as_agreeing(client: TestClient) -> None:
    rid = _report_id(client, HONGHE)
    agreeing = _get(client, f"/reports/{rid}/checks", status="agrees")["data"]
    stated = {f["stated"] for f in agreeing if f["check"] == "ratio"}
    assert {97.6, 92.28} <= stated


def test_checks_find_the_putuo_finance_inconsistencies(client: TestClient) -> None:
    rid = _report_id(client, PUTUO_FINANCE)
    messages = _inconsistent_messages(_get(client, f"/reports/{rid}/checks"))
    assert "71.73%" in messages and "71.65%" in messages
    assert "0.3万元" in messages and "2,961.68" in messages


def test_indicators_and_unmet_targets_of_the_honghe_report(client: TestClient) -> None:
    rid = _report_id(client, HONGHE)
    indicators = _get(client, f"/reports/{rid}/indicators")
    unmet = _get(client, f"/reports/{rid}/unmet")
    assert unmet["count"] == 6
    names = " ".join(i["name"] for i in unmet["data"])
    assert "社区矫正对象重新犯罪率" in names and "人民监督员专项业务培训" in names
    assert all(i["reason"] for i in unmet["data"])
    totals = [c for c in indicators["stated_counts"] if c["category"] == "合计"]
    assert any(c["set_count"] == 139 and c["met_count"] == 131 for c in totals)
    assert unmet["count_findings"][0]["status"] == "inconsistent"
    only_unmet = _get(client, f"/reports/{rid}/indicators", status="unmet")
    assert only_unmet["count"] == 6


def test_figures_can_be_filtered_by_what_they_measure(client: TestClient) -> None:
    rid = _report_id(client, HONGHE)
    body = _get(client, f"/reports/{rid}/figures", measure="三公", kind="amount")
    assert body["count"] >= 1
    assert any(f["raw"] == "12.85万元" for f in body["data"])
    for figure in body["data"]:
        where = figure["position"]
        assert _text(client, rid, where["start"], where["end"]) == figure["raw"]


@pytest.mark.parametrize(
    ("url", "params", "status"),
    [
        ("/reports/ffffffffffffffff/checks", {}, 404),
        ("/reports/ffffffffffffffff/indicators", {}, 404),
        ("/reports/{rid}/checks", {"status": "maybe"}, 422),
        ("/reports/{rid}/figures", {"kind": "colour"}, 422),
    ],
)
def test_bad_record_requests_get_the_error_shape(
    client: TestClient, url: str, params: dict[str, str], status: int
) -> None:
    response = client.get(url.format(rid=_report_id(client, HONGHE)), params=params)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["status"] == status and error["message"]


def _ask(client: TestClient, question: str, **extra: Any) -> dict[str, Any]:
    response = client.post("/ask", json={"question": question, **extra})
    assert response.status_code == 200, response.text
    body = dict(response.json())
    for cited in body["citations"]:
        assert _text(client, cited["report_id"], cited["start"], cited["end"]) == cited["quote"]
    quoted = set().union(*(numbers_in(c["quote"]) for c in body["citations"]))
    assert numbers_in(body["answer"]) <= quoted | set(body["computed"])
    return body


@pytest.mark.parametrize(
    ("question", "figures"),
    [
        ("红河州司法局表2里各项目实际到位资金的合计数对不对?", ["899.13", "898.33"]),
        ("红河州司法局报告里的项目支出金额前后说得一致吗?", ["1,045.50", "1,045.52"]),
        ("红河州司法局未完成的指标有几条,原因都说明了吗?", ["139", "131"]),
        ("普陀区财政局一般公共服务支出的占比算对了吗?", ["71.73%", "71.65%"]),
    ],
)
def test_consistency_questions_are_answered_from_the_findings(
    client: TestClient, question: str, figures: list[str]
) -> None:
    body = _ask(client, question)
    assert body["answerable"] and body["answer"].startswith("不一致"), body["answer"]
    quoted = set().union(*(numbers_in(c["quote"]) for c in body["citations"]))
    assert not quoted & set(body["computed"])  # computed lists only what no quote states
    for figure in figures:
        assert figure in body["answer"]


def test_a_consistent_figure_is_said_to_agree(client: TestClient) -> None:
    body = _ask(client, "红河州司法局的预算支出完成率92.28%算得对吗?")
    assert body["answerable"] and body["answer"].startswith("一致"), body["answer"]


def test_check_command_prints_the_findings(cli_on_corpus: ServiceContext) -> None:
    result = runner.invoke(cli.app, ["check", str(HONGHE)])
    assert result.exit_code == 0, result.output
    assert "inconsistent" in result.output and "898.33" in result.output
    missing = runner.invoke(cli.app, ["check", "no-such-report"])
    assert missing.exit_code == 2 and "no report matches" in missing.output


def test_indicators_export_as_csv_and_xlsx(cli_on_corpus: ServiceContext, tmp_path: Path) -> None:
    as_csv = runner.invoke(cli.app, ["indicators", str(HONGHE)])
    assert as_csv.exit_code == 0, as_csv.output
    assert as_csv.output.splitlines()[0].startswith("一级指标,二级指标,三级指标")
    assert "社区矫正对象重新犯罪率" in as_csv.output
    target = tmp_path / "honghe.xlsx"
    as_xlsx = runner.invoke(
        cli.app, ["indicators", str(HONGHE), "--format", "xlsx", "--out", str(target)]
    )
    assert as_xlsx.exit_code == 0, as_xlsx.output
    sheet = load_workbook(target).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("一级指标", "二级指标", "三级指标") and len(rows) == 7
    bad = runner.invoke(cli.app, ["indicators", str(HONGHE), "--format", "pdf"])
    assert bad.exit_code == 2
