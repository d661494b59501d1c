"""Structure (结构完整): each standard table of the kind is there, in the customary order and in
the order the contents promise; each contents entry has its body; an empty table says so."""

from __future__ import annotations

import itertools
import re

from ingest.checks.review.cells import has_figures
from ingest.checks.review.context import Review
from ingest.checks.review.issue import Issue
from ingest.checks.review.layout import Line, lines_of, match_standard, normalize_title
from ingest.checks.review.vocabulary import vocabulary


def check_structure(review: Review) -> list[Issue]:
    layout = review.layout
    standards = vocabulary().tables_of(layout.family)
    if not standards:
        return []
    issues = _missing(review) + _order(review) + _contents_without_body(review)
    return issues + _body_without_contents(review) + _empty_without_note(review)


def _missing(review: Review) -> list[Issue]:
    layout = review.layout
    present = {p.standard.name for p in layout.tables}
    promised: dict[str, Line] = {}
    for entry in layout.contents:
        standard = match_standard(entry.text, vocabulary().tables_of(layout.family))
        if standard is not None:
            promised[standard.name] = entry
    issues = []
    for standard in vocabulary().tables_of(layout.family):
        if standard.name in present or not standard.required:
            continue
        listed = promised.get(standard.name)
        if listed is not None:
            entry = listed
            issues.append(
                Issue(
                    family="structure",
                    rule="table_missing",
                    severity="确定",
                    message=f"目录列有“{entry.text}”,正文中未见该表({standard.name})。",
                    evidence=[review.cite_line("目录条目", entry)],
                )
            )
        elif layout.tables:
            first = layout.tables[0].title
            issues.append(
                Issue(
                    family="structure",
                    rule="table_missing",
                    severity="疑似",
                    message=f"{layout.kind}的标准表“{standard.name}”在报告中未见(目录亦未列)。",
                    evidence=[review.cite_line("公开表格首表", first)],
                )
            )
    return issues


def _order(review: Review) -> list[Issue]:
    """A table placed before one the standard (or the contents) puts ahead of it."""
    layout = review.layout
    issues = []
    listed = [
        s.name
        for e in layout.contents
        for s in [match_standard(e.text, vocabulary().tables_of(layout.family))]
        if s is not None
    ]
    required = [p for p in layout.tables if p.standard.required]
    for earlier, later in itertools.pairwise(required):
        if later.standard.order >= earlier.standard.order:
            continue
        names = (earlier.standard.name, later.standard.name)
        # The body contradicts the contents only where the contents put them the other way.
        against_contents = all(n in listed for n in names) and listed.index(
            names[1]
        ) < listed.index(names[0])
        issues.append(
            Issue(
                family="structure",
                rule="table_order",
                severity="疑似" if against_contents else "提示",
                message=f"“{later.title.text}”排在“{earlier.title.text}”之后,"
                + ("与目录顺序不一致。" if against_contents else "与标准表顺序不同。"),
                evidence=[
                    review.cite_line("前表", earlier.title),
                    review.cite_line("后表", later.title),
                ],
            )
        )
    return issues


def _contents_without_body(review: Review) -> list[Issue]:
    """A contents entry (not a table) whose heading the body does not have."""
    layout = review.layout
    body_lines = [
        normalize_title(ln.text)
        for ln in lines_of(review.text, layout.contents_end)
        if ln.text.strip() and len(ln.text) <= 90 and "\t" not in ln.text
    ]
    body = "\n".join(body_lines)
    issues = []
    for entry in layout.contents:
        core = _entry_core(review, entry)
        if not core or core.endswith("表") or core in body:
            continue
        issues.append(
            Issue(
                family="structure",
                rule="contents_without_body",
                severity="疑似",
                message=f"目录条目“{entry.text}”在正文中未见对应标题。",
                evidence=[review.cite_line("目录条目", entry)],
            )
        )
    return issues


def _body_without_contents(review: Review) -> list[Issue]:
    """A top-level part of the body the contents do not list: a "第N部分" the contents lack, or,
    where the contents number their top level "一、…", a part after the last listed one."""
    layout = review.layout
    if not layout.contents:
        return []
    words = vocabulary().structure
    part, numbered = re.compile(words["top_part"]), re.compile(words["top_numbered"])
    listed = [m for e in layout.contents if (m := part.match(e.text))]
    style = part if listed else numbered
    if not listed:
        listed = [m for e in layout.contents if (m := numbered.match(e.text))]
    ordinals = {_ordinal(m.group("n")) for m in listed}
    if not ordinals:
        return []
    cores = {_entry_core(review, e) for e in layout.contents}
    issues, seen, expected = [], set(), 1
    for line in lines_of(review.text, layout.contents_end):
        match = style.match(line.text)
        if match is None or len(line.text) > 60 or "\t" in line.text:
            continue
        if review.in_table(line.start) or re.search(r"[。;;::]", line.text):
            continue
        number = _ordinal(match.group("n"))
        if style is part:
            if number in ordinals or number in seen:
                continue
        else:
            # Only the top level's own sequence: a heading that matches the contents entry
            # of its number moves it on; once a nested list (一、… again) begins, nothing is
            # told apart any more.
            core = normalize_title(line.text)
            if number == expected and number in ordinals and any(c and c in core for c in cores):
                expected += 1
                continue
            if number < expected:
                break  # a nested list: its numbers cannot be told from the top level's
            if number != expected or expected <= max(ordinals) or number in seen:
                continue
            expected += 1
        seen.add(number)
        issues.append(
            Issue(
                family="structure",
                rule="body_without_contents",
                severity="提示",
                message=f"正文部分“{line.text.strip()}”在目录中未列。",
                evidence=[review.cite_line("正文标题", line)],
            )
        )
    return issues


_DIGITS = "一二三四五六七八九"


def _ordinal(numeral: str) -> int:
    """一 … 九十九 as a number."""
    if "十" not in numeral:
        return _DIGITS.index(numeral) + 1 if len(numeral) == 1 else 0
    tens, _, units = numeral.partition("十")
    return (_DIGITS.index(tens) + 1 if tens else 1) * 10 + (
        _DIGITS.index(units) + 1 if units else 0
    )


def _entry_core(review: Review, entry: Line) -> str:
    """An entry as the body's heading must hold it: no unit name, year, 部门/单位 or 说明 tail."""
    core = normalize_title(entry.text)
    publisher = review.doc.report.publisher or ""
    if publisher:
        core = core.replace(re.sub(r"\s", "", publisher), "")
    core = re.sub(r"^\d{4}年度?|^(?:部门|单位)", "", core)
    return re.sub(r"(?:的情况说明|情况说明|说明)$", "", core)


def _empty_without_note(review: Review) -> list[Issue]:
    notes = [re.compile(p) for p in vocabulary().structure["empty_notes"]]
    issues = []
    for placed in review.layout.tables:
        if has_figures(review, placed):
            continue
        region_text = review.text[placed.title.end : placed.region_end]
        if any(p.search(region_text) for p in notes):
            continue
        issues.append(
            Issue(
                family="structure",
                rule="empty_table_without_note",
                severity="疑似",
                message=f"“{placed.title.text}”没有数据,也未注明“本表无数据”。",
                evidence=[review.cite_line("表名", placed.title)],
            )
        )
    return issues
