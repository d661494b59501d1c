"""Planted-error benchmark for the disclosure review (`reportqa eval --planted N`).

A copy of a real corpus report gets one error of each family planted at a seeded random place,
in its stored text and tables together (a cell edited in the text is edited in its table row),
and is written out as TXT with a JSON record of what was planted. The review then runs on the
copy: a plant is found when an issue cites a span overlapping it; an issue on the copy that
overlaps no plant and was not raised on the clean original is a false alarm.

Plants are chosen by their own patterns, not by the review's vocabulary, so that recall measures
how much of what a reviewer would call an error the review finds.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ingest.checks import check_figures
from ingest.checks.review import Issue, review_report
from ingest.checks.review.kind import detect_kind, table_family
from ingest.checks.review.layout import match_standard, read_contents
from ingest.checks.review.vocabulary import vocabulary
from ingest.config import IngestSettings
from ingest.figures import extract_figures, row_cell_spans
from ingest.metadata import infer_publisher, infer_title, infer_year
from ingest.models import Report, TableRowSpan, TableSpan
from ingest.pipeline import build_report
from ingest.sections import split_sections

FAMILIES = ("structure", "text", "years", "wording", "identity", "text_table", "arithmetic")
_AMOUNT = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})*|\d+)\.(\d{2})(?=万元)")
_CELL_AMOUNT = re.compile(r"\d{1,3}(?:,\d{3})*\.\d{2}|\d+\.\d{2}")


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    new: str


@dataclass
class Plant:
    """One planted error: its family, what was done, and where it lies in the copy's text."""

    family: str
    what: str
    original: str
    planted: str
    tied: tuple[int, ...] = ()  # where the table cells a 说明 figure restates begin
    start: int = 0  # in the copy's text, filled in when the edits are applied
    end: int = 0
    edit: Edit = field(default=Edit(0, 0, ""), repr=False)
    extra: list[Edit] = field(default_factory=list, repr=False)  # further edits of one plant

    @property
    def edits(self) -> list[Edit]:
        return [self.edit, *self.extra]


@dataclass
class CopyResult:
    source: str
    seed: int
    plants: list[Plant]
    found: list[bool]
    false_alarms: list[Issue]


# --- applying edits to a report: text, pages, tables and sections together ---


def edit_report(report: Report, edits: list[Edit]) -> tuple[Report, list[tuple[int, int]]]:
    """The report with `edits` (non-overlapping) applied, and each edit's span in the new text.

    Pages and table rows are shifted; a row or table an edit deletes whole is dropped; a cell an
    edit falls in is rewritten in its row; sections are split again from the new text."""
    ordered = sorted(edits, key=lambda e: e.start)
    pieces, spans, cursor, delta = [], [], 0, 0
    for edit in ordered:
        pieces += [report.text[cursor : edit.start], edit.new]
        spans.append((edit.start + delta, edit.start + delta + len(edit.new)))
        delta += len(edit.new) - (edit.end - edit.start)
        cursor = edit.end
    text = "".join(pieces) + report.text[cursor:]

    def moved(offset: int, is_end: bool = False) -> int:
        shift = 0
        for edit in ordered:
            if offset >= edit.end and not (is_end and offset == edit.end == edit.start):
                shift += len(edit.new) - (edit.end - edit.start)
            elif offset > edit.start:
                return edit.start + shift + (len(edit.new) if is_end else 0)
        return offset + shift

    def deleted(start: int, end: int) -> bool:
        return any(e.new == "" and e.start <= start and end <= e.end for e in ordered)

    tables = []
    for table in report.tables:
        if deleted(table.start, table.end):
            continue
        rows = [
            _edited_row(report.text, row, ordered, moved)
            for row in table.rows
            if not deleted(row.start, row.end)
        ]
        if rows:
            tables.append(
                TableSpan(
                    start=moved(table.start),
                    end=moved(table.end, True),
                    title=table.title,
                    rows=rows,
                )
            )
    pages = [
        p.model_copy(update={"start": moved(p.start), "end": moved(p.end, True)})
        for p in report.pages
    ]
    # The title, unit and year are read from the text as ingest reads them (a cover's year
    # planted wrong is the year the copy states), unless the file named its own title.
    title = report.title
    if infer_title(report.text, fallback=report.title) == report.title:
        title = infer_title(text, fallback=report.title)
    new = report.model_copy(
        update={
            "title": title,
            "year": infer_year(title, text),
            "publisher": infer_publisher(text, title),
            "id": hashlib.sha256(text.encode("utf-8")).hexdigest()[:16],
            "text": text,
            "char_count": len(text),
            "pages": pages,
            "tables": tables,
            "sections": split_sections(text),
        }
    )
    return new, [spans[ordered.index(e)] for e in edits]


