"""Domain records of reportqa, defined once here at the bottom layer.

Offsets (`start`, `end`) always index the stored, normalised report text (`Report.text`), so that
`report.text[chunk.start:chunk.end] == chunk.text` for every chunk, and any quote can be
verified as an exact substring.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

SECTION_SEPARATOR = " > "


class OcrSpan(BaseModel):
    """A line or table cell of the stored text that OCR (文字识别) read, with its confidence."""

    start: int
    end: int
    confidence: float = Field(description="the recogniser's score for the line, 0–1")


class PageSpan(BaseModel):
    """Where one PDF page (页) or spreadsheet sheet lies in the stored text."""

    number: int | None = Field(description="1-based page number (PDF, image); None for others")
    name: str | None = Field(default=None, description="sheet name (XLSX/XLS)")
    start: int = Field(description="offset of the page's first character in the stored text")
    end: int = Field(description="offset just past the page's last character")
    ocr: list[OcrSpan] | None = Field(
        default=None, description="the page's lines as OCR read them; None: read from a text layer"
    )


class TableRowSpan(BaseModel):
    """One table row (表格行) in the stored text, with the header that gives its cells meaning."""

    start: int
    end: int
    cells: list[str] = Field(description="the row's cells, merged cells filled")
    header: list[str] = Field(description="the table's header cells (表头), joined level by level")
    is_header: bool = Field(default=False, description="True for the header row itself")


class TableSpan(BaseModel):
    """A table (表) found in the stored text."""

    start: int
    end: int
    title: str | None = None
    rows: list[TableRowSpan]


class NormalizedDocument(BaseModel):
    """A loaded file after normalisation: the stored text, and where pages and tables lie."""

    text: str
    pages: list[PageSpan]
    tables: list[TableSpan] = Field(default_factory=list)


class Section(BaseModel):
    """A section (章节) opened by a Chinese heading such as 一、 / (一) / 1. / (1) / 第一部分."""

    title: str = Field(description="the heading line as stored, e.g. '(二)绩效目标未完成原因分析'")
    level: int = Field(description="nesting depth, 1 for the outermost heading kind seen")
    path: list[str] = Field(description="titles from the outermost section down to this one")
    start: int = Field(description="offset of the heading line")
    end: int = Field(
        description="offset where the next section of the same or a higher level begins"
    )

    @property
    def path_text(self) -> str:
        return SECTION_SEPARATOR.join(self.path)


ChunkKind = Literal["text", "table_row"]


class Chunk(BaseModel):
    """A retrievable passage (段落/表格行) of one report, an exact span of its stored text."""

    id: str = Field(description="'{report_id}:{ordinal}'")
    report_id: str
    ordinal: int = Field(description="position of the chunk in the report, from 0")
    kind: ChunkKind
    text: str = Field(description="exactly report.text[start:end]")
    start: int
    end: int
    section_path: list[str] = Field(default_factory=list)
    page: int | None = Field(default=None, description="1-based PDF page of the chunk's start")
    header: str | None = Field(
        default=None, description="for table rows: the table header, for embedding and display"
    )
    ocr_confidence: float | None = Field(
        default=None,
        description="read by OCR: the lowest confidence of its lines (0–1); None: a text layer",
    )

    @property
    def section_text(self) -> str:
        return SECTION_SEPARATOR.join(self.section_path)

    @property
    def from_ocr(self) -> bool:
        """True where the chunk's page had no text layer and was read by OCR."""
        return self.ocr_confidence is not None

    @property
    def embedding_text(self) -> str:
        """What the embedder reads: the section path and table header give the span its context."""
        parts = [self.section_text] if self.section_path else []
        if self.header:
            parts.append(self.header)
        parts.append(self.text)
        return "\n".join(parts)


class Report(BaseModel):
    """One ingested report (报告): identity, provenance and its stored normalised text."""

    id: str = Field(description="hash of the file's bytes: the same file always has the same id")
    title: str
    source_path: str = Field(description="path of the file it was ingested from, as given")
    file_name: str
    format: str
    publisher: str | None = Field(default=None, description="发布机构 / 部门, when stated")
    year: int | None = Field(default=None, description="the budget year the report is about")
    project: str | None = Field(
        default=None, description="项目名称: the one project a 项目支出 form is about, when stated"
    )
    page_count: int = 0
    chunk_count: int = 0
    char_count: int = 0
    ingested_at: str = Field(default="", description="ISO-8601 UTC time of ingest")
    text: str = Field(default="", repr=False, description="the stored, normalised report text")
    pages: list[PageSpan] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    tables: list[TableSpan] = Field(
        default_factory=list, description="every table found, with its rows and headers"
    )


