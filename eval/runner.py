"""Running the gold questions through ours and the baseline, in one process, timed the same way.

Each question is asked within the report the gold names (a user asks from a report's page), and the
same scope is given to both systems and to their retrieval. One warm-up question per system runs
first and is not counted, so model loading and index building do not land in the latency figures.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple, Protocol

from eval.baseline import BaselineIndex
from eval.gold import GoldQuestion
from eval.metrics import QuestionResult
from eval.scoring import QuestionScore, ReportTexts, evidence_retrieved, score_answer
from service.answering.answer import Answer
from service.context import ServiceContext

TOP_K = 5


class EvalError(Exception):
    """The evaluation cannot run as asked (e.g. the gold names a report that is not stored)."""


class AnswerFn(Protocol):
    """The signature of `service.answering.pipeline.answer_question`."""

    def __call__(
        self, ctx: ServiceContext, question: str, report: str | None = None, top_k: int = 5
    ) -> Answer: ...


class System(NamedTuple):
    """One question-answering system under test, closed over its context."""

    name: str
    answer: Callable[[str, str | None], Answer]
    passages: Callable[[str, str | None], list[str]]
    setup_seconds: float = 0.0


class SystemRun(NamedTuple):
    """One system's results on every gold question."""

    name: str
    results: list[QuestionResult]
    setup_seconds: float


class EvalResult(NamedTuple):
    """Ours and, unless skipped, the baseline on the same questions."""

    ours: SystemRun
    baseline: SystemRun | None
    baseline_chunks: int | None = None


ProgressFn = Callable[[str, QuestionResult], None]


def load_report_texts(ctx: ServiceContext) -> ReportTexts:
    """Every stored report's text by id, and its id by file-name stem (the gold's report name)."""
    text_by_id: dict[str, str] = {}
    id_by_name: dict[str, str] = {}
    for listed in ctx.store.list_reports():
        report = ctx.store.get_report(listed.id)
        if report is not None:
            text_by_id[report.id] = report.text
            id_by_name[Path(report.file_name).stem] = report.id
    return ReportTexts(text_by_id, id_by_name)


def resolve_scopes(gold: Sequence[GoldQuestion], texts: ReportTexts) -> dict[str, str | None]:
    """The stored report id each question is asked within; fails on a report not in the store."""
    missing = sorted({q.report for q in gold if q.report and q.report not in texts.id_by_name})
    if missing:
        raise EvalError(f"reports named by the gold are not in the store: {', '.join(missing)}")
    return {q.id: texts.id_by_name[q.report] if q.report else None for q in gold}


def our_system(ctx: ServiceContext, answer_fn: AnswerFn) -> System:
    def answer(question: str, report: str | None) -> Answer:
        return answer_fn(ctx, question, report=report, top_k=TOP_K)

    from service.answering.pipeline import ranked_passages  # see default_answer_fn

    def passages(question: str, report: str | None) -> list[str]:
        return [hit.text for hit in ranked_passages(ctx, question, report, top_k=TOP_K)]

    return System("ours", answer, passages)


def baseline_system(index: BaselineIndex) -> System:
    def passages(question: str, report: str | None) -> list[str]:
        return [hit.text for hit in index.search(question, TOP_K, [report] if report else None)]

    return System("baseline", index.answer, passages, index.build_seconds)


def run_systems(
    systems: Sequence[System],
    gold: Sequence[GoldQuestion],
    scopes: dict[str, str | None],
    texts: ReportTexts,
    progress: ProgressFn | None = None,
) -> list[SystemRun]:
    """Ask every question of every system once, after one uncounted warm-up each, and score.

    The systems take turns question by question, so a burst of load from elsewhere on the machine
    slows both alike instead of whichever happened to be running.
    """
    warm = gold[0]
    for system in systems:
        system.answer(warm.question, scopes[warm.id])
        system.passages(warm.question, scopes[warm.id])
    results: list[list[QuestionResult]] = [[] for _ in systems]
    for question in gold:
        for system, done in zip(systems, results, strict=True):
            result = ask_one(system, question, scopes[question.id], texts)
            done.append(result)
            if progress is not None:
                progress(system.name, result)
    return [
        SystemRun(system.name, done, system.setup_seconds)
        for system, done in zip(systems, results, strict=True)
    ]


def ask_one(
    system: System, gold: GoldQuestion, report: str | None, texts: ReportTexts
) -> QuestionResult:
    """One timed answer, scored; an exception is recorded as a wrong answer, not raised."""
    started = time.perf_counter()
    try:
        answer: Answer | None = system.answer(gold.question, report)
        error = None
    except Exception as exc:  # one broken question must not hide the other results
        answer = None
        error = "".join(traceback.format_exception_only(exc)).strip()
    latency_ms = (time.perf_counter() - started) * 1000
    if answer is None:
        score = QuestionScore(False, False, False)
    else:
        score = score_answer(gold, answer, texts)
    found = evidence_retrieved(gold, system.passages(gold.question, report))
    return QuestionResult(gold, answer, score, found, latency_ms, error)


def run_eval(
    ctx: ServiceContext,
    gold: Sequence[GoldQuestion],
    answer_fn: AnswerFn | None = None,
    baseline: bool | BaselineIndex = True,
    progress: ProgressFn | None = None,
    scoped: bool = True,
) -> EvalResult:
    """Score ours (and the baseline: True builds one, an index reuses it) on the gold questions."""
    if not gold:
        raise EvalError("no gold questions to evaluate")
    texts = load_report_texts(ctx)
    scopes = resolve_scopes(gold, texts)
    ctx.warm_up()  # latency is measured warm: model, search index and records built
    if not scoped:  # open corpus: the system must find the report itself
        scopes = dict.fromkeys(scopes)
    ours = our_system(ctx, answer_fn or default_answer_fn())
    if baseline is False:
        return EvalResult(run_systems([ours], gold, scopes, texts, progress)[0], None)
    if isinstance(baseline, BaselineIndex):
        index = baseline
    else:
        index = BaselineIndex(ctx, index_scope(scopes))
    try:
        systems = [ours, baseline_system(index)]
        ours_run, base_run = run_systems(systems, gold, scopes, texts, progress)
    finally:
        if index is not baseline:
            index.close()
    return EvalResult(ours_run, base_run, index.chunk_count)


def index_scope(scopes: dict[str, str | None]) -> list[str] | None:
    """The reports the baseline must index: those asked about, or all when a question has none."""
    if any(report is None for report in scopes.values()):
        return None
    return sorted({report for report in scopes.values() if report is not None})


def default_answer_fn() -> AnswerFn:
    # Imported on use: the answering module loads prompts and models the scorer's tests never need.
    from service.answering.pipeline import answer_question

    return answer_question