def _edited_row(
    text: str, row: TableRowSpan, edits: list[Edit], moved: Callable[..., int]
) -> TableRowSpan:
    cells = list(row.cells)
    for span in row_cell_spans(text, row):
        if any(e.start <= span.start and span.end <= e.end and not e.new.strip() for e in edits):
            cells[span.column] = ""  # blanked with its neighbours by one edit
            continue
        inside = [e for e in edits if span.start <= e.start and e.end <= span.end]
        if not inside:
            continue
        value = text[span.start : span.end]
        for edit in sorted(inside, key=lambda e: -e.start):
            value = value[: edit.start - span.start] + edit.new + value[edit.end - span.start :]
        cells[span.column] = value.strip()
    return row.model_copy(
        update={"start": moved(row.start), "end": moved(row.end, True), "cells": cells}
    )


# --- choosing plants ---


def _lines(text: str) -> list[tuple[int, str]]:
    out, offset = [], 0
    for line in text.split("\n"):
        out.append((offset, line))
        offset += len(line) + 1
    return out


def _prose_lines(report: Report) -> list[tuple[int, str]]:
    rows = [(t.start, t.end) for t in report.tables]
    return [
        (start, line)
        for start, line in _lines(report.text)
        if "\t" not in line
        and "。" in line
        and not any(s <= start < e for s, e in rows)
        and len(line) > 20
    ]


def _pick(rng: random.Random, options: list[Plant]) -> Plant | None:
    return rng.choice(options) if options else None


def plant_text(report: Report, rng: random.Random) -> Plant | None:
    """A placeholder, a doubled full stop, a word written twice or a share over 100%."""
    options: list[Plant] = []
    publisher = report.publisher or ""
    for match in re.finditer(re.escape(publisher), report.text) if publisher else []:
        body = re.sub(r"^.*[省市区县州](?:委)?", "", publisher)
        if len(body) > 1:
            start = match.end() - len(body)
            options.append(
                Plant(
                    "text",
                    "单位名称占位符",
                    body,
                    "XX" + body[-1],
                    edit=Edit(start, match.end(), "XX" + body[-1]),
                )
            )
    for start, line in _prose_lines(report):
        for m in re.finditer("。", line):
            if m.start() < len(line) - 1:
                at = start + m.start()
                options.append(
                    Plant("text", "标点重复", "。", "。。", edit=Edit(at, at + 1, "。。"))
                )
        for m in re.finditer(r"(?<=[,,])([\u4e00-\u9fff]{2})(?=[\u4e00-\u9fff])", line):
            word = m.group(1)
            if word[0] != word[1] and line[m.end() : m.end() + 2] != word:
                at = start + m.start()
                options.append(
                    Plant("text", "词语重复", word, word * 2, edit=Edit(at, at + 2, word * 2))
                )
        for m in re.finditer(r"(增加|减少|增长|下降)(?=\s*\d)", line):
            at, both = start + m.start(), f"{m.group(1)}({_OPPOSITE[m.group(1)]})"
            options.append(
                Plant("text", "增减方向两词并存", m.group(1), both, edit=Edit(at, at + 2, both))
            )
        for m in re.finditer(r"占\s*(\d{1,2}\.\d{2})%", line):
            at = start + m.start(1)
            new = f"{max(float(m.group(1)) + 100, 100.5):.2f}"
            options.append(
                Plant(
                    "text",
                    "占比超过100%",
                    m.group(1),
                    new,
                    edit=Edit(at, at + len(m.group(1)), new),
                )
            )
    # Each kind of slip as likely as the others, whatever the counts of places.
    kinds = sorted({p.what for p in options})
    return _pick(rng, [p for p in options if p.what == rng.choice(kinds)]) if kinds else None


