"""Cautions for figures read by OCR with low confidence: a scanned page's 8 may be a 3, so an
answer stating such a figure says so, and names the page to check against the original."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from ingest.models import Report
from ingest.ocr.confidence import LOW_CONFIDENCE, lowest_confidence
from service.answering.answer import Answer, Citation
from service.answering.verify import NUMBER_PATTERN, normalise_number, numbers_in

# Said in the answer text itself (no digits, so verification has nothing new to check); the
# figures and pages are in `Answer.cautions`.
OCR_NOTE = "(注:以上数字有的由扫描件经文字识别(OCR)读出,识别置信度较低,请以原件为准。)"
_A = TypeVar("_A", bound=Answer)


def with_cautions(answer: _A, report_of: Callable[[str], Report]) -> _A:
    """The answer, saying so when a figure it states was read by OCR with low confidence."""
    if not answer.answerable:
        return answer
    cautions = uncertain_figures(answer.answer, answer.citations, report_of)
    text = answer.answer
    if cautions and OCR_NOTE not in text:
        text += OCR_NOTE
    return answer.model_copy(update={"answer": text, "cautions": cautions})


def uncertain_figures(
    answer_text: str, citations: Sequence[Citation], report_of: Callable[[str], Report]
) -> list[str]:
    """One caution per number the answer states whose quoted occurrence OCR read below
    `LOW_CONFIDENCE`: the number as quoted, its page and the confidence."""
    stated = numbers_in(answer_text)
    cautions: list[str] = []
    for citation in citations:
        report = report_of(citation.report_id)
        pages = [
            p for p in report.pages if p.ocr and p.start < citation.end and citation.start < p.end
        ]
        if not pages:
            continue
        for match in NUMBER_PATTERN.finditer(citation.quote):
            if normalise_number(match.group(0)) not in stated:
                continue
            start = citation.start + match.start()
            end = citation.start + match.end()
            page = next((p for p in pages if p.start <= start < p.end), None)
            if page is None or not page.ocr:
                continue
            confidence = lowest_confidence(page.ocr, start, end)
            where = f"第{page.number}页" if page.number else page.name or "扫描页"
            caution = (
                f"“{match.group(0)}”({where},扫描件经OCR识别,置信度{confidence:.2f})"
                "可能识别有误,请以原件为准"
            )
            if confidence < LOW_CONFIDENCE and caution not in cautions:
                cautions.append(caution)
    return cautions
