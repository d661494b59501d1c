"""An answer stating a figure OCR read with low confidence says so; sure readings and text
layers add nothing. Small inputs, no model load."""

from __future__ import annotations

from ingest.models import OcrSpan, PageSpan, Report
from service.answering.answer import Answer, citation_of
from service.answering.ocr_caution import OCR_NOTE, with_cautions

_TEXT = "2024年三公经费支出12.85万元。\n机关运行经费支出38.60万元。\n"
_SURE, _UNSURE = (0, 18), (19, len(_TEXT) - 1)


def _report(ocr: bool) -> Report:
    spans = [OcrSpan(start=_SURE[0], end=_SURE[1], confidence=0.99)]
    spans.append(OcrSpan(start=_UNSURE[0], end=_UNSURE[1], confidence=0.71))
    page = PageSpan(number=3, start=0, end=len(_TEXT), ocr=spans if ocr else None)
    return Report(
        id="scan",
        title="某局2024年度部门决算",
        source_path="s.pdf",
        file_name="s.pdf",
        format="pdf",
        text=_TEXT,
        pages=[page],
    )


def _answer(report: Report, text: str, span: tuple[int, int]) -> Answer:
    citation = citation_of(report, *span)
    return Answer(question="q", answer=text, answerable=True, kind="figure", citations=[citation])


def test_a_figure_read_unsure_is_cautioned_with_its_page() -> None:
    report = _report(ocr=True)
    answer = with_cautions(
        _answer(report, "机关运行经费支出38.60万元。", _UNSURE), lambda _: report
    )
    assert answer.answer.endswith(OCR_NOTE)
    assert len(answer.cautions) == 1 and "38.60" in answer.cautions[0]
    assert "第3页" in answer.cautions[0] and "0.71" in answer.cautions[0]


def test_sure_readings_and_text_layers_add_nothing() -> None:
    scan, text_layer = _report(ocr=True), _report(ocr=False)
    sure = with_cautions(_answer(scan, "三公经费支出12.85万元。", _SURE), lambda _: scan)
    assert sure.cautions == [] and OCR_NOTE not in sure.answer
    layer = _answer(text_layer, "机关运行经费支出38.60万元。", _UNSURE)
    assert with_cautions(layer, lambda _: text_layer).cautions == []


def test_only_the_numbers_the_answer_states_count() -> None:
    report = _report(ocr=True)
    whole = (0, len(_TEXT))
    answer = with_cautions(_answer(report, "三公经费支出12.85万元。", whole), lambda _: report)
    assert answer.cautions == []