def plant_years(report: Report, rng: random.Random) -> Plant | None:
    """A wrong year in a heading or table title that names the report, or in a 截至 date."""
    year = report.year
    if year is None:
        return None
    wrong = str(year - 1 if rng.random() < 0.5 else year + 1)
    options = []
    for start, line in _lines(report.text)[3:]:  # past the cover, which sets the year
        if line.strip() == report.title:
            continue
        if "\t" in line or len(line) > 60 or "。" in line or not re.search(r"决算|预算|自评", line):
            continue
        if re.search(r"比|较|与|相比|上年|至|-", line):
            continue
        for m in re.finditer(rf"{year}(?=\s*年)", line):
            at = start + m.start()
            options.append(
                Plant("years", "标题年份错误", str(year), wrong, edit=Edit(at, at + 4, wrong))
            )
    if report.publisher:
        for m in re.finditer(
            rf"{re.escape(report.publisher)}[ \t]*({year})(?=\s*年度)", report.text
        ):
            clause = report.text[m.start() - 30 : m.end() + 30]
            if not re.search(r"比|较|与|相比|上年", clause):
                at = m.start(1)
                options.append(
                    Plant("years", "主体年份错误", str(year), wrong, edit=Edit(at, at + 4, wrong))
                )
    for start, line in _lines(report.text)[:3]:  # the cover's year, which the headings contradict
        for m in re.finditer(rf"{year}(?=\s*年)", line):
            at = start + m.start()
            options.append(
                Plant("years", "封面年份错误", str(year), wrong, edit=Edit(at, at + 4, wrong))
            )
    family = table_family(detect_kind(report))
    for m in re.finditer(r"截[至止]\s*(\d{4})\s*年", report.text):
        stated = int(m.group(1))
        new = str(stated - 2) if family == "预算" else str(stated - 1 if stated == year else year)
        at = m.start(1)
        options.append(
            Plant("years", "截至日期年份错误", m.group(1), new, edit=Edit(at, at + 4, new))
        )
    kinds = sorted({p.what for p in options})
    return _pick(rng, [p for p in options if p.what == rng.choice(kinds)]) if kinds else None


_BUDGET_ACTUAL = re.compile(
    r"预算为\s*([\d,]+\.?\d*)万元[,,]\s*支出决算为\s*([\d,]+\.?\d*)万元[^。]{0,40}。\s*"
    r"(?:[^。]{0,30})?决算数(小于|大于|等于|同预算数持平|与预算数基本持平)"
)
_CHANGE = re.compile(
    r"(\d{4})年[^,,。]{0,12}?为\s*([\d.]+)万元[,,](\d{4})年[^,,。]{0,12}?([\d.]+)万元[,,]"
    r"比\1年[^,,。]{0,12}?(增加|减少)"
)


_CHANGE_WORD = re.compile(r"(?:比|较)[^,,。;;]{0,20}?(增加|减少|增长|下降)")
_REASON = re.compile(
    r"(?:(增加|减少|增长|下降)的?主要原因"
    r"|主要原因是?[::]?\s*(?:[^。\n]{0,40}?(?:导致|致使))?(?:相关)?(?:支出|经费)(?:略有|有所)?"
    r"(增加|减少))"
)
_RISES = ("增加", "增长")
_OPPOSITE = {"增加": "减少", "减少": "增加", "增长": "下降", "下降": "增长"}


