"""Placeholders and text (占位符与文字): template placeholders left in (XX局, ×××, 待填写), the
unit's name written differently from the cover, doubled punctuation, words written twice, a
total stated as 0 and a share over 100%."""

from __future__ import annotations

import difflib
import re

from ingest.checks.document import clause_before
from ingest.checks.review.context import Review
from ingest.checks.review.issue import Issue
from ingest.checks.review.vocabulary import vocabulary

# A unit's name: the region part up to its last 省/市/区/县/州 (with 委 for a party body).
_REGION = re.compile(r"^(.*[省市区县州旗](?:委)?)(.+)$")


def check_text(review: Review) -> list[Issue]:
    return (
        _placeholders(review)
        + _unit_names(review)
        + _doubled_punctuation(review)
        + _duplicate_words(review)
        + _zero_totals(review)
        + _shares_over_100(review)
        + _changes_without_unit(review)
        + _both_directions(review)
        + _comparison_periods(review)
    )


def _placeholders(review: Review) -> list[Issue]:
    issues = []
    for pattern in vocabulary().text["placeholders"]:
        for match in re.finditer(pattern, review.text):
            line_start = review.text.rfind("\n", 0, match.start()) + 1
            line_end = review.text.find("\n", match.end())
            line_end = len(review.text) if line_end < 0 else line_end
            issues.append(
                Issue(
                    family="text",
                    rule="placeholder",
                    severity="确定",
                    message=f"文中留有占位符“{match.group(0)}”,应填写实际内容。",
                    evidence=[
                        review.cite("占位符", match.start(), match.end()),
                        review.cite("所在行", line_start, min(line_end, line_start + 120)),
                    ],
                )
            )
    return issues


def _unit_names(review: Review) -> list[Issue]:
    """The publisher's name with its body part written otherwise ("规划与自然资源局"), or its body
    part under another region ("上海市规划和自然资源局" for 上海市普陀区…)."""
    publisher = re.sub(r"\s", "", review.doc.report.publisher or "")
    split = _REGION.match(publisher)
    if not split or len(split.group(2)) < 2:
        return []
    region, body = split.group(1), split.group(2)
    text = review.text
    issues = []
    seen: set[int] = set()
    for match in re.finditer(re.escape(region), text):
        after = text[match.end() : match.end() + len(body) + 1]
        if after.startswith(body) or not after:
            continue
        candidate = after[: len(body)]
        if candidate[-1] != body[-1]:
            candidate = after[: len(body) + 1] if after.endswith(body[-1]) else ""
        if not candidate or difflib.SequenceMatcher(None, candidate, body).ratio() < 0.8:
            continue
        if not re.fullmatch(r"[\u4e00-\u9fff]+", candidate):
            continue
        seen.add(match.start())
        issues.append(_name_issue(review, match.start(), match.end() + len(candidate), publisher))
    # The body under a shorter region ("上海市" for 上海市普陀区) names another unit.
    shorter = [region[: m.end()] for m in re.finditer(r"[省市区县州旗]", region)][:-1]
    for match in re.finditer(re.escape(body), text):
        for prefix in shorter:
            start = match.start() - len(prefix)
            if start < 0 or text[start : match.start()] != prefix or start in seen:
                continue
            if _is_heading_or_subject(review, start):
                issues.append(_name_issue(review, start, match.end(), publisher))
    return issues


def _is_heading_or_subject(review: Review, start: int) -> bool:
    """A short line (a heading or title) or the first words of a line: where the report names
    itself, not where it mentions another unit."""
    line_start = review.text.rfind("\n", 0, start) + 1
    line_end = review.text.find("\n", start)
    line = review.text[line_start : len(review.text) if line_end < 0 else line_end]
    return len(line) <= 90 or start - line_start <= 2


def _name_issue(review: Review, start: int, end: int, publisher: str) -> Issue:
    return Issue(
        family="text",
        rule="unit_name",
        severity="疑似",
        message=f"单位名称写作“{review.text[start:end]}”,与封面“{publisher}”不一致。",
        evidence=[review.cite("单位名称", start, end)],
    )


