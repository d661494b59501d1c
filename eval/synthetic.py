"""Questions generated from a report, each with its known answer: one per table cell (its row and
column named in a staff's or a citizen's words) and per stated figure in prose (what it measures),
plus unanswerable ones (a row another report has and this one lacks).

They are training and tuning data that no person wrote, so fitting on them cannot fit to anybody's
wording; and `reportqa eval --synthetic` scores figure recall@1 on every cell of a report.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from eval.gold import GoldQuestion
from eval.scoring import fold
from ingest.models import Figure, Report

# Ways to ask for a cell: staff name the table's words, citizens ask plainly.
_CELL_TEMPLATES = (
    "{row}的{column}是多少?",
    "{row}{column}多少?",
    "表中{row}这一项{column}是多少",
    "{year}年{row}{column}是多少?",
    "请问{row}的{column}金额",
)
_PROSE_TEMPLATES = (
    "{measure}是多少?",
    "{year}年{measure}是多少?",
    "{measure}有多少",
    "报告里{measure}是多少?",
)
_MIN_MEASURE = 3  # characters: shorter measures ("合计") name nothing on their own
_MAX_MEASURE = 24
_ZERO = re.compile(r"^0(?:\.0+)?%?$")
_HAS_DIGIT = re.compile(r"\d")
# A measure that is only a change ("下降(增长)") says what moved no more than "多少" does.
_CHANGE_ONLY = re.compile(r"^[(]?(?:增长|下降|增加|减少|上升|降低)")


def _rng(report: Report, salt: str) -> random.Random:
    return random.Random(hashlib.sha256(f"{report.id}:{salt}".encode()).hexdigest())


def _name(report: Report) -> str:
    return Path(report.file_name).stem


def cell_questions(report: Report, figures: Sequence[Figure], limit: int) -> list[GoldQuestion]:
    """A question per (sampled) number cell of the report's tables with a row and column name."""
    cells = [
        f
        for f in figures
        if f.in_table
        and " | " in f.measure
        and not _ZERO.match(f.raw.replace(",", ""))
        and f.kind in ("amount", "number", "percent")
    ]
    # a row and column pair stated twice with other values cannot be asked about unambiguously
    values: dict[str, set[str]] = {}
    for f in cells:
        values.setdefault(f.measure, set()).add(fold(f.raw))
    cells = [f for f in cells if len(values[f.measure]) == 1]
    rng = _rng(report, "cells")
    picked = rng.sample(cells, min(limit, len(cells)))
    out = []
    for n, figure in enumerate(picked):
        row, _, column = figure.measure.partition(" | ")
        column = column.split("/")[-1]
        if not row or not column or _HAS_DIGIT.search(row) or len(row) < 2:
            continue
        template = _CELL_TEMPLATES[rng.randrange(len(_CELL_TEMPLATES))]
        question = template.format(row=row, column=column, year=report.year or "")
        row_text = report.text[
            _line_start(report.text, figure.position.start) : figure.position.end
        ]
        evidence = [figure.raw] + ([row] if fold(row) in fold(row_text) else [])
        out.append(_question(report, f"cell{n:03d}", "table", question, figure.raw, evidence))
    return out


def prose_questions(report: Report, figures: Sequence[Figure], limit: int) -> list[GoldQuestion]:
    """A question per (sampled) figure stated in prose whose measure names it alone."""
    prose = [
        f
        for f in figures
        if not f.in_table
        and f.kind in ("amount", "percent")
        and _MIN_MEASURE <= len(f.measure) <= _MAX_MEASURE
        and not _HAS_DIGIT.search(f.measure)
        and not _CHANGE_ONLY.match(f.measure)
        and not _ZERO.match(f.raw.rstrip("万元亿%").replace(",", ""))
    ]
    counts = Counter(f.measure for f in prose)
    prose = [f for f in prose if counts[f.measure] == 1]
    rng = _rng(report, "prose")
    picked = rng.sample(prose, min(limit, len(prose)))
    out = []
    for n, figure in enumerate(picked):
        template = _PROSE_TEMPLATES[rng.randrange(len(_PROSE_TEMPLATES))]
        question = template.format(measure=figure.measure, year=figure.year or report.year or "")
        number = re.sub(r"[^\d.,%]", "", figure.raw)
        # The same figure is often stated in a table too ("326.72" in the 支出决算表 row): a quote
        # holding the number answers the question as well as the sentence it was made from.
        out.append(_question(report, f"prose{n:03d}", "figure", question, number, [number]))
    return out


