"""The naive baseline: what a user builds with LangChain in an afternoon, to measure ours against.

Each stored report text is cut by `RecursiveCharacterTextSplitter` (500 characters, 50 overlap,
Chinese sentence punctuation as separators), the chunks are embedded with the same model as ours and
kept in their own Chroma collection in a temporary folder. The answer is the best chunk's text, the
citations are the top five chunks, and it never refuses. It shares our stored text and our embedder,
so the comparison measures chunking, retrieval and answering, not the loader or the model.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any, NamedTuple

import chromadb
from chromadb.config import Settings as ChromaSettings
from langchain_text_splitters import RecursiveCharacterTextSplitter

from service.answering.answer import Answer, Citation
from service.context import ServiceContext

CHUNK_SIZE = 500
CHUNK_OVERLAP = 50
SEPARATORS = ["\n\n", "\n", "。", "！", "？", "；", "，", " ", ""]
TOP_K = 5
_COLLECTION = "baseline"


class BaselineChunk(NamedTuple):
    """A splitter chunk: an exact span of a stored report text."""

    report_id: str
    start: int
    end: int
    text: str


def make_splitter() -> RecursiveCharacterTextSplitter:
    # keep_separator="end" leaves "。" closing its own sentence instead of opening the next chunk,
    # which is what anyone looking at Chinese output once would choose.
    return RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_SIZE,
        chunk_overlap=CHUNK_OVERLAP,
        separators=SEPARATORS,
        keep_separator="end",
        add_start_index=True,
    )


def split_report(report_id: str, text: str) -> list[BaselineChunk]:
    """The report's chunks with offsets such that `text[start:end] == chunk.text`."""
    chunks = []
    for doc in make_splitter().create_documents([text]):
        start = int(doc.metadata["start_index"])
        if text[start : start + len(doc.page_content)] != doc.page_content:
            # start_index comes from str.find after the overlap; never trust it unchecked.
            start = text.find(doc.page_content)
        if start < 0:
            raise ValueError(f"splitter chunk is not a substring of report {report_id}")
        end = start + len(doc.page_content)
        chunks.append(BaselineChunk(report_id, start, end, doc.page_content))
    return chunks


class BaselineIndex:
    """The baseline's own Chroma collection over some stored reports; close it when done."""

    def __init__(self, ctx: ServiceContext, report_ids: Sequence[str] | None = None) -> None:
        started = time.perf_counter()
        self._ctx = ctx
        self._folder = tempfile.TemporaryDirectory(prefix="reportqa-baseline-")
        self._client = chromadb.PersistentClient(
            path=self._folder.name, settings=ChromaSettings(anonymized_telemetry=False)
        )
        self._collection = self._client.create_collection(
            _COLLECTION, metadata={"hnsw:space": "cosine"}, embedding_function=None
        )
        ids = list(report_ids) if report_ids is not None else ctx.store.report_ids()
        self.titles: dict[str, str] = {}
        self.chunk_count = 0
        for report_id in ids:
            self._add_report(report_id)
        self.build_seconds = time.perf_counter() - started

    def _add_report(self, report_id: str) -> None:
        report = self._ctx.store.get_report(report_id)
        if report is None:
            raise ValueError(f"no stored report {report_id!r} to index for the baseline")
        self.titles[report_id] = report.title
        chunks = split_report(report_id, report.text)
        if not chunks:
            return
        vectors = self._ctx.embedder.embed_passages([c.text for c in chunks])
        self._collection.add(
            ids=[f"{report_id}:{i}" for i in range(len(chunks))],
            embeddings=vectors.tolist(),
            documents=[c.text for c in chunks],
            metadatas=[{"report_id": report_id, "start": c.start, "end": c.end} for c in chunks],
        )
        self.chunk_count += len(chunks)

    def search(
        self, question: str, top_k: int = TOP_K, report_ids: Sequence[str] | None = None
    ) -> list[BaselineChunk]:
        """The nearest chunks by cosine similarity, best first."""
        if self.chunk_count == 0:
            return []
        where: Any = None
        if report_ids:
            where = {"report_id": {"$in": list(report_ids)}}
        got = self._collection.query(
            query_embeddings=[self._ctx.embedder.embed_query(question).tolist()],
            n_results=min(top_k, self.chunk_count),
            where=where,
            include=["documents", "metadatas"],
        )
        documents, metadatas = got["documents"], got["metadatas"]
        assert documents is not None and metadatas is not None
        pairs = zip(documents[0], metadatas[0], strict=True)
        return [_chunk_from(doc, meta) for doc, meta in pairs]

    def answer(self, question: str, report: str | None = None, top_k: int = TOP_K) -> Answer:
        """The top chunk as the answer, the top `top_k` as citations; never a refusal."""
        hits = self.search(question, top_k, [report] if report else None)
        citations = [
            Citation(
                report_id=h.report_id,
                title=self.titles.get(h.report_id, ""),
                start=h.start,
                end=h.end,
                quote=h.text,
            )
            for h in hits
        ]
        return Answer(
            question=question,
            answer=hits[0].text if hits else "",
            answerable=True,
            kind="figure",  # the baseline does not read questions; "figure" is the commonest kind
            report_id=report,
            citations=citations,
        )

    def close(self) -> None:
        """Release Chroma's files, then remove the temporary folder."""
        # `close` exists on chromadb's clients but not on its `ClientAPI` type.
        close = getattr(self._client, "close", None)
        if callable(close):
            close()
        self._folder.cleanup()

    def __enter__(self) -> BaselineIndex:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _chunk_from(text: str, meta: Mapping[str, Any]) -> BaselineChunk:
    return BaselineChunk(str(meta["report_id"]), int(meta["start"]), int(meta["end"]), text)
