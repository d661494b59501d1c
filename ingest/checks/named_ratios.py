"""Other named rates ("调解成功率为97.60%"): the figure the rate is named after ÷ the one
quantity of its kind before it."""

from __future__ import annotations

import re

from ingest.checks.document import Doc, clause_before, is_plain, same_family, sentence_figures
from ingest.checks.findings import ratio_finding
from ingest.figures import sentence_end_of, sentence_start_of
from ingest.models import Figure, Finding


def named_ratio(doc: Doc, percent: Figure, before: str) -> Finding | None:
    """ "调解矛盾纠纷20900件,调解成功20398件,调解成功率为97.60%": the numerator is the figure
    the rate is named after, the denominator the one quantity of its kind before it."""
    name = re.search(r"([\u4e00-\u9fff]{2,8}?)率(?:为|达|是)?$", before)
    if name is None:
        return None
    stem = name.group(1)
    sentence = [
        f for f in sentence_figures(doc, percent) if f.position.end <= percent.position.start
    ]
    quantities = [f for f in sentence if is_plain(doc, f)]
    numerators = [f for f in quantities if f.measure == stem or f.measure.startswith(stem)]
    if len(numerators) != 1:
        return None
    numerator = numerators[0]
    stems = _rate_stems(doc, percent)
    denominators = [
        f
        for f in quantities
        if f.position.end <= numerator.position.start
        and same_family(f, numerator)
        and f.normalized >= numerator.normalized > 0
        and not any(f.measure.startswith(s) for s in stems)
    ]
    if len(denominators) != 1:
        return None
    denominator = denominators[0]
    computed = 100 * numerator.normalized / denominator.normalized
    how = f"按{numerator.measure}{numerator.raw}÷{denominator.measure}{denominator.raw}"
    inputs = [("分子", numerator), ("分母", denominator)]
    return ratio_finding(percent, computed, inputs, lambda v: 100 * v[0] / v[1], how)


def _rate_stems(doc: Doc, percent: Figure) -> list[str]:
    """Names of the other rates in the sentence, whose numerators are no denominators here."""
    end = sentence_end_of(doc.context, percent.position.start)
    start = sentence_start_of(doc.context, percent.position.start)
    stems = re.findall(r"([\u4e00-\u9fff]{2,8}?)率", doc.context[start:end])
    own = re.search(r"([\u4e00-\u9fff]{2,8}?)率(?:为|达|是)?$", clause_before(doc, percent))
    return [s for s in stems if own is None or s != own.group(1)]