def _reason_plants(report: Report) -> list[Plant]:
    """A stated reason turned against the change it explains (the change just before it)."""
    options = []
    for m in _REASON.finditer(report.text):
        group = 1 if m.group(1) else 2
        back = report.text[max(0, m.start() - 60) : m.start()]
        changes = list(_CHANGE_WORD.finditer(back))
        if not changes or "\n" in back[changes[-1].end() :]:
            continue
        if (changes[-1].group(1) in _RISES) != (m.group(group) in _RISES):
            continue  # the clean report's own slip, or not this change's reason
        new = _OPPOSITE[m.group(group)]
        options.append(
            Plant(
                "wording",
                "原因与增减方向相反",
                m.group(group),
                new,
                edit=Edit(m.start(group), m.end(group), new),
            )
        )
    return options


def plant_wording(report: Report, rng: random.Random) -> Plant | None:
    """A direction word turned against its figures, or a stated reason against its change."""
    options = []
    for m in _BUDGET_ACTUAL.finditer(report.text):
        budget, actual = (float(g.replace(",", "")) for g in m.group(1, 2))
        new = ("大于" if actual <= budget else "小于") + (
            "预算数" if "预算数" in m.group(3) else ""
        )
        options.append(
            Plant(
                "wording",
                "决算与预算比较用词相反",
                m.group(3),
                new,
                edit=Edit(m.start(3), m.end(3), new),
            )
        )
    for m in _CHANGE.finditer(report.text):
        base, current = float(m.group(2)), float(m.group(4))
        if base == current:
            continue
        new = "减少" if current > base else "增加"
        if new == m.group(5):
            continue  # already contradicts: the clean report's own slip
        options.append(
            Plant("wording", "增减用词相反", m.group(5), new, edit=Edit(m.start(5), m.end(5), new))
        )
    options += _reason_plants(report)
    kinds = sorted({p.what for p in options})
    return _pick(rng, [p for p in options if p.what == rng.choice(kinds)]) if kinds else None


def _standard_titles(report: Report, body: int = 0) -> list[tuple[int, int, str]]:
    """(start, end, name) of each standard table title line of the copy's kind, from `body` on."""
    family = table_family(detect_kind(report))
    tables = vocabulary().tables_of(family)
    found: list[tuple[int, int, str]] = []
    for start, line in _lines(report.text):
        if start >= body and line.strip() and len(line) <= 90 and "\t" not in line:
            standard = match_standard(line.strip(), tables)
            if standard is not None and not any(f[2] == standard.name for f in found):
                found.append((start, start + len(line), standard.name))
    return found


def plant_structure(report: Report, rng: random.Random) -> Plant | None:
    """A standard table removed (title, rows and note), an empty table's note removed, or a
    top-level part (第N部分) dropped from the contents."""
    titles = _standard_titles(report, read_contents(report.text)[1])
    if len(titles) < 3:
        return None
    options = []
    for index, (start, _, name) in enumerate(titles[1:-1], start=1):
        end = titles[index + 1][0]
        if "。" not in re.sub(r"注[::][^\n]*", "", report.text[start:end]):
            options.append(Plant("structure", "标准表缺失", name, "", edit=Edit(start, end, "")))
    for m in re.finditer(r"\n((?:注|说明)[::][^\n]*(?:本表无数据|本表为空表)[^\n]*)", report.text):
        options.append(
            Plant("structure", "空表未注明", m.group(1), "", edit=Edit(m.start(), m.end(), ""))
        )
    entries, body = read_contents(report.text)
    for entry in entries[1:]:  # the first entry is where the body is found to start
        part = re.match(r"\s*(第[一二三四五六七八九十]+部分)", entry.text)
        # Only a part the body has (some reports list a part whose heading the body lacks).
        if part and re.search(rf"(?m)^\s*{part.group(1)}", report.text[body:]):
            line_start = report.text.rfind("\n", 0, entry.start) + 1
            line_end = report.text.find("\n", entry.start) + 1
            options.append(
                Plant(
                    "structure",
                    "目录缺正文部分",
                    entry.text,
                    "",
                    edit=Edit(line_start, line_end, ""),
                )
            )
    kinds = sorted({p.what for p in options})
    return _pick(rng, [p for p in options if p.what == rng.choice(kinds)]) if kinds else None


