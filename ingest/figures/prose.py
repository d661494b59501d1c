"""Figures in prose, and what each measures: the noun phrase of its clause, before the number.

Line breaks inside sentences are read as spaces (`context_text`, offsets unchanged), so that a
clause or sentence is found across a PDF's broken lines. A figure's year is the one its
sentence states, not a year it is compared with (比2023年).
"""

from __future__ import annotations

import re

from ingest.figures.numbers import build_figure, parse_figure
from ingest.figures.units import COMPARISONS, YEAR
from ingest.models import Figure
from ingest.positions import Locator
from ingest.tables import CELL_BREAK

_COMPARED_YEAR = re.compile(r"(?:比|较|与|同|上)$")
_COUNTED = re.compile(r"[\u4e00-\u9fff]{2,8}(?=[,,;;。、)\s]|$)")
_MAX_MEASURE = 30
_HEADING = re.compile(
    r"(?:[一二三四五六七八九十]+、|\(|\d{1,2}[、.]|第[一二三四五六七八九十\d]+[部章节条]|[-—•])"
)


def prose_figures(
    text: str, context: str, start: int, end: int, locator: Locator, in_table: bool
) -> list[Figure]:
    """The figures of text[start:end] read as prose, each with its measure and year."""
    figures: list[Figure] = []
    for parsed in sorted(parse_figure(text, start, end), key=lambda p: p.start):
        previous = figures[-1] if figures else None
        measure = prose_measure(context, parsed.start, previous, floor=start)
        counted = _COUNTED.match(context, parsed.end)
        if counted and (not measure or measure == (previous.measure if previous else None)):
            measure = counted.group(0)  # "共80个项目": what is counted follows the unit
        year = sentence_year(context, parsed.start, start)
        figures.append(build_figure(text, parsed, measure, year, in_table, locator))
    return figures


def context_text(text: str) -> str:
    """The text with line breaks inside sentences made spaces, offsets unchanged.

    PDFs break lines mid-sentence ("占本年支出合计的\n100.00%"); a break after sentence-ending
    punctuation, around a table row, before a heading or after a short title line stays.
    """
    lines = text.split("\n")
    joined = []
    for line, following in zip(lines, [*lines[1:], ""], strict=True):
        joined.append(line)
        joined.append(" " if _runs_on(line, following) else "\n")
    return "".join(joined[:-1])


def _runs_on(line: str, following: str) -> bool:
    stripped, next_line = line.strip(), following.strip()
    if not stripped or not next_line or CELL_BREAK.search(line) or CELL_BREAK.search(following):
        return False
    if stripped[-1] in "。!?;;::)" or len(stripped) < 15 or _HEADING.match(next_line):
        return False
    return not (_HEADING.match(stripped) and len(stripped) <= 50)


def prose_measure(text: str, at: int, previous: Figure | None, floor: int = 0) -> str:
    """What a prose figure measures: the noun phrase of its clause, before the number."""
    clause_start = clause_start_of(text, at, floor)
    previous_end = previous.position.end if previous is not None else floor
    same_sentence = (
        previous is not None and sentence_start_of(text, at, floor) <= previous.position.start
    )
    clause = text[max(clause_start, previous_end) : at]
    share = re.fullmatch(r"[,,]?\s*占(.*?)的?(?:比重|比例)?(?:为|达)?", clause)
    if share is not None and previous is not None and same_sentence:
        whole = clean_measure(share.group(1))
        return f"{previous.measure}占{whole}" if whole else f"{previous.measure}占比"
    measure = clean_measure(clause)
    if (
        measure
        and re.match(r"(?:较|比|与|同比)", measure)
        and previous is not None
        and same_sentence
    ):
        return previous.measure + measure
    if measure and measure not in _CHANGE_WORDS:
        return measure
    if previous is not None and same_sentence:
        subject = re.sub(r"(?:较|比|与|同比).*$|(?:增加|减少|增长|下降)$", "", previous.measure)
        return subject + measure if measure in _CHANGE_WORDS else previous.measure
    return clean_measure(text[sentence_start_of(text, at, floor) : at].split("(")[0]) or measure


