"""The words of a question that a passage must share to answer it, and how much of them it does.

Shared by every candidate kind (sentences, table cells, records), so a question matches a record
by the same rules as a passage. The words themselves come from the lexicon (data).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.models import Report
from ingest.segmenter import Segmenter
from service.answering.lexicon import Lexicon, load_lexicon

MIN_COVERAGE = 0.5  # share of the question's term weight a supporting record must contain
# A term found only in the section or table title counts this much: it says where the passage is,
# which in budget reports is often, not always, the item it is about. A feature of the fitted
# scorer reads the two separately; this blend is only the structured path's record match.
CONTEXT_WEIGHT = 0.75
_YEAR_WORD = re.compile(r"(?:19|20)\d\d")


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

    @property
    def key_words(self) -> frozenset[str]:
        return frozenset().union(*self.keys) if self.keys else frozenset()


_COMPARED_WITH = re.compile(
    r"(?:比|较|跟|和|与|同)\s*(?:(?:19|20)?\d{2}\s*年度?|上一?年度?|去年|前年)\s*(?:相比|比|对比)?"
)
_UNIT_AFTER_FIGURE = re.compile(r"(?<=\d)(?:万元|亿元|千元|万|亿|元)")


def question_terms(
    segmenter: Segmenter, question: str, reports: list[Report], lexicon: Lexicon | None = None
) -> QuestionTerms:
    """Content terms of the question with weights; names of the reporting body are left out."""
    lexicon = lexicon or load_lexicon()
    publishers = [r.publisher for r in reports if r.publisher]
    names = " ".join(publishers)
    question = without_names(segmenter, question, publishers)
    # what it is compared with names no subject ("跟2023年相比多了" is not 相/比多)
    question = _COMPARED_WITH.sub(" ", question)
    # the copula before an asking word stands apart: "运行费是多少" is not 运行/费是/多少
    question = re.sub(rf"是(?=(?:{lexicon.asking.pattern}))", " 是 ", question)
    # and 比 before a change: "跟2023年比少了多少" is not 比少/了
    question = re.sub(rf"比(?=(?:{lexicon.up.pattern}|{lexicon.down.pattern}))", " 比 ", question)
    # a unit after a figure is the figure's ("17.68万只花了" is not 万只/花了)
    question = _UNIT_AFTER_FIGURE.sub(" ", question)
    weights: dict[str, float] = {}
    for word in segmenter.tokenize(question):
        if (
            word in lexicon.stop
            or lexicon.asking.search(word)
            or (len(word) >= 2 and word in names)
            or (len(word) >= 3 and any(abbreviates(word, name) for name in publishers))
            or _YEAR_WORD.fullmatch(word)
        ):
            continue
        weights[word] = float(min(len(word), 4)) if not word.isdigit() else 1.0
    free = frozenset(segmenter.free_tokens(question)) & weights.keys()
    keys = tuple(
        frozenset(
            w
            for w in segmenter.cut(part)
            if w in free
            and len(w) >= 2
            and w not in lexicon.generic
            and not lexicon.asking.search(w)
            and not any(ch.isdigit() for ch in w)
        )
        for part in split_parts(question)
    )
    alternatives = {t: lexicon.alternatives(t) for t in weights}
    return QuestionTerms(weights, free, tuple(k for k in keys if k), alternatives)


# "基本支出和项目支出各占多少": two items asked the same thing; the lead before the last comma
# belongs to the first item only, so it is left out of both.
_CONJOINED = re.compile(
    r"^(?:.*[,,::])?([^,,::和与及、]{2,}?)(?:和|与|及|、)([^,,::和与及、]{2,}?)(?:各|分别)(.+)$"
)


def split_parts(question: str) -> list[str]:
    """The parts of a question that asks several things ("…是多少?比上年增加多少?", "A和B各是
    多少?" → "A是多少", "B是多少")."""
    return [part for part, _ in marked_parts(question)]


def marked_parts(question: str) -> list[tuple[str, bool]]:
    """The parts, each with whether it is the second of two items asked alike ("B是多少" of
    "A和B各是多少?"), which names its own item and is not about the one before."""
    parts: list[tuple[str, bool]] = []
    for part in _asked_clauses(question):
        if not part.strip():
            continue
        conjoined = _CONJOINED.match(part)
        if conjoined:
            first, second, rest = conjoined.groups()
            # whose both items are is said once, before the first: "行政运行的全年预算和实际
            # 支出各多少"
            if "的" in first and "的" not in second:
                second = first[: first.rindex("的") + 1] + second
            parts += [(first + rest, False), (second + rest, True)]
        else:
            parts.append((part, False))
    return parts


def _asked_clauses(question: str, lexicon: Lexicon | None = None) -> list[str]:
    """The question cut at ?;。, and at a comma between two clauses that each ask
    ("…总计是多少,比上年增长多少"); a comma before the clause that asks joins it
    ("2024年,…是多少")."""
    asking = (lexicon or load_lexicon()).asking
    clauses: list[str] = []
    for sentence in re.split(r"[??;;。]", question):
        pending = ""
        for piece in re.split(r"[,,]", sentence):
            pending = f"{pending},{piece}" if pending else piece
            if asking.search(piece):
                clauses.append(pending)
                pending = ""
        if pending:
            if clauses and not asking.search(pending):
                clauses[-1] += "," + pending  # a trailing phrase qualifies the clause before it
            else:
                clauses.append(pending)
    return clauses


def without_names(segmenter: Segmenter, text: str, names: list[str]) -> str:
    """The text less the words that name one of the bodies `names`: the name or its end
    ("司法局"), its place ("普陀区"), or an abbreviation of it, which the segmenter may have cut
    in pieces ("社" "工部" of 社会工作部)."""
    words = segmenter.cut(text)
    dropped: set[int] = set()
    for i in range(len(words)):
        for j in range(i + 1, min(i + _NAME_PIECES, len(words)) + 1):
            if _names_a_body("".join(words[i:j]), names):
                dropped.update(range(i, j))
    return "".join(w for k, w in enumerate(words) if k not in dropped)


_NAME_PIECES = 3  # words an abbreviated name may be cut into
_PLACE_ENDS = "省市区县州"


def _names_a_body(piece: str, names: list[str]) -> bool:
    if len(piece) < 2:
        return False
    return any(
        (piece in name and (name.endswith(piece) or piece[-1] in _PLACE_ENDS))
        or (len(piece) >= 3 and abbreviates(piece, name))
        for name in names
    )


def abbreviates(short: str, name: str) -> bool:
    """A short name made of the full name's characters in order ("规资局" of "规划和自然资源局",
    "社工部" of "社会工作部"), ending as it ends."""
    rest = iter(name)
    return short[-1:] == name[-1:] and all(char in rest for char in short)


def key_coverage(terms: QuestionTerms, words: frozenset[str]) -> float:
    """The best share, over the question's parts, of a part's specific-word weight among `words`.

    Coverage alone lets generic words carry a passage about something else; the key words are the
    specific ones ("电费" of "电费支出是多少"). 1.0 when the question has no specific words.
    """
    if not terms.keys:
        return 1.0
    return max(
        sum(terms.weights[t] for t in key if terms.found_in(t, words))
        / sum(terms.weights[t] for t in key)
        for key in terms.keys
    )


def holds_key(terms: QuestionTerms, words: frozenset[str]) -> bool:
    """At least half the weight of what some part of the question is about is among `words`."""
    return key_coverage(terms, words) >= 0.5


def coverage_split(
    terms: QuestionTerms, tokens: frozenset[str], free: frozenset[str], context: frozenset[str]
) -> tuple[float, float]:
    """Weighted shares of the question's terms found in the passage itself, and only in its
    context (section title, table title).

    A term the question states as a word of its own must be one in the passage ("电费" is not
    found in "水电费").
    """
    if not terms.weights:
        return 0.0, 0.0
    own = elsewhere = 0.0
    for term, weight in terms.weights.items():
        words = terms.alternatives.get(term) or frozenset([term])
        if not words.isdisjoint(free) or (term not in terms.free and not words.isdisjoint(tokens)):
            own += weight
        elif not words.isdisjoint(context):
            elsewhere += weight
    total = sum(terms.weights.values())
    return own / total, elsewhere / total


def coverage_of(
    terms: QuestionTerms, tokens: frozenset[str], free: frozenset[str], context: frozenset[str]
) -> float:
    """Weighted share of the question's terms among the passage's words or its context."""
    own, elsewhere = coverage_split(terms, tokens, free, context)
    return own + CONTEXT_WEIGHT * elsewhere
