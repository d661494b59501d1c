"""Loaders: one module per file format, all returning a `LoadedDocument`.

`load_document` is the one entry point: it picks the loader by extension, and turns every way a
file can fail into an `IngestError` that names the file (never a parser's traceback).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingest.errors import (
    CorruptDocumentError,
    EmptyDocumentError,
    EncryptedDocumentError,
    IngestError,
    UnsupportedFormatError,
)
from ingest.loaders.base import Block, LoadedDocument, Page, TableBlock, TextBlock
from ingest.loaders.docx import load_docx
from ingest.loaders.html import load_html
from ingest.loaders.image import load_image
from ingest.loaders.legacy import load_doc, load_et, load_legacy_xls, load_wps
from ingest.loaders.pdf import OCR_DETAIL, load_pdf
from ingest.loaders.text import load_text
from ingest.loaders.xlsx import load_xlsx

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "Block",
    "LoadedDocument",
    "Page",
    "TableBlock",
    "TextBlock",
    "load_document",
]

Loader = Callable[[Path], LoadedDocument]

_LOADERS: dict[str, Loader] = {
    ".txt": load_text,
    ".md": load_text,
    ".markdown": load_text,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".xlsx": load_xlsx,
    ".xls": load_legacy_xls,
    # converted by LibreOffice (ingest.loaders.legacy)
    ".doc": load_doc,
    ".wps": load_wps,
    ".et": load_et,
    # read by OCR (ingest.ocr)
    ".png": load_image,
    ".jpg": load_image,
    ".jpeg": load_image,
    ".tif": load_image,
    ".tiff": load_image,
}
SUPPORTED_EXTENSIONS: frozenset[str] = frozenset(_LOADERS)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: .xls, .doc, encrypted OOXML
_ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_DETAIL_LIMIT = 200


def load_document(path: Path) -> LoadedDocument:
    """Read one report file into pages of text and table blocks.

    Raises UnsupportedFormatError, EmptyDocumentError, EncryptedDocumentError or
    CorruptDocumentError (all IngestError), each naming the file.
    """
    path = Path(path)
    loader = _LOADERS.get(path.suffix.lower())
    if loader is None:
        supported = ", ".join(sorted(SUPPORTED_EXTENSIONS))
        raise UnsupportedFormatError(path, f"{path.suffix or 'no extension'}; reads {supported}")
    try:
        head = _read_head(path)
    except OSError as exc:
        raise IngestError(path, exc.strerror or type(exc).__name__) from exc
    if not head:
        raise EmptyDocumentError(path, "the file is empty (0 bytes)")
    loader = _check_container(path, head, loader)
    try:
        document = loader(path)
    except IngestError:
        raise
    except Exception as exc:  # any parser failure is the file's fault, reported in one line
        raise CorruptDocumentError(path, _short_reason(exc)) from exc
    if not _has_text(document):
        detail = OCR_DETAIL if document.format == "pdf" else "no text in the file"
        raise EmptyDocumentError(path, detail)
    return document


def _read_head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(1 << 16)


def _check_container(path: Path, head: bytes, loader: Loader) -> Loader:
    """Catch what the extension hides: encrypted Office files, renamed or HTML 'spreadsheets'."""
    if loader in (load_docx, load_xlsx) and head.startswith(_OLE_MAGIC):
        if _ENCRYPTED_PACKAGE in head or _ENCRYPTED_PACKAGE in path.read_bytes():
            raise EncryptedDocumentError(path, "the Office file is password-protected")
        raise CorruptDocumentError(path, "a legacy binary Office file; save it as .docx/.xlsx")
    if loader is load_legacy_xls:
        if head.startswith(_ZIP_MAGIC):
            return load_xlsx  # an .xlsx saved with the old extension
        if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            return load_html  # web sites often publish an HTML table as .xls
    return loader


def _short_reason(exc: Exception) -> str:
    message = str(exc).strip().splitlines()
    reason = f"{type(exc).__name__}: {message[0]}" if message else type(exc).__name__
    return reason if len(reason) <= _DETAIL_LIMIT else reason[: _DETAIL_LIMIT - 1] + "…"


def _has_text(document: LoadedDocument) -> bool:
    return any(_block_has_text(block) for page in document.pages for block in page.blocks)


def _block_has_text(block: Block) -> bool:
    if isinstance(block, TextBlock):
        return bool(block.text.strip())
    return any(cell.strip() for row in block.rows for cell in row) or bool(block.title)
