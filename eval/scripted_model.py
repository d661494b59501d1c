"""A real OpenAI-compatible chat server on 127.0.0.1 with scripted replies: the stand-in model of
the generative tests and of `reportqa eval-generative` (no model weights on this machine).

`POST /v1/chat/completions` hands the request's messages to the current `script` and answers with
what it returns: text (a proper completion), `Sleep(seconds, then)` (a slow model), or `Raw(body)`
(a body that is not a completion). Every request is kept in `requests` for the tests to read.
"""

from __future__ import annotations

import asyncio
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


PASSAGE = re.compile(
    r"^\[(\d+)\] 出处:[^\n]*\n原文:(.*?)(?=\n\n\[\d+\] 出处:|\n\n问题:|\Z)", re.M | re.S
)


@dataclass(frozen=True)
class Sleep:
    seconds: float
    then: str = ""


@dataclass(frozen=True)
class Raw:
    body: Any
    status: int = 200


Reply = str | Sleep | Raw
Script = Callable[[list[dict[str, Any]]], Reply]


def user_text(messages: list[dict[str, Any]]) -> str:
    return str(messages[-1]["content"])


def passages_of(messages: list[dict[str, Any]]) -> dict[int, str]:
    """The numbered passages of a reader prompt, as the model sees them."""
    return {int(m[1]): m[2] for m in PASSAGE.finditer(user_text(messages))}


def quote_every_passage(messages: list[dict[str, Any]]) -> str:
    """The scripted correct model: each passage restated verbatim, cited."""
    return "".join(f"{text.rstrip('。')}[{n}]。" for n, text in passages_of(messages).items())


FACT_LINE = re.compile(r"^\[(\d+)\] (.+)$", re.M)


def restate_every_fact(messages: list[dict[str, Any]]) -> str:
    """The scripted correct summariser: each numbered fact restated verbatim, cited."""
    facts = FACT_LINE.findall(user_text(messages))
    return "".join(f"{text.rstrip('。')}[{n}]。" for n, text in facts)


def completion(content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "scripted",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


@dataclass
class ScriptedLLM:
    url: str
    script: Script = quote_every_passage
    requests: list[list[dict[str, Any]]] = field(default_factory=list)


def build_app(state: ScriptedLLM) -> FastAPI:
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> JSONResponse:
        messages = (await request.json())["messages"]
        state.requests.append(messages)
        reply = state.script(messages)
        if isinstance(reply, Sleep):
            # a thread sleep would hold the event loop; this one lets the client time out
            await asyncio.sleep(reply.seconds)
            reply = reply.then
        if isinstance(reply, Raw):
            return JSONResponse(reply.body, status_code=reply.status)
        return JSONResponse(completion(reply))

    return app


def run_scripted_llm() -> Iterator[ScriptedLLM]:
    """Serve until the generator is closed; yields the state whose `script` tests set."""
    port = free_port()
    state = ScriptedLLM(url=f"http://127.0.0.1:{port}/v1")
    config = uvicorn.Config(build_app(state), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the scripted model server did not start")
        time.sleep(0.05)
    try:
        yield state
    finally:
        server.should_exit = True
        thread.join(10)
