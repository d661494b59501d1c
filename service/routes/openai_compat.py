"""An OpenAI-compatible chat API, so chat front ends (Open WebUI, LobeChat, NextChat, Dify) can
ask reportqa: `GET /v1/models`, `POST /v1/chat/completions` (streamed or not).

The message history is the conversation: earlier user messages set the topic a follow-up resolves
against. The reply's text numbers its citations [1], [2] and lists the sources at its end; the full
citation objects are in the extra `citations` field (and `reportqa` holds the rest of the answer).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from service.answering.answer import Answer, Citation
from service.conversation.followup import Resolution, Topic
from service.conversation.session import TopicCache, replay
from service.deps import ContextDep
from service.errors import BadRequest, NotFound, ServiceError, error_body
from service.generative.answer import GeneratedAnswer
from service.generative.asking import ask_in_conversation
from service.routes.stream import pieces

router = APIRouter(prefix="/v1", tags=["openai"])

MODEL_ID = "reportqa"
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_CLAUSE_END = re.compile(r"[。;;!?!?\n]+$")
_SENTENCE = re.compile(r"[^。;;!?!?\n]+[。;;!?!?\n]*")


def get_topics(request: Request) -> TopicCache:
    return cast(TopicCache, request.app.state.chat_topics)


TopicsDep = Annotated[TopicCache, Depends(get_topics)]


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str
    content: str | list[ContentPart] | None = None

    @property
    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(p.text or "" for p in self.content if p.type == "text")
        return self.content or ""


class ChatRequest(BaseModel):
    """The OpenAI chat request; sampling options are accepted and ignored (answers are
    extractive, or written by the configured model at temperature 0 and verified)."""

    model_config = ConfigDict(extra="allow")
    model: str = MODEL_ID
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "reportqa"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


_STARTED = int(time.time())


@router.get("/models", response_model=ModelList)
def list_models() -> ModelList:
    return ModelList(data=[ModelCard(id=MODEL_ID, created=_STARTED)])


def _where(c: Citation) -> str:
    parts = [c.title, " > ".join(c.section_path) or None, f"第{c.page}页" if c.page else None]
    return " · ".join(p for p in parts if p)


def numbered_answer(answer: Answer) -> str:
    """The answer text with [n] after the sentence each citation supports, then the sources."""
    if not answer.answerable:
        lines = [answer.answer + "。"]
        if answer.related:
            lines += ["", "可能相关(非依据,仅供查阅):"]
            lines += [f"- {_where(c)}:“{c.quote}”" for c in answer.related]
        return "\n".join(lines)
    if isinstance(answer, GeneratedAnswer) and answer.mode == "generative" and answer.generation:
        # a generated sentence carries the citations it was verified against
        sentences = [s.text for s in answer.generation.sentences]
        marks = [[n + 1 for n in s.citations] for s in answer.generation.sentences]
        return _with_sources(answer, sentences, marks)
    sentences = [m.group(0) for m in _SENTENCE.finditer(answer.answer)] or [answer.answer]
    marks = [[] for _ in sentences]
    for n, citation in enumerate(answer.citations, start=1):
        quoted = set(_NUMBER.findall(citation.quote))
        at = next(
            (
                i
                for i, s in enumerate(sentences)
                if quoted & set(_NUMBER.findall(s)) or _CLAUSE_END.sub("", s) in citation.quote
            ),
            len(sentences) - 1,
        )
        marks[at].append(n)
    return _with_sources(answer, sentences, marks)


def _with_sources(answer: Answer, sentences: list[str], marks: list[list[int]]) -> str:
    text = "".join(s + "".join(f"[{n}]" for n in m) for s, m in zip(sentences, marks, strict=True))
    lines = [text]
    if answer.computed:
        lines += ["", "计算所得(由引文中的数字算出):" + ", ".join(answer.computed)]
    lines += ["", "来源:"]
    lines += [f"[{n}] {_where(c)}:“{c.quote}”" for n, c in enumerate(answer.citations, start=1)]
    return "\n".join(lines)


def history_key(messages: list[tuple[str, str]]) -> str:
    canonical = json.dumps([[r, t.strip()] for r, t in messages], ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _extra(answer: Answer, resolution: Resolution) -> dict[str, Any]:
    dump = answer.model_dump(mode="json")
    return {
        "citations": dump["citations"],
        "reportqa": {
            "answerable": answer.answerable,
            "kind": answer.kind,
            "report_id": answer.report_id,
            "question": answer.question,
            "resolved": resolution.text,
            "followup": resolution.followup,
            "related": dump["related"],
            "computed": dump["computed"],
            "mode": dump.get("mode", "extractive"),
            "generation": dump.get("generation"),
        },
    }


@router.post("/chat/completions", response_model=None)
async def chat_completions(
    ctx: ContextDep, topics: TopicsDep, request: ChatRequest
) -> JSONResponse | StreamingResponse:
    if request.model != MODEL_ID:
        raise NotFound(f"no model '{request.model}'; this service serves '{MODEL_ID}'")
    history = [(m.role, m.text) for m in request.messages if m.role in ("user", "assistant")]
    if not history or history[-1][0] != "user" or not history[-1][1].strip():
        raise BadRequest("the last message must be a user message with text")
    question = history[-1][1].strip()
    if len(question) > ctx.settings.max_question_chars:
        raise BadRequest(
            f"the question is longer than {ctx.settings.max_question_chars} characters"
        )

    def answer() -> tuple[Resolution, Answer, str]:
        # Our own earlier replies come back verbatim in the history, so the topic each left is
        # found by the history's hash; a history edited by the client is replayed instead.
        previous: Topic | None = topics.get(history_key(history[:-1])) if len(history) > 1 else None
        if previous is None and len(history) > 1:
            previous = replay(ctx, [t for r, t in history[:-1] if r == "user"])
        resolution, reply, topic = ask_in_conversation(ctx, previous, question)
        text = numbered_answer(reply)
        topics.put(history_key([*history, ("assistant", text)]), topic)
        return resolution, reply, text

    completion_id = "chatcmpl-" + uuid.uuid4().hex
    created = int(time.time())
    if not request.stream:
        resolution, reply, text = await run_in_threadpool(answer)
        body = {
            "id": completion_id,
            "object": "chat.completion",
            "created": created,
            "model": MODEL_ID,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": len(question),
                "completion_tokens": len(text),
                "total_tokens": len(question) + len(text),
            },
            **_extra(reply, resolution),
        }
        return JSONResponse(body)

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        body = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": MODEL_ID,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            **extra,
        }
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    async def events() -> AsyncIterator[str]:
        yield chunk({"role": "assistant", "content": ""})
        try:
            resolution, reply, text = await run_in_threadpool(answer)
        except ServiceError as exc:
            yield f"data: {json.dumps(error_body(exc.status, exc.code, exc.message))}\n\n"
            return
        for piece in pieces(text):
            yield chunk({"content": piece})
        yield chunk({}, "stop", **_extra(reply, resolution))
        yield "data: [DONE]\n\n"

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)
