"""POST /ask end to end: real corpus, real model, real Chroma; every citation verified here too."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ingest.pipeline import IngestSummary
from service.answering.answer import NOT_FOUND
from service.answering.verify import numbers_in
from service.app import create_app
from service.context import ServiceContext


@pytest.fixture(scope="module")
def client(corpus_context: ServiceContext, corpus_ingest: IngestSummary) -> Iterator[TestClient]:
    with TestClient(create_app(context=corpus_context)) as test_client:
        yield test_client


def _ask(client: TestClient, question: str, **extra: Any) -> dict[str, Any]:
    response = client.post("/ask", json={"question": question, **extra})
    assert response.status_code == 200, response.text
    return dict(response.json())


def _assert_quotes_are_exact(client: TestClient, body: dict[str, Any]) -> None:
    for cited in body["citations"] + body["related"]:
        span = client.get(
            f"/reports/{cited['report_id']}/text",
            params={"start": cited["start"], "end": cited["end"]},
        ).json()
        assert span["text"] == cited["quote"]
    quoted = set().union(*(numbers_in(c["quote"]) for c in body["citations"]))
    assert numbers_in(body["answer"]) <= quoted | set(body["computed"])


@pytest.mark.parametrize(
    ("question", "figures", "kind"),
    [
        ("红河州司法局2024年的“三公”经费决算支出是多少?", ["12.85"], "figure"),
        ("红河州司法局的社区矫正项目实际支出了多少资金?", ["10.92"], "table"),
        ("普陀区财政局2024年度机关运行经费支出多少?", ["184.65"], "figure"),
        ("红河州司法局调解成功率是多少?", ["97.60%"], "figure"),
    ],
)
def test_figure_questions_are_answered_with_the_figure_quoted(
    client: TestClient, question: str, figures: list[str], kind: str
) -> None:
    body = _ask(client, question)
    assert body["answerable"] and body["kind"] == kind
    for figure in figures:
        assert figure in body["answer"]
        assert any(figure in c["quote"] for c in body["citations"])
    _assert_quotes_are_exact(client, body)


@pytest.mark.parametrize(
    ("question", "figures"),
    [
        # two parts, each answered by its own sentence
        ("红河州司法局人员编制多少人?车辆编制多少辆?", ["63人", "5辆"]),
        # a figure and the cause stated right after it
        ("红河州司法局三公经费预算数比上年下降了多少?为什么?", ["15.00%", "八项规定"]),
    ],
)
def test_two_part_questions_get_both_parts(
    client: TestClient, question: str, figures: list[str]
) -> None:
    body = _ask(client, question)
    assert body["answerable"]
    for figure in figures:
        assert figure in body["answer"], body["answer"]
    _assert_quotes_are_exact(client, body)


def test_a_named_indicator_gets_its_target_actual_and_reason(client: TestClient) -> None:
    body = _ask(client, "红河州司法局社区矫正对象重新犯罪率这个指标完成了吗?")
    assert body["answerable"]
    for part in ("0.02%", "0.25%", "未完成", "重新犯罪"):
        assert part in body["answer"], body["answer"]
    _assert_quotes_are_exact(client, body)


def test_unmet_targets_are_listed_from_the_reports_own_section(client: TestClient) -> None:
    body = _ask(client, "红河州司法局有哪些绩效指标没有完成?")
    assert body["kind"] == "unmet" and body["answerable"]
    for item in ("人民监督员专项业务培训", "民主法治示范村", "重新犯罪率", "0.25%"):
        assert item in body["answer"]
    assert body["citations"][0]["section_path"][-1].startswith("(二)绩效目标未完成原因分析")
    _assert_quotes_are_exact(client, body)


def test_a_reason_question_cites_the_stated_cause(client: TestClient) -> None:
    body = _ask(client, "红河州司法局为什么中央政法转移支付资金没有列入项目收支表?")
    assert body["answerable"] and body["kind"] == "reason"
    assert "涉密" in body["answer"]
    _assert_quotes_are_exact(client, body)


@pytest.mark.parametrize(
    "question",
    [
        "上海市普陀区教育局2024年的三公经费是多少?",
        "明天上海的天气怎么样?",
        "红河州司法局2024年的土地出让收入是多少?",
        # the report states 水电费 and 邮电费 among other costs, never 电费 on its own
        "红河州司法局2024年的电费支出是多少?",
        "红河州司法局2024年的差旅费是多少?",
    ],
)
def test_questions_the_reports_do_not_answer_are_refused(client: TestClient, question: str) -> None:
    body = _ask(client, question)
    assert body["answer"] == NOT_FOUND and not body["answerable"]
    assert body["citations"] == []
    _assert_quotes_are_exact(client, body)


def test_a_question_limited_to_one_report_cites_only_it(client: TestClient) -> None:
    report_id = next(
        r["id"]
        for r in client.get("/reports").json()["data"]
        if r["file_name"].startswith("putuo-social-work")
    )
    body = _ask(client, "项目支出决算是多少?", report=report_id[:8])
    assert body["answerable"]
    assert {c["report_id"] for c in body["citations"]} == {report_id}
    assert "202.24" in body["answer"]


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"question": ""}, 422),
        ({"question": "   "}, 400),
        ({"question": "预算" * 5000}, 422),
        ({"question": "三公经费是多少?", "report": "no-such-report"}, 404),
        ({"question": "三公经费是多少?", "top_k": 0}, 422),
        ({}, 422),
    ],
)
def test_bad_ask_requests_get_the_error_shape(
    client: TestClient, payload: dict[str, Any], status: int
) -> None:
    response = client.post("/ask", json=payload)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["status"] == status and error["message"]


def test_malformed_json_gets_the_error_shape(client: TestClient) -> None:
    response = client.post(
        "/ask", content=b'{"question": "oops"', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["message"]


def test_a_comparison_of_two_bodies_states_and_cites_each(client: TestClient) -> None:
    body = _ask(client, "普陀区财政局和社会工作部谁的项目支出多?")
    assert body["answerable"]
    assert "603.14" in body["answer"] and "202.24" in body["answer"]
    assert len({c["report_id"] for c in body["citations"]}) == 2
    assert body["computed"] == ["400.9"]  # the gap is computed, and listed as such


def test_a_ranking_over_every_report_names_the_highest(client: TestClient) -> None:
    body = _ask(client, "哪个部门的机关运行经费最少?")
    assert body["answerable"] and "最低" in body["answer"]
    assert len({c["report_id"] for c in body["citations"]}) >= 3


def test_what_is_wrong_with_a_report_is_answered_by_its_review(client: TestClient) -> None:
    body = _ask(client, "普陀区规划和自然资源局这份决算有什么问题?")
    assert body["answerable"] and body["kind"] == "review"
    first = body["answer"].splitlines()[1]
    assert first.startswith("1. [确定]") and "5377.64" in first  # most severe first
    assert any("5377.64" in c["quote"] for c in body["citations"])
    _assert_quotes_are_exact(client, body)
