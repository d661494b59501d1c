"""What a file's bytes are, whatever its name says: checked before any parser sees them.

A name is a claim; the bytes decide. A .pdf must open as a PDF, a .docx or .xlsx must be the zip
package of its kind (and not expand to gigabytes), and text or HTML must be text — not a picture,
an executable, a PDF renamed .txt, or UTF-8 with broken bytes that would otherwise be read as
another encoding's mojibake. Pure functions of the bytes; the caller reads the file.
"""

from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import Path

from ingest.errors import ContentMismatchError, CorruptDocumentError, FileTooLargeError
from ingest.loaders.text import looks_chinese

# Magic numbers of what is commonly mistaken for, or disguised as, a report.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF"),
    (b"PK\x03\x04", "a zip archive (DOCX/XLSX/…)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Office file (DOC/XLS)"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"MZ", "a Windows executable"),
    (b"\x7fELF", "an ELF executable"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"\x1f\x8b", "a gzip archive"),
)
# A PDF may carry junk before its header; readers accept it within the first kilobyte.
_PDF_HEADER_WINDOW = 1024
# Writers put %%EOF last, some followed by a little padding or a signature block.
_PDF_TRAILER_WINDOW = 4096
# The package part every file of the kind has.
_PACKAGE_PART = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}
# Real reports' packages expand 5-20x; a bomb expands thousands of times. Both limits must be
# passed to reject, so a large honest workbook is not refused for compressing well.
_MAX_EXPANSION_RATIO = 100
_MAX_EXPANDED_BYTES = 256 * 2**20
# Share of non-ASCII characters that decode as UTF-8 above which a file is UTF-8 with broken
# bytes rather than GBK (GBK decoded as UTF-8 is nearly all errors).
_UTF8_SHARE = 0.9
_TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm"})


def check_size(path: Path, size: int, limit: int) -> None:
    """Refuse a file over `limit` bytes before reading it."""
    if size > limit:
        raise FileTooLargeError(path, f"{_megabytes(size)} MB; the limit is {_megabytes(limit)} MB")


def check_content(path: Path, data: bytes) -> None:
    """Raise ContentMismatchError (or FileTooLargeError for a zip bomb) when the bytes are not
    what the extension says; empty files and formats not listed here are left to the loaders."""
    if not data:
        return
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        if b"%PDF-" not in data[:_PDF_HEADER_WINDOW]:
            raise ContentMismatchError(path, f"not a PDF: {describe(data)}")
        if b"%%EOF" not in data[-_PDF_TRAILER_WINDOW:]:
            # A parser recovers what pages it can from a cut-off download: a partial report.
            raise CorruptDocumentError(path, "truncated PDF: no end-of-file marker (%%EOF)")
    elif suffix in _PACKAGE_PART:
        _check_package(path, data, suffix)
    elif suffix == ".xls":
        if data.startswith(b"PK\x03\x04"):
            _check_package(path, data, ".xlsx")  # an .xlsx saved under the old extension
    elif suffix in _TEXT_SUFFIXES:
        _check_text(path, data)


def describe(data: bytes) -> str:
    """What the bytes look like, for a message ("PNG image", "binary data", "text")."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return f"the content is {kind}"
    return "binary data" if b"\x00" in data[:4096] else "text"


def _check_package(path: Path, data: bytes, suffix: str) -> None:
    if data.startswith(_MAGIC[2][0]):
        return  # a legacy or encrypted Office file: the loader names which
    if not data.startswith(b"PK\x03\x04"):
        raise ContentMismatchError(path, f"not a {suffix[1:].upper()} package: {describe(data)}")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ContentMismatchError(path, f"a damaged zip package ({exc})") from exc
    names = {m.filename for m in members}
    if _PACKAGE_PART[suffix] not in names:
        raise ContentMismatchError(
            path, f"a zip archive without {_PACKAGE_PART[suffix]}, so not a {suffix[1:].upper()}"
        )
    expanded = sum(m.file_size for m in members)
    if expanded > _MAX_EXPANDED_BYTES and expanded > _MAX_EXPANSION_RATIO * len(data):
        raise FileTooLargeError(
            path,
            f"{_megabytes(len(data))} MB that would expand to {_megabytes(expanded)} MB "
            "(a zip bomb?)",
        )


def _check_text(path: Path, data: bytes) -> None:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return  # UTF-16 with its byte-order mark: the text loader reads it
    kind = describe(data)
    if kind != "text":
        if _looks_utf16_without_bom(data):
            raise ContentMismatchError(
                path, "UTF-16 text without a byte-order mark; save it as UTF-8 or with a BOM"
            )
        raise ContentMismatchError(path, f"not text: {kind}")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if _mostly_utf8(data):
            raise ContentMismatchError(
                path, f"invalid UTF-8 at byte {exc.start}; the file is damaged or mixes encodings"
            ) from exc


def _looks_utf16_without_bom(data: bytes) -> bool:
    sample = data[: 4096 - 4096 % 2] if len(data) >= 4096 else data[: len(data) - len(data) % 2]
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        if text.strip() and looks_chinese(text) and "\x00" not in text:
            return True
    return False


def _mostly_utf8(data: bytes) -> bool:
    decoded = data.decode("utf-8", errors="replace")
    non_ascii = sum(1 for ch in decoded if ord(ch) > 0x7F)
    broken = decoded.count("\ufffd")
    return non_ascii > 0 and (non_ascii - broken) / non_ascii >= _UTF8_SHARE


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.1f}".removesuffix(".0")
