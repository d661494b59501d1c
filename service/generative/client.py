"""The language model, reached through LangChain's `ChatOpenAI` at any OpenAI-compatible endpoint.

This is the only module that talks to the model. Every failure of the call — a timeout, a refused
connection, an HTTP error, a body that is not a chat completion — becomes one `ModelError` whose
message says what happened, so callers fall back to the extractive answer with that reason.
"""

from __future__ import annotations

from functools import cache
from typing import Protocol

from langchain_core.messages import HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from service.config import LLMSettings


class ModelError(Exception):
    """The model could not be asked, or its reply is not text."""


class ChatModel(Protocol):
    """What the generative paths need of a model: one system + user turn in, text out."""

    @property
    def name(self) -> str: ...

    def complete(self, system: str, user: str) -> str: ...


class LangChainChat:
    """`ChatOpenAI` against `settings.base_url`, deterministic (temperature 0)."""

    def __init__(self, settings: LLMSettings) -> None:
        self.settings = settings
        self._llm = ChatOpenAI(
            base_url=settings.base_url,
            model=settings.model,
            api_key=SecretStr(settings.api_key),
            timeout=settings.timeout_seconds,
            max_retries=settings.retries,
            temperature=0,
        )

    @property
    def name(self) -> str:
        return self.settings.model

    def complete(self, system: str, user: str) -> str:
        try:
            reply = self._llm.invoke([SystemMessage(system), HumanMessage(user)])
        # The edge of the process: openai, httpx and pydantic each raise their own errors for a
        # timeout, a dropped connection or a malformed body; all of them mean "no usable reply".
        except Exception as exc:
            raise ModelError(f"{type(exc).__name__}: {exc}".strip()[:300]) from exc
        if not isinstance(reply.content, str):
            raise ModelError("the reply's content is not text")
        return reply.content


@cache
def chat_model(settings: LLMSettings) -> ChatModel:
    """One client per endpoint settings, shared by every request (it pools connections)."""
    return LangChainChat(settings)
