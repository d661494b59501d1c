"""Plain text and Markdown: bytes to one page of one text block.

Chinese reports published on the web arrive as UTF-8 (with or without a BOM) or as GBK/GB18030.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import charset_normalizer

from ingest.errors import CorruptDocumentError
from ingest.loaders.base import LoadedDocument, Page, TextBlock
from ingest.loaders.cells import is_cjk_char

# Share of non-ASCII characters that must be Chinese (ideographs, CJK punctuation, full-width
# forms) before a GB18030 reading is trusted over charset-normalizer's guess.
_CHINESE_SHARE = 0.8

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def load_text(path: Path) -> LoadedDocument:
    """Read a .txt or .md file into a single page holding one text block."""
    text, encoding = decode_text(path.read_bytes(), path)
    fmt = "md" if path.suffix.lower() in {".md", ".markdown"} else "txt"
    page = Page(blocks=[TextBlock(text=text, hard_wrapped=False)] if text.strip() else [])
    return LoadedDocument(path=path, format=fmt, pages=[page], metadata={"encoding": encoding})


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """Decode bytes to text with \\n newlines; return the text and the encoding used."""
    text, encoding = _decode(data, path)
    return normalize_newlines(text.removeprefix("\ufeff")), encoding


def normalize_newlines(text: str) -> str:
    """Turn CRLF and lone CR into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    gb_text = _try_gb18030(data)
    if gb_text is not None:
        return gb_text, "gb18030"
    # Not UTF-8 and not Chinese GB text: let charset-normalizer pick (Big5, Latin-1, ...).
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise CorruptDocumentError(path, "text encoding not recognised")
    return str(best), best.encoding


def _try_gb18030(data: bytes) -> str | None:
    """GB18030 (a superset of GBK and GB2312) if the bytes decode and read as Chinese.

    charset-normalizer alone misreads short GBK text as cp949 or Big5
    (for example "一、部门基本情况" comes back as Korean), so GB18030 is tried first.
    """
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return text if looks_chinese(text) else None


def looks_chinese(text: str) -> bool:
    """True if most non-ASCII characters are Chinese ideographs or CJK punctuation."""
    non_ascii = [ch for ch in text if ord(ch) > 0x7F]
    if not non_ascii:
        return True
    chinese = sum(1 for ch in non_ascii if is_cjk_char(ch))
    return chinese / len(non_ascii) >= _CHINESE_SHARE
