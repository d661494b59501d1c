"""The answering lexicon (词表): stop, generic and asking words, everyday synonyms, cause and
direction words, intent cues, year words, body suffixes and a 中英 glossary.

All of it is data (`data/lexicon.toml`), loaded once; code never holds a word list of its own.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Lexicon:
    """Every word list answering reads, with the patterns built from them."""

    stop: frozenset[str]
    generic: frozenset[str]
    document_kinds: tuple[str, ...]  # longest first
    asking: re.Pattern[str]
    synonyms: dict[str, frozenset[str]]  # word → the other words of its meaning
    cause: re.Pattern[str]
    asks_why: re.Pattern[str]
    up: re.Pattern[str]
    down: re.Pattern[str]
    change: re.Pattern[str]
    order_low: re.Pattern[str]  # a comparison or ranking asks for the lowest
    asks_list: re.Pattern[str]
    asks_share: re.Pattern[str]  # a percentage and nothing else is asked for
    review_problem: re.Pattern[str]  # with review_document: the report itself is in question
    review_document: re.Pattern[str]
    about_indicator: re.Pattern[str]
    intents: tuple[tuple[str, re.Pattern[str]], ...]  # tried in order
    wanted: tuple[tuple[str, re.Pattern[str]], ...]
    count_units: tuple[str, ...]
    this_year: re.Pattern[str]
    last_year: re.Pattern[str]
    speaker_last_year: re.Pattern[str]
    accounts: re.Pattern[str]  # a title naming final accounts or a self-evaluation
    next_year: re.Pattern[str]
    speaker_next_year: re.Pattern[str]
    body: re.Pattern[str]
    place: re.Pattern[str]  # a place name's end: 普陀区, 红河州
    measure_words: frozenset[str]  # 量词 a count is asked in: 辆, 人, 项
    predicate_first: re.Pattern[str]  # a clause opening with its predicate: 比上年…, 占…
    glossary_en: tuple[tuple[str, str], ...]  # longest English phrase first

    def alternatives(self, word: str) -> frozenset[str]:
        """The word and the words meaning the same."""
        return self.synonyms.get(word, frozenset()) | {word}


def _any_of(words: list[str]) -> re.Pattern[str]:
    ordered = sorted(set(words), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in ordered))


@cache
def load_lexicon() -> Lexicon:
    """The lexicon shipped in `data/lexicon.toml` (read once per process)."""
    raw = resources.files("service.answering.data").joinpath("lexicon.toml").read_text("utf-8")
    data = tomllib.loads(raw)
    synonyms: dict[str, frozenset[str]] = {}
    for group in data["synonyms"]:
        for word in group:
            synonyms[word] = synonyms.get(word, frozenset()) | (frozenset(group) - {word})
    bodies = data["bodies"]
    body = re.compile(
        r"([\u4e00-\u9fff]{2,14}?(?:"
        + "|".join(map(re.escape, bodies["suffixes"]))
        + r"))(?!"
        + "|".join(map(re.escape, bodies["not_after"]))
        + ")"
    )
    glossary = sorted(data["glossary_en"].items(), key=lambda kv: -len(kv[0]))
    return Lexicon(
        stop=frozenset(data["stop"]),
        generic=frozenset(data["generic"]),
        document_kinds=tuple(sorted(data["document_kinds"], key=len, reverse=True)),
        asking=_any_of(data["asking_fragments"]),
        synonyms=synonyms,
        cause=_any_of(data["cause"]),
        asks_why=_any_of(data["asks_why"]),
        up=_any_of(data["up"]),
        down=_any_of(data["down"]),
        change=_any_of(data["change"]),
        order_low=_any_of(data["order_low"]),
        asks_list=_any_of(data["asks_list"]),
        asks_share=_any_of(data["asks_share"]),
        review_problem=_any_of(data["review"]["problem"]),
        review_document=_any_of(data["review"]["document"]),
        about_indicator=_any_of(data["about_indicator"]),
        intents=tuple((k, _any_of(v)) for k, v in data["intent"].items()),
        wanted=tuple((k, _any_of(v)) for k, v in data["wanted"].items()),
        count_units=tuple(data["count_units"]),
        this_year=_any_of(data["years"]["this_year"]),
        last_year=_any_of(data["years"]["last_year"]),
        speaker_last_year=_any_of(data["years"]["speaker_last_year"]),
        accounts=_any_of(data["years"]["accounts_titles"]),
        next_year=_any_of(data["years"]["next_year"]),
        speaker_next_year=_any_of(data["years"]["speaker_next_year"]),
        body=body,
        place=re.compile(r"[\u4e00-\u9fff]{2}(?:" + _any_of(bodies["places"]).pattern + ")"),
        glossary_en=tuple(glossary),
        measure_words=frozenset(data["measure_words"]),
        predicate_first=_any_of(data["predicate_first"]),
    )