def _cells(report: Report, table_name: str) -> list[tuple[int, int, str]]:
    """Amount cells of a standard table as (start, end, text)."""
    titles = _standard_titles(report, read_contents(report.text)[1])
    spans = [
        (s, titles[i + 1][0] if i + 1 < len(titles) else len(report.text))
        for i, (s, _, n) in enumerate(titles)
        if n == table_name
    ]
    if not spans:
        return []
    start, end = spans[0]
    cells = []
    for table in report.tables:
        if start <= table.start < end:
            for row in table.rows:
                for span in row_cell_spans(report.text, row):
                    if _CELL_AMOUNT.fullmatch(span.text):
                        cells.append((span.start, span.end, span.text))
    return cells


def _bumped(value: str, rng: random.Random) -> str:
    number = float(value.replace(",", ""))
    step = rng.choice([1.0, 10.0, 100.0]) if number >= 1 else 0.5
    shown = f"{number + step:,.2f}" if "," in value else f"{number + step:.2f}"
    return shown


def plant_identity(report: Report, rng: random.Random) -> Plant | None:
    """A grand total (总计/收入总计) of the summary table changed."""
    family = table_family(detect_kind(report))
    name = "收入支出决算总表" if family == "决算" else "收支预算总表" if family == "预算" else None
    if name is None:
        return None
    options = []
    for table in report.tables:
        for row in table.rows:
            if not any(re.sub(r"\s", "", c) in ("总计", "收入总计") for c in row.cells):
                continue
            cells = [s for s in row_cell_spans(report.text, row) if _CELL_AMOUNT.fullmatch(s.text)]
            if cells and any(c[0] == cells[0].start for c in _cells(report, name)):
                new = _bumped(cells[0].text, rng)
                options.append(
                    Plant(
                        "identity",
                        "总计不等",
                        cells[0].text,
                        new,
                        edit=Edit(cells[0].start, cells[0].end, new),
                    )
                )
    return _pick(rng, options)


def plant_text_table(report: Report, rng: random.Random) -> Plant | None:
    """A 说明 figure that a standard table also states, changed; or that cell blanked."""
    values: dict[str, list[tuple[int, int]]] = {}
    for _, _, name in _standard_titles(report, read_contents(report.text)[1]):
        for start, end, text in _cells(report, name):
            values.setdefault(text.replace(",", ""), []).append((start, end))
    options = []
    for start, line in _prose_lines(report):
        for m in _AMOUNT.finditer(line):
            key = m.group(0).replace(",", "")
            if key not in values or float(key) == 0:
                continue
            if re.search(
                r"(?:增加|减少|增长|下降|上升|降低|较|比|预算为|预算数为)\s*$", line[: m.start()]
            ):
                continue  # a change or a budget, not the quantity a table states
            at = start + m.start()
            new = _bumped(m.group(0), rng)
            options.append(
                Plant(
                    "text_table",
                    "说明数字与表不符",
                    m.group(0),
                    new,
                    tied=tuple(start for start, _ in values[key]),
                    edit=Edit(at, at + len(m.group(0)), new),
                )
            )
            row = _row_at(report, values[key][0][0]) if len(values[key]) == 1 else None
            if row is not None:
                blanks = [
                    Edit(c.start, c.end, "")
                    for c in row_cell_spans(report.text, row)
                    if _CELL_AMOUNT.fullmatch(c.text)
                ]
                options.append(
                    Plant(
                        "text_table",
                        "表格数据行空白",
                        report.text[row.start : row.end],
                        "",
                        edit=blanks[0],
                        extra=blanks[1:],
                    )
                )
            if len(values[key]) == 1:
                cell_start, cell_end = values[key][0]
                options.append(
                    Plant(
                        "text_table",
                        "表格单元格空白",
                        report.text[cell_start:cell_end],
                        "",
                        edit=Edit(cell_start, cell_end, ""),
                    )
                )
    kinds = sorted({p.what for p in options})
    return _pick(rng, [p for p in options if p.what == rng.choice(kinds)]) if kinds else None


def _row_at(report: Report, offset: int) -> TableRowSpan | None:
    return next(
        (r for t in report.tables for r in t.rows if r.start <= offset < r.end and not r.is_header),
        None,
    )


