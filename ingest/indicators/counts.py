"""Stated counts of indicators ("年初设定139条绩效指标,共计完成131条"), per category.

Each count takes the role of the last verb before it in its sentence (设定/完成/未完成), and
the category its words name ("数量指标56条"), else the total (合计).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from ingest.indicators.labels import CATEGORY_WORDS, TOTAL_CATEGORY, category_in
from ingest.models import IndicatorCount, Report
from ingest.positions import Locator

CountRole = Literal["set", "met", "unmet"]


@dataclass(frozen=True)
class CountHit:
    """One stated count: '完成131条' (met, 合计) or '数量指标56条' (set, 数量), with its clause."""

    category: str
    role: CountRole
    value: int
    start: int
    end: int


_COUNT_TOKEN = re.compile(
    r"(?P<unmet>未完成|未实现|未达成|未达到|未达标)"
    r"|(?P<set>设定|设置|设立|确定|制定|申报|编报|共有|设有)"
    r"|(?P<met>完成|实现|达成|达到|达标)"
    rf"|(?P<cat>{CATEGORY_WORDS})(?:类)?(?:绩效)?指标\s*(?:共|为|有)?\s*(?:(?P<catn>\d+)\s*[条个项])?"
    rf"|(?P<n>\d+)\s*[条个项](?:(?P<ncat>{CATEGORY_WORDS})类?)?(?P<noun>(?:绩效)?指标)?"
)
_VERB_ROLES: dict[str, CountRole] = {"unmet": "unmet", "met": "met", "set": "set"}
_SENTENCE = re.compile(r"[^。;；\n]+")
_CLAUSE_BREAK = re.compile(r"[,，、:：]")
# "共计完成131条", "设置绩效指标12个": a bare count belongs to a verb with only these between.
_VERB_FILLER = re.compile(r"(?:[了共计总合累已全部均\s]|(?:绩效)?指标)*")


def extract_indicator_counts(report: Report) -> list[IndicatorCount]:
    """Stated counts of indicators ("年初设定139条绩效指标,共计完成131条"), per category."""
    locator = Locator(report)
    counts: list[IndicatorCount] = []
    for hits in count_hits_by_sentence(report.text):
        for category in dict.fromkeys(hit.category for hit in hits):
            mine = [hit for hit in hits if hit.category == category]
            values = {hit.role: hit.value for hit in reversed(mine)}  # the first stated wins
            counts.append(
                IndicatorCount(
                    category=category,
                    set_count=values.get("set"),
                    met_count=values.get("met"),
                    unmet_count=values.get("unmet"),
                    position=locator.position(min(h.start for h in mine), max(h.end for h in mine)),
                )
            )
    return counts


def count_hits_by_sentence(text: str) -> Iterator[list[CountHit]]:
    """The stated counts of each sentence that mentions 指标, one list a sentence."""
    for sentence in _SENTENCE.finditer(text):
        if "指标" in sentence.group():
            hits = list(_count_hits(text, sentence.start(), sentence.end()))
            if hits:
                yield hits


def _count_hits(text: str, start: int, end: int) -> Iterator[CountHit]:
    """Counts in one sentence; each takes the role of the last verb before it (设定/完成/未完成)."""
    role: CountRole = "set"
    category = TOTAL_CATEGORY
    verb_end: int | None = None
    for token in _COUNT_TOKEN.finditer(text, start, end):
        verb = _VERB_ROLES.get(token.lastgroup or "")
        if verb is not None:
            role, verb_end = verb, token.end()
            continue
        if token.group("cat"):
            category = category_in(token.group("cat")) or category
            if token.group("catn") is None:
                continue
            value = token.group("catn")
        else:
            bare = token.group("noun") is None and token.group("ncat") is None
            if bare and not _follows_verb(text, verb_end, token.start()):
                continue  # "12条意见", "设定一级指标3个": a number of something else
            verb_end = None  # "完成26个,2个…": one verb, one bare count
            if not bare:
                category = category_in(token.group("ncat") or "") or TOTAL_CATEGORY
            value = token.group("n")
        yield CountHit(
            category, role, int(value), _clause_start(text, start, token.start()), token.end()
        )


def _follows_verb(text: str, verb_end: int | None, offset: int) -> bool:
    return verb_end is not None and bool(_VERB_FILLER.fullmatch(text, verb_end, offset))


def _clause_start(text: str, sentence_start: int, offset: int) -> int:
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, sentence_start, offset)]
    return breaks[-1] if breaks else sentence_start
