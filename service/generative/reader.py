"""The reader: a model rewrites the extractive answer from the passages that answer accepted.

The passages are the extractive answer's citations — exact spans the scorer accepted and
verification passed — numbered [1]…[n]. The model's reply is checked by `verify.check_reply`; if
it fails, or the model cannot be reached, the extractive answer is returned with the reason. A
refusal is never handed to the model (a question no accepted passage answers stays refused), nor
an answer the records built (a cross-check, the unmet targets): the passages alone do not say it.
"""

from __future__ import annotations

import time

from prompts import load_prompt
from service.answering.answer import Answer, Citation
from service.answering.verify import numbers_in
from service.generative.answer import (
    DroppedSentence,
    GeneratedAnswer,
    GeneratedSentence,
    Generation,
)
from service.generative.client import ChatModel, ModelError
from service.generative.figures import stated_figures
from service.generative.instructions import addresses_a_model
from service.generative.verify import CheckedReply, Passage, check_reply

# Kinds whose answer text the records make, not a passage: a restatement of the passages would
# lose the verdict ("不一致", "相差0.80万元") or the list.
RECORD_KINDS = frozenset({"unmet", "crosscheck", "review"})


def numbered_passages(citations: list[Citation]) -> list[Passage]:
    return [Passage(n, c.quote, anchored=True) for n, c in enumerate(citations, start=1)]


def passages_block(passages: list[Passage], citations: list[Citation]) -> str:
    """The passages as the prompt shows them: number, where it is from, the text."""
    blocks = []
    for passage, citation in zip(passages, citations, strict=True):
        where = " > ".join(citation.section_path) or citation.title
        page = f" 第{citation.page}页" if citation.page else ""
        blocks.append(f"[{passage.number}] 出处:{where}{page}\n原文:{passage.text}")
    return "\n\n".join(blocks)


def read_answer(model: ChatModel, extractive: Answer) -> GeneratedAnswer:
    """The model's answer to `extractive.question` if it passes verification, else the
    extractive answer with the reason (mode `extractive_fallback`)."""
    generation = Generation(model=model.name)
    if not extractive.answerable or not extractive.citations:
        generation.reason = "no accepted passage answers the question: the refusal stands"
        return GeneratedAnswer.fallback(extractive, generation)
    if extractive.kind in RECORD_KINDS or extractive.computed:
        generation.reason = (
            "an answer built from the records (a cross-check's verdict, computed numbers, the "
            "unmet targets) is stated as built: the passages alone do not say it"
        )
        return GeneratedAnswer.fallback(extractive, generation)
    if any(addresses_a_model(c.quote) for c in extractive.citations):
        generation.reason = "a cited passage holds text addressed to a model; it is not sent"
        return GeneratedAnswer.fallback(extractive, generation)
    passages = numbered_passages(extractive.citations)
    system, user = load_prompt("reader").render(
        question=extractive.question, passages=passages_block(passages, extractive.citations)
    )
    started = time.perf_counter()
    try:
        reply = model.complete(system, user)
    except ModelError as exc:
        generation.reason = f"the model could not be asked: {exc}"
        generation.generate_ms = (time.perf_counter() - started) * 1000
        return GeneratedAnswer.fallback(extractive, generation)
    generation.generate_ms = (time.perf_counter() - started) * 1000
    # The question's own numbers (a year asked about) and numbers the extractive answer computed
    # from its quotes may be stated without a passage; nothing else may.
    allowed = numbers_in(extractive.question) | set(extractive.computed)
    checked = check_reply(reply, passages, stated_figures(extractive.answer)[:1], allowed)
    generation.dropped = [DroppedSentence(text=d.text, reason=d.reason) for d in checked.dropped]
    if checked.fallback is not None:
        generation.reason = checked.fallback
        return GeneratedAnswer.fallback(extractive, generation)
    return _generated(extractive, checked, generation)


def _generated(
    extractive: Answer, checked: CheckedReply, generation: Generation
) -> GeneratedAnswer:
    """The kept sentences as the answer, citing only the passages they cite, renumbered."""
    order: dict[int, int] = {}
    for sentence in checked.kept:
        for n in sentence.cites:
            order.setdefault(n, len(order))
    citations = [extractive.citations[n - 1] for n in order]
    generation.sentences = [
        GeneratedSentence(text=s.text, citations=[order[n] for n in s.cites]) for s in checked.kept
    ]
    timings = {**extractive.timings, "generate_ms": generation.generate_ms}
    timings["total_ms"] = extractive.timings.get("total_ms", 0.0) + generation.generate_ms
    return GeneratedAnswer(
        **extractive.model_dump(exclude={"answer", "citations", "timings"}),
        answer=checked.text,
        citations=citations,
        timings=timings,
        mode="generative",
        generation=generation,
    )
