"""Question understanding: which report, what kind of question, which figure is wanted.

Pure functions over the question text and the stored reports' metadata; no model needed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ingest.models import Report
from service.answering.answer import QuestionKind

Wanted = Literal["percent", "amount", "count", "any"]

_CROSSCHECK = re.compile(
    r"一致|对吗|对不对|对了吗|写对|算对|算得对|准确吗|正确吗|有误|有没有错|加起来|相符|吻合|核对|前后|对得上"
)
_UNMET = re.compile(r"(没有|没|未)(完成|达到|达成|实现)|目标值和实际值|未完成")
_REASON = re.compile(r"为什么|为何|原因|怎么回事|什么问题|哪些问题")
_FIGURE = re.compile(r"多少|几|是什么|比例|比重|占比|率|金额|数额")
_PERCENT = re.compile(r"率|比例|比重|占比|百分|进度|增长了|下降了|多少%|满意度")
_COUNT = re.compile(
    r"几|多少(人|件|条|辆|个|项|家|次|名|户)|多少[\u4e00-\u9fff]{0,3}(车|设备)|人数|数量"
)
_AMOUNT = re.compile(r"预算|支出|收入|资金|经费|金额|费用|拨款|总计|合计|花了|多少钱|决算")
# An organisation the question names: a place or body name ending in a body suffix.
_ORG = re.compile(
    r"([\u4e00-\u9fff]{2,14}?(?:局|厅|委员会|工作部|宣传部|组织部|办公室|政府|法院|检察院|中心))"
    # 政府 in 政府采购 / 政府性基金 / 政府购买服务 names a kind of spending, not a body
    r"(?!采购|性|购买|投资|债务|会计|信息|补助|预算|资金)"
)
_DIGITS = re.compile(r"\d+年?度?")
_MIN_OVERLAP = 3  # characters of a publisher's name the question must share to pick its report


@dataclass(frozen=True)
class Understanding:
    """What a question asks, as far as rules can tell."""

    kind: QuestionKind
    wanted: Wanted
    report_id: str | None
    foreign_org: str | None  # an organisation named in the question that no report is about
    multi_part: bool  # asks for two or more facts ("各是多少", "分别", two question marks)


def understand_question(question: str, reports: Sequence[Report]) -> Understanding:
    """Classify the question and find the report it is about."""
    report_id = detect_report(question, reports)
    return Understanding(
        kind=classify_question(question),
        wanted=wanted_figure(question),
        report_id=report_id,
        foreign_org=foreign_organisation(question, reports),
        multi_part=bool(re.search(r"各|分别|和.*(各|分别)|[??].+[??]", question))
        or len(re.findall(r"多少|几", question)) >= 2,
    )


def classify_question(question: str) -> QuestionKind:
    """The kind of question; a figure question that also asks why stays a figure question."""
    if _CROSSCHECK.search(question):
        return "crosscheck"
    if _UNMET.search(question):
        return "unmet"
    if _REASON.search(question) and not re.search(r"多少|几", question):
        return "reason"
    return "figure" if _FIGURE.search(question) else "list"


def wanted_figure(question: str) -> Wanted:
    """The kind of number the question asks for."""
    if _PERCENT.search(question):
        return "percent"
    if _COUNT.search(question):
        return "count"
    if _AMOUNT.search(question):
        return "amount"
    return "any"


def detect_report(question: str, reports: Sequence[Report]) -> str | None:
    """The report whose publisher (or title) the question names most specifically, if unique."""
    best: list[tuple[int, str]] = []
    plain_question = _DIGITS.sub("", question)
    for report in reports:
        # Only the name counts: years and digits match any report of the same year.
        name = _DIGITS.sub("", report.publisher or report.title)
        best.append((_longest_common_substring(plain_question, name), report.id))
    best.sort(reverse=True)
    if not best or best[0][0] < _MIN_OVERLAP:
        return None
    if len(best) > 1 and best[1][0] == best[0][0]:
        return None  # ambiguous ("司法局" names two reports): search them all
    return best[0][1]


def foreign_organisation(question: str, reports: Sequence[Report]) -> str | None:
    """An organisation named in the question whose kind of body no report is about."""
    names = [r.publisher or r.title for r in reports]
    for match in _ORG.finditer(_DIGITS.sub(" ", question)):
        org = match.group(1)
        suffix = org[-3:]
        if not any(suffix in name for name in names) and not any(
            _longest_common_substring(org, name) >= len(org) - 1 for name in names
        ):
            return org
    return None


def _longest_common_substring(a: str, b: str) -> int:
    """Length of the longest common substring (short strings: the quadratic DP is fine)."""
    best = 0
    previous = [0] * (len(b) + 1)
    for char_a in a:
        current = [0] * (len(b) + 1)
        for j, char_b in enumerate(b, start=1):
            if char_a == char_b:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best
