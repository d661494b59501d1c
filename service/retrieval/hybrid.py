"""Hybrid retrieval: BM25 over jieba tokens and dense vectors from Chroma, fused by reciprocal rank.

BM25 wins on exact terms (三公经费, 重新犯罪率), dense vectors on paraphrases (单位有几辆公车); rank
fusion keeps both. The BM25 index is derived from the store and rebuilt whenever the set of stored
reports changes, so it is never stale.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import NamedTuple, Protocol

import bm25s
import numpy as np
from pydantic import Field

from ingest.chunking import sentence_spans
from ingest.models import Chunk
from ingest.segmenter import Segmenter
from ingest.store import ReportStore, SearchHit
from ingest.tables import split_cells
from service.compact import Sharer

RRF_K = 60  # the usual constant: damps the weight of the very first ranks
CANDIDATES = 50  # how deep each ranking is read before fusing
# Up to this many chunks the derived index keeps every vector in memory (150 MB at 384-d) and
# searches them exactly with one matrix product, far quicker than a query round trip to Chroma;
# a larger store is searched through Chroma's own index.
IN_MEMORY_VECTORS_MAX = 100_000


class QueryEmbedder(Protocol):
    def embed_query(self, text: str) -> np.ndarray: ...


class RetrievedChunk(Chunk):
    """A chunk found for a query, with its fused score and the rank each method gave it."""

    score: float = Field(description="reciprocal-rank-fusion score")
    bm25_rank: int | None = None
    dense_rank: int | None = None
    dense_similarity: float | None = None


class Sentence(NamedTuple):
    """A sentence of a chunk (offsets relative to the chunk) with its search tokens."""

    start: int
    end: int
    tokens: frozenset[str]
    free_tokens: frozenset[str]  # tokens not cut from inside a compound (Segmenter.free_tokens)


class _Bm25Index:
    """A BM25 index over every stored chunk, with the chunks' sentences and their tokens.

    Sentence tokens are computed here, once per index build, so that answering can match question
    terms on word boundaries ("电费" is not found in "水电费") without segmenting on the ask path.
    """

    def __init__(
        self,
        chunks: list[Chunk],
        segmenter: Segmenter,
        vectors: np.ndarray | None = None,
        places: dict[str, list[tuple[int, str]]] | None = None,
    ) -> None:
        places = places or {}
        shared = _Shared()
        self.chunks = chunks
        self.vectors = vectors  # rows aligned with `chunks`, or None: ask Chroma
        self.model = bm25s.BM25()
        corpus = [segmenter.tokenize(c.embedding_text) or [""] for c in chunks]
        if chunks:
            self.model.index(corpus, show_progress=False)
        self.sentences = {c.id: _sentences_of(c, segmenter, shared) for c in chunks}
        # Where a passage is (its section title, its table's title, the lead of the numbered
        # item it belongs to) says less than what it states. Each sentence has its own item: a
        # chunk may hold the ends of several, and one item's subject does not name the next's
        # sentences. Equal places share one token set.
        tokens_of: dict[str, frozenset[str]] = {}

        def place_tokens(text: str) -> frozenset[str]:
            if text not in tokens_of:
                tokens_of[text] = shared.words(segmenter.tokenize(text))
            return tokens_of[text]

        self.context = {
            c.id: [
                place_tokens(" ".join([*c.section_path[-1:], _place_at(places.get(c.id), s.start)]))
                for s in self.sentences[c.id]
            ]
            for c in chunks
        }
        # A table row states its cells under its header's names: they are its own words.
        self.header = {
            c.id: Sentence(
                0,
                0,
                shared.words(segmenter.tokenize(c.header)),
                shared.words(segmenter.free_tokens(c.header)),
            )
            for c in chunks
            if c.header
        }

    def rank(self, tokens: list[str], allowed: set[str] | None) -> list[int]:
        """Chunk positions by descending BM25 score, zero scores dropped."""
        known = [t for t in tokens if t in self.model.vocab_dict] if self.chunks else []
        if not known:
            return []
        scores = self.model.get_scores(known)
        order = np.argsort(-scores, kind="stable")
        ranked: list[int] = []
        for i in order:
            if scores[i] <= 0 or len(ranked) >= CANDIDATES:
                break
            if allowed is None or self.chunks[i].report_id in allowed:
                ranked.append(int(i))
        return ranked

    def nearest(self, vector: np.ndarray, allowed: set[str] | None) -> list[tuple[int, float]]:
        """Chunk positions and cosine similarities of the nearest vectors, best first."""
        assert self.vectors is not None
        similarities = self.vectors @ vector
        if allowed is not None:
            keep = np.fromiter(
                (c.report_id in allowed for c in self.chunks), bool, len(self.chunks)
            )
            similarities = np.where(keep, similarities, -np.inf)
        top = min(CANDIDATES, len(self.chunks))
        best = np.argpartition(-similarities, top - 1)[:top] if top else np.array([], int)
        best = best[np.argsort(-similarities[best], kind="stable")]
        return [(int(i), float(similarities[i])) for i in best if np.isfinite(similarities[i])]


def _start(chunk: Chunk) -> int:
    return chunk.start


_CODE_PART = re.compile(r"\d{2,7}")
_CLASS_DIGITS = (3, 5)  # a subject code's 类 is its first 3 digits, 款 the next 2 (2120101)


def row_lineage(row: str, labels: dict[str, str]) -> list[str]:
    """The labels of the rows a table row's subject code falls under, read from `labels` (the
    codes seen so far in its table, which this row's code and label join). A code is written
    whole ("2120101") or a part a cell ("212 | 01 | 01"); a row without one has no lineage."""
    code, label = "", ""
    for cell in split_cells(row):
        if _CODE_PART.fullmatch(cell) and not label:
            code += cell
        elif cell and not label:
            label = cell if _CJK.search(cell) else ""
            if not label:
                break
    if not code or not label or len(code) > 7:
        return []
    labels[code] = label
    return [labels[code[:n]] for n in _CLASS_DIGITS if n < len(code) and code[:n] in labels]


def _place_at(places: list[tuple[int, str]] | None, offset: int) -> str:
    """The place (table title, item lead) that holds `offset` of a chunk."""
    held = [place for at, place in places or () if at <= offset]
    return held[-1] if held else ""


class _Shared:
    """One frozenset per distinct set of words: every row of a table has its header's words, every
    chunk of a section its title's, and repeated sentences theirs, so most sets recur."""

    def __init__(self) -> None:
        self._sets: dict[frozenset[str], frozenset[str]] = {}

    def words(self, tokens: list[str]) -> frozenset[str]:
        found = frozenset(tokens)
        return self._sets.setdefault(found, found)


