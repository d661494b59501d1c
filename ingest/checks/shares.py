"""Shares (占): a stated share against part ÷ whole, and share_sum: the shares of one whole,
which sum to 100% when their parts make up the whole."""

from __future__ import annotations

import re
from typing import NamedTuple

from ingest.checks.document import (
    Doc,
    is_plain,
    list_total,
    measure_key,
    same_family,
    sentence_figures,
)
from ingest.checks.findings import cite, format_value, half_digit, ratio_finding, status_of
from ingest.figures import clean_measure, decimals, sentence_start_of
from ingest.models import Figure, Finding

_SHARE_MARKER = re.compile(r"(?:其中|主要用于以下方面|主要用于|分别为|包括)[::,,]?")


class Share(NamedTuple):
    """A stated share (占…的X%), with the part and whole it was checked against."""

    percent: Figure
    part: Figure
    whole: Figure
    listed: bool  # the whole is the total of the list the part is in


def share_ratio(doc: Doc, percent: Figure, before: str, shares: list[Share]) -> Finding | None:
    """占: the share against the figure before it ÷ its whole; the share goes to `shares`."""
    sentence = sentence_figures(doc, percent)
    earlier = [f for f in sentence if f.position.end <= percent.position.start]
    if not earlier or not is_plain(doc, earlier[-1]):
        return None
    part = earlier[-1]
    if not re.fullmatch(r"[,,]?占.*", before):
        return None
    unnamed = re.fullmatch(r"[,,]?占(?:比|比重|比例)?(?:为|达|是)?", before)
    named = None if unnamed else re.match(r"[,,]?占(.*?)的?(?:比重|比例)?(?:为|达)?$", before)
    found = _share_whole(doc, part, clean_measure(named.group(1)) if named else "")
    if found is None:
        return None
    whole, listed = found
    if whole.normalized <= 0 or not same_family(part, whole):
        return None
    shares.append(Share(percent, part, whole, listed))
    computed = 100 * part.normalized / whole.normalized
    how = f"按{part.measure}{part.raw}÷{whole.measure}{whole.raw}"
    inputs = [("分子", part), ("分母", whole)]
    return ratio_finding(percent, computed, inputs, lambda v: 100 * v[0] / v[1], how)


def _share_whole(doc: Doc, part: Figure, named: str) -> tuple[Figure, bool] | None:
    """What a share is of: the total of the list the part is in, or the figure the share names
    (then only when every figure of that name has the same value)."""
    start = sentence_start_of(doc.context, part.position.start)
    markers = list(_SHARE_MARKER.finditer(doc.context, start, part.position.start))
    total = list_total(doc, markers[-1].start(), start) if markers else None
    if total is not None and (not named or _related(named, total.measure)):
        return total, True
    if not named:
        return None
    matches = [
        f for f in doc.prose if is_plain(doc, f) and measure_key(f.measure) == measure_key(named)
    ]
    if not matches or len({f.normalized for f in matches}) > 1:
        return None
    return matches[0], False


def _related(named: str, measure: str) -> bool:
    return named in measure or measure in named or measure_key(named) == measure_key(measure)


def check_share_sums(doc: Doc, shares: list[Share]) -> list[Finding]:
    """The 占 shares of one whole sum to 100%, when their parts make up the whole."""
    groups: dict[int, list[Share]] = {}
    for share in (s for s in shares if s.listed):
        groups.setdefault(share.whole.position.start, []).append(share)
    findings = []
    for group in groups.values():
        whole = group[0].whole
        parts = sum(s.part.normalized for s in group)
        if len(group) < 2 or abs(parts - whole.normalized) > 0.005 * whole.normalized:
            continue
        places = max(decimals(s.percent.raw) for s in group)
        stated = sum(s.percent.value for s in group)
        status = status_of(stated, 100.0, places, half_digit(places) * len(group))
        listed = "、".join(s.percent.raw for s in group)
        tail = ",一致。" if status == "agrees" else f",与100%相差{abs(stated - 100):.2f}个百分点。"
        findings.append(
            Finding(
                check="share_sum",
                status=status,
                subject=f"{whole.measure}的构成",
                stated=round(stated, places + 2),
                computed=100.0,
                difference=round(stated - 100.0, places + 2),
                unit="%",
                message=f"{whole.measure}{whole.raw}的各项占比({listed})之和为"
                f"{format_value(stated, places)}%{tail}",
                evidence=[cite("总额", whole)] + [cite("所述比例", s.percent) for s in group],
            )
        )
    return findings