def plant_arithmetic(report: Report, rng: random.Random) -> Plant | None:
    """An item row of a coded table changed, so that its class and 合计 no longer add up; or
    the row left blank."""
    options = []
    for table in report.tables:
        for row in table.rows:
            codes = [c for c in row.cells if re.fullmatch(r"\d{2}", c.strip())]
            if len(codes) < 2 and not any(re.fullmatch(r"\d{7}", c.strip()) for c in row.cells):
                continue
            cells = [s for s in row_cell_spans(report.text, row) if _CELL_AMOUNT.fullmatch(s.text)]
            if cells:
                new = _bumped(cells[0].text, rng)
                options.append(
                    Plant(
                        "arithmetic",
                        "分项与合计不符",
                        cells[0].text,
                        new,
                        edit=Edit(cells[0].start, cells[0].end, new),
                    )
                )
                blanks = [Edit(c.start, c.end, "") for c in cells]
                options.append(
                    Plant(
                        "arithmetic",
                        "科目行空白",
                        report.text[row.start : row.end],
                        "",
                        edit=blanks[0],
                        extra=blanks[1:],
                    )
                )
    kinds = sorted({p.what for p in options})
    return _pick(rng, [p for p in options if p.what == rng.choice(kinds)]) if kinds else None


PLANTERS: dict[str, Callable[[Report, random.Random], Plant | None]] = {
    "structure": plant_structure,
    "text": plant_text,
    "years": plant_years,
    "wording": plant_wording,
    "identity": plant_identity,
    "text_table": plant_text_table,
    "arithmetic": plant_arithmetic,
}


def plant_copy(report: Report, seed: int) -> tuple[Report, list[Plant]]:
    """A copy of the report with one plant of each family that has a place, none overlapping."""
    rng = random.Random(seed)
    chosen: list[Plant] = []
    for family in FAMILIES:
        for _ in range(6):  # a few tries for a place that overlaps no earlier plant
            plant = PLANTERS[family](report, rng)
            if plant is None:
                break
            clash = any(
                _overlaps(a, b) for p in chosen for a in plant.edits for b in p.edits
            ) or any(_near(plant, p) for p in chosen)
            if not clash:
                chosen.append(plant)
                break
    edits = [e for p in chosen for e in p.edits]
    copy, spans = edit_report(report, edits)
    where = dict(zip(edits, spans, strict=True))
    for plant in chosen:
        plant.start = min(where[e][0] for e in plant.edits)
        plant.end = max(where[e][1] for e in plant.edits)
    return copy, chosen


def _overlaps(a: Edit, b: Edit) -> bool:
    """Edits close enough to meet in one sentence, where one could undo the other."""
    return a.start < b.end + NEAR and b.start < a.end + NEAR


NEAR = 150


def _near(a: Plant, b: Plant) -> bool:
    """A removed table holds no other plant's figure (the other plant would vanish with it)."""
    for removal, other in ((a, b), (b, a)):
        if removal.what != "标准表缺失":
            continue
        where = [other.edit.start, *other.tied]
        if any(removal.edit.start <= at < removal.edit.end for at in where):
            return True
    return False


# --- scoring ---


def issue_key(issue: Issue) -> tuple[str, str, tuple[str, ...]]:
    return issue.family, issue.rule, tuple(e.quote for e in issue.evidence)


def review_of(report: Report) -> list[Issue]:
    figures = extract_figures(report)
    return review_report(report, figures, check_figures(report, figures))


