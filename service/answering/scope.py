"""Which stored reports a question is about: the publisher it names (in full, in pieces or by
an abbreviation), the bodies a comparison names, and whether it names a body or years that no
stored report covers (then it is refused, not answered from another report). Pure functions over
the question text, the lexicon and the reports' metadata."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from ingest.models import Report
from service.answering.lexicon import Lexicon, load_lexicon
from service.answering.terms import abbreviates

_DIGITS = re.compile(r"\d+年?度?")
_MIN_OVERLAP = 3  # characters of a publisher's name the question must share to pick its report
# A project's name is mostly budget words (补助资金项目); a run of its other words this long
# names it.
_MIN_PROJECT_RUN = 3


def out_of_scope(
    text: str,
    years: frozenset[int],
    in_scope: Sequence[Report],
    reports: Sequence[Report],
    lexicon: Lexicon,
) -> str | None:
    """Why no report in scope can answer: a body none is about, or years none covers (a report
    covers its own year and the year before, which it compares with)."""
    body = foreign_organisation(text, reports, lexicon)
    if body:
        return f"没有关于{body}的报告"
    covered = {y for r in in_scope if r.year for y in (r.year, r.year - 1)}
    if years and covered and not years & covered:
        return "没有关于" + "、".join(f"{y}年" for y in sorted(years)) + "的报告"
    return None


def detect_report(text: str, reports: Sequence[Report]) -> str | None:
    """The report whose publisher (or title) the question names most specifically, if unique;
    between reports of bodies it names alike, and when it names none, the report of the one
    project it names (a project's own form: "安可替代补助资金项目的质量指标")."""
    best: list[tuple[int, int, str]] = []
    plain = _DIGITS.sub("", text)
    for report in reports:
        # Only the name counts: years and digits match any report of the same year.
        name = _DIGITS.sub("", report.publisher or _title_name(report.title))
        project = _DIGITS.sub("", report.project or "")
        best.append((_name_overlap(plain, name), _project_overlap(plain, project), report.id))
    best.sort(reverse=True)
    if not best or best[0][0] < _MIN_OVERLAP:
        # an abbreviation ("社工部" of 社会工作部) shares too few characters in a row
        named = {r.id for r in reports if r.publisher and _abbreviated_in(plain, r.publisher)}
        if len(named) == 1:
            return named.pop()
        by_project = sorted(((p, rid) for _, p, rid in best), reverse=True)
        if by_project and by_project[0][0] and (len(by_project) < 2 or by_project[1][0] == 0):
            return by_project[0][1]
        return None
    if len(best) > 1 and best[1][:2] == best[0][:2]:
        return None  # ambiguous ("司法局" names two reports): search them all
    return best[0][2]


@lru_cache(maxsize=1 << 14)
def _title_name(title: str) -> str:
    """A title less the words of its kind of document and generic budget words."""
    lexicon = load_lexicon()
    for word in (*lexicon.document_kinds, *sorted(lexicon.generic, key=len, reverse=True)):
        title = title.replace(word, "\0")
    return title


@lru_cache(maxsize=1 << 14)
def _without_generic(name: str) -> str:
    for word in sorted(load_lexicon().generic, key=len, reverse=True):
        name = name.replace(word, "\0")
    return name


def _project_overlap(text: str, project: str) -> int:
    """Characters of a project's name the question shares in runs long enough to be its own
    words ("安可替代", not 项目 or 资金, which every project has)."""
    if not project:
        return 0
    length, _ = longest_common_run(text, _without_generic(project))
    return _name_overlap(text, project) if length >= _MIN_PROJECT_RUN else 0


def _name_overlap(text: str, name: str) -> int:
    """Characters of the name the text shares in runs of two or more, each run once: "普陀司法局"
    shares 普陀 and 司法局 (5) with 上海市普陀区司法局, only 司法局 (3) with 红河州司法局."""
    shared = 0
    while True:
        length, at = longest_common_run(text, name)
        # short runs add up only behind a long one: "项目" and "预算" in a question do not name
        # a report titled "部门预算项目支出绩效自评表"
        if length < 2 or (not shared and length < _MIN_OVERLAP):
            return shared or length
        shared += length
        # a run is counted once: both copies are blanked so the next run is another
        text = text.replace(name[at : at + length], "\0", 1)
        name = name[:at] + "\1" * length + name[at + length :]


def longest_common_run(a: str, b: str) -> tuple[int, int]:
    """Length and start in `b` of the longest common substring of a and b."""
    best, end = 0, 0
    previous = [0] * (len(b) + 1)
    for char_a in a:
        current = [0] * (len(b) + 1)
        for j, char_b in enumerate(b, start=1):
            if char_a == char_b:
                current[j] = previous[j - 1] + 1
                if current[j] > best:
                    best, end = current[j], j
        previous = current
    return best, end - best


def _abbreviated_in(text: str, name: str) -> bool:
    """Some 3–5 characters of the text, ending as the name ends, abbreviate the name."""
    return any(
        abbreviates(text[i - n : i], name)
        for i, char in enumerate(text, start=1)
        if char == name[-1]
        for n in range(3, 6)
        if i - n >= 0
    )


def named_reports(
    text: str, reports: Sequence[Report], lexicon: Lexicon | None = None
) -> list[str]:
    """The reports of every body the question names ("普陀区财政局和社会工作部"), for questions that
    compare bodies: each body name (up to its suffix) matched on its own, so a shared place name
    ("普陀区") names no body."""
    lexicon = lexicon or load_lexicon()
    named: list[str] = []
    for piece in re.split(r"和|与|及|、|跟|同|还是|,", _DIGITS.sub("", text)):
        for match in lexicon.body.finditer(piece):
            body = match.group(1)
            for r in reports:
                name = r.publisher or r.title
                if r.id not in named and (body[-3:] in name or abbreviates(body[-3:], name)):
                    named.append(r.id)
    return named


def foreign_organisation(
    text: str, reports: Sequence[Report], lexicon: Lexicon | None = None
) -> str | None:
    """An organisation named in the question that no report is about: its kind of body (司法局)
    is no report's, or the place it is named with (普陀区司法局) is not a report's of that kind."""
    lexicon = lexicon or load_lexicon()
    names = [r.publisher or r.title for r in reports]
    for match in lexicon.body.finditer(_DIGITS.sub(" ", text)):
        org = match.group(1)
        suffix = org[-3:]
        same_kind = [name for name in names if suffix in name]
        # "普陀区司法局" is not "红河州司法局": a body named with its place must share the place,
        # and the place nearest the body is the one that tells (上海市财政局 is not
        # 上海市普陀区财政局)
        qualifier = lexicon.asking.sub("", org[: -len(suffix)])
        place = _leading_places(qualifier, lexicon)
        if (
            place
            and same_kind
            and not any(
                _longest_common_substring(place, _nearest_place(n, suffix, lexicon) or n) >= 2
                for n in same_kind
            )
        ):
            return org
        if any(
            _longest_common_substring(org, name) >= len(org) - 1 or abbreviates(org, name)
            for name in names
        ):
            continue
        if not same_kind:
            return org
    return None


def _leading_places(qualifier: str, lexicon: Lexicon) -> str | None:
    """The place a body is named with: the last of the places its name opens with (普陀区 of
    上海市普陀区规划和自然资源局), or else one just before its kind (…普陀区 of …普陀区司法局); a
    word inside the name ending like a place (城乡社区) is none."""
    at, place = 0, None
    while (found := lexicon.place.match(qualifier, at)) is not None:
        place, at = found.group(0), found.end()
    if place is not None:
        return place
    places = lexicon.place.findall(qualifier)
    return places[-1] if places and qualifier.endswith(places[-1]) else None


def _nearest_place(name: str, suffix: str, lexicon: Lexicon) -> str | None:
    """The place named last before a body's kind in its name (普陀区 of 上海市普陀区财政局)."""
    places = lexicon.place.findall(name[: name.rfind(suffix)])
    return places[-1] if places else None


def _longest_common_substring(a: str, b: str) -> int:
    """Length of the longest common substring (short strings: the quadratic DP is fine)."""
    best = 0
    previous = [0] * (len(b) + 1)
    for char_a in a:
        current = [0] * (len(b) + 1)
        for j, char_b in enumerate(b, start=1):
            if char_a == char_b:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best
