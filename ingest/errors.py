"""Errors raised while ingesting a report.

    IngestError                 base: one file could not be ingested; the message names the reason
    ├── UnsupportedFormatError  the file's extension is not one we read
    ├── EmptyDocumentError      the file holds no text (empty, or an image-only scan)
    ├── CorruptDocumentError    the file could not be parsed as its format
    ├── EncryptedDocumentError  the file is password-protected
    ├── FileTooLargeError       the file, or what its archive expands to, is over the size limit
    └── ContentMismatchError    the bytes are not the format the extension names

Every error carries the path of the file it concerns, so the CLI prints one line per failed file
and the other files of the same run go on.
"""

from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    """One file could not be ingested."""

    reason = "could not be ingested"

    def __init__(self, path: Path | str, detail: str | None = None) -> None:
        self.path = Path(path)
        self.detail = detail
        super().__init__(self.message())

    def message(self, path: Path | None = None) -> str:
        """The one-line message, naming `path` instead when given (the file's name to its
        owner, where it was read from a temporary copy)."""
        detail = f" ({self.detail})" if self.detail else ""
        return f"{path or self.path}: {self.reason}{detail}"


class UnsupportedFormatError(IngestError):
    """The file's extension is not a format reportqa reads."""

    reason = "unsupported format"


class EmptyDocumentError(IngestError):
    """The file holds no extractable text."""

    reason = "no text found"


class CorruptDocumentError(IngestError):
    """The file could not be parsed as the format its extension claims."""

    reason = "corrupt or unreadable file"


class EncryptedDocumentError(IngestError):
    """The file is encrypted or password-protected."""

    reason = "encrypted file"


class FileTooLargeError(IngestError):
    """The file, or what its archive would expand to, is over the size limit."""

    reason = "file too large"


class ContentMismatchError(IngestError):
    """The file's bytes are not the format its extension names (a renamed or disguised file)."""

    reason = "content does not match the extension"
