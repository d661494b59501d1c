"""The resolver: a model rewrites a follow-up into a standalone question, when one is configured.

The rule-based rewrite (`service.conversation.followup`) stays the default and the fallback. The
model is asked only for a question that names no report of its own after an earlier turn, and
its rewrite is used only if it is one short line that adds no number the two questions lack (a
rewrite must not invent a year or a figure), and is not a refusal or an answer.
"""

from __future__ import annotations

import re

from prompts import load_prompt
from service.answering.verify import numbers_in
from service.context import ServiceContext
from service.conversation.followup import Resolution, Topic
from service.conversation.session import names_a_report, resolve_in
from service.generative.client import ChatModel, ModelError
from service.generative.verify import is_refusal

_QUOTES = re.compile(r"^[\s\"'“”‘’「」]+|[\s\"'“”‘’「」]+$")
_LABEL = re.compile(r"^(?:改写后的问题|改写|问题)\s*[::]\s*")


def checked_rewrite(rewrite: str, previous: str, question: str, max_chars: int) -> str | None:
    """The model's rewrite cleaned of quotes and labels, or None when it cannot be used."""
    lines = [line for line in rewrite.strip().splitlines() if line.strip()]
    if len(lines) != 1:
        return None
    text = _QUOTES.sub("", _LABEL.sub("", lines[0].strip()))
    if not text or len(text) > max_chars or is_refusal(text):
        return None
    if numbers_in(text) - numbers_in(previous) - numbers_in(question):
        return None
    return text


def resolve_with_model(
    ctx: ServiceContext, model: ChatModel, previous: Topic | None, question: str
) -> Resolution:
    """The question as it will be answered: the model's standalone rewrite of a follow-up if it
    passes `checked_rewrite`, otherwise the rule-based resolution."""
    ruled = resolve_in(ctx, previous, question)
    if previous is None or names_a_report(ctx, question):
        return ruled
    system, user = load_prompt("resolver").render(previous=previous.question, question=question)
    try:
        reply = model.complete(system, user)
    except ModelError:
        return ruled
    text = checked_rewrite(reply, previous.question, question, ctx.settings.max_question_chars)
    if text is None or text == question:
        return ruled
    # A rewrite that names its report is answered where it says; otherwise it stays on the
    # previous turn's report, as the rule-based rewrite of a follow-up does.
    report = None if names_a_report(ctx, text) else ruled.report or previous.report_id
    return Resolution(text=text, report=report, followup=True)