def _doubled_punctuation(review: Review) -> list[Issue]:
    pattern = vocabulary().text["doubled_punctuation"]
    return [
        Issue(
            family="text",
            rule="doubled_punctuation",
            severity="确定",
            message=f"标点重复:“{m.group(0)}”。",
            evidence=[review.cite("重复标点", max(0, m.start() - 12), m.end())],
        )
        for m in re.finditer(pattern, review.text)
        if not review.in_table(m.start())
    ]


def _duplicate_words(review: Review) -> list[Issue]:
    words = vocabulary().text
    exempt = set(words["duplicate_exempt"])
    issues = []
    for match in re.finditer(words["duplicate_word"], review.text):
        word = match.group(1)
        if word * 2 in exempt or word in exempt or len(set(word)) == 1:
            continue
        if review.in_table(match.start()) or review.in_contents(match.start()):
            continue
        issues.append(
            Issue(
                family="text",
                rule="duplicate_word",
                severity="疑似",
                message=f"词语重复:“{match.group(0)}”。",
                evidence=[review.cite("重复词语", match.start(), match.end())],
            )
        )
    return issues


def _zero_totals(review: Review) -> list[Issue]:
    pattern = re.compile(vocabulary().text["zero_total"])
    return [
        Issue(
            family="text",
            rule="zero_total",
            severity="疑似",
            message=f"总计写作{f.raw},总计为0与报告所列收支不符。",
            evidence=[review.cite("所述总计", f.position.start, f.position.end, f.value)],
        )
        for f in review.doc.prose
        if f.kind == "amount" and f.value == 0 and pattern.search(clause_before(review.doc, f))
    ]


def _shares_over_100(review: Review) -> list[Issue]:
    pattern = re.compile(vocabulary().text["share_before"])
    return [
        Issue(
            family="text",
            rule="share_over_100",
            severity="确定",
            message=f"占比写作{f.raw},一部分的占比不能超过100%。",
            evidence=[review.cite("所述占比", f.position.start, f.position.end, f.value)],
        )
        for f in review.doc.prose
        if f.kind == "percent" and f.value > 100 and pattern.search(clause_before(review.doc, f))
    ]


def _in_prose(review: Review, offset: int) -> bool:
    return not review.in_table(offset) and not review.in_contents(offset)


def _changes_without_unit(review: Review) -> list[Issue]:
    """ "增长 13.95。": a direction word and a number that no unit follows, only a clause mark."""
    words = vocabulary().text
    exempt = re.compile(words["change_number_exempt"])
    issues = []
    for match in re.finditer(words["change_without_unit"], review.text):
        if exempt.fullmatch(match.group("n")) or not _in_prose(review, match.start()):
            continue
        issues.append(
            Issue(
                family="text",
                rule="change_without_unit",
                severity="疑似",
                message=f"“{match.group(0).strip()}”缺少单位(%、万元等),应补全。",
                evidence=[review.cite("增减数字", match.start(), match.end("n"))],
            )
        )
    return issues


def _both_directions(review: Review) -> list[Issue]:
    """ "下降(增长)": the template's two directions both left in."""
    words = vocabulary()
    rise = set(words.wording["rise"])
    issues = []
    for match in re.finditer(words.text["both_directions"], review.text):
        if (match.group("word") in rise) == (match.group("other") in rise):
            continue
        if not _in_prose(review, match.start()):
            continue
        issues.append(
            Issue(
                family="text",
                rule="both_directions",
                severity="确定",
                message=f"增减方向写作“{match.group(0)}”,模板的两个方向均未删去,应只保留实际方向。",
                evidence=[review.cite("增减方向", match.start(), match.end())],
            )
        )
    return issues


def _comparison_periods(review: Review) -> list[Issue]:
    """ "较上一度": a comparison with 上… that names no known period."""
    words = vocabulary().text
    known = tuple(words["known_periods"])
    period_char = re.compile(words["period_chars"])
    issues = []
    for match in re.finditer(words["comparison_period"], review.text):
        if review.text.startswith(known, match.start("period")):
            continue
        if not period_char.search(match.group("rest")) or not _in_prose(review, match.start()):
            continue
        issues.append(
            Issue(
                family="text",
                rule="comparison_period",
                severity="提示",
                message=f"比较期写作“{match.group('period')}”,疑为“上年度”或“上一年度”之误。",
                evidence=[review.cite("比较期", match.start(), match.end("period"))],
            )
        )
    return issues
