"""增长/下降 rates: a stated change against its base, or the current figure against the base
the sentence names ("比2025年预算执行数增加P%")."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from ingest.checks.document import (
    CHANGE,
    RISE,
    Doc,
    figures_between,
    is_base,
    is_change,
    is_plain,
    measure_key,
    sentence_figures,
)
from ingest.checks.findings import ratio_finding
from ingest.models import Figure, Finding


def growth_ratio(doc: Doc, percent: Figure, before: str) -> Finding | None:
    """增长/下降 P%: from the change stated before it, or from the figure before it and the
    base the sentence names."""
    verb = CHANGE.search(before)
    if verb is None or percent.value <= 0:
        return None
    sign = 1 if verb.group(1) in RISE else -1
    sentence = sentence_figures(doc, percent)
    earlier = [f for f in sentence if f.position.end <= percent.position.start]
    if earlier and earlier[-1].kind == "amount" and is_change(doc, earlier[-1]):
        if re.fullmatch(r"[,,]?(?:同比)?" + verb.group(1) + r"(?:了)?(?:为)?", before):
            return _growth_from_change(doc, percent, earlier, sign)
        return None
    if earlier and earlier[-1].kind == "amount":
        return _growth_from_base(doc, percent, before, earlier)
    return None


def _growth_from_change(
    doc: Doc, percent: Figure, earlier: list[Figure], sign: int
) -> Finding | None:
    """ "A万元,较上年增加D万元,增长P%": P = D ÷ (A − D), or D ÷ B when the base B is stated."""
    change = earlier[-1]
    subjects = [i for i, f in enumerate(earlier[:-1]) if is_plain(doc, f) and f.kind == "amount"]
    after_subject = earlier[subjects[-1] + 1 : -1] if subjects else earlier[:-1]
    bases = [
        f for f in after_subject if f.kind == "amount" and is_base(doc, f) and not is_change(doc, f)
    ]
    if bases:
        base = bases[-1]
        computed = 100 * change.normalized / base.normalized if base.normalized else math.nan
        how = f"按{change.raw}÷{base.raw}"
        inputs = [("增减额", change), ("基数", base)]
        return _finite(percent, computed, inputs, lambda v: 100 * v[0] / v[1], how)
    current = _growth_subject(doc, change, earlier[:-1])
    if current is None:
        return None
    base_value = current.normalized - sign * change.normalized
    if base_value <= 0:
        return None
    computed = 100 * change.normalized / base_value
    how = f"按{change.raw}÷({current.raw}{'−' if sign > 0 else '+'}{change.raw})"
    inputs = [("增减额", change), ("本期数", current)]

    def formula(v: list[float]) -> float:
        return 100 * v[0] / (v[1] - sign * v[0])

    return _finite(percent, computed, inputs, formula, how)


def _growth_subject(doc: Doc, change: Figure, earlier: list[Figure]) -> Figure | None:
    """The current figure a change is of: before it in the sentence, or the figure the change's
    subject names earlier on the same line ("总计2995.39万元。与2023年度相比,总计减少…")."""
    plain = [f for f in earlier if f.kind == "amount" and not is_change(doc, f)]
    if plain:
        return None if is_base(doc, plain[-1]) else plain[-1]
    subject = measure_key(
        re.sub(r"(?:较|比|与).*?(?:相比)?$|(?:增加|减少|增长|下降)$", "", change.measure)
    )
    line_start = doc.context.rfind("\n", 0, change.position.start) + 1
    same = [
        f
        for f in figures_between(doc, line_start, change.position.start)
        if f.kind == "amount" and measure_key(f.measure) == subject and not is_change(doc, f)
    ]
    return same[-1] if subject and same else None


def _growth_from_base(
    doc: Doc, percent: Figure, before: str, earlier: list[Figure]
) -> Finding | None:
    """ "2026年预算安排A万元,比2025年预算执行数增加P%": P = A ÷ B − 1, B named in the sentence."""
    named = re.search(r"(?:较|比)(.{0,20}?)(?:同比)?(?:增长|下降|增加|减少|上升|降低|提高)", before)
    if named is None:
        return None
    pair = _current_and_base(doc, earlier, named.group(1))
    if pair is None:
        return None
    current, base = pair
    computed = 100 * (current.normalized / base.normalized - 1)
    how = f"按{current.measure}{current.raw}与{base.measure}{base.raw}"
    inputs = [("本期数", current), ("基数", base)]
    subject = _line_subject(doc, percent) or current.measure
    verb = CHANGE.search(before)
    word = verb.group(1) if verb else ""

    def formula(v: list[float]) -> float:
        return 100 * (v[0] / v[1] - 1)

    return ratio_finding(percent, computed, inputs, formula, how, subject, word)


def _current_and_base(
    doc: Doc, earlier: list[Figure], base_name: str
) -> tuple[Figure, Figure] | None:
    """The figure a rate compares and the base it names ("比2025年预算执行数": the sentence's
    2025 figure of that measure; "较上年": the figure whose measure says 上年)."""
    current = earlier[-1]
    others = [f for f in earlier[:-1] if f.kind == "amount" and not is_change(doc, f)]
    if re.fullmatch(r"上年度?|上一年度?|去年", base_name):
        if "上年" in current.measure:  # "本年…39.10万元,上年…46.00万元,较上年下降"
            this_year = measure_key(current.measure.replace("上年", "本年"))
            matches = [
                f for f in others if "本年" in f.measure or measure_key(f.measure) == this_year
            ]
            return (matches[-1], current) if len(matches) == 1 else None
        matches = [f for f in others if "上年" in f.measure]
    else:
        year = re.search(r"(\d{4})年", base_name)
        core = measure_key(re.sub(r"\d{4}年度?", "", base_name))
        matches = [
            f
            for f in others
            if (year is None or f.year == int(year.group(1)))
            and core
            and measure_key(re.sub(r"^当年", "", f.measure)) in core
        ]
    if len(matches) != 1 or matches[-1].normalized <= 0:
        return None
    return current, matches[-1]


def _line_subject(doc: Doc, figure: Figure) -> str:
    """What a numbered line is about ("6、公共安全支出(204类)…其他司法支出(99项)3845.49万元。")."""
    start = doc.context.rfind("\n", 0, figure.position.start) + 1
    head = re.match(
        r"\s*(?:\d{1,2}[、.]|[一二三四五六七八九十]+、|\([一二三四五六七八九十\d]{1,3}\))",
        doc.context[start:],
    )
    if head is None:
        return ""
    first = next((f for f in figures_between(doc, start, figure.position.start + 1)), figure)
    text = doc.context[start + head.end() : first.position.start].split("。")[0]
    return measure_key(text)[:40]


def _finite(
    percent: Figure,
    computed: float,
    inputs: list[tuple[str, Figure]],
    formula: Callable[[list[float]], float],
    how: str,
) -> Finding | None:
    if not math.isfinite(computed):
        return None
    return ratio_finding(percent, computed, inputs, formula, how)
