"""The one Question: input forms, years resolved against the report, intent, wanted figure,
parts and scope; the lexicon it reads; the scorer file. Small inputs, no model load."""

from __future__ import annotations

import pytest

from ingest.models import Report
from ingest.segmenter import Segmenter
from service.answering.features import FEATURES
from service.answering.lexicon import load_lexicon
from service.answering.question import build_question
from service.answering.question_text import normalise_question
from service.answering.scoring import Scorer, load_scorer, scorer_from_json

_REPORT = Report(
    id="r1",
    title="上海市普陀区财政局2024年度部门决算",
    source_path="x.pdf",
    file_name="x.pdf",
    format="pdf",
    publisher="上海市普陀区财政局",
    year=2024,
)


@pytest.mark.parametrize(
    ("asked", "expected"),
    [
        ("三公經費預算是多少?", "三公经费预算是多少?"),
        ("一般公共服务支出 是 多少", "一般公共服务支出是多少"),
        ("三公经费是多少？", "三公经费是多少?"),
        ("2024年9月底的预算执行进度", "2024年9月30日的预算执行进度"),
        ("2024年2月末", "2024年2月29日"),
        ("财政局24年收支总计跟23年比少了多少", "财政局2024年收支总计跟2023年比少了多少"),
        ("近20年", "近20年"),  # a number of years, not a year
    ],
)
def test_input_forms_are_folded(asked: str, expected: str) -> None:
    assert normalise_question(asked) == expected


def test_english_budget_words_are_glossed() -> None:
    text = normalise_question("What is the basic expenditure in 2024?")
    assert "基本支出" in text and "2024" in text


@pytest.mark.parametrize(
    ("asked", "intent", "wanted", "years", "parts"),
    [
        ("2024年三公经费决算支出多少?", "figure", "amount", {2024}, 1),
        ("今年的预算执行率是多少?", "figure", "percent", {2024}, 1),
        ("去年的三公经费是多少?", "figure", "amount", {2024}, 1),  # a 决算 is read the year after
        ("上年的三公经费是多少?", "figure", "amount", {2023}, 1),
        ("社工部2024年机关运行经费", "figure", "amount", {2024}, 1),
        ("比上年增加多少?", "figure", "any", set(), 1),
        ("单位有几辆公车?", "figure", "count", set(), 1),
        ("哪些绩效指标没有完成?", "unmet", "any", set(), 1),
        ("表2合计对吗?", "crosscheck", "amount", set(), 1),
        ("人员经费为什么下降?", "reason", "amount", set(), 1),
        ("收入预算是多少?比上年增加多少?", "figure", "amount", set(), 2),
        ("这份决算有什么问题?", "review", "amount", set(), 1),
        ("法律援助专项资金评价发现了哪些问题?", "reason", "amount", set(), 1),
        ("2024年收入支出总计是多少,比上年增长多少", "figure", "amount", {2024}, 2),
        ("2024年,收入支出总计是多少", "figure", "amount", {2024}, 1),
    ],
)
def test_question_fields(
    segmenter: Segmenter, asked: str, intent: str, wanted: str, years: set[int], parts: int
) -> None:
    q = build_question(asked, segmenter, [_REPORT], scope="r1")
    assert (q.intent, q.wanted, set(q.years), len(q.parts)) == (intent, wanted, years, parts)
    assert q.report_ids == ("r1",) and q.out_of_scope is None


@pytest.mark.parametrize(
    "asked",
    [
        "上海市普陀区教育局2024年的三公经费是多少?",
        "2019年三公经费决算是多少?",
        "普陀区卫健委2024年机关运行经费是多少",  # a committee named by its abbreviation
    ],
)
def test_a_body_or_year_no_report_covers_is_out_of_scope(segmenter: Segmenter, asked: str) -> None:
    assert build_question(asked, segmenter, [_REPORT], scope="r1").out_of_scope


_HONGHE = _REPORT.model_copy(
    update={
        "id": "h1",
        "title": "红河州司法局2024年部门整体支出绩效自评报告",
        "publisher": "红河州司法局",
    }
)


