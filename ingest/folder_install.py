"""Writing a cached folder (a built model, its ONNX export) so that it is never seen half done.

Files are written into a temporary folder beside the target and renamed into place only when
complete; an existing folder at the target is moved aside first; a concurrent writer that wins
the rename is accepted when `is_complete` says its folder is finished.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


def install_folder(
    target: Path, write: Callable[[Path], None], is_complete: Callable[[Path], bool]
) -> Path:
    """`write` the folder's files into a staging folder, then rename it to `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    try:
        write(staging)
        if target.exists():  # stale or broken: move it out of the way first
            trash = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.replace(target, trash / "old")
            shutil.rmtree(trash, ignore_errors=True)
        try:
            os.rename(staging, target)
        except OSError:
            if not is_complete(target):  # a concurrent writer finished first: use it
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
