"""Domain records of reportqa, defined once here at the bottom layer.

Offsets (`start`, `end`) always index the stored, normalised report text (`Report.text`), so that
`report.text[chunk.start:chunk.end] == chunk.text` for every chunk, and any quote can be
verified as an exact substring.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

SECTION_SEPARATOR = " > "


class PageSpan(BaseModel):
    """Where one PDF page (页) or spreadsheet sheet lies in the stored text."""

    number: int | None = Field(description="1-based page number (PDF); None for other formats")
    name: str | None = Field(default=None, description="sheet name (XLSX/XLS)")
    start: int = Field(description="offset of the page's first character in the stored text")
    end: int = Field(description="offset just past the page's last character")


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

    @property
    def section_text(self) -> str:
        return SECTION_SEPARATOR.join(self.section_path)

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
    page_count: int = 0
    chunk_count: int = 0
    char_count: int = 0
    ingested_at: str = Field(default="", description="ISO-8601 UTC time of ingest")
    text: str = Field(default="", repr=False, description="the stored, normalised report text")
    pages: list[PageSpan] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
