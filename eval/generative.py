"""`reportqa eval-generative GOLD.jsonl`: the reader with a scripted model against extractive.

Each gold question is answered extractively, then the reader rewrites that answer twice through
the real client against the scripted OpenAI-compatible server (`eval.scripted_model`):
- with the correct model (each given passage restated verbatim and cited): scored like the
  extractive answer, so the generative path can be shown to score no worse;
- with a model that changes one figure (its last digit), planted in every answer that states
  one: each must be caught (the answer falls back, the wrong figure appears nowhere).
The latency the model adds is the reader's time on top of the extractive answer.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from eval.gold import GoldQuestion
from eval.runner import load_report_texts, resolve_scopes
from eval.scoring import QuestionScore, ReportTexts, score_answer
from eval.scripted_model import ScriptedLLM, quote_every_passage
from service.answering.answer import Answer
from service.answering.pipeline import answer_question
from service.config import LLMSettings
from service.context import ServiceContext
from service.generative.client import LangChainChat
from service.generative.figures import stated_figures
from service.generative.reader import read_answer

_DIGIT = re.compile(r"\d(?=[^\d]*$)")


def plant_wrong_figure(reply: str) -> tuple[str, str] | None:
    """The reply with the last digit of its first figure changed, and that wrong figure."""
    figures = stated_figures(reply)
    if not figures:
        return None
    first = figures[0]
    raw = first.raw
    digit = _DIGIT.search(raw)
    if digit is None:
        return None
    changed = str((int(digit.group(0)) + 1) % 10)
    wrong = raw[: digit.start()] + changed + raw[digit.end() :]
    return reply[: first.start] + wrong + reply[first.end :], wrong


@dataclass
class Tally:
    """Counts and timings over the gold questions."""

    questions: int = 0
    extractive: list[QuestionScore] = field(default_factory=list)
    generative: list[QuestionScore] = field(default_factory=list)
    modes: dict[str, int] = field(default_factory=dict)
    planted: int = 0
    caught: int = 0
    missed: list[str] = field(default_factory=list)
    extractive_ms: list[float] = field(default_factory=list)
    added_ms: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        def share(scores: list[QuestionScore], name: str) -> float:
            return sum(bool(getattr(s, name)) for s in scores) / max(len(scores), 1)

        measures = ("answer_correct", "citation_correct", "refusal_correct")
        return {
            "questions": self.questions,
            "extractive": {m: share(self.extractive, m) for m in measures},
            "generative": {m: share(self.generative, m) for m in measures},
            "modes": self.modes,
            "planted_wrong_figures": self.planted,
            "caught": self.caught,
            "missed": self.missed,
            "extractive_ms_median": _median(self.extractive_ms),
            "added_ms_median": _median(self.added_ms),
            "added_ms_p95": _p95(self.added_ms),
        }


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def _p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else 0.0


def evaluate_generative(
    ctx: ServiceContext,
    gold: Sequence[GoldQuestion],
    scripted: ScriptedLLM,
    progress: Callable[[GoldQuestion], None] | None = None,
) -> Tally:
    """Score extractive and scripted-generative answers on `gold`; plant and count wrong figures."""
    texts: ReportTexts = load_report_texts(ctx)
    scopes = resolve_scopes(gold, texts)
    ctx.warm_up()
    model = LangChainChat(LLMSettings(base_url=scripted.url, model="scripted", retries=0))
    tally = Tally()
    for question in gold:
        started = time.perf_counter()
        extractive = answer_question(ctx, question.question, report=scopes[question.id])
        tally.extractive_ms.append((time.perf_counter() - started) * 1000)
        tally.questions += 1
        tally.extractive.append(score_answer(question, extractive, texts))
        scripted.script = quote_every_passage
        started = time.perf_counter()
        generated = read_answer(model, extractive)
        tally.added_ms.append((time.perf_counter() - started) * 1000)
        tally.generative.append(score_answer(question, generated, texts))
        tally.modes[generated.mode] = tally.modes.get(generated.mode, 0) + 1
        _plant(model, scripted, extractive, question, tally)
        if progress is not None:
            progress(question)
    return tally


def _plant(
    model: LangChainChat,
    scripted: ScriptedLLM,
    extractive: Answer,
    question: GoldQuestion,
    tally: Tally,
) -> None:
    """One wrong figure planted in the correct reply; caught if it reaches no answer."""
    planted: list[str] = []

    def wrong(messages: list[dict[str, Any]]) -> str:
        made = plant_wrong_figure(quote_every_passage(messages))
        if made is None:
            return quote_every_passage(messages)
        planted.append(made[1])
        return made[0]

    scripted.script = wrong
    answer = read_answer(model, extractive)
    scripted.script = quote_every_passage
    if not planted:
        return
    tally.planted += 1
    if answer.mode == "generative" and planted[0] in answer.answer:
        tally.missed.append(f"{question.id}: {planted[0]}")
    else:
        tally.caught += 1
