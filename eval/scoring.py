"""Scoring one answer against one gold question, by the rules of the gold set's README.

Pure functions only: the runner supplies the answers and the stored report texts, so every rule can
be tested with hand-written tables and no model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from eval.gold import GoldQuestion
from service.answering.answer import NOT_FOUND, Answer, Citation

# Full-width forms U+FF01..U+FF5E sit exactly 0xFEE0 above their ASCII twins; U+3000 is the
# ideographic space. NFKC is not used: it would also rewrite ①, ㎡ or …, which the README keeps.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_WHITE_SPACE = re.compile(r"\s+")
# A comma is a thousands separator only between a digit and a group of exactly three digits, so a
# list such as "第1,2条" keeps its comma.
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def fold(text: str) -> str:
    """Text as the scorer compares it: half-width forms, no white space, no thousands separators."""
    text = text.translate(_FULL_WIDTH)
    text = _WHITE_SPACE.sub("", text)
    return _THOUSANDS.sub("", text)


def contains_all(haystack: str, needles: Iterable[str]) -> bool:
    """True when every needle occurs in the haystack, both folded."""
    folded = fold(haystack)
    return all(fold(needle) in folded for needle in needles)


class ReportTexts(NamedTuple):
    """The stored text of every report, by id, and which id each gold report name stands for."""

    text_by_id: Mapping[str, str]
    id_by_name: Mapping[str, str]


class QuestionScore(NamedTuple):
    """Whether one answer is right on each measure."""

    answer_correct: bool
    citation_correct: bool
    refusal_correct: bool


def refuses(answer: Answer) -> bool:
    """The answer says the reports do not hold the answer (the fixed phrase, or the flag)."""
    return NOT_FOUND in answer.answer or not answer.answerable


def citation_is_genuine(citation: Citation, report_texts: ReportTexts) -> bool:
    """The quote is exactly the stored text of the report it names, at the offsets it gives."""
    text = report_texts.text_by_id.get(citation.report_id)
    if text is None or not 0 <= citation.start <= citation.end <= len(text):
        return False
    return bool(citation.quote) and text[citation.start : citation.end] == citation.quote


def citation_supports(citation: Citation, gold: GoldQuestion, report_texts: ReportTexts) -> bool:
    """The citation names the gold report, is genuine, and quotes every evidence string."""
    if gold.report is not None:
        wanted = report_texts.id_by_name.get(gold.report)
        if citation.report_id != wanted:
            return False
    return citation_is_genuine(citation, report_texts) and contains_all(
        citation.quote, gold.evidence
    )


def score_answer(gold: GoldQuestion, answer: Answer, report_texts: ReportTexts) -> QuestionScore:
    """Score one answer on the README's three per-answer measures."""
    refused = refuses(answer)
    if not gold.answerable:
        # Nothing supports an answer that is not there: any citation makes the refusal wrong.
        refusal_correct = refused and not answer.citations
        return QuestionScore(
            answer_correct=refusal_correct,
            citation_correct=not answer.citations,
            refusal_correct=refusal_correct,
        )
    return QuestionScore(
        answer_correct=contains_all(answer.answer, gold.must_include),
        citation_correct=any(citation_supports(c, gold, report_texts) for c in answer.citations),
        refusal_correct=not refused,
    )


def evidence_retrieved(gold: GoldQuestion, passages: Iterable[str]) -> bool | None:
    """Some retrieved passage holds every evidence string; None for unanswerable questions."""
    if not gold.answerable:
        return None
    return any(contains_all(passage, gold.evidence) for passage in passages)
