"""The chooser: when the scorer is unsure between passages it accepts, the model picks one.

Unsure means a one-part question whose best two accepted, non-overlapping candidates score within
`LLMSettings.chooser_margin` of each other. The model sees at most three of them and answers with
a number; any other reply, or [1], keeps the scorer's pick. The options are all candidates the
scorer accepted, so the chooser can never answer a question the extractive path refuses, and the
pick is stated and verified as the extractive path states and verifies its own.
"""

from __future__ import annotations

import re

from prompts import load_prompt
from service.answering.answer import Answer, citation_of
from service.answering.candidates.cells import state_cell
from service.answering.candidates.model import Candidate
from service.answering.candidates.sentences import state_passage
from service.answering.pipeline import retrieve, scored_candidates, understand
from service.answering.verify import verify_answer
from service.context import ServiceContext
from service.generative.client import ChatModel, ModelError
from service.generative.instructions import addresses_a_model

MAX_OPTIONS = 3
_PICK = re.compile(r"^\s*[\[【]?\s*(\d)\s*[\]】]?\s*[。.]?\s*$")
_CHOSEN_KINDS = frozenset({"figure", "table"})


def _overlaps(a: Candidate, b: Candidate) -> bool:
    return a.report_id == b.report_id and a.start < b.end and b.start < a.end


def unsure_options(
    ctx: ServiceContext, extractive: Answer, report: str | None, margin: float
) -> list[Candidate]:
    """The accepted candidates the scorer is unsure between, its pick first; [] when it is sure
    or the answer did not come from one passage of a one-part question."""
    if not extractive.answerable or extractive.kind not in _CHOSEN_KINDS:
        return []
    if len(extractive.citations) != 1:
        return []
    q = understand(ctx, extractive.question, report)
    if len(q.parts) != 1 or q.multi_part or q.asks_why:
        return []
    scored = scored_candidates(ctx, q, retrieve(ctx, q, dense=False))
    accepted = sorted(
        (s for s in scored if s.part == 0 and ctx.scorer.accepts(s.score)), key=lambda s: -s.score
    )
    options: list[tuple[float, Candidate]] = []
    for s in accepted:
        # a passage the report states twice is one option, not two
        if not any(_overlaps(s.candidate, c) or s.candidate.text == c.text for _, c in options):
            options.append((s.score, s.candidate))
        if len(options) == MAX_OPTIONS:
            break
    cited = extractive.citations[0]
    if len(options) < 2 or options[0][0] - options[1][0] >= margin:
        return []
    first = options[0][1]
    if (first.report_id, first.start, first.end) != (cited.report_id, cited.start, cited.end):
        return []  # the answer was not the best candidate alone (a list, a cause added)
    return [c for _, c in options]


def parse_pick(reply: str, options: int) -> int | None:
    """The 1-based option the reply names, or None (no pick, [0], or out of range)."""
    match = _PICK.match(reply)
    if match is None:
        return None
    pick = int(match.group(1))
    return pick if 1 <= pick <= options else None


def choose_with_model(
    ctx: ServiceContext, model: ChatModel, extractive: Answer, report: str | None, margin: float
) -> tuple[Answer, str | None]:
    """The answer from the model's pick among unsure options, and a note of what it did (None
    when it was not asked)."""
    options = unsure_options(ctx, extractive, report, margin)
    if not options or any(addresses_a_model(c.text) for c in options):
        return extractive, None
    listed = "\n".join(f"[{n}] {c.text}" for n, c in enumerate(options, start=1))
    system, user = load_prompt("chooser").render(question=extractive.question, options=listed)
    try:
        pick = parse_pick(model.complete(system, user), len(options))
    except ModelError as exc:
        return extractive, f"the chooser could not be asked: {exc}"
    if pick is None or pick == 1:
        return extractive, f"the scorer's pick kept (of {len(options)} close candidates)"
    chosen = options[pick - 1]
    report_ = ctx.report(chosen.report_id)
    citation = citation_of(report_, chosen.start, chosen.end)
    text = state_cell(chosen.cell) if chosen.cell else state_passage(chosen)
    if verify_answer(text, [citation], lambda rid: ctx.report(rid).text):
        return extractive, "the model's pick failed verification; the scorer's pick kept"
    picked = extractive.model_copy(
        update={"answer": text, "citations": [citation], "report_id": chosen.report_id}
    )
    return picked, f"the model picked [{pick}] of {len(options)} close candidates"