def _sentences_of(
    chunk: Chunk, segmenter: Segmenter, shared: _Shared | None = None
) -> list[Sentence]:
    shared = shared or _Shared()
    spans = [(0, len(chunk.text))] if chunk.kind == "table_row" else sentence_spans(chunk.text)
    return [
        Sentence(
            s,
            e,
            shared.words(segmenter.tokenize(chunk.text[s:e])),
            shared.words(segmenter.free_tokens(chunk.text[s:e])),
        )
        for s, e in spans
    ]


_CJK = re.compile(r"[\u4e00-\u9fff]")

# A numbered item of a list: "1、", "(1)", "一、" at the start of a paragraph.
_ITEM_MARK = re.compile(r"\s*(?:\d{1,2}[、.]|[((]\d{1,2}[))]|[一二三四五六七八九十]{1,3}、)")
# A sentence opening with its cause ("主要原因:…", "决算数小于全年预算数的主要原因:…") explains
# the one before it; the reach covers such openings, not a clause that merely mentions a cause.
CAUSE_OPENING = re.compile(r"\s*[^,,。;;\n]{0,16}原因")
_LEAD_MAX = 120  # characters of an item's first sentence kept as the item's subject


_LEAD_REACH = 2  # lines back an item's mark is looked for: its lead may stand on a line of its own


def item_lead(text: str, offset: int) -> str | None:
    """The first sentence of the numbered item holding `offset`, if it is in one: its own line's,
    or that of a line just before it that opens the item ("2、…(款)事业运行(项)。" over
    "主要用于:…全年预算为17.68万元…"); for a paragraph that opens with a cause ("下降的主要原因:…"),
    that of the item before it, or else of the paragraph before it, which states what the cause
    explains."""
    line_start = text.rfind("\n", 0, offset) + 1
    if CAUSE_OPENING.match(text, line_start) and line_start > 1:
        before = text.rfind("\n", 0, line_start - 1) + 1
        item = _item_start(text, before)
        line_start = before if item is None else item
    else:
        item = _item_start(text, line_start)
        if item is None:
            return None
        line_start = item
    line_end = text.find("\n", line_start)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    return re.split(r"[。;;]", line, maxsplit=1)[0][:_LEAD_MAX]


def _item_start(text: str, line_start: int) -> int | None:
    """Where the numbered item opens whose line is this one or one of `_LEAD_REACH` before it."""
    start = line_start
    for _ in range(_LEAD_REACH + 1):
        if _ITEM_MARK.match(text, start):
            return start
        if start <= 1:
            return None
        start = text.rfind("\n", 0, start - 1) + 1
    return None


