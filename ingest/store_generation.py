"""A store on a Chroma server, several processes: the generation marker lives in Chroma itself.

On a local folder the marker is a file beside the store (`ingest.store_guard`). Workers that share
a Chroma server share no folder, so the marker is one record in a small collection of the same
server: every write advances it, and a reader compares it with the generation its cached view was
read at. Reading it costs one round trip, so a process reads it at most once per `poll_seconds`:
another worker's write shows here within that time, and a burst of requests does not turn into a
burst of marker reads.

A server orders its clients' writes itself, so there is no lock here, only the marker.
"""

from __future__ import annotations

import threading
import time
import uuid

import chromadb
import numpy as np

_MARKER_ID = "generation"
_MARKER_VECTOR = np.ones((1, 1), dtype=np.float32)  # looked up by id, never by similarity
POLL_SECONDS = 1.0


class ServerGeneration:
    """The generation marker of one store on a Chroma server, read at most every `poll_seconds`."""

    def __init__(
        self, client: chromadb.api.ClientAPI, suffix: str, poll_seconds: float = POLL_SECONDS
    ) -> None:
        self._collection = client.get_or_create_collection(
            f"generation-{suffix}", embedding_function=None
        )
        self._poll_seconds = poll_seconds
        self._lock = threading.Lock()
        self._value = ""
        self._read_at = -float("inf")

    def generation(self) -> str:
        """The marker as last read ("" before the first write), read again when over
        `poll_seconds` old."""
        with self._lock:
            if time.monotonic() - self._read_at < self._poll_seconds:
                return self._value
        read_at = time.monotonic()  # taken before the read: a write after it is seen next time
        got = self._collection.get(ids=[_MARKER_ID], include=["metadatas"])
        metadatas = got["metadatas"] or []
        value = str(metadatas[0]["value"]) if metadatas else ""
        with self._lock:
            self._value, self._read_at = value, read_at
        return value

    def advance(self) -> str:
        """Write a new generation (after a write to the store); return it."""
        value = uuid.uuid4().hex
        self._collection.upsert(
            ids=[_MARKER_ID], metadatas=[{"value": value}], embeddings=_MARKER_VECTOR
        )
        with self._lock:
            self._value, self._read_at = value, time.monotonic()
        return value
