"""The scoring rules, one table each, on hand-made answers: no model, no store."""

from __future__ import annotations

import pytest

from eval.gold import GoldQuestion
from eval.scoring import (
    QuestionScore,
    ReportTexts,
    contains_all,
    evidence_retrieved,
    fold,
    score_answer,
)
from service.answering.answer import NOT_FOUND, Answer, Citation

TEXT = (
    "(4)“三公经费”控制情况分析。红河州司法局本级机关2024年“三公”经费决算支出12.85\n万元，"
    "较预算支出39.10万元，减少26.25万元。年初预算安排1,670.62万元。"
)
OTHER = "另一份报告。2024年“三公”经费决算支出12.85万元。"
TEXTS = ReportTexts({"r1": TEXT, "r2": OTHER}, {"honghe": "r1", "putuo": "r2"})
FIGURE = GoldQuestion(
    id="d05",
    report="honghe",
    type="figure",
    question="2024年“三公”经费决算支出多少?",
    must_include=["12.85"],
    evidence=["经费决算支出12.85万元"],
)
UNANSWERABLE = GoldQuestion(
    id="d29", report="honghe", type="unanswerable", question="差旅费支出是多少?"
)


def cite(report_id: str, start: int, end: int, quote: str | None = None) -> Citation:
    """A citation; its quote defaults to the true span of the named report."""
    text = TEXTS.text_by_id.get(report_id, "")
    return Citation(
        report_id=report_id,
        title="t",
        start=start,
        end=end,
        quote=text[start:end] if quote is None else quote,
    )


def answer(text: str, citations: list[Citation], answerable: bool = True) -> Answer:
    return Answer(
        question="q", answer=text, answerable=answerable, kind="figure", citations=citations
    )


SPAN_START = TEXT.index("红河州")
SPAN_END = TEXT.index("较预算")
GENUINE = cite("r1", SPAN_START, SPAN_END)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("1,670.62万元", "1670.62万元"),
        ("１，６７０．６２", "1670.62"),  # full-width digits and comma
        ("1,000,000", "1000000"),
        ("4,327.26%", "4327.26%"),
        ("92.28％", "92.28%"),
        ("（一）绩效目标", "(一)绩效目标"),
        ("12.85 万元，较预算", "12.85万元,较预算"),
        ("人员 编制\n63\t人", "人员编制63人"),
        ("全\u3000年", "全年"),  # ideographic space
        ("＜＝0.02%", "<=0.02%"),
        ("第1,2条", "第1,2条"),  # a list comma, not a thousands separator
        ("1,2345", "1,2345"),
        ("万元,占", "万元,占"),
        ("“三公”经费、①", "“三公”经费、①"),  # Chinese quotes and circled digits are kept
        ("", ""),
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


@pytest.mark.parametrize(
    ("haystack", "needles", "expected"),
    [
        ("支出１，６７０．６２万元", ["1,670.62"], True),
        ("支出1670.62万元", ["1,670.62万元"], True),
        ("支出 12.85\n万元", ["12.85万元"], True),
        ("重新犯罪率0.25%", ["0.02%", "0.25%"], False),
        ("anything", [], True),
    ],
)
def test_contains_all(haystack: str, needles: list[str], expected: bool) -> None:
    assert contains_all(haystack, needles) is expected


@pytest.mark.parametrize(
    ("name", "reply", "expected"),
    [
        ("right", answer("决算支出12.85万元", [GENUINE]), (True, True, True)),
        ("full-width answer", answer("决算支出１２．８５万元", [GENUINE]), (True, True, True)),
        ("wrong figure", answer("决算支出39.10万元", [GENUINE]), (False, True, True)),
        ("no citation", answer("决算支出12.85万元", []), (True, False, True)),
        (
            "second citation supports",
            answer("12.85", [cite("r1", 0, 5), GENUINE]),
            (True, True, True),
        ),
        (
            "quote lacks the evidence",
            answer("12.85", [cite("r1", SPAN_END, len(TEXT))]),
            (True, False, True),
        ),
        (
            "forged quote: holds the evidence but is not the stored text",
            answer("12.85", [cite("r1", SPAN_START, SPAN_END, "经费决算支出12.85万元")]),
            (True, False, True),
        ),
        (
            "right words at the wrong offsets",
            answer("12.85", [cite("r1", 0, SPAN_END - SPAN_START, GENUINE.quote)]),
            (True, False, True),
        ),
        (
            "offsets past the end of the text",
            answer("12.85", [cite("r1", SPAN_START, len(TEXT) + 10, GENUINE.quote)]),
            (True, False, True),
        ),
        (
            "genuine quote from the wrong report",
            answer("12.85", [cite("r2", OTHER.index("2024"), len(OTHER))]),
            (True, False, True),
        ),
        (
            "unknown report id",
            answer("12.85", [cite("r9", SPAN_START, SPAN_END, GENUINE.quote)]),
            (True, False, True),
        ),
        ("refusal", answer(NOT_FOUND, [], answerable=False), (False, False, False)),
        (
            "answerable flag off, figure given",
            answer("12.85", [GENUINE], answerable=False),
            (True, True, False),
        ),
    ],
)
def test_score_answerable(name: str, reply: Answer, expected: tuple[bool, bool, bool]) -> None:
    assert score_answer(FIGURE, reply, TEXTS) == QuestionScore(*expected), name


def test_a_null_gold_report_accepts_a_citation_from_any_report() -> None:
    gold = FIGURE.model_copy(update={"report": None})
    reply = answer("12.85", [cite("r2", OTHER.index("2024"), len(OTHER))])
    assert score_answer(gold, reply, TEXTS).citation_correct


@pytest.mark.parametrize(
    ("name", "reply", "expected"),
    [
        ("refusal", answer(NOT_FOUND, [], answerable=False), (True, True, True)),
        ("phrase inside a sentence", answer(f"抱歉,{NOT_FOUND}。", []), (True, True, True)),
        ("flag only", answer("无", [], answerable=False), (True, True, True)),
        (
            "refusal that cites support",
            answer(NOT_FOUND, [GENUINE], answerable=False),
            (False, False, False),
        ),
        ("an answer", answer("差旅费12.85万元", [GENUINE]), (False, False, False)),
        ("an answer without citations", answer("差旅费12.85万元", []), (False, True, False)),
    ],
)
def test_score_unanswerable(name: str, reply: Answer, expected: tuple[bool, bool, bool]) -> None:
    assert score_answer(UNANSWERABLE, reply, TEXTS) == QuestionScore(*expected), name


@pytest.mark.parametrize(
    ("gold", "passages", "expected"),
    [
        (FIGURE, [TEXT], True),
        (FIGURE, ["无关", OTHER], True),
        (FIGURE, ["经费决算支出", "12.85万元"], False),  # split across passages does not count
        (FIGURE, [], False),
        (UNANSWERABLE, [TEXT], None),
    ],
)
def test_evidence_retrieved(gold: GoldQuestion, passages: list[str], expected: bool | None) -> None:
    assert evidence_retrieved(gold, passages) is expected
