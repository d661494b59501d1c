"""POST /ask/stream: the answer of /ask as server-sent events, within a conversation.

Events, in order: `meta` (conversation id, the question as resolved), `answer` (the answer text in
pieces), `citations` (citations, related passages, computed numbers), `done` (the whole answer,
exactly what /ask returns, plus the conversation id). A failure after the stream has started is an
`error` event with the service's error body.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from service import queries
from service.answering.answer import Answer
from service.conversation.followup import Resolution
from service.conversation.session import Conversations
from service.deps import ContextDep
from service.errors import ServiceError, error_body
from service.generative.asking import ask_in_conversation

router = APIRouter(tags=["ask"])

# Pieces end after a clause, so a reader sees whole phrases arrive, never a figure cut in two.
_PIECE = re.compile(r"[^,,。;;::、!?!?\n]+[,,。;;::、!?!?\n]*|[,,。;;::、!?!?\n]+")


def get_conversations(request: Request) -> Conversations:
    return cast(Conversations, request.app.state.conversations)


ConversationsDep = Annotated[Conversations, Depends(get_conversations)]


class StreamAskRequest(BaseModel):
    """A question, optionally in a conversation (omit the id to start one)."""

    question: str = Field(min_length=1, max_length=2000, description="the question, in Chinese")
    report: str | None = Field(default=None, description="limit to one report (id or id prefix)")
    top_k: int = Field(default=5, ge=1, le=50, description="how many passages to consider")
    conversation_id: str | None = Field(
        default=None, description="continue this conversation: follow-ups resolve against it"
    )


def sse(event: str, data: Any) -> str:
    """One server-sent event; JSON data keeps newlines in the text out of the framing."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def pieces(text: str) -> Iterator[str]:
    for match in _PIECE.finditer(text):
        yield match.group(0)


def answer_events(answer: Answer, resolution: Resolution, conversation_id: str) -> Iterator[str]:
    """The events after `meta`, for an answer already made."""
    for piece in pieces(answer.answer):
        yield sse("answer", {"text": piece})
    dump = answer.model_dump(mode="json")
    yield sse(
        "citations",
        {"citations": dump["citations"], "related": dump["related"], "computed": dump["computed"]},
    )
    yield sse("done", {**dump, "conversation_id": conversation_id, "resolved": resolution.text})


@router.post(
    "/ask/stream",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "server-sent events"}},
)
async def ask_stream(
    ctx: ContextDep, conversations: ConversationsDep, request: StreamAskRequest
) -> StreamingResponse:
    # Errors a caller can fix come back as a JSON 4xx before the stream starts.
    if request.report:
        queries.get_report(ctx, request.report)
    conversation = conversations.open(request.conversation_id)

    async def events() -> AsyncIterator[str]:
        yield sse("meta", {"conversation_id": conversation.id, "question": request.question})
        try:
            resolution, answer = await run_in_threadpool(_ask)
        except ServiceError as exc:
            yield sse("error", error_body(exc.status, exc.code, exc.message))
            return
        for event in answer_events(answer, resolution, conversation.id):
            yield event

    def _ask() -> tuple[Resolution, Answer]:
        # One question at a time per conversation keeps its topics in the order asked.
        with conversation.lock:
            resolution, answer, topic = ask_in_conversation(
                ctx, conversation.last, request.question, request.report, request.top_k
            )
            conversation.add(topic)
        return resolution, answer

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)
