"""Indicators written as prose items, one a line, with a target and an actual or a reason:
"—社区矫正对象重新犯罪率(全年目标值:<=0.02%),实际完成0.25%;未完成原因为:…"."""

from __future__ import annotations

import re

from ingest.indicators.labels import LEVEL1, LEVEL2
from ingest.indicators.rows import Row, inside
from ingest.indicators.values import plain_text
from ingest.models import Report

_SAYS_UNMET = re.compile(r"未完成|未达|未实现|偏差")


_BULLET = re.compile(r"\s*(?:[—\-–·•●○◆■▪*]+|\d{1,2}[.、]|[(（]\d{1,2}[)）]|[①-⑳])?\s*")
_PROSE_TARGET = re.compile(
    r"[(（]\s*(?:全年|年度|年初)?(?:目标值|指标值|目标)\s*(?:为|:|：)?\s*(?P<target>[^()（）]{1,30}?)"
    r"\s*[)）]"
    r"|[,，]?\s*(?:全年|年度|年初)?(?:目标值|指标值)\s*(?:为|:|：)\s*(?P<target2>[^,，;；。()（）]{1,30})"
)
_PROSE_ACTUAL = re.compile(
    r"\s*[,，;；]?\s*(?:实际完成值?|实际值|完成值|实际)\s*(?:为|:|：)?\s*(?P<actual>[^,，;；。\n]{1,30})"
)
_PROSE_REASON = re.compile(
    r"\s*[,，;；]?\s*(?P<label>未完成原因|未达标原因|未达成原因|偏差原因|原因)(?:分析)?\s*(?:为|是)?"
    r"\s*[:：]\s*(?P<reason>\S.*)"
)
_PROSE_NAME = re.compile(r"[^,，。;；:：!?！？]{2,60}")


def prose_rows(report: Report) -> list[Row]:
    """Indicator items written as sentences, one a line, with a target and an actual or reason."""
    tables = [(table.start, table.end) for table in report.tables]
    rows: list[Row] = []
    offset = 0
    for line in report.text.split("\n"):
        row = _prose_row(line, offset)
        if row is not None and not inside(offset, tables):
            path = _path_titles(report, offset)
            row.level1 = _level_from_path(path, LEVEL1)
            row.level2 = _level_from_path(path, LEVEL2)
            row.listed_unmet = row.listed_unmet or any(_SAYS_UNMET.search(t) for t in path)
            rows.append(row)
        offset += len(line) + 1
    return rows


def _prose_row(line: str, offset: int) -> Row | None:
    """One item: 名称(目标值:X),实际完成Y;未完成原因为:Z. The actual or the reason may be absent."""
    bullet = _BULLET.match(line)
    name_start = bullet.end() if bullet else 0
    target = _PROSE_TARGET.search(line, name_start)
    if target is None:
        return None
    name = line[name_start : target.start()].strip().rstrip(":：,，").strip()
    if not _PROSE_NAME.fullmatch(name):
        return None
    rest = target.end()
    actual = _PROSE_ACTUAL.match(line, rest)
    rest = actual.end() if actual else rest
    reason = _PROSE_REASON.match(line, rest)
    if actual is None and reason is None:
        return None
    end = len(line.rstrip())
    row = Row(name=name, start=offset + name_start, end=offset + end)
    row.target = (target.group("target") or target.group("target2")).strip()
    row.actual = actual.group("actual").strip() if actual else None
    if reason is not None:
        reason_end = len(line[: reason.end("reason")].rstrip().rstrip("。.").rstrip())
        row.reason = line[reason.start("reason") : reason_end] or None
        row.reason_span = (offset + reason.start("reason"), offset + reason_end)
        row.listed_unmet = "未" in reason.group("label")
    return row


def _path_titles(report: Report, offset: int) -> list[str]:
    """Titles of the sections holding `offset`, outermost first (sections nest)."""
    return [section.title for section in report.sections if section.start <= offset < section.end]


def _level_from_path(titles: list[str], pattern: re.Pattern[str]) -> str | None:
    """The innermost heading that is just a level label ("1.数量指标" → "数量指标")."""
    for title in reversed(titles):
        label = re.sub(r"^\s*(?:[(（]?[\d一二三四五六七八九十]+[)）.、]?)\s*", "", title)
        label = label.rstrip("。.:： ")
        if pattern.fullmatch(label):
            return label
    return None


def merge_prose(rows: list[Row], prose: list[Row]) -> list[Row]:
    """Prose that restates a table's indicator lends it its reason instead of repeating it."""
    by_name = {plain_text(row.name): row for row in rows}
    for item in prose:
        twin = by_name.get(plain_text(item.name))
        if twin is None:
            rows.append(item)
        elif twin.reason is None and item.reason is not None:
            twin.reason, twin.reason_span = item.reason, item.reason_span
            twin.listed_unmet = twin.listed_unmet or item.listed_unmet
    return rows
