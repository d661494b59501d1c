"""What the review states: an `Issue` of one family and severity, citing each phrase or figure it
rests on by page and exact quote (`report.text[start:end]`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from ingest.models import Evidence
from ingest.positions import Locator

Family = Literal["structure", "text", "years", "wording", "identity", "text_table", "arithmetic"]
Severity = Literal["确定", "疑似", "提示"]

FAMILY_NAMES: dict[str, str] = {
    "structure": "结构完整",
    "text": "占位符与文字",
    "years": "年份与日期",
    "wording": "表述与数字",
    "identity": "表内勾稽与表间核对",
    "text_table": "文字与表格",
    "arithmetic": "计算核对",
}
SEVERITY_ORDER: dict[str, int] = {"确定": 0, "疑似": 1, "提示": 2}


class Issue(BaseModel):
    """One review finding (审核意见): what is wrong, how sure, and the quotes it rests on."""

    family: Family
    rule: str = Field(description="the rule that raised it, e.g. 'doubled_punctuation'")
    severity: Severity = Field(description="确定 (certain), 疑似 (suspected) or 提示 (note)")
    message: str = Field(description="one Chinese sentence a reviewer can read")
    evidence: list[Evidence] = Field(description="every phrase or figure it rests on, quoted")

    @property
    def first_offset(self) -> int:
        return min((e.position.start for e in self.evidence), default=0)


def quote(
    text: str, locator: Locator, role: str, start: int, end: int, value: float | None = None
) -> Evidence:
    """The span [start, end) of the stored text cited as `role`, trimmed of white space."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Evidence(
        role=role, quote=text[start:end], value=value, position=locator.position(start, end)
    )


def sort_issues(issues: list[Issue]) -> list[Issue]:
    """Most severe first, then in the order of the report."""
    return sorted(issues, key=lambda i: (SEVERITY_ORDER[i.severity], i.first_offset))