class Position(BaseModel):
    """Where a record lies in its report's stored text, so that it can be quoted and checked."""

    report_id: str
    start: int
    end: int
    page: int | None = None
    section_path: list[str] = Field(default_factory=list)


Comparison = Literal[">=", "<=", ">", "<", "=", "range"]


class Figure(BaseModel):
    """A number stated in a report (数字/金额/比例), with its unit and what it measures."""

    value: float = Field(description="the number as written, e.g. 12.85 for '12.85万元'")
    unit: str | None = Field(description="元/万元/亿元/%/个/人/件/…, None when none is stated")
    normalized: float = Field(
        description="amounts in 元, percentages in percentage points, counts as they are"
    )
    kind: Literal["amount", "percent", "count", "number"]
    raw: str = Field(description="exactly report.text[start:end], e.g. '12.85万元'")
    measure: str = Field(description="what it measures, e.g. '三公经费决算支出' or a row | column")
    year: int | None = None
    comparison: Comparison | None = Field(
        default=None, description="for targets: >=, <=, >, <, = or range (不低于, 以上, ≤ …)"
    )
    upper: float | None = Field(default=None, description="upper bound of a range, as written")
    in_table: bool = False
    ocr_confidence: float | None = Field(
        default=None, description="read by OCR: the confidence of its line; None: a text layer"
    )
    uncertain: bool = Field(
        default=False,
        description="read by OCR below ingest.ocr.LOW_CONFIDENCE: a glyph may be misread, so an "
        "answer stating it must say so",
    )
    position: Position


class Indicator(BaseModel):
    """A performance indicator (绩效指标): target, actual, score, met or not, and why."""

    level1: str | None = Field(default=None, description="一级指标, e.g. 产出指标")
    level2: str | None = Field(default=None, description="二级指标, e.g. 数量指标")
    name: str = Field(description="三级指标, the indicator itself")
    comparison: Comparison | None = None
    target_raw: str | None = Field(default=None, description="年度指标值 as written")
    target_value: float | None = None
    target_unit: str | None = None
    actual_raw: str | None = Field(default=None, description="实际完成值 as written")
    actual_value: float | None = None
    actual_unit: str | None = None
    weight: float | None = Field(default=None, description="分值")
    score: float | None = Field(default=None, description="得分")
    status: Literal["met", "unmet", "unknown"]
    reason: str | None = Field(default=None, description="偏差原因 / 未完成原因 as stated")
    reason_position: Position | None = None
    position: Position


class IndicatorCount(BaseModel):
    """A stated count of indicators, e.g. '设定数量指标45条 … 完成43条'."""

    category: str = Field(description="数量/质量/时效/成本/效益/满意度, or 合计 for all")
    set_count: int | None = None
    met_count: int | None = None
    unmet_count: int | None = None
    position: Position


FindingStatus = Literal["agrees", "rounding", "inconsistent"]
CheckKind = Literal["table_sum", "prose_sum", "ratio", "repeated", "unmet_count", "share_sum"]


class Evidence(BaseModel):
    """One figure a finding uses, quoted from the report."""

    role: str = Field(description="e.g. 合计 / 分项 / 所述比例 / 分子 / 分母 / 第一处 / 第二处")
    quote: str = Field(description="exactly report.text[start:end]")
    value: float | None = None
    position: Position


class Finding(BaseModel):
    """A cross-check (交叉核对) of the report's own figures, citing every figure it uses."""

    check: CheckKind
    status: FindingStatus
    subject: str = Field(description="what was checked, e.g. '表2 实际到位资金 合计'")
    stated: float | None = Field(default=None, description="the figure the report states")
    computed: float | None = Field(default=None, description="what its parts give")
    difference: float | None = None
    unit: str | None = None
    message: str = Field(description="one Chinese sentence an evaluator can read")
    evidence: list[Evidence]
