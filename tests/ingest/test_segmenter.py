from __future__ import annotations

import jieba
import pytest

from ingest.segmenter import Segmenter, load_budget_terms


def test_dictionary_holds_at_least_150_distinct_terms() -> None:
    terms = load_budget_terms()
    assert len(set(terms)) >= 150
    assert {"预算执行率", "三公经费", "一般公共预算", "绩效指标", "年度指标值"} <= set(terms)


@pytest.mark.parametrize(
    ("text", "whole"),
    [
        ("本年度预算执行率为92.28%", "预算执行率"),
        ("2024年“三公”经费决算支出12.85万元", "三公经费"),
        ("一般公共预算财政拨款收入2,940.05万元", "一般公共预算财政拨款收入"),
        ("年度指标值与实际完成值", "年度指标值"),
        ("社区矫正对象重新犯罪率", "重新犯罪率"),
    ],
)
def test_budget_terms_stay_whole(segmenter: Segmenter, text: str, whole: str) -> None:
    assert whole in segmenter.cut(text)


def test_numbers_lose_thousands_separators_and_keep_percent(segmenter: Segmenter) -> None:
    tokens = segmenter.tokenize("项目支出1,045.50万元,执行率92.28%")
    assert "1045.50" in tokens
    assert "92.28%" in tokens
    assert "," not in tokens


def test_search_tokens_include_parts_of_long_terms(segmenter: Segmenter) -> None:
    tokens = segmenter.tokenize("预算执行率")
    assert "预算执行率" in tokens and "预算" in tokens


def test_free_tokens_leave_out_tails_of_coordinate_compounds(segmenter: Segmenter) -> None:
    assert "电费" not in segmenter.free_tokens("水电费、邮电费")
    assert "电费" in segmenter.tokenize("水电费")  # BM25 still meets the part
    assert "电费" in segmenter.free_tokens("电费支出")
    assert "犯罪率" in segmenter.free_tokens("重新犯罪率")  # behind a modifier: the same thing


def test_global_jieba_dictionary_is_untouched(segmenter: Segmenter) -> None:
    segmenter.cut("预算执行率")
    assert "预算执行率" not in jieba.lcut("预算执行率")
