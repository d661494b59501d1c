"""Ingest jobs: uploads and the first-run ingest, run one file at a time on one worker thread.

Ingest takes seconds per file (embedding), so a write request returns a job id at once and the
caller polls it. One worker means one writer: the store never sees two ingests, or an ingest and a
delete, interleaved.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from ingest.models import Report
from ingest.ocr.progress import OcrProgress, on_ocr_page
from ingest.pipeline import expand_paths, ingest_file
from ingest.store import StoreUnreachable
from service.context import ServiceContext
from service.staging import Staging

_log = logging.getLogger("reportqa.jobs")

JobStatus = Literal["queued", "running", "done", "failed"]
FileStatus = Literal["queued", "running", "ingested", "unchanged", "replaced", "rejected", "failed"]
JobKind = Literal["upload", "first_run"]
FINISHED: frozenset[str] = frozenset({"ingested", "unchanged", "replaced", "rejected", "failed"})


class JobFile(BaseModel):
    """One file of a job and what became of it."""

    name: str
    status: FileStatus
    report_id: str | None = None
    title: str | None = None
    error: str | None = Field(default=None, description="why it was rejected or failed")
    pages_read: int | None = Field(default=None, description="pages OCR has read so far (a scan)")
    pages_to_read: int | None = Field(default=None, description="pages of the file OCR reads")


class Job(BaseModel):
    """An ingest job as polled: per-file status, and how far it has got."""

    id: str
    kind: JobKind
    status: JobStatus
    files: list[JobFile]
    done: int = Field(description="files finished, whatever their outcome")
    total: int
    created_at: str
    finished_at: str | None = None


@dataclass(frozen=True)
class Submitted:
    """A file handed to a job: a path to ingest, or the reason it was rejected before ingest.

    An upload is ingested from its staging copy (`path`) as `stored_as`, its place in the upload
    folder, and moved there only once a report is stored from it."""

    name: str
    path: Path | None
    rejected: str | None = None
    stored_as: Path | None = None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Jobs:
    """The job registry and its worker; the newest `max_jobs` jobs are kept for polling."""

    def __init__(self, ctx: ServiceContext, max_jobs: int = 200) -> None:
        self._ctx = ctx
        self._max_jobs = max_jobs
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._files: dict[str, list[Submitted | None]] = {}
        self.staging = Staging(ctx.settings.upload_dir)
        self._state = threading.Lock()
        self.write_lock = threading.Lock()  # held by every change to the store
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._first_run: str | None = None
        self._stopping = False

    def submit(self, kind: JobKind, files: Iterable[Submitted]) -> Job:
        """Queue the files' ingest; rejected files are finished from the start."""
        entries = list(files)
        job_files = [
            JobFile(name=f.name, status="rejected", error=f.rejected)
            if f.rejected or f.path is None
            else JobFile(name=f.name, status="queued")
            for f in entries
        ]
        job = Job(
            id=uuid.uuid4().hex,
            kind=kind,
            status="queued",
            files=job_files,
            done=sum(1 for f in job_files if f.status in FINISHED),
            total=len(job_files),
            created_at=_now(),
        )
        with self._state:
            self._jobs[job.id] = job
            self._files[job.id] = [None if f.rejected or f.path is None else f for f in entries]
            while len(self._jobs) > self._max_jobs:
                old, _ = self._jobs.popitem(last=False)
                self._files.pop(old, None)
            if kind == "first_run":
                self._first_run = job.id
            if self._worker is None:
                self._worker = threading.Thread(target=self._work, name="ingest", daemon=True)
                self._worker.start()
        self._queue.put(job.id)
        return job.model_copy(deep=True)

    def submit_folder(self, kind: JobKind, folder: Path) -> Job:
        files = [Submitted(p.name, p) for p in expand_paths([folder])]
        return self.submit(kind, files)

    def get(self, job_id: str) -> Job | None:
        with self._state:
            job = self._jobs.get(job_id)
            return job.model_copy(deep=True) if job else None

    def first_run(self) -> Job | None:
        """The first-run ingest, if this process started one."""
        return self.get(self._first_run) if self._first_run else None

    def close(self, timeout: float = 30.0) -> None:
        """Stop the worker after the file it is on; queued jobs are left unfinished."""
        with self._state:
            worker = self._worker
        if worker is not None:
            self._stopping = True
            self._queue.put(None)
            worker.join(timeout)
        if worker is None or not worker.is_alive():  # else a staged file may still be read
            self.staging.close()  # (left to the next start's cleaning)

    def _update(self, job_id: str, index: int | None = None, **changes: object) -> None:
        with self._state:
            job = self._jobs.get(job_id)
            if job is None:
                return
            if index is None:
                for key, value in changes.items():
                    setattr(job, key, value)
            else:
                for key, value in changes.items():
                    setattr(job.files[index], key, value)
                job.done = sum(1 for f in job.files if f.status in FINISHED)

    def _work(self) -> None:
        while True:
            job_id = self._queue.get()
            if job_id is None or self._stopping:
                return
            with self._state:
                files = list(self._files.get(job_id, []))
            self._update(job_id, status="running")
            try:
                self._run(job_id, files)
            except Exception as exc:  # a store failure must not kill the worker for later jobs
                self._update(job_id, status="failed", finished_at=_now())
                with self._state:
                    job = self._jobs.get(job_id)
                    for f in job.files if job else []:
                        if f.status in ("queued", "running"):
                            f.status, f.error = "failed", f"ingest stopped: {exc}"
                continue
            self._update(job_id, status="done", finished_at=_now())

    def _run(self, job_id: str, files: list[Submitted | None]) -> None:
        try:
            self._ingest(job_id, files)
        finally:
            # Whatever was not moved into its place (refused, or never reached) is not kept.
            for entry in files:
                if entry is not None and entry.path is not None and entry.stored_as is not None:
                    entry.path.unlink(missing_ok=True)

    def _ingest(self, job_id: str, files: list[Submitted | None]) -> None:
        ctx = self._ctx
        with self.write_lock:
            ctx.store.remove_orphan_chunks()
        for index, entry in enumerate(files):
            if entry is None or entry.path is None:
                continue
            if self._stopping:
                return
            self._update(job_id, index, status="running")

            def read_page(page: OcrProgress, index: int = index) -> None:
                self._update(job_id, index, pages_read=page.done, pages_to_read=page.total)

            with self.write_lock, on_ocr_page(read_page):
                result = ingest_file(
                    entry.path, ctx.settings.ingest, ctx.store, ctx.embedder, entry.stored_as
                )
                if entry.stored_as is not None:
                    _keep_upload(entry.path, entry.stored_as, result.report)
            report = result.report
            # A file that cannot be read as a report is refused for its own reason; a store
            # failure raises instead and fails the job.
            status = "rejected" if result.status == "failed" else result.status
            self._update(
                job_id,
                index,
                status=status,
                report_id=report.id if report else None,
                title=report.title if report else None,
                error=result.error,
            )
            if report is not None:
                # Build what answering reads now, so the first question about it is not slow.
                ctx.record_words(report.id)
                ctx.cells(report.id)
        ctx.retriever.refresh()

    def delete_report(self, report_id: str) -> None:
        """Remove a stored report, and its uploaded file when it was uploaded here."""
        ctx = self._ctx
        with self.write_lock:  # so an upload of the same name is not moved in meanwhile
            report = ctx.store.get_report(report_id, with_text=False)
            ctx.store.delete_report(report_id)
            if report is not None:
                source = Path(report.source_path)
                upload_dir = ctx.settings.upload_dir.resolve()
                if source.parent == upload_dir and source.is_file():
                    source.unlink()
        ctx.retriever.refresh()


