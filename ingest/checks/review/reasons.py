"""A stated reason and a stated change against the rest of the report (表述与数字): "比上年减少…,
主要原因是…支出增加" explains a rise where a fall is stated, and "X为A万元,比上年增加B万元" implies
last year's X = A − B, which must agree with last year's X where the report states it."""

from __future__ import annotations

import re

from ingest.checks.document import clause_before, figures_between
from ingest.checks.review.context import Review
from ingest.checks.review.issue import Issue
from ingest.checks.review.vocabulary import vocabulary
from ingest.figures import sentence_end_of, sentence_start_of


def check_reasons(review: Review) -> list[Issue]:
    return _reason_direction(review) + _implied_base(review)


def _direction(verb: str) -> int:
    words = vocabulary().wording
    return 1 if verb in words["rise"] else -1 if verb in words["fall"] else 0


def _reason_direction(review: Review) -> list[Issue]:
    """A cause marker after a stated change whose head or cause states the other direction of
    the total or of the measure itself."""
    words = vocabulary().wording
    verbs = "|".join(words["rise"] + words["fall"])
    ctx = review.doc.context
    changes = list(re.finditer(rf"(?:比|较)[^,,。;;]{{0,20}}?(?P<verb>{verbs})", ctx))
    other = re.compile(words["cause_other_comparison"])
    issues = []
    for marker in re.finditer(words["cause_marker"], ctx):
        if review.in_table(marker.start()) or review.in_contents(marker.start()):
            continue
        sentence = sentence_start_of(ctx, marker.start())
        window = sentence_start_of(ctx, max(sentence - 1, 0))
        before = [c for c in changes if window <= c.start() and c.end() <= marker.start()]
        if not before:
            continue
        change = before[-1]
        gap = ctx[change.end() : marker.start()]
        stated = _direction(change.group("verb"))
        # The head ("增加的主要原因") is the gap's last clause; the rest must not turn about.
        lead = gap[: len(gap) - len(re.split(r"[,,。;;::]", gap)[-1])]
        gap_verbs = {_direction(v) for v in re.findall(verbs, lead)}
        if other.search(gap) or -stated in gap_verbs or "主要原因" in gap:
            continue
        found = _against(review, change, marker, gap, -stated)
        if found is None:
            continue
        start, end = found
        said = f"所述原因却是“{ctx[start:end]}”"
        issues.append(
            Issue(
                family="wording",
                rule="reason_direction",
                severity="疑似",
                message=f"文中称“{change.group('verb')}”,{said},原因与增减方向相反。",
                evidence=[
                    review.cite("表述", change.start("verb"), change.end("verb")),
                    review.cite("原因", start, end),
                ],
            )
        )
    return issues


def _against(
    review: Review, change: re.Match[str], marker: re.Match[str], gap: str, against: int
) -> tuple[int, int] | None:
    """The span of the head ("增加的主要原因") or the cause clause that states `against`."""
    words = vocabulary().wording
    opposite = "|".join(words["rise"] if against > 0 else words["fall"])
    subjects = "|".join(sorted(map(re.escape, words["cause_subjects"]), key=len, reverse=True))
    measure = _measure(review, change)
    named = f"{subjects}|{re.escape(measure)}" if measure else subjects
    ctx = review.doc.context
    # The head: "…,增加的主要原因" right after a clause break, or naming the total or measure.
    clause = re.split(r"[,,。;;::]", gap)[-1]
    head = re.fullmatch(rf"\s*(?P<subj>{named})?\s*(?P<verb>{opposite})的?\s*", clause)
    if head is not None:
        at = marker.start() - len(clause)
        first = "subj" if head.group("subj") else "verb"
        return at + head.start(first), at + head.end("verb")
    body_end = min(sentence_end_of(ctx, marker.end()), marker.end() + 120)
    body = ctx[marker.end() : body_end]
    cause = re.compile(
        rf"(?:{words['cause_subject_before']})(?P<subj>{named}){words['cause_modifiers']}"
        rf"(?P<verb>{opposite})"
    )
    for clause_match in re.finditer(r"[^,,;;。]+", body):
        if re.search(r"比|较|与", clause_match.group(0)):
            continue  # the clause states a comparison of its own
        hit = cause.search(body, clause_match.start(), clause_match.end())
        if hit is not None:
            return marker.end() + hit.start("subj"), marker.end() + hit.end("verb")
    return None


def _measure(review: Review, change: re.Match[str]) -> str:
    """What the change is of: the clause before the last amount before it in its sentence."""
    doc = review.doc
    start = sentence_start_of(doc.context, change.start())
    amounts = [f for f in figures_between(doc, start, change.start()) if f.kind == "amount"]
    if not amounts:
        return ""
    measure = re.sub(r"(?:为|是|:|:)$", "", clause_before(doc, amounts[-1]))
    measure = re.sub(vocabulary().wording["measure_prefix"], "", measure)
    return measure if len(measure) >= 4 and re.fullmatch(r"[^,,。;;]+", measure) else ""


def _number(raw: str) -> float:
    return float(raw.replace(",", ""))


def _implied_base(review: Review) -> list[Issue]:
    words = vocabulary().wording
    ctx = review.doc.context
    tolerance = float(words["base_tolerance"])
    issues = []
    for change in re.finditer(words["stated_change"], ctx):
        if review.in_table(change.start()) or review.in_contents(change.start()):
            continue
        measure = re.sub(r"\s", "", change.group("measure"))
        measure = re.sub(words["measure_prefix"], "", measure)
        if len(measure) < 4:
            continue
        base_year = change.group("y") or (
            str(review.year - 1) if review.year and change.group("base").startswith("上") else ""
        )
        years = ["上年度?", "上一年度?"] + ([rf"{base_year}\s*年度?"] if base_year else [])
        stated = re.compile(
            rf"(?:{'|'.join(years)})(?:的)?[“”\"]?\s*{re.escape(measure)}[“”\"]?"
            r"(?:为|是|共计|合计|:|:)?\s*(?P<c>\d[\d,]*(?:\.\d+)?)\s*万元"
        )
        bases = [m for m in stated.finditer(ctx) if not change.start() <= m.start() < change.end()]
        if len({m.group("c") for m in bases}) != 1:
            continue  # no independent base, or several that disagree among themselves
        base = bases[0]
        a, b, c = _number(change.group("a")), _number(change.group("b")), _number(base.group("c"))
        implied = a - b if _direction(change.group("verb")) > 0 else a + b
        if abs(implied - c) <= tolerance:
            continue
        issues.append(
            Issue(
                family="wording",
                rule="implied_base",
                severity="疑似",
                message=f"文中“{measure}{change.group('a')}万元”{change.group('verb')}"
                f"{change.group('b')}万元,推算上年为{implied:.2f}万元,"
                f"但文中所述上年数为{base.group('c')}万元。",
                evidence=[
                    review.cite("本年数", change.start("a"), change.end("a"), a),
                    review.cite("增减额", change.start("b"), change.end("b"), b),
                    review.cite("上年数", base.start("c"), base.end("c"), c),
                ],
            )
        )
    return issues
