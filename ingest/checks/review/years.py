"""Years and dates (年份与日期): the year in headings, table titles and "截至…" dates against the
report's year. A year that is compared with ("与2023年度相比") is not the report's own year and is
never an error; a comparison of the report's year with itself is."""

from __future__ import annotations

import re
from collections import Counter

from ingest.checks.review.context import Review
from ingest.checks.review.issue import Issue, Severity
from ingest.checks.review.layout import Line, lines_of
from ingest.checks.review.vocabulary import vocabulary

_YEAR = re.compile(r"(?<!\d)(\d{4})\s*年")
# The cover (unit, year, kind) gives the report's year; it is not checked against itself.
COVER_LINES = 3
HEADING_CHARS = 60
_RANGE = re.compile(r"\d{4}\s*年?\s*(?:[-—~至到]|—)\s*\d{4}")


def check_years(review: Review) -> list[Issue]:
    stated = review.year
    if stated is None or review.layout.kind is None:
        return []
    year = _year_of_headings(review, stated)
    return (
        _cover(review, year)
        + _headings(review, year)
        + _subject_year(review, year)
        + _as_of(review, year)
        + _self_comparison(review, year)
    )


def _year_of_headings(review: Review, stated: int) -> int:
    """The year most headings and table titles state: the cover's (`stated`) unless more of
    them state another one (then the cover's year is the slip)."""
    words = vocabulary().years["comparison_words"]
    votes: Counter[int] = Counter()
    for line, _ in _heading_lines(review):
        if not _RANGE.search(line.text) and not any(w in line.text for w in words):
            votes.update(int(y) for y in _YEAR.findall(line.text))
    best = max(votes, key=lambda y: (votes[y], y == stated), default=stated)
    return best if votes[best] > votes[stated] + 1 else stated


def _cover(review: Review, year: int) -> list[Issue]:
    """A year on the cover (its first lines) other than the one the headings and titles state."""
    issues = []
    for line in lines_of(review.text)[:COVER_LINES]:
        if len(line.text.strip()) > 40:  # a cover line is short; a longer one is text
            continue
        for match in _YEAR.finditer(line.text):
            stated = int(match.group(1))
            if stated == year:
                continue
            issues.append(
                Issue(
                    family="years",
                    rule="cover_year",
                    severity="疑似",
                    message=f"封面写作{stated}年,而报告各表名、标题为{year}年。",
                    evidence=[
                        review.cite(
                            "封面年份", line.start + match.start(1), line.start + match.end(1)
                        )
                    ],
                )
            )
    return issues


def _heading_lines(review: Review) -> list[tuple[Line, bool]]:
    """Table titles, contents entries and the short lines (no sentence) past the cover that name
    a 决算/预算/自评: each as (line, is a table title)."""
    lines: list[tuple[Line, bool]] = [(p.title, True) for p in review.layout.tables]
    titles = {p.title.start for p in review.layout.tables}
    for line in lines_of(review.text)[COVER_LINES:]:
        stripped = line.text.strip()
        if (
            line.start in titles
            or stripped == review.doc.report.title
            or not stripped
            or len(stripped) > HEADING_CHARS
            or "\t" in line.text
            or "。" in stripped
            or not re.search(r"决算|预算|自评", stripped)
        ):
            continue
        offset = line.start + line.text.index(stripped[0])
        lines.append((Line(offset, offset + len(stripped), stripped), False))
    return lines


def _headings(review: Review, year: int) -> list[Issue]:
    words = vocabulary().years["comparison_words"]
    official = review.layout.family is not None
    issues = []
    for line, is_table in _heading_lines(review):
        if _RANGE.search(line.text) or any(w in line.text for w in words):
            continue
        for match in _YEAR.finditer(line.text):
            stated = int(match.group(1))
            start = line.start + match.start()
            if stated == year or not 1990 <= stated <= 2100:
                continue
            # A table title, or a heading naming the report ("…2024年度部门决算…"), states the
            # report's own year; another heading with a year may be about another.
            names_report = is_table or bool(re.search(r"(?:部门|单位)(?:决算|预算)", line.text))
            severity: Severity = "确定" if official and names_report else "疑似"
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


def _subject_year(review: Review, year: int) -> list[Issue]:
    """The unit's own year in prose ("纳入…社会工作部 2025年度部门决算编制范围", "本部门2025年度
    政府采购") where no comparison is made in the clause."""
    publisher = re.sub(r"\s", "", review.doc.report.publisher or "")
    words = vocabulary().years["comparison_words"]
    names = [re.escape(publisher)] if publisher else []
    names += [r"本(?:部门|单位)"]
    issues = []
    for match in re.finditer(rf"(?:{'|'.join(names)})[ \t]*(\d{{4}})\s*年度?", review.text):
        stated = int(match.group(1))
        if stated == year or review.in_contents(match.start()):
            continue
        clause_start = max(review.text.rfind(c, 0, match.start()) for c in ",,。;;\n") + 1
        clause_end = min(
            (i for i in (review.text.find(c, match.end()) for c in ",,。;;\n") if i >= 0),
            default=len(review.text),
        )
        clause = review.text[clause_start:clause_end]
        if any(w in clause for w in words):
            continue
        issues.append(
            Issue(
                family="years",
                rule="subject_year",
                severity="疑似",
                message=f"“{match.group(0).strip()}”中的年份与报告年度{year}年不符。",
                evidence=[review.cite("年份", match.start(1), match.end(1) + 1)],
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
        elif (
            (family == "决算" and abs(stated - year) > 1)
            or (family == "预算" and stated not in (year - 1, year))
            or (family is None and stated not in (year, year + 1))
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
