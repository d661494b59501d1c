"""Sentence spans and table rows of the retrieved chunks as answer candidates.

A candidate is a sentence, a table row (with its header's words), or, when the question asks for
a cause or a list, a sentence and the one after it. What fits the question is the scorer's to
judge; this module only cuts, and drops what can never answer (a contents line).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from ingest.chunking import sentence_spans
from ingest.tables import HEADER_SEPARATOR, split_cells
from service.answering.candidates.model import Candidate, CandidateKind
from service.answering.passage_text import has_figure, states_cause
from service.retrieval.hybrid import CAUSE_OPENING, HybridRetriever, RetrievedChunk

_CJK = re.compile(r"[\u4e00-\u9fff]")
_CODE_HEADER = re.compile(r"编码|代码|编号")

# A contents line ("8.…预算表 ………… 12") names a table; it never answers.
_TABLE_OF_CONTENTS = re.compile(r"…{3,}|\.{6,}|·{6,}")


def sentence_candidates(
    retriever: HybridRetriever, hits: list[RetrievedChunk], pairs: bool
) -> list[Candidate]:
    """Sentences, table rows and, if asked, pairs of adjacent sentences (a fact and its cause)."""
    out: list[Candidate] = []
    width = 2 if pairs else 1
    for rank, hit in enumerate(hits):
        sentences, contexts, header = retriever.sentences(hit)
        kind: CandidateKind = "row" if hit.kind == "table_row" else "sentence"
        for k, first in enumerate(sentences):
            if _TABLE_OF_CONTENTS.search(hit.text[first.start : first.end]):
                continue
            at = k
            if k > 0 and hit.text.startswith("其中", first.start):
                at = k - 1
                first = sentences[at]  # "其中:…" lists parts of the sentence before it
            for last in sentences[k : k + width]:
                own = first.free_tokens | last.free_tokens
                tokens, free = first.tokens | last.tokens, own
                if header is not None:
                    tokens, free = tokens | header.tokens, free | header.free_tokens
                out.append(
                    Candidate(
                        kind=kind,
                        chunk=hit,
                        start=hit.start + first.start,
                        end=hit.start + last.end,
                        text=hit.text[first.start : last.end],
                        rank=rank,
                        tokens=tokens,
                        free=free,
                        context=contexts[at],
                        own=own,
                        sentences=1 if last is first else 2,
                    )
                )
    return out


_CAUSE_REACH = 2  # sentences after a passage searched for the cause it leaves unsaid
_CAUSE_WINDOW = 400  # characters after it those sentences are looked for in


def with_stated_cause(report_text: str, candidate: Candidate) -> Candidate:
    """A passage asked about with "为什么", carried on to the sentence that states its cause
    ("…年初预算为135.90万元,支出决算为135.25万元。决算数小于预算数的主要原因:…"), when it states
    none itself and one follows within `_CAUSE_REACH` sentences (in the report's text: the cause
    may open the next chunk)."""
    if candidate.kind != "sentence" or states_cause(candidate.text):
        return candidate
    window = min(len(report_text), candidate.end + _CAUSE_WINDOW)
    following = sentence_spans(report_text, candidate.end, window)[:_CAUSE_REACH]
    for n, (start, end) in enumerate(following, start=1):
        said = report_text[start:end]
        crosses = "\n" in report_text[candidate.end : start]
        # across a paragraph break only a paragraph that opens with its cause ("…的主要原因:")
        # is about the passage before it
        if crosses and not CAUSE_OPENING.match(said):
            break
        if states_cause(said):
            return replace(
                candidate,
                end=end,
                text=report_text[candidate.start : end],
                sentences=candidate.sentences + n,
            )
    return candidate


def with_stated_fact(report_text: str, candidate: Candidate) -> Candidate:
    """A cause asked about with "为什么" that opens by naming what it explains ("主要原因:…",
    "决算数小于预算数的主要原因:…") explains the sentence before it: the passage is carried back to
    that sentence when it states a figure ("…增加277.22%。主要原因是:…"), so the answer says what
    changed as well as why."""
    if candidate.kind != "sentence" or not CAUSE_OPENING.match(candidate.text):
        return candidate
    window = max(0, candidate.start - _CAUSE_WINDOW)
    before = sentence_spans(report_text, window, candidate.start)
    # the first span of a window that does not start the text may be a sentence cut short
    if not before or (len(before) == 1 and window > 0):
        return candidate
    start, end = before[-1]
    said = report_text[start:end]
    if not has_figure(said) or states_cause(said):
        return candidate
    return replace(
        candidate,
        start=start,
        text=report_text[start : candidate.end],
        sentences=candidate.sentences + 1,
    )


def state_passage(candidate: Candidate, units: Mapping[str, str] | None = None) -> str:
    """The answer sentence: the quote itself; a table row is named by its header.

    A row reads as its label, then each figure under its column with the unit the table states
    once in its title (`units`: a cell's text → its unit): "行政运行: 支出预算/合计: 16726725.44元;
    …"; code columns (科目编码) are left out, their numbers say nothing to the asker.
    """
    if candidate.kind == "sentence" or not candidate.chunk.header:
        return candidate.text
    header = candidate.chunk.header.removeprefix("表头: ").split(HEADER_SEPARATOR)
    cells = split_cells(candidate.text)
    if len(header) != len(cells):
        return candidate.text + "。"
    units = units or {}
    pairs = [(h, c) for h, c in zip(header, cells, strict=True) if c]
    labels = [i for i, (h, c) in enumerate(pairs) if _CJK.search(c)]
    values = [i for i, (h, c) in enumerate(pairs) if not _CJK.search(c) and not _is_code(h, c)]
    with_unit = {i: _with_unit(pairs[i][1], units) for i in values}
    if labels and values and max(labels) < min(values):
        # One label, then its figures: the label once, each figure under its column.
        label = "、".join(dict.fromkeys(pairs[i][1] for i in labels))  # merged cells repeat
        # A header that holds a number ("2024年预算数") would put an unquoted number in it.
        named = [
            with_unit[i] if re.search(r"\d", pairs[i][0]) else f"{pairs[i][0]}: {with_unit[i]}"
            for i in values
        ]
        return f"{label}: " + ";".join(named) + "。"
    # Label and figure groups side by side ("一、财政拨款收入 | 96.28 | 一、公共安全支出 | …").
    return (
        ";".join(
            with_unit.get(i, c) if re.search(r"\d", h) else f"{h}: {with_unit.get(i, c)}"
            for i, (h, c) in enumerate(pairs)
            if i in with_unit or i in labels
        )
        + "。"
    )


def _is_code(header: str, cell: str) -> bool:
    """A classification code (科目编码 204, 06) rather than a figure."""
    return bool(_CODE_HEADER.search(header)) and cell.isdigit()


def _with_unit(cell: str, units: Mapping[str, str]) -> str:
    unit = units.get(cell)
    return cell + unit if unit and unit != "%" and not cell.endswith(unit) else cell
