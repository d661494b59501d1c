"""One `Question`, built once per ask: its normalised text, the report(s) it is about, its years
(今年/去年 resolved against the report's year), subject terms, the figure asked for, its parts
and its intent. Every later step reads it; nothing re-segments or re-classifies the question.

Pure functions over the question text, the lexicon and the stored reports' metadata.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from ingest.models import Report
from ingest.segmenter import Segmenter
from service.answering.answer import QuestionKind
from service.answering.lexicon import Lexicon, load_lexicon
from service.answering.passage_text import quoted_figures
from service.answering.question_text import normalise_question
from service.answering.scope import detect_report, longest_common_run, out_of_scope
from service.answering.terms import (
    QuestionTerms,
    marked_parts,
    question_terms,
)

Wanted = Literal["percent", "amount", "count", "any"]
Intent = Literal[
    "figure",
    "reason",
    "list",
    "unmet",
    "crosscheck",
    "review",
    "comparison",
    "ranking",
    "unanswerable",
]
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=\s*年)")
_COMPARED_YEAR = re.compile(
    r"(?:比|较|跟|和|与|同|对比|相比于?)\s*(?:19|20)\d{2}\s*年度?(?:相比|比|对比)?"
)


@dataclass(frozen=True)
class QuestionPart:
    """One thing a question asks ("…是多少" of "…是多少?比上年增加多少?")."""

    text: str
    terms: QuestionTerms
    wanted: Wanted
    direction: Literal["up", "down"] | None  # the change this part asks about, if any
    bigrams: frozenset[str] = frozenset()  # its Chinese character pairs, less asking words
    asks_share: bool = False  # it wants a percentage and nothing else
    counted: str | None = None  # the measure word a count is asked in ("辆" of "几辆")
    against_last_year: bool = False  # it compares with the year before ("跟上年比", "比去年")


@dataclass(frozen=True)
class Question:
    """Everything answering needs to know about a question, computed once."""

    asked: str  # as the user typed it
    text: str  # simplified, width-folded, glossed: what every later step reads
    report_ids: tuple[str, ...]  # the reports in scope; empty: every stored report
    years: frozenset[int]  # stated, and resolved from 今年/去年
    intent: Intent
    wanted: Wanted
    terms: QuestionTerms  # of the whole question
    parts: tuple[QuestionPart, ...]  # two or more when it asks several things
    direction: Literal["up", "down"] | None
    asks_why: bool
    multi_part: bool  # "各是多少", "分别", two question marks
    out_of_scope: str | None  # why no stored report can answer it (a body or year not covered)
    free_words: frozenset[str] = frozenset()  # its words that stand free (for record names)
    about_an_indicator: bool = False  # it names an indicator's target, actual or completion
    figures: frozenset[Decimal] = frozenset()  # the figures it quotes ("只完成了88.08%")
    # its text less the bodies it names: "普陀区司法局…收入预算" does not write out a row "司法"
    subject: str = ""

    @property
    def kind(self) -> QuestionKind:
        """The answer kind reported to clients."""
        if self.intent in ("comparison", "ranking"):
            return "figure"
        return self.intent  # type: ignore[return-value]


def build_question(
    asked: str,
    segmenter: Segmenter,
    reports: Sequence[Report],
    scope: str | None = None,
    lexicon: Lexicon | None = None,
) -> Question:
    """The `Question` for `asked`, over the stored `reports`, within report `scope` if given."""
    lexicon = lexicon or load_lexicon()
    text = normalise_question(asked, lexicon)
    named = detect_report(text, reports)
    intent = classify_question(text, lexicon, several_reports=scope is None)
    # a comparison names several reports: it is not narrowed to the one named most
    report_id = scope or (named if intent not in ("comparison", "ranking") else None)
    in_scope = [r for r in reports if r.id == report_id] if report_id else list(reports)
    one = in_scope[0] if len(in_scope) == 1 else None
    accounts = one is not None and bool(lexicon.accounts.search(one.title))
    years = resolve_years(text, one.year if one else None, lexicon, accounts)
    # within a project's own form its name is in every passage: like the body's, it says which
    # report, not what in it
    asked_about = without_project(text, one.project) if one and one.project else text
    terms = question_terms(segmenter, asked_about, list(reports), lexicon)
    names = " ".join(r.publisher or "" for r in reports)
    parts = _parts(asked_about, segmenter, reports, names, lexicon)
    return Question(
        asked=asked,
        text=text,
        report_ids=(report_id,) if report_id else (),
        years=years,
        intent=intent,
        wanted=wanted_figure(text, lexicon),
        terms=terms,
        parts=parts
        if len(parts) > 1
        else (
            QuestionPart(
                text,
                terms,
                wanted_figure(text),
                direction_of(text) or _change_of(text),
                _bigrams(asked_about, names, lexicon),
                bool(lexicon.asks_share.search(text)),
                counted_in(text, lexicon),
                _against_last_year(text, lexicon),
            ),
        ),
        direction=direction_of(text, lexicon),
        asks_why=bool(lexicon.asks_why.search(text)),
        multi_part=bool(re.search(r"各|分别|和.*(各|分别)|[?].+[?]", text))
        or len(re.findall(r"多少|几", text)) >= 2,
        out_of_scope=out_of_scope(text, years, in_scope, reports, lexicon),
        free_words=frozenset(segmenter.free_tokens(text)),
        about_an_indicator=bool(lexicon.about_indicator.search(text)),
        figures=quoted_figures(text),
        subject=lexicon.body.sub(" ", text),
    )


def without_project(text: str, project: str) -> str:
    """The text less the runs of three or more characters it shares with the project's name."""
    while True:
        length, at = longest_common_run(text, project)
        if length < _PROJECT_RUN:
            return text
        text = text.replace(project[at : at + length], " ", 1)


