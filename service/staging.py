"""Uploads staged before their ingest: each file is written under a name of its own in
`uploads/.incoming` and moved into its place only once a report is stored from it.

The upload folder holds the files stored reports were read from. Writing an upload straight there
would let a file that then fails its ingest, or a second upload of the same name, take the place
of the file a stored report points at.

Several service processes may share one data folder (`serve --workers`), so each stages into a
folder of its own, held by `flock(2)` on a lock file beside it for as long as the process lives.
What `clear_stale` removes is then only what a process that died left behind: the kernel drops
a dead process's lock, and never a living one's.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import threading
import uuid
from pathlib import Path

STAGING_FOLDER = ".incoming"
_LOCK_SUFFIX = ".lock"


class Staging:
    """This process's staging folder under `upload_dir`, claimed on first use."""

    def __init__(self, upload_dir: Path) -> None:
        self.root = upload_dir / STAGING_FOLDER
        self._folder: Path | None = None
        self._lock_fd: int | None = None
        self._claiming = threading.Lock()

    def new_path(self, name: str) -> Path:
        """A path no other upload uses, on the upload folder's file system (so moving the file
        into its place is one atomic rename), ending in `name` (the loaders go by its suffix)."""
        return self._own_folder() / f"{uuid.uuid4().hex}-{name}"

    def clear_stale(self) -> list[Path]:
        """Remove what dead processes left here (files they were receiving or ingesting), and
        anything else that is no living process's; return what was removed."""
        if not self.root.is_dir():
            return []
        removed: list[Path] = []
        for entry in sorted(self.root.iterdir()):
            if entry in (self._folder, self._lock_path()):
                continue
            if entry.name.endswith(_LOCK_SUFFIX):
                if _take_if_free(entry):
                    removed.append(entry)
            elif entry.is_dir() and not entry.is_symlink():
                if not entry.with_name(entry.name + _LOCK_SUFFIX).exists():
                    shutil.rmtree(entry, ignore_errors=True)
                    removed.append(entry)
            else:
                entry.unlink(missing_ok=True)
                removed.append(entry)
        return removed

    def close(self) -> None:
        """Remove this process's folder and release it (once no file in it is still in use)."""
        with self._claiming:
            if self._folder is None or self._lock_fd is None:
                return
            shutil.rmtree(self._folder, ignore_errors=True)
            self._lock_path_of(self._folder).unlink(missing_ok=True)
            os.close(self._lock_fd)
            self._folder, self._lock_fd = None, None

    def _own_folder(self) -> Path:
        with self._claiming:
            if self._folder is None:
                self._folder, self._lock_fd = self._claim()
            self._folder.mkdir(parents=True, exist_ok=True)
            return self._folder

    def _claim(self) -> tuple[Path, int]:
        self.root.mkdir(parents=True, exist_ok=True)
        while True:
            folder = self.root / uuid.uuid4().hex
            lock = self._lock_path_of(folder)
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
            fcntl.flock(fd, fcntl.LOCK_EX)
            if _is_open_as(fd, lock):
                return folder, fd
            # Another process's clear_stale took the lock file in the moment before it was
            # locked here, and removed it: claim another.
            os.close(fd)

    def _lock_path(self) -> Path | None:
        return self._lock_path_of(self._folder) if self._folder else None

    @staticmethod
    def _lock_path_of(folder: Path) -> Path:
        return folder.with_name(folder.name + _LOCK_SUFFIX)


def _take_if_free(lock: Path) -> bool:
    """Remove a staging folder and its lock file when no living process holds the lock."""
    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        return False  # another process cleaned it meanwhile
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        if not _is_open_as(fd, lock):
            return False
        # Removed while the lock is held, so a process claiming this name sees it gone.
        shutil.rmtree(lock.with_name(lock.name.removesuffix(_LOCK_SUFFIX)), ignore_errors=True)
        lock.unlink()
        return True
    finally:
        os.close(fd)


def _is_open_as(fd: int, path: Path) -> bool:
    """The descriptor is still the file at `path` (no other process removed or replaced it)."""
    try:
        return os.stat(path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False
