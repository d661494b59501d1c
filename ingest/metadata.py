"""Report metadata read off the text: title (标题), publisher (发布机构) and budget year (年度)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ingest.tables import CELL_BREAK

_TITLE_WORDS = re.compile(r"报告|决算|预算|自评表|绩效|申报表")
# A table's caption line names its body too, often with the unit after it: "编制部门:X 单位:元".
_PUBLISHER_LINE = re.compile(
    r"^[-\s]*(?:发布机构|发文机关|预算主管部门|主管部门|部门名称|单位名称|编制部门|编制单位)\s*[:]"
    r"\s*(\S.{1,40}?)\s*(?:(?:金额)?单位\s*[:].*)?$"
)
# The body named before the year in a title: "红河州司法局2024年度…", "上海市普陀区财政局2024年度…".
_PUBLISHER_IN_TITLE = re.compile(
    r"^(\S{2,40}?(?:局|部|委员会|委|办公室|办|中心|政府|院|所|学校|街道办事处|镇|厅|署|会))"
    r"(?:\d{4}|\))"
)
_BODY_END = re.compile(
    r"(?:局|部|委员会|委|办公室|办|中心|政府|院|所|学校|街道办事处|镇|厅|署|会)$"
)
_YEAR = re.compile(r"(20\d{2})\s*年")
# A form's cells, whichever way it was flattened: pipes, one cell a line, or spaces between them.
_FORM_CELL_BREAK = re.compile(r"\s*\|\s*|\s+")
# The code a budget system puts before a name: "219001-池州市…", "51000021R000000019951-工资性支出".
_CODE_PREFIX = re.compile(r"^[0-9A-Za-z]{3,}[-—]")
_FORM_OPENING = 6000  # characters: a form states its fields in its first rows
_MAX_NAME = 40
_PROJECT_FORM = re.compile(r"项目[^\n|]{0,12}(?:自评表|申报表|目标表)")
_MAX_TITLE = 80


def infer_title(text: str, fallback: str) -> str:
    """The first short line that reads like a report title, else `fallback` (the file name)."""
    lines = [line.strip() for line in text.splitlines()[:60] if line.strip()]
    # a form's title cell keeps its row's pipes: "部门预算项目支出绩效自评表(2023年度) | |||"
    lines = [line.strip(" |") for line in lines]
    for line in lines:
        if len(line) <= _MAX_TITLE and _TITLE_WORDS.search(line) and _YEAR.search(line):
            return line
    for line in lines:
        if len(line) <= _MAX_TITLE and _TITLE_WORDS.search(line) and not CELL_BREAK.search(line):
            return line
    return fallback


def infer_publisher(text: str, title: str) -> str | None:
    """The publishing body: a '发布机构:' line if present, else the body named in the title, else
    the one a form names in its 实施单位 (or like) cell."""
    for line in text.splitlines()[:40]:
        match = _PUBLISHER_LINE.match(line.strip())
        if match:
            return match.group(1)
    match = _PUBLISHER_IN_TITLE.search(title.replace(" ", ""))
    return match.group(1) if match else read_form_fields(text).publisher


@dataclass(frozen=True)
class FormFields:
    """What a form states in its labelled cells: the body, and the one project it is about."""

    publisher: str | None
    project: str | None


@dataclass(frozen=True)
class _FormLabels:
    publisher: tuple[str, ...]
    project: tuple[str, ...]
    remarks: frozenset[str]
    body_tails: tuple[str, ...]


@cache
def _form_labels() -> _FormLabels:
    data = tomllib.loads(resources.files("ingest.data").joinpath("form_fields.toml").read_text())
    return _FormLabels(
        tuple(data["publisher"]),
        tuple(data["project"]),
        frozenset(data["remarks"]),
        tuple(data["body_tails"]),
    )


def read_form_fields(text: str) -> FormFields:
    """The body and project a form names in the cell after their labels. A label beside another
    label heads a column of a list (申报表: 单位名称 | 项目名称 | 预算数 …), not a field; a project
    is the report's only when every 项目名称 cell names the same one."""
    labels = _form_labels()
    known = {*labels.publisher, *labels.project}
    cells = [
        c for c in _FORM_CELL_BREAK.split(text[:_FORM_OPENING]) if c and c not in labels.remarks
    ]
    values: dict[str, list[str]] = {}
    for i, cell in enumerate(cells[:-1]):
        beside = {cells[i - 1] if i else "", cells[i + 1]}
        if cell in known and not beside & known:
            values.setdefault(cell, []).append(_CODE_PREFIX.sub("", cells[i + 1]))
    publisher = next(
        (
            body
            for label in labels.publisher
            for value in values.get(label, [])
            if (body := _body_name(value, labels.body_tails))
        ),
        None,
    )
    projects = {v for label in labels.project for v in values.get(label, []) if _is_name(v)}
    # only a project's own form is about one project: a department's report lists many
    one_project = len(projects) == 1 and bool(_PROJECT_FORM.search(text[:_FORM_OPENING]))
    return FormFields(publisher, projects.pop() if one_project else None)


def _body_name(value: str, tails: tuple[str, ...]) -> str | None:
    for tail in tails:
        trimmed = value.removesuffix(tail)
        if trimmed != value and _BODY_END.search(trimmed):
            value = trimmed
    return value if _is_name(value) and _BODY_END.search(value) else None


def _is_name(value: str) -> bool:
    return 2 <= len(value) <= _MAX_NAME and bool(re.search(r"[\u4e00-\u9fff]{2}", value))


def infer_year(title: str, text: str) -> int | None:
    """The budget year: the first year in the title, else in the opening text."""
    for source in (title, text[:2000]):
        match = _YEAR.search(source)
        if match:
            return int(match.group(1))
    return None
