"""prose_sum: a total in prose against the items listed after it ("…2,661.83万元,其中:…").

A list whose items do not add up to within a thousandth of the total names only part of it, and
is left alone.
"""

from __future__ import annotations

import re

from ingest.checks.document import (
    LIST_MARKER,
    Doc,
    figures_between,
    is_plain,
    list_total,
    same_family,
)
from ingest.checks.findings import cite, sum_finding, unit_factor
from ingest.figures import decimals, sentence_end_of, sentence_start_of
from ingest.models import Figure, Finding

_SEMICOLON = re.compile(r"[;；]")
# Items off their total by more than this share are a partial list, not a typo.
_PARTIAL_LIST = 0.001


def check_prose_sums(doc: Doc) -> list[Finding]:
    """prose_sum findings: each list (其中, 包括 …) of two or more items after a total."""
    findings: list[Finding] = []
    for marker in LIST_MARKER.finditer(doc.context):
        if _in_table(doc, marker.start()):
            continue
        start = sentence_start_of(doc.context, marker.start())
        if doc.context[start : marker.start()].strip() == "":
            start = sentence_start_of(doc.context, max(start - 1, 0))  # "…万元。其中:"
        total = list_total(doc, marker.start(), start)
        if total is None:
            continue
        items = _list_items(doc, total, marker.end())
        finding = _prose_sum(doc, total, items) if len(items) >= 2 else None
        if finding is not None:
            findings.append(finding)
    return findings


def _in_table(doc: Doc, offset: int) -> bool:
    return any(t.start <= offset < t.end for t in doc.report.tables)


def _list_items(doc: Doc, total: Figure, start: int) -> list[Figure]:
    """The list's figures up to the sentence's end. A part after ; belongs to the list only when
    a figure opens it; a nested 其中 list's figures are its own total's, not this one's."""
    end = sentence_end_of(doc.context, start)
    items: list[Figure] = []
    nested_until = -1
    segment_start = start
    for figure in figures_between(doc, start, end):
        between = doc.context[segment_start : figure.position.start]
        cut = max(between.rfind(";"), between.rfind("；"))
        if cut >= 0:
            segment_start += cut + 1
            if figure.position.start - segment_start > 20:
                break
        if "其中" in doc.context[start : figure.position.start] and nested_until < 0:
            nested = doc.context.find("其中", start, figure.position.start)
            nested_until = _segment_end(doc.context, nested, end)
        if nested_until >= 0 and figure.position.start < nested_until:
            continue
        if (
            is_plain(doc, figure)
            and same_family(total, figure)
            and _counts_same(doc, total, figure)
        ):
            items.append(figure)
    return items


def _segment_end(context: str, start: int, end: int) -> int:
    match = _SEMICOLON.search(context, start, end)
    return match.start() if match else end


def _counts_same(doc: Doc, total: Figure, item: Figure) -> bool:
    """For counts, the item counts what the total counts ("38个党组织" ← "独立党组织31个", not
    "覆盖18个律师事务所")."""
    if total.kind != "count":
        return True
    noun = re.match(r"[\u4e00-\u9fff]{2,6}", doc.context[total.position.end :])
    if noun is None:
        return True
    after = doc.context[item.position.end : item.position.end + len(noun.group(0))]
    return item.measure.endswith(noun.group(0)[-2:]) or after == noun.group(0)


def _prose_sum(doc: Doc, total: Figure, items: list[Figure]) -> Finding | None:
    factor = unit_factor(total.unit) if total.kind == "amount" else 1.0
    parts = [i.normalized / factor for i in items]
    if total.value and abs(total.value - sum(parts)) > _PARTIAL_LIST * abs(total.value):
        return None  # the items name only part of the total, or overlap
    return sum_finding(
        "prose_sum",
        total.measure,
        total.value,
        parts,
        [decimals(f.raw) for f in [total, *items]],
        total.unit or "",
        lambda stated, computed: f"{total.measure}{stated},所列各项之和为{computed}",
        [cite("合计", total)] + [cite("分项", i) for i in items],
        exact=total.kind == "count",
    )
