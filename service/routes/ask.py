"""POST /ask: a question in, an answer with verified citations out."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from service.deps import ContextDep
from service.generative.answer import GeneratedAnswer
from service.generative.asking import ask as ask_question

router = APIRouter(tags=["ask"])


class AskRequest(BaseModel):
    """A question about the stored reports."""

    question: str = Field(min_length=1, max_length=2000, description="the question, in Chinese")
    report: str | None = Field(default=None, description="limit to one report (id or id prefix)")
    top_k: int = Field(default=5, ge=1, le=50, description="how many passages to consider")


@router.post("/ask", response_model=GeneratedAnswer)
def ask(ctx: ContextDep, request: AskRequest) -> GeneratedAnswer:
    # With a model configured (REPORTQA_LLM_*) the answer may be written by it, verified;
    # `mode` says which.
    return ask_question(ctx, request.question, report=request.report, top_k=request.top_k)