_CHANGE_WORDS = {"增长", "下降", "增加", "减少", "上升", "降低", "提高", "同比增长", "同比下降"}
_CLAUSE_BREAK = re.compile(r"[,,;;。::!!??\n、]|其中")
_SENTENCE_BREAK = re.compile(r"[。!!??\n]")
_LEAD = re.compile(
    r"^(?:其中|包括|主要包括|分别为|分别是|共计|共有|累计|全年|今年以来|年内|目前|截至|截止|另外|此外|以及|"
    r"全[州县区市省]|共|和|及|并|对|已|实际完成|即)+"
)
_TRAIL = re.compile(r"(?:为|是|达到|达|约|共计|增至|的|了|实际完成)+$")
_DATE = re.compile(r"\d{4}年(?:度)?(?:\d{1,2}月(?:\d{1,2}日)?)?|\d{1,2}月\d{1,2}日")
# "红河州司法局本级机关", "中共上海市普陀区委社会工作部": a place, then an office.
_ORG = re.compile(
    r"^(?:中共)?[\u4e00-\u9fff]{1,4}[省市州][\u4e00-\u9fff]*?"
    r"(?:局|委员会|办公室|中心|政府|工作部)(?:本级机关|本级|机关|本部)?"
)


def clean_measure(clause: str) -> str:
    """A clause reduced to its noun phrase: no quotes, dates, organisation, verbs or connectors."""
    measure = re.sub(r"[“”\"'‘’《》\s—]", "", clause)
    dates = list(_DATE.finditer(measure))
    if dates and dates[-1].end() < len(measure):
        measure = measure[dates[-1].end() :]
    organisation = _ORG.match(measure)
    if organisation and len(measure) - organisation.end() >= 2:
        measure = measure[organisation.end() :]
    for comparison in sorted(COMPARISONS, key=len, reverse=True):
        measure = measure.replace(comparison, "") if not comparison.isascii() else measure
    measure = re.sub(r"[≥≤<>=]", "", measure)
    measure = _TRAIL.sub("", _LEAD.sub("", measure))
    if measure.count("(") > measure.count(")"):
        measure = measure[: measure.rfind("(")]
    # A clause with no break for long is narrative; its last words name the figure.
    return measure.strip(",;:、")[-_MAX_MEASURE:]


def clause_start_of(text: str, at: int, floor: int = 0) -> int:
    """Where the clause holding offset `at` starts (after the last ,;:、 or 其中)."""
    window = text[max(floor, at - 80) : at]
    matches = list(_CLAUSE_BREAK.finditer(window))
    return max(floor, at - 80) + matches[-1].end() if matches else max(floor, at - 80)


def sentence_start_of(text: str, at: int, floor: int = 0) -> int:
    """Where the sentence holding offset `at` starts (after the last 。 or line break)."""
    index = max(text.rfind(mark, floor, at) for mark in "。!?\n")
    return index + 1 if index >= 0 else floor


def sentence_end_of(text: str, at: int) -> int:
    """Where the sentence holding offset `at` ends (at its 。 or line break, inclusive)."""
    match = _SENTENCE_BREAK.search(text, at)
    return match.end() if match else len(text)


def sentence_year(text: str, at: int, floor: int = 0) -> int | None:
    """The year the sentence states before the figure, not a year it compares with (比2023年)."""
    return stated_year(text, sentence_start_of(text, at, floor), at)


def stated_year(text: str, start: int, end: int) -> int | None:
    """The last year text[start:end] states, not counting years it compares with (比2023年)."""
    years = [
        m
        for m in YEAR.finditer(text, start, end)
        if not _COMPARED_YEAR.search(text[max(start, m.start() - 3) : m.start()].rstrip())
    ]
    return int(years[-1].group(1)) if years else None
