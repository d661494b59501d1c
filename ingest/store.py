"""The report store: the only module that knows how records map onto Chroma.

Two collections share one identity hash (embedding model + chunking settings):
- `chunks-<hash>`: one entry per chunk, with its embedding and flat metadata;
- `reports-<hash>`: one entry per report, its stored text as the document and its record as JSON.

The report entry is written last and is the commit mark of an ingest: chunks without a report entry
are leftovers of an interrupted ingest, removed on the next write and never returned by reads.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from ingest.config import IngestSettings
from ingest.models import Chunk, Report

_BATCH = 512  # below Chroma's max batch size on every backend we use
_REPORT_VECTOR = np.ones(
    (1, 1), dtype=np.float32
)  # reports are looked up by id, never by similarity


class StoreError(Exception):
    """The store could not be opened or written."""


class SearchHit(Chunk):
    """A chunk returned by a vector search, with its cosine similarity."""

    score: float


def open_client(settings: IngestSettings) -> chromadb.api.ClientAPI:
    """A Chroma client: a server when configured, else a local folder (embedded)."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_host:
        return chromadb.HttpClient(
            host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
        )
    settings.store_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.store_dir), settings=chroma_settings)


class ReportStore:
    """Reports and their chunks, read and written as whole reports."""

    def __init__(self, client: chromadb.api.ClientAPI, collection_name: str) -> None:
        suffix = collection_name.removeprefix("chunks-")
        self._chunks = client.get_or_create_collection(
            f"chunks-{suffix}", metadata={"hnsw:space": "cosine"}, embedding_function=None
        )
        self._reports = client.get_or_create_collection(
            f"reports-{suffix}", embedding_function=None
        )

    @classmethod
    def open(cls, settings: IngestSettings) -> ReportStore:
        return cls(open_client(settings), settings.collection_name)

    # -- writes ---------------------------------------------------------------------------------

    def add_report(self, report: Report, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        """Store a report whole: chunks first, the report entry last; on failure, no trace."""
        if len(chunks) != len(vectors):
            raise StoreError(f"{len(chunks)} chunks but {len(vectors)} vectors")
        try:
            for i in range(0, len(chunks), _BATCH):
                batch = chunks[i : i + _BATCH]
                self._chunks.add(
                    ids=[c.id for c in batch],
                    documents=[c.text for c in batch],
                    metadatas=[_chunk_metadata(c) for c in batch],
                    embeddings=np.asarray(vectors[i : i + _BATCH], dtype=np.float32),
                )
            self._reports.add(
                ids=[report.id],
                documents=[report.text],
                metadatas=[{"record": _report_json(report), "source_path": report.source_path}],
                embeddings=_REPORT_VECTOR,
            )
        except Exception as exc:
            self._delete_chunks(report.id)
            raise StoreError(f"could not store report {report.id}: {exc}") from exc

    def delete_report(self, report_id: str) -> None:
        """Remove a report entry and all its chunks (the entry first, so readers stop seeing it)."""
        self._reports.delete(ids=[report_id])
        self._delete_chunks(report_id)

    def remove_orphan_chunks(self) -> int:
        """Delete chunks whose report entry is missing (an ingest that was interrupted)."""
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

    def report_ids(self) -> list[str]:
        return list(self._reports.get(include=[])["ids"])

    def has_report(self, report_id: str) -> bool:
        return bool(self._reports.get(ids=[report_id], include=[])["ids"])

    def get_report(self, report_id: str, with_text: bool = True) -> Report | None:
        include: Any = ["metadatas", "documents"] if with_text else ["metadatas"]
        got = self._reports.get(ids=[report_id], include=include)
        if not got["ids"]:
            return None
        text = got["documents"][0] if with_text and got["documents"] else ""
        return _report_from(got["metadatas"][0], text)  # type: ignore[index]

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

    def list_reports(self) -> list[Report]:
        """Every report, without its text, in ingest order."""
        got = self._reports.get(include=["metadatas"])
        reports = [_report_from(m, "") for m in got["metadatas"] or []]
        return sorted(reports, key=lambda r: (r.ingested_at, r.title))

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

    def count_chunks(self) -> int:
        return int(self._chunks.count())

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
