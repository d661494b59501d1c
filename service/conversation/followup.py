"""Rewrite a follow-up ("那项目支出呢?", "去年呢?", "它为什么下降?") into a standalone question.

The previous turn's topic — its report, body, year, subject and the way it asked — fills in what
the follow-up leaves out. The rewrite is plain text, so the answering path reads a follow-up
exactly as it would read the same question typed out in full, and the user sees what was asked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

YEAR = re.compile(r"(20\d{2})\s*年度?")
RELATIVE_YEARS: dict[str, int] = {
    "上一年": -1,
    "上年度": -1,
    "去年": -1,
    "上年": -1,
    "前年": -2,
    "下一年": 1,
    "明年": 1,
    "次年": 1,
    "今年": 0,
}
# 它 anywhere; 其/这项 only leading the question, and never as 其他/其余 (other items).
PRONOUN = re.compile(r"它们|它|^(?:这一项|这个数|这一数|这项|该项|此项|这个|其)(?![他它余])")
_RELATIVE = "|".join(sorted(RELATIVE_YEARS, key=len, reverse=True))
_LEAD = re.compile(r"^(?:请问|那么|那|还有|再问一下|再问|另外|)\s*")
# The asking part at the end of a question: what stays when only the subject changes.
_TAIL = re.compile(
    r"(?:(?:是|有|为|共|一共|总共|合计|分别是|各是|大约)?(?:多少|几|哪些|什么|怎样|如何|怎么样)"
    r"|为什么|为何|什么原因|的原因|原因是什么|是否|有没有|增加了|减少了|下降了|上升了|变化)"
    r"[^,,。;;]*?$"
)
_EDGES = re.compile(r"^[\s的,,]+|[\s的,,]+$")
_END = re.compile(r"[\s??。!!]+$")
_YEAR_ONLY = re.compile(
    rf"^(?:(?P<rel>{_RELATIVE})|(?P<abs>20\d{{2}})\s*年度?)(?:的)?(?:情况|数据|数字|呢|怎么样|如何|是多少)*$"
)
# 上年/上年度 lead budget lines (上年结转, 上年度预算数): only with 的 do they name a year.
_RELATIVE_LEAD = re.compile(
    r"^(?:(?:去年|前年|明年|今年)的?|(?:上一年|上年度|上年|下一年|次年)的)(?=.)"
)
_WHAT_ABOUT = re.compile(r"^(?P<x>.+?)(?:的呢|呢)$")


@dataclass(frozen=True)
class Topic:
    """What one answered question was about."""

    question: str  # the standalone question that was answered
    report_id: str | None
    body: str | None  # the report's publisher, named in rewrites so the answer finds its report
    year: int | None
    subject: str | None  # "“三公”经费决算支出"
    tail: str  # "多少?"


@dataclass(frozen=True)
class Resolution:
    """A question as it will be answered."""

    text: str  # standalone question text
    report: str | None  # scope: the previous report, when the follow-up stays on it
    followup: bool  # the text was rewritten from the previous turn


def _trim(text: str) -> str:
    """Without the 的 and commas left at either end once a year or a body is cut out."""
    return _EDGES.sub("", text)


def _strip_end(text: str) -> str:
    return _END.sub("", text.strip())


def topic_of(
    standalone: str, report_id: str | None, body: str | None, report_year: int | None
) -> Topic:
    """Split a standalone question into body, year, subject and asking tail."""
    text = _strip_end(standalone)
    stated = YEAR.search(text)
    year = int(stated.group(1)) if stated else report_year
    rest = YEAR.sub("", text)
    if body:
        rest = rest.replace(body, "")
    rest = _LEAD.sub("", rest).strip()
    tail_match = _TAIL.search(rest)
    tail = tail_match.group(0) if tail_match else ""
    subject = rest[: tail_match.start()] if tail_match else rest
    return Topic(
        standalone, report_id, body, year, _trim(subject) or None, (tail or "是多少") + "?"
    )


def _compose(topic: Topic, year: int | None, subject: str | None, tail: str | None = None) -> str:
    year_part = f"{year}年" if year else ""
    return f"{topic.body or ''}{year_part}{subject or ''}{topic.tail if tail is None else tail}"


def _shifted_year(topic: Topic, text: str) -> int | None:
    """The year a follow-up moves to, from 去年/前年 (relative to the topic's year) or 20xx年."""
    for word, delta in sorted(RELATIVE_YEARS.items(), key=lambda kv: -len(kv[0])):
        if word in text and topic.year:
            return topic.year + delta
    stated = YEAR.search(text)
    return int(stated.group(1)) if stated else None


def _scope(topic: Topic, year: int | None) -> str | None:
    # A report covers its own year; a follow-up about another year may be in another report.
    return topic.report_id if year is None or year == topic.year else None


def resolve(
    asked: str, previous: Topic | None, names_a_report: Callable[[str], bool] | None = None
) -> Resolution:
    """The standalone form of `asked` given the previous turn's topic.

    `names_a_report(text)` tells whether a question names its own report or body (or compares
    several); such a question starts a new topic instead of inheriting the previous report.
    """
    text = asked.strip()
    if previous is None:
        return Resolution(text, None, False)
    core = _LEAD.sub("", _strip_end(text))
    only_year = _YEAR_ONLY.match(core)
    if only_year:
        year = _shifted_year(previous, core)
        return Resolution(_compose(previous, year, previous.subject), _scope(previous, year), True)
    pronoun = PRONOUN.search(core)
    if pronoun and previous.subject and len(core) <= 24:
        year = _shifted_year(previous, core)
        body_year = _compose(previous, None if YEAR.search(core) else previous.year, "", "")
        rewritten = body_year + core[: pronoun.start()] + previous.subject + core[pronoun.end() :]
        return Resolution(rewritten + "?", _scope(previous, year), True)
    what_about = _WHAT_ABOUT.match(core)
    if what_about and len(core) <= 30:
        subject_text = what_about.group("x")
        # "去年的项目支出" moves the year; "上年结转" is a budget line and keeps it.
        relative = _RELATIVE_LEAD.match(subject_text)
        stated_year = YEAR.search(subject_text)
        year = (
            _shifted_year(previous, relative.group(0))
            if relative
            else int(stated_year.group(1))
            if stated_year
            else None
        )
        subject = YEAR.sub("", subject_text[relative.end() :] if relative else subject_text)
        year = year or previous.year
        return Resolution(
            _compose(previous, year, _trim(subject) or previous.subject),
            _scope(previous, year),
            True,
        )
    stated = YEAR.search(core)
    other_year = stated is not None and int(stated.group(1)) != previous.year
    if (
        previous.report_id
        and not other_year
        and names_a_report is not None
        and not names_a_report(text)
    ):
        # A question that names no report of its own stays on the one being talked about.
        return Resolution(text, previous.report_id, True)
    return Resolution(text, None, False)
