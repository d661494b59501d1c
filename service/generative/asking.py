"""One ask with the optional model: extractive first, then the chooser (when the scorer is unsure)
and the reader (and the resolver in a conversation) when `REPORTQA_LLM_BASE_URL` is set. Without
it, exactly the extractive path."""

from __future__ import annotations

from service.answering.ocr_caution import with_cautions
from service.answering.pipeline import answer_question
from service.context import ServiceContext
from service.conversation.followup import Resolution, Topic
from service.conversation.session import resolve_in, topic_after
from service.generative.answer import GeneratedAnswer
from service.generative.chooser import choose_with_model
from service.generative.client import ChatModel, chat_model
from service.generative.reader import read_answer
from service.generative.resolver import resolve_with_model


def configured_model(ctx: ServiceContext) -> ChatModel | None:
    """The configured model, or None (extractive only)."""
    return chat_model(ctx.settings.llm) if ctx.settings.llm is not None else None


def ask(
    ctx: ServiceContext, question: str, report: str | None = None, top_k: int = 5
) -> GeneratedAnswer:
    """The answer to one question, written by the model when one is configured and its reply
    passes verification."""
    extractive = ctx.answers.answer(
        lambda: frozenset(ctx.store.report_ids()),
        (question, report, top_k),
        lambda: answer_question(ctx, question, report=report, top_k=top_k),
    )
    model = configured_model(ctx)
    if model is None or ctx.settings.llm is None:
        return GeneratedAnswer.extractive(extractive)
    chosen, note = choose_with_model(
        ctx, model, extractive, report, ctx.settings.llm.chooser_margin
    )
    # the model's sentences state figures of their own choosing: say again which are uncertain
    answer = with_cautions(read_answer(model, chosen), ctx.report)
    if answer.generation is not None:
        answer.generation.chooser = note
    return answer


def ask_in_conversation(
    ctx: ServiceContext,
    previous: Topic | None,
    question: str,
    report: str | None = None,
    top_k: int = 5,
) -> tuple[Resolution, GeneratedAnswer, Topic]:
    """`service.conversation.session.ask_after` with the model's resolver and reader."""
    model = configured_model(ctx)
    if model is None:
        resolution = resolve_in(ctx, previous, question)
    else:
        resolution = resolve_with_model(ctx, model, previous, question)
    answer = ask(ctx, resolution.text, report=report or resolution.report, top_k=top_k)
    return resolution, answer, topic_after(ctx, resolution, answer)
