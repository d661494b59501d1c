"""Passage selection: which retrieved sentences or table rows answer a question.

Candidates are sentences, table rows and (for causes) pairs of adjacent sentences of the retrieved
chunks. A candidate must hold enough of the question's words (on word boundaries, precomputed at
index time) and, for figure questions, a figure; the wanted kind of figure only nudges the ranking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.models import Report
from ingest.segmenter import Segmenter
from service.retrieval import HybridRetriever, RetrievedChunk
from service.understanding import Understanding
from service.verify import numbers_in

CANDIDATE_CHUNKS = 40
# Kinds whose answer often runs over two sentences: a fact, then its cause. A figure must stand in
# the one sentence that also names what it measures, so figure questions take single sentences.
_PAIRED = frozenset({"reason", "unmet", "list"})
MIN_COVERAGE = 0.5  # share of the question's term weight a supporting sentence must contain
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
    ]
)
_ASKING = re.compile(r"\d|几|多少|哪|吗|什么")
_PERCENT_NUM = re.compile(r"\d(?:[\d,]*\d)?(?:\.\d+)?%")
_AMOUNT_NUM = re.compile(r"\d(?:[\d,]*\d)?(?:\.\d+)?\s*(?:万元|亿元|元)")
_COUNT_NUM = re.compile(r"\d+\s*(?:人|件|条|辆|个|项|家|次|名|户|分|期)")
# A figure, not a list marker: a number with a unit or %, a decimal, or two or more digits.
_ANY_FIGURE = re.compile(
    r"\d+(?:\.\d+)?\s*(?:%|万元|亿元|元|人|件|条|辆|个|项|次|分)|\d+\.\d+|\d{2,}"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_DECIMAL = re.compile(r"\d\.\d")
_WANTED = {"percent": _PERCENT_NUM, "amount": _AMOUNT_NUM, "count": _COUNT_NUM}


@dataclass(frozen=True)
class Candidate:
    """A sentence or table row that might answer the question."""

    chunk: RetrievedChunk
    start: int
    end: int
    text: str
    rank: int
    tokens: frozenset[str]
    free: frozenset[str]  # tokens not cut from inside a compound ("电费" of "水电费")
    context: frozenset[str]  # words of the section title and table header
    sentences: int = 1


def choose_passages(
    segmenter: Segmenter,
    retriever: HybridRetriever,
    question: str,
    understood: Understanding,
    hits: list[RetrievedChunk],
    reports: list[Report],
) -> list[Candidate]:
    """The best passage (and a second one for a two-part question), or nothing if none fits."""
    scored = score_candidates(segmenter, retriever, question, understood, hits, reports)
    if not scored:
        return []
    best = scored[0][1]
    chosen = [best]
    if understood.multi_part:
        for _, other in scored[1:]:
            if numbers_in(other.text) - numbers_in(best.text) and not _overlaps(best, other):
                chosen.append(other)
                break
    return sorted(chosen, key=lambda c: (c.chunk.report_id, c.start))


def score_candidates(
    segmenter: Segmenter,
    retriever: HybridRetriever,
    question: str,
    understood: Understanding,
    hits: list[RetrievedChunk],
    reports: list[Report],
) -> list[tuple[float, Candidate]]:
    """Every candidate that may answer the question, best first, with its score."""
    terms = _question_terms(segmenter, question, reports)
    if not terms.weights:
        return []
    scored = sorted(
        (
            (coverage + _bonus(c, understood) - 0.02 * c.rank, i, c)
            for i, c in enumerate(_candidates(retriever, hits, pairs=understood.kind in _PAIRED))
            for coverage in [_coverage(c, terms)]
            if coverage >= MIN_COVERAGE
            and _holds_key(c, terms)
            and _holds_wanted_figure(c, understood)
            and _row_has_value_for(c, terms.weights)
        ),
        key=lambda t: (-t[0], t[1]),
    )
    return [(score, c) for score, _, c in scored]


def rerank(
    hits: list[RetrievedChunk], scored: list[tuple[float, Candidate]]
) -> list[RetrievedChunk]:
    """Chunks holding an answering candidate first (by its score), then the rest as retrieved."""
    order: dict[str, int] = {}
    for _, candidate in scored:
        order.setdefault(candidate.chunk.id, len(order))
    return sorted(hits, key=lambda h: order.get(h.id, len(order)))


def _holds_key(candidate: Candidate, terms: QuestionTerms) -> bool:
    """At least half the weight of what some part of the question is about stands in the passage
    or its context.

    Coverage alone lets generic words carry a passage about something else; the key words are the
    specific ones ("电费" of "电费支出是多少"). A two-part question is answered part by part.
    """
    if not terms.keys:
        return True
    where = candidate.free | candidate.context
    return any(
        sum(terms.weights[t] for t in key if t in where) >= 0.5 * sum(terms.weights[t] for t in key)
        for key in terms.keys
    )


def _holds_wanted_figure(candidate: Candidate, understood: Understanding) -> bool:
    """Figure questions need a figure in the passage itself; its kind only nudges the ranking."""
    if understood.kind not in ("figure", "crosscheck"):
        return True
    return bool(_ANY_FIGURE.search(candidate.text))


def _row_has_value_for(candidate: Candidate, terms: dict[str, float]) -> bool:
    """In a table row, a label the question names must have a value of its own.

    Budget tables put two label/value groups side by side ("301 | 08 | 养老保险缴费 | 160.75 | 302 |
    06 | 电费"): a row that names the asked item with no figure after it states another item's
    figure, and must not answer. Rows whose labels the question does not name pass.
    """
    if candidate.chunk.kind != "table_row":
        return True
    cells = candidate.text.split(" | ")
    named = [i for i, cell in enumerate(cells) if any(t in cell for t in terms if len(t) >= 2)]
    return not named or any(_value_follows(cells, i) for i in named)


def _value_follows(cells: list[str], index: int) -> bool:
    """A figure in the cells after `index`, before the next label (a cell with Chinese text)."""
    for cell in cells[index + 1 :]:
        if _CJK.search(cell):
            return False
        if _ANY_FIGURE.search(cell) or (re.search(r"\d", cell) and "." in cell):
            return True
    return False


@dataclass(frozen=True)
class QuestionTerms:
    """Content terms of a question with weights, and which of them stand free in it."""

    weights: dict[str, float]
    free: frozenset[str]  # not cut from inside a compound: must stand free in a passage too
    keys: tuple[frozenset[str], ...]  # per part of the question: its free, specific words


def _question_terms(segmenter: Segmenter, question: str, reports: list[Report]) -> QuestionTerms:
    """Content terms of the question with weights; names of the reporting body are left out."""
    names = " ".join(r.publisher or "" for r in reports)
    weights: dict[str, float] = {}
    for word in segmenter.tokenize(question):
        if word in _STOP or (len(word) >= 2 and word in names) or re.fullmatch(r"20\d\d", word):
            continue
        weights[word] = float(min(len(word), 4)) if not word.isdigit() else 1.0
    free = frozenset(segmenter.free_tokens(question)) & weights.keys()
    keys = tuple(
        frozenset(
            w
            for w in segmenter.cut(part)
            if w in free and len(w) >= 2 and w not in _GENERIC and not _ASKING.search(w)
        )
        for part in re.split(r"[??;;。]", question)
    )
    return QuestionTerms(weights, free, tuple(k for k in keys if k))


def _candidates(
    retriever: HybridRetriever, hits: list[RetrievedChunk], pairs: bool
) -> list[Candidate]:
    """Sentences, table rows and, if asked, pairs of adjacent sentences (a fact and its cause)."""
    out = []
    width = 2 if pairs else 1
    for rank, hit in enumerate(hits):
        sentences, context = retriever.sentences(hit)
        for k, first in enumerate(sentences):
            for last in sentences[k : k + width]:
                tokens = first.tokens | last.tokens
                free = first.free_tokens | last.free_tokens
                text = hit.text[first.start : last.end]
                out.append(
                    Candidate(
                        hit,
                        hit.start + first.start,
                        hit.start + last.end,
                        text,
                        rank,
                        tokens,
                        free,
                        context,
                        1 if last is first else 2,
                    )
                )
    return out


def _coverage(candidate: Candidate, terms: QuestionTerms) -> float:
    """Weighted share of the question's terms that are words of the passage or its context.

    A term the question states as a word of its own must be one in the passage ("电费" is not
    found in "水电费"). A term found only in the section title or table header counts half: it
    says where the passage is, not what it states.
    """
    found = sum(
        w
        if t in candidate.free or (t not in terms.free and t in candidate.tokens)
        else w / 2
        if t in candidate.context
        else 0.0
        for t, w in terms.weights.items()
    )
    return found / sum(terms.weights.values())


def _bonus(candidate: Candidate, understood: Understanding) -> float:
    """Small nudges for ranking only: the wanted figure, a stated cause, brevity."""
    bonus = 0.0
    pattern = _WANTED.get(understood.wanted)
    if understood.wanted == "amount" and candidate.chunk.kind == "table_row":
        pattern = _DECIMAL  # tables state their unit once, in the title ("单位:万元")
    if pattern is not None and pattern.search(candidate.text):
        bonus += 0.15
    if understood.kind == "reason" and re.search(r"原因|由于|因为|因", candidate.text):
        bonus += 0.15
    return bonus - 0.03 * (candidate.sentences - 1)


def _overlaps(a: Candidate, b: Candidate) -> bool:
    return a.chunk.report_id == b.chunk.report_id and a.start < b.end and b.start < a.end


def state_passage(candidate: Candidate) -> str:
    """The answer sentence: the quote itself; a table row is named by its header."""
    if candidate.chunk.kind != "table_row" or not candidate.chunk.header:
        return candidate.text
    header = candidate.chunk.header.removeprefix("表头: ").split(" | ")
    cells = candidate.text.split(" | ")
    if len(header) != len(cells):
        return candidate.text + "。"
    # A label that holds a number ("2024年预算数") would put an unquoted number in the answer.
    pairs = [(h, c) for h, c in zip(header, cells, strict=True) if c]
    return ";".join(c if re.search(r"\d", h) else f"{h}: {c}" for h, c in pairs) + "。"
