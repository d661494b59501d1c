"""The common shape every loader returns: pages of text blocks and table blocks.

Loaders only read; they do not fold widths, join lines or find headings (see `ingest.normalize`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class TextBlock:
    """Running text as the file gives it (one or more lines)."""

    text: str
    # True where the format breaks lines for layout, not for meaning (PDF), so that
    # normalisation may join a line to the next one inside a sentence.
    hard_wrapped: bool = False


@dataclass(frozen=True)
class TableBlock:
    """A table read as rows of cells, header row(s) first, merged cells already filled."""

    rows: list[list[str]]
    header_rows: int = 1
    title: str | None = None
    # For a table continued from the previous page: that table's header rows, which name these
    # rows' cells although this page does not repeat them.
    carried_header: list[list[str]] | None = None


Block = TextBlock | TableBlock


@dataclass(frozen=True)
class OcrLine:
    """A line of running text or a table cell as OCR read it, with the recogniser's confidence."""

    text: str
    confidence: float  # 0–1


@dataclass(frozen=True)
class Page:
    """One page (PDF), sheet (XLSX/XLS) or the whole document (other formats)."""

    blocks: list[Block]
    number: int | None = None  # 1-based PDF page number; None where pages do not exist
    name: str | None = None  # sheet name for spreadsheets
    # Set where the page was read by OCR: its lines and cells in text order, with confidence.
    ocr_lines: list[OcrLine] | None = None


@dataclass(frozen=True)
class LoadedDocument:
    """A file read into pages and blocks, before normalisation."""

    path: Path
    format: str  # "txt", "md", "html", "pdf", "docx", "xlsx", "xls"
    pages: list[Page]
    title: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