def _keep_upload(staged: Path, final: Path, report: Report | None) -> None:
    """Move an upload into its place when the stored report was read from it under that name.

    A refused file, or bytes already stored under another name, leave the file in that place as
    it was: it may be what another stored report was read from."""
    if report is not None and Path(report.source_path) == final.resolve():
        os.replace(staged, final)
    else:
        staged.unlink(missing_ok=True)


def start(ctx: ServiceContext, jobs: Jobs) -> Job | None:
    """Warm up before serving; on an empty store, serve once the model is loaded and ingest the
    first-run reports in the background instead of making the first visitor wait minutes.

    A Chroma server that is not up yet is no reason not to start (in a deployment it may start
    later): requests get 503 until it answers, and the indexes are built on first use."""
    _clear_stale_uploads(jobs)
    try:
        return _warm_start(ctx, jobs)
    except StoreUnreachable as exc:
        _log.warning("starting without the store, requests get 503 until it answers: %s", exc)
        return None


def _clear_stale_uploads(jobs: Jobs) -> None:
    try:
        removed = jobs.staging.clear_stale()
    except OSError as exc:  # leftovers take disk space, no more: no reason not to serve
        _log.warning("could not clear staged uploads in %s: %s", jobs.staging.root, exc)
        return
    if removed:
        _log.info("removed %d staged uploads a stopped service left behind", len(removed))


def _warm_start(ctx: ServiceContext, jobs: Jobs) -> Job | None:
    folder = ctx.settings.first_run_reports
    if folder is not None and folder.is_dir() and not ctx.store.report_ids():
        ctx.embedder.embed_query("预热")
        return jobs.submit_folder("first_run", folder)
    ctx.warm_up()
    return None