_PROJECT_RUN = 3


def asks_for_figure(text: str) -> bool:
    """The question asks how many or how much ("几条", "多少")."""
    return bool(re.search(r"多少|几", text))


def classify_question(text: str, lexicon: Lexicon, several_reports: bool = True) -> Intent:
    """The intent, by the lexicon's cues in order; comparisons and rankings need several reports,
    and a figure question that also asks why stays a figure question."""
    asks_figure = asks_for_figure(text)
    if lexicon.review_problem.search(text) and lexicon.review_document.search(text):
        return "review"
    for intent, cue in lexicon.intents:
        if not cue.search(text):
            continue
        if intent in ("comparison", "ranking") and not several_reports:
            continue
        if intent == "reason" and asks_figure:
            continue
        return intent  # type: ignore[return-value]
    # "社工部2024年机关运行经费" asks for a figure without saying 多少
    if lexicon.asks_list.search(text) or wanted_figure(text, lexicon) == "any":
        return "list"
    return "figure"


def counted_in(text: str, lexicon: Lexicon | None = None) -> str | None:
    """The measure word a count is asked in: "辆" of "有几辆公车", "人" of "编制多少人"."""
    lexicon = lexicon or load_lexicon()
    for match in re.finditer(r"(?:几|多少)(.)", text):
        if match.group(1) in lexicon.measure_words:
            return match.group(1)
    return None


def wanted_figure(text: str, lexicon: Lexicon | None = None) -> Wanted:
    """The kind of number the question asks for."""
    for wanted, cue in (lexicon or load_lexicon()).wanted:
        if cue.search(text):
            return wanted  # type: ignore[return-value]
    return "any"


def direction_of(text: str, lexicon: Lexicon | None = None) -> Literal["up", "down"] | None:
    """'up' or 'down' when the text speaks of a change one way only."""
    lexicon = lexicon or load_lexicon()
    up, down = bool(lexicon.up.search(text)), bool(lexicon.down.search(text))
    return "up" if up and not down else "down" if down and not up else None


