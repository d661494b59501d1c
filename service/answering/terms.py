"""The words of a question that a passage must share to answer it, and how much of them it does.

Shared by the extractive path (sentences and table rows) and the structured path (findings), so a
question matches a record by the same rules as a passage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.models import Report
from ingest.segmenter import Segmenter

MIN_COVERAGE = 0.5  # share of the question's term weight a supporting passage must contain
CONTEXT_WEIGHT = 0.75  # a term found only in the section or table title counts this much
_STOP = set(
    [
        "多少",
        "是",
        "的",
        "了",
        "吗",
        "呢",
        "什么",
        "哪些",
        "几",
        "各",
        "和",
        "与",
        "及",
        "为",
        "为什么",
        "怎么",
        "如何",
        "请问",
        "报告",
        "中",
        "里",
        "年",
        "年度",
        "本年度",
        "一共",
        "分别",
        "比例",
        "情况",
        "有",
        "在",
        "对",
        "这个",
        "那个",
        "说法",
        "都",
        "又",
        "表里",
        "表中",
    ]
)
# Words that say what kind of figure is asked for, not which one: a passage that shares only these
# with the question ("支出") is about something else ("电费支出" is not answered by "人员经费支出").
_GENERIC = frozenset(
    [
        "支出",
        "收入",
        "经费",
        "资金",
        "金额",
        "费用",
        "预算",
        "决算",
        "项目",
        "情况",
        "完成",
        "指标",
        "数量",
        "多少钱",
        "总额",
        "合计",
        "总计",
        "上年",
        "本年",
        "全年",
        "年初",
        "实际",
        "增加",
        "减少",
        "增长",
        "下降",
        "占",
        "安排",
        "使用",
        "用于",
        "主要",
        "其中",
        "单位",
        "部门",
        "本级",
        "具体",
        "目标",
        "绩效",
        "分别",
        "各项",
        "原因",
        "说明",
        "问题",
        "怎么",
        # the words of a consistency question say how to compare, not what
        "一致",
        "前后",
        "前后一致",
        "起来",
        "加起来",
        "相符",
        "吻合",
        "正确",
        "准确",
        "核对",
    ]
)
_ASKING = re.compile(r"\d|几|多少|哪|吗|什么")


# Words a citizen uses for what reports call otherwise; each group is one meaning.
_SYNONYM_GROUPS = (
    ("车", "车辆", "公车", "公务车", "公务用车", "汽车"),
    ("人数", "人员", "职工"),
    ("现有", "共有", "拥有", "实有"),
    ("花", "花了", "支出", "开支", "花费", "用了"),
    ("增加", "增长", "上升", "多了"),
    ("减少", "下降", "降低", "少了"),
    ("上一年", "上年", "去年", "上年度", "上一年度"),
    ("今年", "本年", "本年度", "当年"),
    ("执行率", "完成率", "执行进度"),
    ("经费", "费用"),
)
_SYNONYMS = {word: frozenset(group) - {word} for group in _SYNONYM_GROUPS for word in group}
# Words that ask (几辆, 多少钱, 哪些) say what kind of answer is wanted, never what it is about.
_ASKING_WORD = re.compile(r"几|多少|哪|什么|怎样|如何")


@dataclass(frozen=True)
class QuestionTerms:
    """Content terms of a question with weights, and which of them stand free in it."""

    weights: dict[str, float]
    free: frozenset[str]  # not cut from inside a compound: must stand free in a passage too
    keys: tuple[frozenset[str], ...]  # per part of the question: its free, specific words
    # each term with the words meaning the same (computed once: matching runs per candidate)
    alternatives: dict[str, frozenset[str]] = field(default_factory=dict)

    def found_in(self, term: str, words: frozenset[str]) -> bool:
        """The term, or a word meaning the same, is among `words`."""
        alternatives = self.alternatives.get(term)
        if alternatives is None:
            return term in words
        return not alternatives.isdisjoint(words)


def question_terms(segmenter: Segmenter, question: str, reports: list[Report]) -> QuestionTerms:
    """Content terms of the question with weights; names of the reporting body are left out."""
    names = " ".join(r.publisher or "" for r in reports)
    weights: dict[str, float] = {}
    for word in segmenter.tokenize(question):
        if (
            word in _STOP
            or _ASKING_WORD.search(word)
            or (len(word) >= 2 and word in names)
            or re.fullmatch(r"(?:19|20)\d\d", word)
        ):
            continue
        weights[word] = float(min(len(word), 4)) if not word.isdigit() else 1.0
    free = frozenset(segmenter.free_tokens(question)) & weights.keys()
    keys = tuple(
        frozenset(
            w
            for w in segmenter.cut(part)
            if w in free and len(w) >= 2 and w not in _GENERIC and not _ASKING.search(w)
        )
        for part in split_parts(question)
    )
    alternatives = {t: _SYNONYMS.get(t, frozenset()) | {t} for t in weights}
    return QuestionTerms(weights, free, tuple(k for k in keys if k), alternatives)


def split_parts(question: str) -> list[str]:
    """The parts of a question that asks several things ("…是多少?比上年增加多少?")."""
    return [part for part in re.split(r"[??;;。]", question) if part.strip()]


def holds_key(terms: QuestionTerms, words: frozenset[str]) -> bool:
    """At least half the weight of what some part of the question is about is among `words` (a
    passage's free tokens and its context).

    Coverage alone lets generic words carry a passage about something else; the key words are the
    specific ones ("电费" of "电费支出是多少"). A two-part question is answered part by part.
    """
    if not terms.keys:
        return True
    return any(
        sum(terms.weights[t] for t in key if terms.found_in(t, words))
        >= 0.5 * sum(terms.weights[t] for t in key)
        for key in terms.keys
    )


def coverage_of(
    terms: QuestionTerms, tokens: frozenset[str], free: frozenset[str], context: frozenset[str]
) -> float:
    """Weighted share of the question's terms that are words of the passage or its context.

    A term the question states as a word of its own must be one in the passage ("电费" is not
    found in "水电费"). A term found only in the section title or table title counts less: it
    says where the passage is, which in budget reports is often the item it is about ("(项)").
    """
    if not terms.weights:
        return 0.0
    found = 0.0
    for term, weight in terms.weights.items():
        words = terms.alternatives.get(term) or frozenset([term])
        if not words.isdisjoint(free) or (term not in terms.free and not words.isdisjoint(tokens)):
            found += weight
        elif not words.isdisjoint(context):
            found += weight * CONTEXT_WEIGHT
    return found / sum(terms.weights.values())
