"""Per-page OCR progress, for the CLI's progress bar and an upload job's status.

OCR takes seconds a page, deep inside a loader that only receives a path. Rather than thread a
callback through every loader and pipeline signature, the caller that shows progress (the CLI,
the job worker) installs a listener for the duration of its ingest call; the listener lives in a
context variable, so a worker thread's listener never hears another thread's pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class OcrProgress:
    """`done` of `total` pages of `path` that need OCR have been read."""

    path: Path
    done: int
    total: int


Listener = Callable[[OcrProgress], None]
_listener: ContextVar[Listener | None] = ContextVar("ocr_progress", default=None)


@contextmanager
def on_ocr_page(listener: Listener) -> Iterator[None]:
    """Call `listener` after each page OCR reads within the `with` block (this thread only)."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


def report_page(path: Path, done: int, total: int) -> None:
    """Tell the installed listener, if any, that a page was read."""
    listener = _listener.get()
    if listener is not None:
        listener(OcrProgress(path, done, total))
