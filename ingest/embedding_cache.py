"""Passage vectors (向量) kept on disk by content hash, so a text is embedded once per model.

Reports share much boilerplate (名词解释, 主要职能, standard table rows), and a re-ingest into a new
store sees every text again. The key is sha256 of the model identity, backend, prompt and text, so
another model or backend never reads these vectors.

The cache is one SQLite file: each write is a transaction, so a process killed mid-write leaves
the last committed state (SQLite rolls the hot journal back on the next open). A row that does not
decode to a finite unit vector of the expected size is a miss and is written again; a file that is
not a database is moved aside and started afresh. The cache is an optimisation: when it cannot be
used at all, embedding goes on without it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

CACHE_FILE = "embeddings.sqlite3"
_VERSION = 1  # bump when the key or the stored layout changes
_SCHEMA = "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)"
log = logging.getLogger(__name__)


def cache_key(identity: str, prompt: str | None, text: str) -> str:
    """sha256 over (cache version, model identity + backend, prompt, text)."""
    payload = json.dumps([_VERSION, identity, prompt or "", text], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Vectors by key in one SQLite file; counts hits and misses for the benchmarks."""

    def __init__(self, path: Path, dimension: int) -> None:
        self.path = Path(path)
        self.dimension = dimension
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()  # one connection, shared by the threads of this process
        self._db: sqlite3.Connection | None = self._open()

    def get_many(self, keys: Sequence[str]) -> dict[str, npt.NDArray[np.float32]]:
        """The usable vectors among `keys`; a broken row is left out (so recomputed)."""
        rows = self._run(lambda db: _select(db, keys))
        found: dict[str, npt.NDArray[np.float32]] = {}
        for key, blob in rows if isinstance(rows, list) else []:
            vector = self._decode(blob)
            if vector is not None:
                found[key] = vector
        return found

    def put_many(self, items: Sequence[tuple[str, npt.NDArray[np.float32]]]) -> None:
        """Store vectors in one transaction (replacing broken rows with the same key)."""
        rows = [(key, np.asarray(v, dtype="<f4").tobytes()) for key, v in items]
        self._run(lambda db: db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows))

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def _decode(self, blob: object) -> npt.NDArray[np.float32] | None:
        if not isinstance(blob, bytes) or len(blob) != 4 * self.dimension:
            return None
        vector = np.frombuffer(blob, dtype="<f4").astype(np.float32)
        if not np.all(np.isfinite(vector)) or abs(float(vector @ vector) - 1.0) > 1e-3:
            return None
        return vector

    def _open(self) -> sqlite3.Connection | None:
        for attempt in range(2):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
                with db:
                    db.execute(_SCHEMA)
                db.execute("SELECT count(*) FROM vectors LIMIT 1").fetchone()
                return db
            except sqlite3.DatabaseError as exc:  # not a database, or a damaged one
                if attempt == 0:
                    log.warning(
                        "embedding cache %s is unreadable (%s); starting afresh", self.path, exc
                    )
                    _move_aside(self.path)
            except OSError as exc:
                log.warning("cannot open the embedding cache %s (%s); not caching", self.path, exc)
                return None
        log.warning("cannot open the embedding cache %s; not caching", self.path)
        return None

    def _run(self, operation: Callable[[sqlite3.Connection], object]) -> object:
        """Run one operation in a transaction; a failing cache is switched off, never fatal."""
        with self._lock:
            if self._db is None:
                return None
            try:
                with self._db:
                    return operation(self._db)
            except sqlite3.Error as exc:
                log.warning("embedding cache %s failed (%s); not caching", self.path, exc)
                self._db.close()
                self._db = None
                return None


def embed_with_cache(
    texts: Sequence[str],
    encode: Callable[[list[str]], npt.NDArray[np.float32]],
    dimension: int,
    cache: EmbeddingCache | None,
    identity: str,
    prompt: str | None,
) -> npt.NDArray[np.float32]:
    """Vectors for `texts`: each distinct text encoded once, and only when not cached."""
    keys = [cache_key(identity, prompt, text) for text in texts]
    known = cache.get_many(sorted(set(keys))) if cache is not None else {}
    todo: dict[str, str] = {}  # key -> text, each distinct missing text once
    for key, text in zip(keys, texts, strict=True):
        if key not in known:
            todo.setdefault(key, text)
    if todo:
        fresh = encode(list(todo.values()))
        computed = dict(zip(todo, fresh, strict=True))
        if cache is not None:
            cache.put_many(list(computed.items()))
        known = known | computed
    if cache is not None:
        cache.hits += len(texts) - len(todo)
        cache.misses += len(todo)
    result = np.empty((len(texts), dimension), dtype=np.float32)
    for row, key in enumerate(keys):
        result[row] = known[key]
    return result


def _select(db: sqlite3.Connection, keys: Sequence[str]) -> list[tuple[str, object]]:
    rows: list[tuple[str, object]] = []
    for start in range(0, len(keys), 500):  # under SQLite's bound-parameter limit
        part = list(keys[start : start + 500])
        marks = ",".join("?" * len(part))
        rows += db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", part)
    return rows


def _move_aside(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.replace(f"{path}{suffix}", f"{path}{suffix}.corrupt")
