"""The report store: the only module that knows how records map onto Chroma.

Two collections share one identity hash (embedding model + chunking settings):
- `chunks-<hash>`: one entry per chunk, with its embedding and flat metadata;
- `reports-<hash>`: one entry per report, its stored text as the document and its record as JSON.

The report entry is written last and is the commit mark of an ingest: chunks without a report entry
are leftovers of an interrupted ingest, removed on the next write and never returned by reads.

On a local folder, several processes may share the store (a running service and a CLI ingest):
writes hold the folder's lock and advance its generation, reads hold it shared and reopen the
client when the generation moved (see `ingest.store_guard`). On a Chroma server the generation is a
record in the server (`ingest.store_generation`). Either way the list of report ids, which every
read checks, is read again only when the generation moved.

A server that cannot be reached raises `StoreUnreachable`, within `_CHROMA_TIMEOUT`, never a hang.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import chromadb
import httpx
import numpy as np
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.config import Settings as ChromaSettings

from ingest.config import IngestSettings
from ingest.models import Chunk, Report
from ingest.store_generation import ServerGeneration
from ingest.store_guard import FolderGuard

_BATCH = 512  # below Chroma's max batch size on every backend we use
_REPORT_VECTOR = np.ones(
    (1, 1), dtype=np.float32
)  # reports are looked up by id, never by similarity
# Chroma's HTTP client waits forever by default: a stopped server would hang every request.
_CHROMA_TIMEOUT = httpx.Timeout(30.0, connect=3.0)


_P = ParamSpec("_P")
_R = TypeVar("_R")


class StoreError(Exception):
    """The store could not be opened or written."""


class StoreUnreachable(StoreError):
    """The Chroma server cannot be reached (down, restarting, or not answering in time)."""


class SearchHit(Chunk):
    """A chunk returned by a vector search, with its cosine similarity."""

    score: float


def open_client(settings: IngestSettings) -> chromadb.api.ClientAPI:
    """A Chroma client: a server when configured, else a local folder (embedded)."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_host:
        try:
            client = chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
        except (httpx.TransportError, ValueError) as exc:  # Chroma's word for refused: ValueError
            raise _unreachable(settings, exc) from exc
        # No setting for it: the client's own session is the only place a timeout can go.
        session = getattr(getattr(client, "_server", None), "_session", None)
        if isinstance(session, httpx.Client):
            session.timeout = _CHROMA_TIMEOUT
        return client
    settings.store_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.store_dir), settings=chroma_settings)


def _unreachable(settings: IngestSettings, exc: Exception) -> StoreUnreachable:
    where = f"{settings.chroma_host}:{settings.chroma_port}"
    return StoreUnreachable(f"the Chroma server at {where} cannot be reached: {exc}")


# Chroma's cache of systems is not locked: two threads making clients at once (one dropping the
# cached system as the other is being handed it) break each other.
_CLIENTS = threading.Lock()


def _fresh_client(settings: IngestSettings) -> chromadb.api.ClientAPI:
    """A client on a new Chroma system: the one Chroma keeps per folder and process holds the
    vector index as it was when opened, blind to other processes' writes."""
    with _CLIENTS:
        # Dropped from the cache, not stopped: a request still reading through it finishes first.
        SharedSystemClient._identifier_to_system.pop(str(settings.store_dir), None)
        SharedSystemClient._identifier_to_refcount.pop(str(settings.store_dir), None)
        return open_client(settings)