@pytest.mark.parametrize(
    ("asked", "foreign"),
    [
        # the 普陀 report was deleted: a body of the same kind elsewhere does not answer for it
        ("上海市普陀区司法局2026年的三公经费是多少?", True),
        ("普陀区司法局的三公经费是多少?", True),
        ("红河州司法局2024年的三公经费是多少?", False),
        ("红河司法局的三公经费是多少?", False),
        ("司法局的三公经费是多少?", False),
        ("上海市普陀区财政局的三公经费是多少?", False),
        # the place nearest the body tells which body it is: the city's bureau is not the district's
        ("上海市财政局的三公经费是多少?", True),
        ("普陀财政局的三公经费是多少?", False),
        # a long body name opens with its place
        ("长宁区财政局的三公经费是多少?", True),
    ],
)
def test_a_body_named_with_another_place_is_out_of_scope(
    segmenter: Segmenter, asked: str, foreign: bool
) -> None:
    q = build_question(asked, segmenter, [_REPORT, _HONGHE])
    assert bool(q.out_of_scope) is foreign, q.out_of_scope


def test_a_report_is_picked_by_its_name_in_pieces_not_by_generic_words(
    segmenter: Segmenter,
) -> None:
    putuo = _REPORT.model_copy(
        update={
            "id": "p1",
            "title": "上海市普陀区司法局2026年部门预算",
            "publisher": "上海市普陀区司法局",
        }
    )
    untitled = _REPORT.model_copy(
        update={"id": "u1", "title": "部门预算项目支出绩效自评表(2023年度)", "publisher": None}
    )
    reports = [putuo, _HONGHE, untitled]
    assert build_question("普陀司法局有几辆公车?", segmenter, reports).report_ids == ("p1",)
    assert build_question("红河司法局的三公经费?", segmenter, reports).report_ids == ("h1",)
    # "项目" and "预算" are in the untitled report's title and in every other question
    assert build_question("法律援助项目年初预算是多少?", segmenter, reports).report_ids == ()


def test_a_budgets_reader_means_the_year_before_by_qu_nian(segmenter: Segmenter) -> None:
    budget = _REPORT.model_copy(
        update={"id": "b1", "title": "某区司法局2026年部门预算", "year": 2026}
    )
    q = build_question("去年的三公经费是多少?", segmenter, [budget], scope="b1")
    assert set(q.years) == {2025}
    # …and by 明年 its year, read ahead of it; a final account's reader is a year after it
    q = build_question("明年的三公经费是多少?", segmenter, [budget], scope="b1")
    assert set(q.years) == {2026}
    q = build_question("明年的三公经费是多少?", segmenter, [_REPORT], scope="r1")
    assert set(q.years) == {2026}


def test_a_space_between_two_asking_parts_splits_them(segmenter: Segmenter) -> None:
    q = build_question("编制多少人 年末实有多少人", segmenter, [_REPORT], scope="r1")
    assert [p.text for p in q.parts] == ["编制多少人", "年末实有多少人"]


def test_a_and_b_asked_alike_are_two_parts(segmenter: Segmenter) -> None:
    q = build_question("基本支出和项目支出各是多少?", segmenter, [_REPORT], scope="r1")
    assert [p.text for p in q.parts] == ["基本支出是多少", "项目支出是多少"]


def test_a_part_naming_nothing_of_its_own_is_about_the_part_before(segmenter: Segmenter) -> None:
    q = build_question("收入支出总计是多少?比2023年变化多少?", segmenter, [_REPORT], scope="r1")
    first, second = q.parts
    assert second.text == "比2023年变化多少"
    assert {"收入", "总计"} <= second.terms.weights.keys()
    assert second.direction is not None and first.direction is None


def test_a_part_asking_the_size_of_a_change_is_about_the_part_before(
    segmenter: Segmenter,
) -> None:
    q = build_question("收支总计跟23年比少了多少 降幅是多少", segmenter, [_REPORT], scope="r1")
    first, second = q.parts
    assert "总计" in second.terms.weights and second.direction == "down"
    # comparing words and the copula are no subject: "比少" and "费是" are not words asked about
    assert not {"跟", "比", "少", "比少"} & first.terms.weights.keys()
    fee = build_question("公车运行费是多少万元", segmenter, [_REPORT], scope="r1")
    assert "费是" not in fee.terms.weights


@pytest.mark.parametrize(
    "asked",
    ["收支总计是多少?跟2023年比是多了还是少了,差多少?", "收支总计是多少?与上年相比少了多少?"],
)
def test_a_part_opening_with_what_it_is_compared_with_is_about_the_part_before(
    segmenter: Segmenter, asked: str
) -> None:
    _, second = build_question(asked, segmenter, [_REPORT], scope="r1").parts
    assert "总计" in second.terms.weights and second.direction is not None
    # the year compared with and "还是" (or) name nothing asked about
    assert not {"相", "比是", "还是", "与"} & second.terms.weights.keys()