class HybridRetriever:
    """Searches the store's chunks by BM25 and vectors together."""

    def __init__(self, store: ReportStore, embedder: QueryEmbedder, segmenter: Segmenter) -> None:
        self._store = store
        self._embedder = embedder
        self._segmenter = segmenter
        self._lock = threading.Lock()
        self._index: _Bm25Index | None = None
        self._indexed_ids: frozenset[str] = frozenset()

    def refresh(self) -> None:
        """Rebuild the BM25 index if reports were added or removed since it was built."""
        current = frozenset(self._store.report_ids())
        with self._lock:
            if self._index is None or current != self._indexed_ids:
                chunks = [c for rid in sorted(current) for c in self._store.chunks_of(rid)]
                # kept while the index lives: equal section paths, headers and field-sets shared
                Sharer().share(chunks)
                self._index = _Bm25Index(
                    chunks, self._segmenter, self._load_vectors(chunks), self._places(chunks)
                )
                self._indexed_ids = current

    def _places(self, chunks: list[Chunk]) -> dict[str, list[tuple[int, str]]]:
        """Where each chunk's passages stand beyond its section, from an offset in the chunk on:
        the title of its table ("支出决算表"), or the lead of the numbered item a paragraph
        continues ("1、…司法(06款)行政运行(01项)1672.67万元。"), whose subject the item's later
        sentences leave unsaid."""
        places: dict[str, list[tuple[int, str]]] = {}
        for report_id in sorted({c.report_id for c in chunks}):
            report = self._store.get_report(report_id)
            if report is None:
                continue
            spans = [(t.start, t.end, t.title) for t in report.tables if t.title]
            labels: dict[str, str] = {}  # subject code → row label, within the current table
            table: tuple[int, int, str] | None = None
            for chunk in sorted((c for c in chunks if c.report_id == report_id), key=_start):
                if chunk.kind == "table_row":
                    held = next((span for span in spans if span[0] <= chunk.start < span[1]), None)
                    if held != table:
                        table, labels = held, {}
                    # a row is also named by the rows its code falls under (行政运行 2120101
                    # under 城乡社区管理事务 21201): "城乡社区管理事务行政运行" names it
                    lineage = row_lineage(chunk.text, labels)
                    place = " ".join(p for p in [held[2] if held else "", *lineage] if p)
                    if place:
                        places[chunk.id] = [(0, place)]
                    continue
                # a chunk may hold the ends of several paragraphs: each has its own lead
                starts = [0] + [i + 1 for i, char in enumerate(chunk.text) if char == "\n"]
                leads = [(at, item_lead(report.text, chunk.start + at) or "") for at in starts]
                if any(lead for _, lead in leads):
                    places[chunk.id] = leads
        return places

    def _load_vectors(self, chunks: list[Chunk]) -> np.ndarray | None:
        if not chunks or len(chunks) > IN_MEMORY_VECTORS_MAX:
            return None
        by_id: dict[str, np.ndarray] = {}
        for report_id in sorted({c.report_id for c in chunks}):
            by_id.update(self._store.vectors_of(report_id))
        if any(c.id not in by_id for c in chunks):
            return None  # a report changed while reading: Chroma answers until the next refresh
        return np.stack([by_id[c.id] for c in chunks])

    def knows(self, word: str) -> bool:
        """The word is a search token of some stored chunk."""
        self.refresh()
        index = self._index
        return index is not None and bool(index.chunks) and word in index.model.vocab_dict

    def sentences(
        self, chunk: Chunk
    ) -> tuple[list[Sentence], list[frozenset[str]], Sentence | None]:
        """A chunk's sentences with tokens, the tokens of where each is (section and table
        titles, its item's lead), and its table header's tokens (None for prose)."""
        index = self._index
        if index is None or chunk.id not in index.sentences:
            sentences = _sentences_of(chunk, self._segmenter)
            return sentences, [frozenset()] * len(sentences), None
        return index.sentences[chunk.id], index.context[chunk.id], index.header.get(chunk.id)

    def search(
        self,
        query: str,
        top_k: int = 5,
        report_ids: Sequence[str] | None = None,
        dense: bool = True,
        lexical_query: str | None = None,
    ) -> list[RetrievedChunk]:
        """The `top_k` chunks for `query`, best first, optionally within some reports; with
        `dense=False` by BM25 alone (no embedding: a fraction of the time). BM25 reads
        `lexical_query` instead when given (the words to match exactly, where the query's
        meaning is better embedded whole)."""
        self.refresh()
        assert self._index is not None
        allowed = set(report_ids) if report_ids else None
        words = self._segmenter.tokenize(query if lexical_query is None else lexical_query)
        bm25_order = self._index.rank(words, allowed)
        dense_hits = self._dense(query, report_ids, allowed) if dense else []
        fused: dict[str, RetrievedChunk] = {}
        for rank, pos in enumerate(bm25_order, start=1):
            chunk = self._index.chunks[pos]
            fused[chunk.id] = RetrievedChunk(**chunk.model_dump(), score=1 / (RRF_K + rank))
            fused[chunk.id].bm25_rank = rank
        for rank, hit in enumerate(dense_hits, start=1):
            entry = fused.get(hit.id)
            if entry is None:
                base = hit.model_dump(exclude={"score"})
                entry = fused[hit.id] = RetrievedChunk(**base, score=0.0)
            entry.score += 1 / (RRF_K + rank)
            entry.dense_rank = rank
            entry.dense_similarity = hit.score
        return sorted(fused.values(), key=lambda c: -c.score)[:top_k]

    def _dense(
        self, query: str, report_ids: Sequence[str] | None, allowed: set[str] | None
    ) -> list[SearchHit]:
        vector = self._embedder.embed_query(query)
        index = self._index
        if index is None or index.vectors is None:
            return self._store.query(vector, top_k=CANDIDATES, report_ids=report_ids)
        return [
            SearchHit(**index.chunks[pos].model_dump(), score=similarity)
            for pos, similarity in index.nearest(vector, allowed)
        ]
