"""ingest_paths(): the ingest stages wired together, one report at a time.

load → normalise → sections → tables → chunks → embed → store. A report is stored whole or not at
all; the same bytes ingested again are a no-op; new bytes from an already ingested path replace the
old report once the new one is stored.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Protocol

import numpy as np

from ingest.chunking import chunk_document
from ingest.config import IngestSettings
from ingest.errors import IngestError, UnsupportedFormatError
from ingest.loaders import SUPPORTED_EXTENSIONS, load_document
from ingest.loaders.sniff import check_content, check_size
from ingest.metadata import infer_publisher, infer_title, infer_year, read_form_fields
from ingest.models import Chunk, Report
from ingest.normalize import normalize_document
from ingest.sections import split_sections, table_title_offsets
from ingest.store import ReportStore
from ingest.tables import find_text_tables

Status = Literal["ingested", "replaced", "unchanged", "failed"]


class PassageEmbedder(Protocol):
    """What ingest needs of an embedder (see ingest.embedding.Embedder)."""

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


@dataclass
class FileResult:
    """The outcome of ingesting one file."""

    path: Path
    status: Status
    report: Report | None = None
    error: str | None = None
    parse_seconds: float = 0.0
    embed_seconds: float = 0.0
    store_seconds: float = 0.0


@dataclass
class IngestSummary:
    """The outcome of one ingest run."""

    results: list[FileResult] = field(default_factory=list)

    def count(self, *statuses: Status) -> int:
        return sum(1 for r in self.results if r.status in statuses)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]


def report_id_for(data: bytes) -> str:
    """A report's identity: the hash of its file's bytes."""
    return hashlib.sha256(data).hexdigest()[:16]


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named directly, and the supported files inside named folders (recursively, sorted;
    not inside hidden folders, which hold no reports: the service's staged uploads, .git)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if (
                    child.is_file()
                    and child.suffix.lower() in SUPPORTED_EXTENSIONS
                    and not _in_hidden_folder(child, path)
                ):
                    yield child
        else:
            yield path


def _in_hidden_folder(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts[:-1])


def build_report(
    path: Path, data: bytes, settings: IngestSettings, stored_as: Path | None = None
) -> tuple[Report, list[Chunk]]:
    """Parse one file into its report record and chunks (no embedding, no storage); the record
    names `stored_as` as its file when given (a staged upload read before it is in place)."""
    named = stored_as or path
    report_id = report_id_for(data)
    loaded = load_document(path)
    doc = normalize_document(loaded)
    sections = split_sections(doc.text, table_title_offsets(doc.text, doc.tables))
    tables = doc.tables + find_text_tables(doc.text, doc.tables)
    chunks = chunk_document(report_id, doc, sections, tables, settings.chunking)
    title = loaded.title or infer_title(doc.text, fallback=named.stem)
    report = Report(
        id=report_id,
        title=title,
        source_path=str(named.resolve()),
        file_name=named.name,
        format=loaded.format,
        publisher=infer_publisher(doc.text, title),
        year=infer_year(title, doc.text),
        project=read_form_fields(doc.text).project,
        page_count=sum(1 for p in doc.pages if p.number is not None),
        chunk_count=len(chunks),
        char_count=len(doc.text),
        ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
        text=doc.text,
        pages=doc.pages,
        sections=sections,
        tables=tables,
    )
    return report, chunks


@dataclass
class _Parsed:
    """A file read and parsed, waiting for its embedding and its write."""

    path: Path
    report: Report
    chunks: list[Chunk]
    parse_seconds: float


def ingest_file(
    path: Path,
    settings: IngestSettings,
    store: ReportStore,
    embedder: PassageEmbedder,
    stored_as: Path | None = None,
) -> FileResult:
    """Ingest one file; errors of the file itself come back as a failed result, not raised.

    With `stored_as`, the file is read from `path` but recorded (source path, file name, the
    errors' wording) as `stored_as`, where the caller moves it once it is stored: an upload
    that fails never takes the place of the file a stored report was read from.

    Parsing and embedding run outside the store's lock; the check that the report is new, its
    write and the removal of the version it replaces run inside it, as one step: two processes
    ingesting the same file store it once, and no reader sees both versions or half of one.
    """
    step = _prepare(path, settings, store, stored_as)
    if isinstance(step, FileResult):
        return step
    return _embed_and_store(step(), store, embedder)


def _prepare(
    path: Path, settings: IngestSettings, store: ReportStore, stored_as: Path | None = None
) -> FileResult | Callable[[], _Parsed | FileResult]:
    """Read and check the file (cheap, in the caller's thread, which may use the store): either
    its result already, or the parse still to run (which touches no store, so any thread may)."""
    try:
        data = read_checked(path, settings.max_file_bytes)
    except IngestError as exc:
        return FileResult(path, "failed", error=exc.message(stored_as))
    report_id = report_id_for(data)
    if store.has_report(report_id):
        return _unchanged(path, report_id, store)

    def parse() -> _Parsed | FileResult:
        started = time.perf_counter()
        try:
            report, chunks = build_report(path, data, settings, stored_as)
        except IngestError as exc:
            return FileResult(path, "failed", error=exc.message(stored_as))
        return _Parsed(path, report, chunks, time.perf_counter() - started)

    return parse


def _embed_and_store(
    parsed: _Parsed | FileResult, store: ReportStore, embedder: PassageEmbedder
) -> FileResult:
    if isinstance(parsed, FileResult):
        return parsed
    path, report, chunks = parsed.path, parsed.report, parsed.chunks
    if store.has_report(report.id):  # the same bytes from the file before, stored meanwhile
        return _unchanged(path, report.id, store)
    started = time.perf_counter()
    vectors = embedder.embed_passages([c.embedding_text for c in chunks])
    embedded = time.perf_counter()
    with store.writing():
        if store.has_report(report.id):  # another process stored it while this one embedded
            return _unchanged(path, report.id, store)
        previous = _versions_of(store, report.source_path)
        store.add_report(report, chunks, vectors, replaces=previous)
    stored = time.perf_counter()
    return FileResult(
        path,
        "replaced" if previous else "ingested",
        report=report.model_copy(update={"text": ""}),
        parse_seconds=parsed.parse_seconds,
        embed_seconds=embedded - started,
        store_seconds=stored - embedded,
    )


def read_checked(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, once its extension, size and content say it is a report we read."""
    if path.suffix.lower() not in SUPPORTED_EXTENSIONS:
        raise UnsupportedFormatError(path)
    try:
        check_size(path, path.stat().st_size, max_bytes)
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(path, f"cannot read ({exc.strerror or type(exc).__name__})") from exc
    check_content(path, data)
    return data


def _versions_of(store: ReportStore, source_path: str, keep: str | None = None) -> list[str]:
    return [r.id for r in store.list_reports() if r.source_path == source_path and r.id != keep]


def _unchanged(path: Path, report_id: str, store: ReportStore) -> FileResult:
    """The same bytes are stored: nothing to do, but finish a replace a crash cut short
    (the new version stored, the old one not yet removed)."""
    report = store.get_report(report_id, with_text=False)
    if report is not None:
        stale = _versions_of(store, report.source_path, keep=report_id)
        if stale:
            with store.writing():
                for old_id in _versions_of(store, report.source_path, keep=report_id):
                    store.delete_report(old_id)
    return FileResult(path, "unchanged", report=report)


def ingest_paths(
    paths: Iterable[Path],
    settings: IngestSettings,
    store: ReportStore,
    embedder: PassageEmbedder,
    on_file: Callable[[FileResult], None] | None = None,
    parse_ahead: bool = True,
) -> IngestSummary:
    """Ingest every file under `paths`, in order; a failed file never stops the others.

    With `parse_ahead`, the next file is parsed in a worker thread while this one is embedded and
    stored (embedding leaves the GIL to onnxruntime or torch, parsing is mostly Python). Only this
    thread uses the store: the worker parses bytes already read and checked here.
    """
    store.remove_orphan_chunks()
    summary = IngestSummary()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="parse-ahead") as pool:
        for result in _results(expand_paths(paths), settings, store, embedder, pool, parse_ahead):
            summary.results.append(result)
            if on_file is not None:
                on_file(result)
    return summary


def _results(
    paths: Iterator[Path],
    settings: IngestSettings,
    store: ReportStore,
    embedder: PassageEmbedder,
    pool: ThreadPoolExecutor,
    parse_ahead: bool,
) -> Iterator[FileResult]:
    """One result per file, in order, with at most one parse running ahead."""
    pending: Future[_Parsed | FileResult] | FileResult | None = None
    for path in paths:
        step = _prepare(path, settings, store)
        if isinstance(step, FileResult) or not parse_ahead:
            upcoming: Future[_Parsed | FileResult] | FileResult = (
                step if isinstance(step, FileResult) else _done(step())
            )
        else:
            upcoming = pool.submit(step)
        if pending is not None:
            yield _finish(pending, store, embedder)
        pending = upcoming
    if pending is not None:
        yield _finish(pending, store, embedder)


def _finish(
    pending: Future[_Parsed | FileResult] | FileResult,
    store: ReportStore,
    embedder: PassageEmbedder,
) -> FileResult:
    if isinstance(pending, FileResult):
        return pending
    return _embed_and_store(pending.result(), store, embedder)


def _done(value: _Parsed | FileResult) -> Future[_Parsed | FileResult]:
    future: Future[_Parsed | FileResult] = Future()
    future.set_result(value)
    return future