def test_comparisons_and_rankings_need_several_reports(segmenter: Segmenter) -> None:
    asked = "哪个部门的三公经费最高?"
    assert build_question(asked, segmenter, [_REPORT]).intent == "ranking"
    assert build_question(asked, segmenter, [_REPORT], scope="r1").intent != "ranking"


def test_the_lexicon_loads_and_its_synonyms_are_symmetric() -> None:
    lexicon = load_lexicon()
    assert "多少" in lexicon.stop and "支出" in lexicon.generic
    for word, others in lexicon.synonyms.items():
        assert all(word in lexicon.synonyms[o] for o in others)
    assert lexicon.body.search("上海市普陀区教育局")
    assert not lexicon.body.search("政府采购")


def test_the_shipped_scorer_has_every_feature_and_a_threshold() -> None:
    scorer = load_scorer()
    assert set(scorer.weights) == set(FEATURES) and 0 < scorer.threshold < 1
    assert scorer.fitted_on
    assert scorer_from_json(scorer.to_json()) == scorer


def test_the_scorer_rises_with_a_positive_weight() -> None:
    weights = dict.fromkeys(FEATURES, 0.0) | {"coverage_own": 4.0}
    scorer = Scorer(weights, -2.0, 0.5)
    low = scorer.score([0.0] * len(FEATURES))
    high = scorer.score([1.0 if n == "coverage_own" else 0.0 for n in FEATURES])
    assert low < 0.5 < high and scorer.accepts(high) and not scorer.accepts(low)


def test_a_scorer_missing_a_feature_is_refused() -> None:
    with pytest.raises(ValueError, match="no weight"):
        Scorer({"coverage_own": 1.0}, 0.0, 0.5)


@pytest.mark.parametrize(
    ("asked", "share"),
    [("基本支出占比是多少?", True), ("项目执行率多少", True), ("比上年增长了多少?", False)],
)
def test_a_share_or_rate_asked_wants_a_percentage_only(
    segmenter: Segmenter, asked: str, share: bool
) -> None:
    assert build_question(asked, segmenter, [_REPORT], scope="r1").parts[0].asks_share is share


def test_body_names_and_their_abbreviations_are_not_subject_terms(segmenter: Segmenter) -> None:
    report = _REPORT.model_copy(update={"publisher": "中共上海市普陀区委社会工作部"})
    q = build_question("社工部2024年项目支出是多少?", segmenter, [report], scope="r1")
    assert not {"社", "工部", "社工部"} & q.terms.weights.keys()


@pytest.mark.parametrize(
    ("asked", "counted"),
    [("单位现在有几辆公车", "辆"), ("编制多少人?", "人"), ("三公经费多少万元?", None)],
)
def test_the_measure_word_a_count_is_asked_in(
    segmenter: Segmenter, asked: str, counted: str | None
) -> None:
    assert build_question(asked, segmenter, [_REPORT], scope="r1").parts[0].counted == counted


def test_an_english_question_keeps_its_glossed_words_apart_and_its_year() -> None:
    text = normalise_question(
        "What was the government procurement of the District Finance Bureau in 2024?"
    )
    assert "政府采购 区 财政局" in text and "2024年" in text


def test_a_projects_form_is_picked_by_its_project_and_its_name_is_not_a_subject_term(
    segmenter: Segmenter,
) -> None:
    def form(rid: str, publisher: str, project: str) -> Report:
        title = "部门预算项目支出绩效自评表(2023年度)"
        update = {
            "id": rid,
            "title": title,
            "publisher": publisher,
            "project": project,
            "year": 2023,
        }
        return _REPORT.model_copy(update=update)

    safe = form("f1", "某县司法局", "2023年全县安可替代补助资金项目")
    pay = form("f2", "某县发展和改革局", "工资性支出")
    reports = [safe, pay, _HONGHE]
    asked = build_question("安可替代补助资金项目的调整后预算数是多少?", segmenter, reports)
    assert asked.report_ids == ("f1",)
    assert "调整后预算数" in asked.terms.weights
    assert not {"安可", "替代", "补助"} & set(asked.terms.weights)
    # a body named picks its report first; a project's generic words (补助资金项目) pick none
    assert build_question("红河司法局的补助资金项目?", segmenter, reports).report_ids == ("h1",)
    assert build_question("补助资金项目执行了多少?", segmenter, reports).report_ids == ()


def test_yes_no_asking_words_are_not_subject_terms(segmenter: Segmenter) -> None:
    asked = build_question("财政局有没有公车?是否有出国经费?", segmenter, [_REPORT])
    words = {w for part in asked.parts for w in part.terms.weights}
    assert "公车" in words
    assert not {"有没有", "没有", "是否", "有无"} & words
