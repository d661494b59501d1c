"""What an ask returns when a language model may be configured: the answer and how it was made."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from service.answering.answer import Answer

AnswerMode = Literal["extractive", "generative", "extractive_fallback"]


class GeneratedSentence(BaseModel):
    """One sentence of a generative answer and the citations (0-based) it rests on."""

    text: str
    citations: list[int]


class DroppedSentence(BaseModel):
    """A sentence the model wrote that failed verification, and why; never shown as an answer."""

    text: str
    reason: str


class Generation(BaseModel):
    """How the model's reply fared: the sentences kept, those dropped, a reason to fall back."""

    model: str
    reason: str | None = Field(
        default=None, description="why the extractive answer was returned instead; None if not"
    )
    sentences: list[GeneratedSentence] = Field(default_factory=list)
    dropped: list[DroppedSentence] = Field(default_factory=list)
    generate_ms: float = 0.0
    chooser: str | None = Field(
        default=None, description="what the chooser did, when the scorer was unsure"
    )


class GeneratedAnswer(Answer):
    """An `Answer`, and whether a model wrote it (`generative`), was asked but its reply failed
    verification so the extractive answer stands (`extractive_fallback`), or was not configured
    (`extractive`)."""

    mode: AnswerMode = "extractive"
    generation: Generation | None = None

    @classmethod
    def extractive(cls, answer: Answer) -> GeneratedAnswer:
        return cls(**answer.model_dump())

    @classmethod
    def fallback(cls, answer: Answer, generation: Generation) -> GeneratedAnswer:
        return cls(**answer.model_dump(), mode="extractive_fallback", generation=generation)