def _reading(
    method: Callable[Concatenate[ReportStore, _P], _R],
) -> Callable[Concatenate[ReportStore, _P], _R]:
    """Run a read under the folder's shared lock, on a client that has seen every write."""

    @functools.wraps(method)
    def read(self: ReportStore, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with self._locked(exclusive=False):
            return method(self, *args, **kwargs)

    return read


class ReportStore:
    """Reports and their chunks, read and written as whole reports."""

    def __init__(
        self,
        client: chromadb.api.ClientAPI,
        collection_name: str,
        settings: IngestSettings | None = None,
    ) -> None:
        self._suffix = collection_name.removeprefix("chunks-")
        self._server = settings.chroma_host if settings is not None else None
        # Only a local folder is guarded: a Chroma server orders its clients' writes itself.
        self._settings = settings if settings is not None and not settings.chroma_host else None
        self._guard = FolderGuard(self._settings.store_dir) if self._settings else None
        self._swap = threading.Lock()
        self._generation = self._guard.generation() if self._guard else ""
        # The report ids as read at a generation; None: read them again.
        self._ids: tuple[str, list[str]] | None = None
        self._writes = threading.local()
        self._use(client)
        self._marker = ServerGeneration(client, self._suffix) if self._server else None

    def _use(self, client: chromadb.api.ClientAPI) -> None:
        self._client = client
        self._chunks = client.get_or_create_collection(
            f"chunks-{self._suffix}", metadata={"hnsw:space": "cosine"}, embedding_function=None
        )
        self._reports = client.get_or_create_collection(
            f"reports-{self._suffix}", embedding_function=None
        )

    @classmethod
    def open(cls, settings: IngestSettings) -> ReportStore:
        # A fresh client on a folder: one Chroma cached in this process may predate the marker.
        client = open_client(settings) if settings.chroma_host else _fresh_client(settings)
        try:
            return cls(client, settings.collection_name, settings)
        except httpx.TransportError as exc:
            raise _unreachable(settings, exc) from exc

    @contextmanager
    def _locked(self, exclusive: bool) -> Iterator[None]:
        try:
            if self._guard is not None and self._settings is not None:
                with self._guard.locked(exclusive) as outermost:
                    if outermost:
                        self._catch_up(self._guard, self._settings)
                    if outermost and exclusive:
                        # Moved before the write too: a writer killed half way leaves a marker
                        # that no reader's cached view was read at.
                        self._generation = self._guard.advance()
                    try:
                        with self._counting(exclusive):
                            yield
                    finally:  # a failed write too: it may have changed something
                        if outermost and exclusive:
                            self._generation = self._guard.advance()
            else:
                with self._counting(exclusive) as outermost:
                    try:
                        yield
                    finally:
                        if outermost and exclusive and self._marker is not None:
                            self._marker.advance()
        except httpx.TransportError as exc:
            where = f"the Chroma server {self._server}"
            raise StoreUnreachable(f"{where} cannot be reached: {exc}") from exc

    @contextmanager
    def _counting(self, exclusive: bool) -> Iterator[bool]:
        """Count this thread's writes in progress (its reads of the report ids skip the cache);
        yields True for the outermost write."""
        if not exclusive:
            yield False
            return
        depth = getattr(self._writes, "depth", 0)
        self._writes.depth = depth + 1
        try:
            yield depth == 0
        finally:
            self._writes.depth = depth
            self._ids = None  # also after a failed write: it may have changed something

    def _catch_up(self, guard: FolderGuard, settings: IngestSettings) -> None:
        current = guard.generation()
        if current == self._generation:
            return
        with self._swap:
            if current != self._generation:
                self._use(_fresh_client(settings))
                self._generation = current

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Hold the store for several reads that must agree (no write lands in between)."""
        with self._locked(exclusive=False):
            yield

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the store for several writes (and the reads they depend on) as one step: no other
        process writes or reads in between, and they all see it once done."""
        with self._locked(exclusive=True):
            yield

    # -- writes ---------------------------------------------------------------------------------

    def add_report(
        self,
        report: Report,
        chunks: Sequence[Chunk],
        vectors: np.ndarray,
        replaces: Sequence[str] = (),
    ) -> None:
        """Store a report whole, in place of the reports `replaces` names: on failure, no trace.

        The new chunks go first (unseen without their entry), then the old entries go and the new
        one comes in, then the old chunks go. Killed at any point, the store holds the old
        version, or the new one, or — between two calls — neither until the file is ingested
        again; never both, and never a part of one.
        """
        if len(chunks) != len(vectors):
            raise StoreError(f"{len(chunks)} chunks but {len(vectors)} vectors")
        with self.writing():
            try:
                self._add_chunks(chunks, vectors)
                if replaces:
                    self._reports.delete(ids=list(replaces))
                self._reports.add(
                    ids=[report.id],
                    documents=[report.text],
                    metadatas=[{"record": _report_json(report), "source_path": report.source_path}],
                    embeddings=_REPORT_VECTOR,
                )
            except Exception as exc:
                self._delete_chunks(report.id)
                raise StoreError(f"could not store report {report.id}: {exc}") from exc
            for old_id in replaces:
                self._delete_chunks(old_id)

    def _add_chunks(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        for i in range(0, len(chunks), _BATCH):
            batch = chunks[i : i + _BATCH]
            self._chunks.add(
                ids=[c.id for c in batch],
                documents=[c.text for c in batch],
                metadatas=[_chunk_metadata(c) for c in batch],
                embeddings=np.asarray(vectors[i : i + _BATCH], dtype=np.float32),
            )

    def delete_report(self, report_id: str) -> None:
        """Remove a report entry and all its chunks (the entry first, so readers stop seeing it)."""
        with self.writing():
            self._reports.delete(ids=[report_id])
            self._delete_chunks(report_id)

    def remove_orphan_chunks(self) -> int:
        """Delete chunks whose report entry is missing (an ingest that was interrupted)."""
        with self.writing():
            known = set(self.report_ids())
            got = self._chunks.get(include=["metadatas"])
            orphans = {
                str(m["report_id"]) for m in got["metadatas"] or [] if m["report_id"] not in known
            }
            for report_id in orphans:
                self._delete_chunks(report_id)
            return len(orphans)

    def _delete_chunks(self, report_id: str) -> None:
        self._chunks.delete(where={"report_id": report_id})

    # -- reads ----------------------------------------------------------------------------------

    @_reading
    def report_ids(self) -> list[str]:
        """The stored reports' ids, read again only when the generation moved (every read
        checks them, so this is the one read per request that must cost next to nothing)."""
        generation = self._marker.generation() if self._marker else self._generation
        writing = getattr(self._writes, "depth", 0) > 0
        cached = self._ids
        if cached is not None and generation and cached[0] == generation and not writing:
            return list(cached[1])
        ids = list(self._reports.get(include=[])["ids"])
        if not writing:
            self._ids = (generation, ids)
        return list(ids)

    @_reading
    def has_report(self, report_id: str) -> bool:
        return bool(self._reports.get(ids=[report_id], include=[])["ids"])

    @_reading
    def get_report(self, report_id: str, with_text: bool = True) -> Report | None:
        include: Any = ["metadatas", "documents"] if with_text else ["metadatas"]
        got = self._reports.get(ids=[report_id], include=include)
        if not got["ids"]:
            return None
        text = got["documents"][0] if with_text and got["documents"] else ""
        return _report_from(got["metadatas"][0], text)  # type: ignore[index]

    @_reading
    def find_report(self, ref: str) -> Report | None:
        """A report named by its id, a unique id prefix, or the path of the file it came from."""
        if self.has_report(ref):
            return self.get_report(ref)
        reports = self.list_reports()
        matches = [r for r in reports if len(ref) >= 4 and r.id.startswith(ref)]
        if not matches:
            wanted = str(Path(ref).expanduser().resolve())
            matches = [r for r in reports if r.source_path == wanted]
        return self.get_report(matches[0].id) if len(matches) == 1 else None

    @_reading
    def list_reports(self) -> list[Report]:
        """Every report, without its text, in ingest order."""
        got = self._reports.get(include=["metadatas"])
        reports = [_report_from(m, "") for m in got["metadatas"] or []]
        return sorted(reports, key=lambda r: (r.ingested_at, r.title))

    @_reading
    def chunks_of(self, report_id: str) -> list[Chunk]:
        """A report's chunks in text order."""
        got = self._chunks.get(where={"report_id": report_id}, include=["metadatas", "documents"])
        chunks = [
            _chunk_from(i, d, m)
            for i, d, m in zip(
                got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True
            )
        ]
        return sorted(chunks, key=lambda c: c.ordinal)

    @_reading
    def vectors_of(self, report_id: str) -> dict[str, np.ndarray]:
        """A report's chunk vectors by chunk id (for derived in-memory indexes)."""
        got = self._chunks.get(where={"report_id": report_id}, include=["embeddings"])
        embeddings = got["embeddings"]
        if embeddings is None:
            raise StoreError("Chroma returned chunks without their embeddings")
        return {
            cid: np.asarray(vector, dtype=np.float32)
            for cid, vector in zip(got["ids"], embeddings, strict=True)
        }

    def iter_chunks(self) -> Iterator[Chunk]:
        """Every chunk of every committed report (for derived indexes such as BM25)."""
        for report_id in self.report_ids():
            yield from self.chunks_of(report_id)

    @_reading
    def count_chunks(self) -> int:
        return int(self._chunks.count())

    @_reading
    def query(
        self, vector: np.ndarray, top_k: int = 5, report_ids: Sequence[str] | None = None
    ) -> list[SearchHit]:
        """Nearest chunks by cosine similarity, optionally within some reports."""
        committed = set(self.report_ids())
        wanted = [r for r in (report_ids or committed) if r in committed]
        if not wanted:
            return []
        where: Any = None  # no filter over all reports: Chroma's $in filter doubles query time
        if report_ids:
            where = {"report_id": wanted[0]} if len(wanted) == 1 else {"report_id": {"$in": wanted}}
        got = self._chunks.query(
            query_embeddings=[vector.tolist()],
            n_results=top_k,
            where=where,
            include=["metadatas", "documents", "distances"],
        )
        documents, metadatas, distances = got["documents"], got["metadatas"], got["distances"]
        if documents is None or metadatas is None or distances is None:
            raise StoreError("Chroma returned a query result without documents or metadata")
        hits = []
        for cid, doc, meta, dist in zip(
            got["ids"][0], documents[0], metadatas[0], distances[0], strict=True
        ):
            chunk = _chunk_from(cid, doc, meta)
            if chunk.report_id not in committed:
                continue  # a report still being ingested (its entry is written last)
            hits.append(SearchHit(**chunk.model_dump(), score=1.0 - float(dist)))
        return hits


# -- the mapping between records and Chroma's flat metadata --------------------------------------


def _chunk_metadata(chunk: Chunk) -> dict[str, str | int | float]:
    return {
        "report_id": chunk.report_id,
        "ordinal": chunk.ordinal,
        "kind": chunk.kind,
        "start": chunk.start,
        "end": chunk.end,
        "section_path": json.dumps(chunk.section_path, ensure_ascii=False),
        "page": chunk.page if chunk.page is not None else -1,
        "header": chunk.header or "",
        "ocr_confidence": chunk.ocr_confidence if chunk.ocr_confidence is not None else -1.0,
    }


def _chunk_from(chunk_id: str, text: str | None, meta: Any) -> Chunk:
    page = int(meta["page"])
    return Chunk(
        id=chunk_id,
        report_id=str(meta["report_id"]),
        ordinal=int(meta["ordinal"]),
        kind=meta["kind"],
        text=text or "",
        start=int(meta["start"]),
        end=int(meta["end"]),
        section_path=json.loads(meta["section_path"]),
        page=page if page >= 0 else None,
        header=meta["header"] or None,
        # chunks stored before OCR existed have no such key
        ocr_confidence=_ocr_confidence(meta.get("ocr_confidence", -1.0)),
    )


def _ocr_confidence(value: Any) -> float | None:
    return float(value) if float(value) >= 0 else None


def _report_json(report: Report) -> str:
    return report.model_dump_json(exclude={"text"})


def _report_from(meta: Any, text: str) -> Report:
    record = json.loads(meta["record"])
    record["text"] = text
    return Report.model_validate(record)