_CHANGE_MEASURE = re.compile(r"^(?![较比与])(.{3,20}?)(增加|减少|增长|下降)$")
_CAUSE = re.compile(r"(?:主要)?原因(?:分析)?(?:是|为|主要是)?[::]?\s*([^。;\n]{4,})")
_REASON_TEMPLATES = (
    "{subject}为什么{change}?",
    "{subject}{change}的原因是什么?",
    "为何{subject}{change}",
)


def reason_questions(report: Report, figures: Sequence[Figure], limit: int) -> list[GoldQuestion]:
    """A why-question per stated change whose cause the report gives within the next 200
    characters ("…增加307.82万元…主要原因是:…"), answered by the cause."""
    seen: set[str] = set()
    out: list[GoldQuestion] = []
    rng = _rng(report, "reasons")
    for figure in figures:
        match = _CHANGE_MEASURE.match(figure.measure)
        if figure.in_table or match is None or match.group(1) in seen:
            continue
        after = report.text[figure.position.end : figure.position.end + 200]
        cause = _CAUSE.search(after)
        if cause is None or "\n\n" in after[: cause.start()]:
            continue
        seen.add(match.group(1))
        template = _REASON_TEMPLATES[rng.randrange(len(_REASON_TEMPLATES))]
        question = template.format(subject=match.group(1), change=match.group(2))
        evidence = [cause.group(1).strip()[:12]]
        n = len(out)
        out.append(
            GoldQuestion(
                id=f"syn-{_name(report)}-why{n:03d}",
                report=_name(report),
                type="reason",
                question=question,
                answer=cause.group(1),
                must_include=evidence,
                evidence=evidence,
            )
        )
    return rng.sample(out, min(limit, len(out)))


def transplanted_questions(
    report: Report, others: Sequence[tuple[Report, Sequence[Figure]]], limit: int
) -> list[GoldQuestion]:
    """Unanswerable questions: another report's row and column pairs whose row this report never
    names."""
    text = fold(report.text)
    pool = []
    for _, figures in others:
        for f in figures:
            row, _, column = f.measure.partition(" | ")
            if not (f.in_table and column and len(row) >= 4) or _HAS_DIGIT.search(row):
                continue
            if fold(row) not in text and not _shares_long_run(row, text):
                pool.append(f"{row}的{column.split('/')[-1]}是多少?")
    rng = _rng(report, "transplant")
    picked = rng.sample(sorted(set(pool)), min(limit, len(set(pool))))
    return [
        GoldQuestion(
            id=f"syn-{_name(report)}-none{n:03d}",
            report=_name(report),
            type="unanswerable",
            question=q,
        )
        for n, q in enumerate(picked)
    ]


def generate_questions(
    report: Report,
    figures: Sequence[Figure],
    others: Sequence[tuple[Report, Sequence[Figure]]] = (),
    cells: int = 40,
    prose: int = 30,
    unanswerable: int = 10,
    reasons: int = 10,
) -> list[GoldQuestion]:
    """Generated questions for one report (deterministic: seeded by the report's id)."""
    return (
        cell_questions(report, figures, cells)
        + prose_questions(report, figures, prose)
        + reason_questions(report, figures, reasons)
        + (transplanted_questions(report, others, unanswerable) if others else [])
    )


def _question(
    report: Report, suffix: str, kind: str, question: str, answer: str, evidence: list[str]
) -> GoldQuestion:
    return GoldQuestion(
        id=f"syn-{_name(report)}-{suffix}",
        report=_name(report),
        type=kind,  # type: ignore[arg-type]
        question=question,
        answer=answer,
        must_include=[answer],
        evidence=evidence,
    )


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _shares_long_run(row: str, text: str) -> bool:
    """The row's name without its last two characters is in the text: a near-namesake."""
    core = fold(row)[:-2]
    return len(core) >= 4 and core in text