def _parts(
    text: str, segmenter: Segmenter, reports: Sequence[Report], names: str, lexicon: Lexicon
) -> tuple[QuestionPart, ...]:
    """The question's parts. A part naming nothing specific of its own ("…总计是多少?比2023年变化
    多少?") is about the subject of the part before it: it takes that part's words, and keeps
    its own figure kind and direction."""
    parts: list[QuestionPart] = []
    previous: str | None = None
    for part, conjoined in marked_parts(text):
        subject = part
        terms = question_terms(segmenter, part, list(reports), lexicon)
        # "比上年增长多少", "占基本支出的比例是多少": a clause that opens with its predicate is
        # about the subject before it, whatever else it names
        about_previous = not terms.keys or bool(lexicon.predicate_first.match(part))
        if about_previous and previous is not None and not conjoined:
            subject = previous + "," + part
            terms = question_terms(segmenter, subject, list(reports), lexicon)
        if not terms.weights:
            continue
        parts.append(
            QuestionPart(
                part,
                terms,
                wanted_figure(part, lexicon),
                direction_of(part, lexicon) or _change_of(part),
                _bigrams(subject, names, lexicon),
                bool(lexicon.asks_share.search(part)),
                counted_in(part, lexicon),
                _against_last_year(part, lexicon),
            )
        )
        previous = subject
    return tuple(parts)


def _bigrams(text: str, names: str, lexicon: Lexicon | None = None) -> frozenset[str]:
    """Pairs of adjacent Chinese characters, with asking words taken out first; pairs of the
    reporting bodies' names (`names`) say which report, not what in it."""
    lexicon = lexicon or load_lexicon()
    plain = lexicon.asking.sub(" ", text)
    runs = re.findall(r"[\u4e00-\u9fff]+", plain)
    pairs = {run[i : i + 2] for run in runs for i in range(len(run) - 1)}
    return frozenset(p for p in pairs if p not in lexicon.stop and p not in names)


def _change_of(text: str, lexicon: Lexicon | None = None) -> Literal["up", "down"] | None:
    """A question about a change of unknown sign ("变化多少", "增减") asks about one all the same;
    "up" stands for either here, since only whether a change is asked matters."""
    return "up" if (lexicon or load_lexicon()).change.search(text) else None


def _against_last_year(text: str, lexicon: Lexicon) -> bool:
    """The text compares with the year before: a last-year word (上年, 去年) with a change asked
    or 比 (the comparative: "跟上年比")."""
    said = lexicon.last_year.search(text) or lexicon.speaker_last_year.search(text)
    return bool(said) and ("比" in text or _change_of(text, lexicon) is not None)


def resolve_years(
    text: str, report_year: int | None, lexicon: Lexicon, accounts: bool = False
) -> frozenset[int]:
    """Years the question states, and 今年/上年/去年/明年 against the report's year when known.

    上年 is the report's own word for the year before its year. 去年 is the asker's: final
    accounts (决算, 自评) are published the year after the year they account for, so a reader's
    去年 is the report's year; a budget's reader asks in the year before or early in its year,
    so 去年 is the year before its year and 明年 its year.
    """
    # "比2023年降了多少" compares with 2023; the question is about the report's own year
    years = {int(y) for y in _YEAR.findall(_COMPARED_YEAR.sub("", text))}
    if report_year is not None and not years:
        if lexicon.this_year.search(text):
            years.add(report_year)
        if lexicon.last_year.search(text) and not re.search(r"比上年|较上年|上年[增减]", text):
            years.add(report_year - 1)
        if lexicon.speaker_last_year.search(text):
            years.add(report_year if accounts else report_year - 1)
        if lexicon.next_year.search(text):
            years.add(report_year + 1)
        if lexicon.speaker_next_year.search(text):
            years.add(report_year + 2 if accounts else report_year)
    return frozenset(years)


def strip_ordering(text: str, lexicon: Lexicon | None = None) -> str:
    """The question less its comparison and ranking cues: what to ask each report."""
    lexicon = lexicon or load_lexicon()
    cues = dict(lexicon.intents)
    for name in ("comparison", "ranking"):
        text = cues[name].sub("", text)
    text = re.sub(r"^[的之]|[??]+$", "", text.strip())
    # "谁的项目支出多" asks for 项目支出: the comparative left at the end is the cue's
    text = re.sub(r"(?<=[\u4e00-\u9fff])[多高大少低]$", "", text)
    return text if lexicon.asking.search(text) else text + "是多少?"