def plant_found(plant: Plant, issues: list[Issue], copy: Report) -> bool:
    """An issue points at the plant: cites a span overlapping it; for a removed table, names
    it; for a removed note, flags that table as empty; for a blanked cell, cites its row."""
    if plant.what == "标准表缺失":
        return any(i.rule == "table_missing" and plant.original in i.message for i in issues)
    if plant.what == "目录缺正文部分":
        part = re.match(r"\s*(第[一二三四五六七八九十]+部分)", plant.original)
        return part is not None and any(
            i.rule == "body_without_contents"
            and any(e.quote.startswith(part.group(1)) for e in i.evidence)
            for i in issues
        )
    if plant.what == "空表未注明":
        return any(
            i.rule == "empty_table_without_note"
            and any(0 <= plant.start - e.position.start <= 800 for e in i.evidence)
            for i in issues
        )
    start, end = plant.start, max(plant.end, plant.start + 1)
    if plant.family == "wording":
        # The other checks of the sentence (its ratio) see the plant too.
        start = (
            max(copy.text.rfind("。", 0, plant.start), copy.text.rfind("\n", 0, plant.start)) + 1
        )
        end = copy.text.find("。", plant.end)
        end = len(copy.text) if end < 0 else end
    if plant.what in ("表格单元格空白", "表格数据行空白", "科目行空白"):
        start = copy.text.rfind("\n", 0, plant.start) + 1
        line_end = copy.text.find("\n", plant.start)
        end = len(copy.text) if line_end < 0 else line_end
    if plant.what == "科目行空白":
        # Which blank item lost its figure a class sum cannot tell: a sum of its table that
        # now fails points at it.
        table = next((t for t in copy.tables if t.start <= plant.start <= t.end), None)
        if table is not None and any(
            i.rule in ("economic_sum", "table_sum", "table_identity")
            and any(table.start <= e.position.start < table.end for e in i.evidence)
            for i in issues
        ):
            return True
    return any(
        start < e.position.end and e.position.start < end for i in issues for e in i.evidence
    )


def score_copy(source: Report, seed: int, clean: list[Issue]) -> tuple[Report, CopyResult]:
    copy, plants = plant_copy(source, seed)
    issues = review_of(copy)
    clean_keys = {issue_key(i) for i in clean}
    found = [plant_found(p, issues, copy) for p in plants]
    alarms = [
        i
        for i in issues
        if issue_key(i) not in clean_keys and not any(plant_found(p, [i], copy) for p in plants)
    ]
    return copy, CopyResult(source.file_name, seed, plants, found, alarms)


@dataclass
class Benchmark:
    copies: list[CopyResult]

    def per_family(self) -> dict[str, tuple[int, int]]:
        """Per family: (plants found, plants made)."""
        counts = {f: [0, 0] for f in FAMILIES}
        for copy in self.copies:
            for plant, found in zip(copy.plants, copy.found, strict=True):
                counts[plant.family][1] += 1
                counts[plant.family][0] += int(found)
        return {f: (c[0], c[1]) for f, c in counts.items()}

    def alarms_per_family(self) -> dict[str, int]:
        counts = dict.fromkeys(FAMILIES, 0)
        for copy in self.copies:
            for issue in copy.false_alarms:
                counts[issue.family] += 1
        return counts


def load_sources(paths: list[Path]) -> list[Report]:
    return [build_report(p, p.read_bytes(), IngestSettings())[0] for p in paths]


def run_benchmark(
    sources: list[Report], count: int, seed: int = 0, out_dir: Path | None = None
) -> Benchmark:
    """`count` planted copies, round robin over the sources, each with its own seed; with
    `out_dir`, each copy's text (TXT) and its plants (JSON) are written there."""
    clean = {r.id: review_of(r) for r in sources}
    results = []
    for index in range(count):
        source = sources[index % len(sources)]
        copy, result = score_copy(source, seed * 100_003 + index, clean[source.id])
        results.append(result)
        if out_dir is not None:
            write_copy(out_dir, index, copy, result)
    return Benchmark(results)


def write_copy(out_dir: Path, index: int, copy: Report, result: CopyResult) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{index:03d}-{Path(result.source).stem}"
    (out_dir / f"{stem}.txt").write_text(copy.text, encoding="utf-8")
    record = {
        "source": result.source,
        "seed": result.seed,
        "plants": [
            {k: v for k, v in asdict(p).items() if k not in ("edit", "extra")} | {"found": f}
            for p, f in zip(result.plants, result.found, strict=True)
        ],
        "false_alarms": [i.model_dump(mode="json") for i in result.false_alarms],
    }
    (out_dir / f"{stem}.json").write_text(
        json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8"
    )
