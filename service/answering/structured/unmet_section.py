"""Unmet targets (未完成的绩效指标) as a report states them in its own section on missed targets.

Many self-evaluation reports have a section such as "(二)绩效目标未完成原因分析" listing each missed
indicator with its target, actual value and reason. That section is the citation; the answer lists
the items it holds.
"""

from __future__ import annotations

import re

from ingest.models import Report

_SECTION_TITLE = re.compile(r"未完成|未达成|未实现|偏差原因")
_ITEM_START = re.compile(r"^\s*[—\-–·•]+\s*")
_REASON = re.compile(r"[;;,,]?\s*(?:未完成原因|偏差原因|原因)(?:为|是)?[::]")


def unmet_section_citation(report: Report) -> tuple[tuple[int, int], str] | None:
    """((start, end) of the unmet-targets section, an answer listing its items) or None."""
    for section in report.sections:
        if not _SECTION_TITLE.search(section.title):
            continue
        end = section.end
        while end > section.start and report.text[end - 1].isspace():
            end -= 1
        items = list_unmet_items(report.text[section.start : end])
        if items:
            # No counts or item numbers of our own: every number in an answer must be quoted.
            lines = [f"—{item}" for item in items]
            return (section.start, end), "报告列出的未完成绩效指标:\n" + "\n".join(lines)
    return None


def list_unmet_items(section_text: str) -> list[str]:
    """Each missed indicator line as 'indicator(target),actual; 原因: reason'."""
    items = []
    for line in section_text.split("\n"):
        if not (_ITEM_START.match(line) or _REASON.search(line)):
            continue
        body = _ITEM_START.sub("", line).strip()
        parts = _REASON.split(body, maxsplit=1)
        what = re.sub(r"[;,。 ]+$", "", parts[0])
        if not what:
            continue
        reason = parts[1].split("。")[0].strip() if len(parts) > 1 else ""
        items.append(f"{what};原因:{reason}。" if reason else f"{what}。")
    return items
