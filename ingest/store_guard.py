"""One store folder, several processes: a lock on the folder and a generation marker in it.

Chroma's embedded client keeps the folder's vector index in memory, per process: a report another
process adds or deletes stays invisible to it, and reading the changed rows fails ("Error finding
id"), until the client is opened again. So a writer takes the folder's lock exclusively and, when
done, writes a new generation into the marker file; a reader takes the lock shared, so it never
sees another process's write half done, and first compares the marker with the generation its
client was opened at, opening the client again when they differ.

The lock is `flock(2)` on a file in the folder: the kernel drops it when its process dies, so a
kill -9 in the middle of an ingest never leaves the folder locked. Within a process, threads
each take it on their own descriptor; a thread that holds it already goes straight on (so a
write may read), which also means one thread must not use two stores on one folder at once.
"""

from __future__ import annotations

import fcntl
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = "write.lock"
MARKER_FILE = "generation"


class FolderGuard:
    """The lock and generation marker of one store folder (both reentrant within a thread)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._held = threading.local()  # the lock mode this thread holds: None, "sh" or "ex"

    def generation(self) -> str:
        """The marker's current value ("" before the first write)."""
        try:
            return (self.folder / MARKER_FILE).read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return ""

    def holds(self) -> bool:
        """This thread is inside `locked()` already."""
        return getattr(self._held, "mode", None) is not None

    @contextmanager
    def locked(self, exclusive: bool) -> Iterator[bool]:
        """Hold the folder's lock; yields True for the outermost hold (the caller's turn to
        check the generation), False when this thread already holds it."""
        mode = getattr(self._held, "mode", None)
        if mode is not None:
            if exclusive and mode != "ex":
                raise RuntimeError("a store read cannot turn into a write; take the write first")
            yield False
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            self._held.mode = "ex" if exclusive else "sh"
            try:
                yield True
            finally:
                self._held.mode = None
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    def advance(self) -> str:
        """Write a new generation (the caller holds the lock exclusively); return it."""
        value = uuid.uuid4().hex
        marker = self.folder / MARKER_FILE
        temporary = marker.with_name(MARKER_FILE + ".tmp")
        temporary.write_text(value, encoding="ascii")
        os.replace(temporary, marker)  # readers see the old value or the new one, never half
        return value
