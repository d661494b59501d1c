"""Planted copies rendered as PDF (reportlab, its built-in CJK font STSong-Light) and read back
through the PDF loader, so that a plant is found the way it would be in a published file.

Each page of the copy becomes a page: its text lines as paragraphs, its table rows as ruled
tables (the loader finds tables by their ruling). The clean original is rendered the same way,
and issues are compared with that rendering's: an issue the copy's PDF raises that the clean
PDF does not is attributed to the plant whose words it quotes (or, for a removal or blanking,
whose table or row it names); one attributed to no plant is a false alarm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from eval.planted import Benchmark, CopyResult, Plant, issue_key, plant_copy, review_of
from ingest.checks.review import Issue
from ingest.config import IngestSettings
from ingest.models import Report
from ingest.pipeline import build_report

FONT = "STSong-Light"


def render_pdf(report: Report, path: Path) -> None:
    """The report's stored text as a PDF: a page per page, tables ruled."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    text_style = ParagraphStyle("text", fontName=FONT, fontSize=9, leading=12)
    cell_style = ParagraphStyle("cell", fontName=FONT, fontSize=6.5, leading=8)
    page_size = landscape(A4)
    width = page_size[0] - 72
    rows_at = {r.start: r for t in report.tables for r in t.rows}
    story: list[object] = []
    pages = [p for p in report.pages if p.number is not None] or []
    spans = [(p.start, p.end) for p in pages] or [(0, len(report.text))]
    for index, (start, end) in enumerate(spans):
        group: list[list[object]] = []
        offset = start
        for line in report.text[start:end].split("\n"):
            row = rows_at.get(offset + len(line) - len(line.lstrip()))
            offset += len(line) + 1
            if row is not None:
                group.append([Paragraph(escape(c), cell_style) for c in row.cells])
                continue
            if group:
                story.append(_table(group, width, Table, TableStyle, colors))
                group = []
            if line.strip():
                story.append(Paragraph(escape(line), text_style))
        if group:
            story.append(_table(group, width, Table, TableStyle, colors))
        if index + 1 < len(spans):
            story.append(PageBreak())
    document = SimpleDocTemplate(
        str(path),
        pagesize=page_size,
        leftMargin=36,
        rightMargin=36,
        topMargin=36,
        bottomMargin=36,
        title=report.title,
    )
    document.build(story)  # type: ignore[arg-type]


def _table(
    rows: list[list[object]], width: float, table: type, style: type, colors: object
) -> object:
    columns = max(len(r) for r in rows)
    padded = [r + [""] * (columns - len(r)) for r in rows]
    flowable = table(padded, colWidths=[width / columns] * columns)
    flowable.setStyle(style([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))  # type: ignore[attr-defined]
    return flowable


@dataclass
class PdfCopyResult:
    source: str
    plants: list[Plant]
    found: list[bool]
    false_alarms: list[Issue]


def score_pdf_copy(
    source: Report, seed: int, clean: list[Issue], out_dir: Path, index: int
) -> PdfCopyResult:
    """Plant, render, read back and review one copy; attribute its new issues to its plants."""
    copy, plants = plant_copy(source, seed)
    path = out_dir / f"{index:03d}-{Path(source.file_name).stem}.pdf"
    render_pdf(copy, path)
    read, _ = build_report(path, path.read_bytes(), IngestSettings())
    clean_keys = {_loose_key(i) for i in clean}
    new = [i for i in review_of(read) if _loose_key(i) not in clean_keys]
    found = [any(_names(p, i) for i in new) for p in plants]
    alarms = [i for i in new if not any(_names(p, i) for p in plants)]
    return PdfCopyResult(source.file_name, plants, found, alarms)


def clean_pdf_issues(source: Report, out_dir: Path) -> list[Issue]:
    """The review of the clean original rendered the same way (the baseline of the copies)."""
    path = out_dir / f"clean-{Path(source.file_name).stem}.pdf"
    render_pdf(source, path)
    read, _ = build_report(path, path.read_bytes(), IngestSettings())
    return review_of(read)


def _loose_key(issue: Issue) -> tuple[str, str, tuple[str, ...]]:
    family, rule, quotes = issue_key(issue)
    return family, rule, tuple(re.sub(r"\s", "", q) for q in quotes)


def _names(plant: Plant, issue: Issue) -> bool:
    """Whether an issue points at the plant: quotes its planted words, or names its table."""
    quotes = [re.sub(r"\s", "", e.quote) for e in issue.evidence]
    if plant.what == "标准表缺失":
        return issue.rule == "table_missing" and plant.original in issue.message
    if plant.what == "空表未注明":
        return issue.rule == "empty_table_without_note"
    if plant.what == "目录缺正文部分":
        part = re.match(r"\s*(第[一二三四五六七八九十]+部分)", plant.original)
        return (
            part is not None
            and issue.rule == "body_without_contents"
            and any(q.startswith(part.group(1)) for q in quotes)
        )
    if plant.planted == "":  # a blanked cell or row: an identity or tie that now fails
        return issue.family in ("identity", "text_table", "arithmetic") and (
            issue.rule in ("blank_cell", "blank_row", "table_identity", "table_tie", "economic_sum")
            or "空白" in issue.message
            or issue.family == "arithmetic"
        )
    token = re.sub(r"\s", "", plant.planted)
    return any(token in q or q in token for q in quotes if q) or token in issue.message


def run_pdf_benchmark(sources: list[Report], count: int, seed: int, out_dir: Path) -> Benchmark:
    """`count` planted copies as PDF, round robin over the sources (as `run_benchmark`)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    clean = {r.id: clean_pdf_issues(r, out_dir) for r in sources}
    copies = []
    for index in range(count):
        source = sources[index % len(sources)]
        copy_seed = seed * 100_003 + index
        result = score_pdf_copy(source, copy_seed, clean[source.id], out_dir, index)
        copies.append(
            CopyResult(
                source.file_name, copy_seed, result.plants, result.found, result.false_alarms
            )
        )
    return Benchmark(copies)
