"""Verification shared by every answer path: quotes are exact spans, answer numbers are quoted.

An answer that fails either check is never returned (the caller refuses instead).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from decimal import Decimal, InvalidOperation

from service.answering.answer import Citation

# A number as reports write it: 1,045.50 / 9859.38 / 0.25 / 139; commas only as thousands marks.
NUMBER_PATTERN = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\d.,])\d+(?:\.\d+)?")
# The number of a table or annex ("表2", "附表3") names it; it states no quantity.
_LABEL_NUMBER = re.compile(r"(?:表|附件|图)(\d+)(?![\d.])")


def normalise_number(raw: str) -> str:
    """'1,045.50' → '1045.5', '80.00' → '80', so equal values compare equal whatever the format."""
    try:
        value = Decimal(raw.replace(",", ""))
    except InvalidOperation:
        return raw
    text = format(value.normalize(), "f")
    return text


def numbers_in(text: str) -> set[str]:
    """Every number in `text`, normalised; table and annex numbers are names, not numbers."""
    labels = {m.start(1) for m in _LABEL_NUMBER.finditer(text)}
    return {
        normalise_number(m.group(0))
        for m in NUMBER_PATTERN.finditer(text)
        if m.start() not in labels
    }


def quote_is_exact(citation: Citation, report_text: str) -> bool:
    """The quote is exactly the report's stored text at its offsets."""
    return 0 <= citation.start <= citation.end <= len(report_text) and (
        report_text[citation.start : citation.end] == citation.quote
    )


def verify_answer(
    answer_text: str,
    citations: Sequence[Citation],
    report_text: Callable[[str], str],
    allowed: Collection[str] = (),
) -> list[str]:
    """Problems with an answer: quotes that are not exact spans, numbers no quote contains.

    `allowed` holds normalised numbers the answer computed from quoted figures (a sum, a
    recomputed ratio); a cross-check must be able to state them, and nothing else may.
    """
    problems = [
        f"quote at [{c.start}, {c.end}) of {c.report_id} is not the stored text"
        for c in citations
        if not quote_is_exact(c, report_text(c.report_id))
    ]
    quoted = set().union(*(numbers_in(c.quote) for c in citations)) if citations else set()
    problems += [
        f"number {n} is in no quote"
        for n in sorted(numbers_in(answer_text) - quoted - set(allowed))
    ]
    return problems
