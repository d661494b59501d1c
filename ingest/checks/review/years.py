"""Years and dates (年份与日期): the year in headings, table titles and "截至…" dates against the
report's year. A year that is compared with ("与2023年度相比") is not the report's own year and is
never an error; a comparison of the report's year with itself is."""

from __future__ import annotations

import re

from ingest.checks.review.context import Review
from ingest.checks.review.issue import Issue, Severity
from ingest.checks.review.layout import Line
from ingest.checks.review.vocabulary import vocabulary

_YEAR = re.compile(r"(?<!\d)(\d{4})\s*年")
_RANGE = re.compile(r"\d{4}\s*年?\s*(?:[-—~至到]|—)\s*\d{4}")


def check_years(review: Review) -> list[Issue]:
    year = review.year
    if year is None or review.layout.kind is None:
        return []
    return _headings(review, year) + _as_of(review, year) + _self_comparison(review, year)


def _headings(review: Review, year: int) -> list[Issue]:
    words = vocabulary().years["comparison_words"]
    official = review.layout.family is not None
    lines: list[tuple[Line, bool]] = [(p.title, True) for p in review.layout.tables]
    lines += [
        (Line(s.start, s.start + len(s.title), s.title), False)
        for s in review.doc.report.sections
        if s.start >= review.layout.contents_end
    ]
    issues = []
    seen: set[int] = set()
    for line, is_table in lines:
        if _RANGE.search(line.text) or any(w in line.text for w in words):
            continue
        for match in _YEAR.finditer(line.text):
            stated = int(match.group(1))
            start = line.start + match.start()
            if stated == year or start in seen or not 1990 <= stated <= 2100:
                continue
            # A 预算/决算 heading names the report year; other headings may name others.
            names_report = is_table or bool(re.search(r"决算|预算|自评", line.text))
            if not names_report:
                continue
            seen.add(start)
            severity: Severity = "确定" if official else "疑似"
            what = "表名" if is_table else "标题"
            issues.append(
                Issue(
                    family="years",
                    rule="heading_year",
                    severity=severity,
                    message=f"{what}“{line.text.strip()}”写作{stated}年,报告年度为{year}年。",
                    evidence=[
                        review.cite("年份", start, line.start + match.end()),
                        review.cite_line(what, line),
                    ],
                )
            )
    return issues


def _as_of(review: Review, year: int) -> list[Issue]:
    """截至 dates: a 决算's are the year's last day; a 预算's lie in the year before or the year."""
    family = review.layout.family
    issues = []
    for match in re.finditer(vocabulary().years["as_of"], review.text):
        stated, month, day = (int(g) for g in match.groups())
        severity: Severity | None = None
        if family == "决算" and stated != year and (month, day) == (12, 31):
            severity = "确定"
        elif (family == "决算" and abs(stated - year) > 1) or (
            family == "预算" and stated not in (year - 1, year)
        ):
            severity = "疑似"
        if severity is None:
            continue
        issues.append(
            Issue(
                family="years",
                rule="as_of_date",
                severity=severity,
                message=f"“{match.group(0)}”与报告年度{year}年不符。",
                evidence=[review.cite("截至日期", match.start(), match.end())],
            )
        )
    return issues


def _self_comparison(review: Review, year: int) -> list[Issue]:
    """The report's year compared with itself ("2026年预算…比2026年预算增加")."""
    family = review.layout.family
    if family == "预算":
        pattern = rf"(?:比|较|与)\s*{year}\s*年度?(?:预算)?(?:相比|增加|减少|增长|下降|持平)"
    elif family == "决算":
        pattern = rf"(?:与|较|比)\s*{year}\s*年度?(?:相比|增加|减少|增长|下降)"
    else:
        return []
    return [
        Issue(
            family="years",
            rule="self_comparison",
            severity="疑似",
            message=f"“{m.group(0)}”以报告年度{year}年自身作比较,比较年度应为上年。",
            evidence=[review.cite("比较年度", m.start(), m.end())],
        )
        for m in re.finditer(pattern, review.text)
    ]
