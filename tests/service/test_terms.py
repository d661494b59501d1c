"""Pure rules of question terms and passage fit: asking words, synonyms, years, parts."""

from __future__ import annotations

import pytest

from ingest.segmenter import Segmenter
from service.answering.passage_text import (
    has_figure,
    holds_quoted_figure,
    quoted_figures,
    states_level,
    years_about,
)
from service.answering.terms import coverage_of, holds_key, question_terms, split_parts


def _words(segmenter: Segmenter, text: str) -> tuple[frozenset[str], frozenset[str]]:
    return frozenset(segmenter.tokenize(text)), frozenset(segmenter.free_tokens(text))


def test_asking_words_are_not_what_a_question_is_about(segmenter: Segmenter) -> None:
    terms = question_terms(segmenter, "单位现有几辆车?花了多少钱?", [])
    assert not any("几" in t or "多少" in t for t in terms.weights)


def test_a_citizen_word_finds_the_report_word(segmenter: Segmenter) -> None:
    terms = question_terms(segmenter, "现有几辆公车?", [])
    tokens, free = _words(segmenter, "上海市普陀区司法局共有车辆3辆")
    assert coverage_of(terms, tokens, free, frozenset()) >= 0.5
    assert holds_key(terms, free)


def test_a_generic_word_alone_does_not_carry_a_passage(segmenter: Segmenter) -> None:
    terms = question_terms(segmenter, "2024年的电费支出是多少?", [])
    _, free = _words(segmenter, "水电费、邮电费等日常公用经费支出194.57万元")
    assert not holds_key(terms, free)


def test_parts_of_a_two_part_question() -> None:
    assert split_parts("收入预算是多少?比上年增加多少?") == ["收入预算是多少", "比上年增加多少"]
    assert split_parts("三公经费是多少?") == ["三公经费是多少"]


def test_two_items_asked_alike_share_whose_they_are() -> None:
    assert split_parts("行政运行的全年预算和实际支出各多少") == [
        "行政运行的全年预算多少",
        "行政运行的实际支出多少",
    ]
    assert split_parts("基本支出和项目支出各是多少") == ["基本支出是多少", "项目支出是多少"]


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("机关运行经费支出184.65万元,比2023年度增加2.55万元", set()),
        ("2024年“三公”经费决算支出12.85万元", {2024}),
        ("与2023年度相比,2024年收入支出总计增加", {2024}),
    ],
)
def test_a_year_compared_with_is_not_the_year_a_passage_is_about(
    text: str, years: set[int]
) -> None:
    assert years_about(text) == years


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("在编制2024年部门预算时同步编制部门整体绩效目标", False),
        ("支出决算为2940.05万元", True),
        ("共有车辆3辆", True),
        ("完成率为97.60%", True),
        ("13.负责规划资源领域相关行政执法工作,依法查处有关违法案件。", False),
        ("第一条。\n12、开展普法宣传", False),
        ("3、公共安全支出1672.67万元", True),
        ("13.5万元", True),
    ],
)
def test_a_year_or_an_items_number_is_not_a_figure(text: str, figure: bool) -> None:
    assert has_figure(text) is figure


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("2024年度收入支出总计2995.39万元。", True),
        ("与2023年度相比,收入支出总计减少56.95万元,下降1.87%。", False),
        ("机关运行经费支出184.65万元,比2023年度增加2.55万元,增长1.40%。", True),
        ("比上年增长了 3.5%", False),
    ],
)
def test_a_level_is_told_from_the_size_of_a_change(text: str, level: bool) -> None:
    assert states_level(text) is level


@pytest.mark.parametrize(
    ("question", "passage", "holds"),
    [
        ("为什么只完成了88.08%", "完成年初预算的 88.08%。", True),
        ("只完成了88%左右,原因是什么", "完成年初预算的 88.08%。", True),  # rounded as asked
        ("只完成了88%左右,原因是什么", "完成年初预算的97.97%。", False),
        ("2024年9月30日的执行进度", "截至2024年9月30日,执行进度为75%", False),  # a date
        ("这3项支出", "3项", False),  # a single digit is no quoted figure
    ],
)
def test_a_figure_the_question_quotes_is_found_as_written_or_rounded(
    question: str, passage: str, holds: bool
) -> None:
    assert holds_quoted_figure(passage, quoted_figures(question)) is holds
