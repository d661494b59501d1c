"""Write routes for staff: upload reports, delete one, poll an upload's job.

Each needs `Authorization: Bearer <REPORTQA_ADMIN_TOKEN>`: 401 without a token, 403 with a wrong
one, and 403 for everyone while no token is configured (writes are off by default).
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, cast

from fastapi import APIRouter, Depends, File, Header, Request, UploadFile
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from ingest.errors import IngestError
from ingest.loaders import SUPPORTED_EXTENSIONS
from ingest.loaders.sniff import check_content
from service import queries
from service.deps import ContextDep
from service.errors import (
    BadRequest,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    RejectedFiles,
    Unauthorized,
)
from service.jobs import Job, Jobs, Submitted
from service.staging import Staging

router = APIRouter(tags=["admin"])

MAX_FILES = 50
_CHUNK = 2**20
_UNSAFE = re.compile(r"[\x00-\x1f/\\:*?\"<>|]")


def get_jobs(request: Request) -> Jobs:
    return cast(Jobs, request.app.state.jobs)


JobsDep = Annotated[Jobs, Depends(get_jobs)]


def require_admin(ctx: ContextDep, authorization: Annotated[str | None, Header()] = None) -> None:
    expected = ctx.settings.admin_token
    if expected is None:
        raise Forbidden("写入接口未启用:服务端未设置 REPORTQA_ADMIN_TOKEN")
    if not authorization:
        raise Unauthorized("需要管理员令牌:Authorization: Bearer <token>")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("需要管理员令牌:Authorization: Bearer <token>")
    if not hmac.compare_digest(token.strip().encode(), expected.encode()):
        raise Forbidden("管理员令牌不正确")


AdminDep = Annotated[None, Depends(require_admin)]


def safe_file_name(name: str | None) -> str | None:
    """The file's own name, without any folder a client put in it; None when nothing is left."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip().lstrip(".")
    return base[:200] or None


class Deleted(BaseModel):
    report_id: str
    title: str
    deleted: bool


@router.post("/reports", status_code=202, response_model=Job)
async def upload_reports(
    ctx: ContextDep,
    jobs: JobsDep,
    _: AdminDep,
    files: Annotated[list[UploadFile], File(description="one or more report files")],
) -> Job:
    """Store the files and queue their ingest; poll `GET /jobs/{id}` for each file's outcome."""
    if not files:
        raise BadRequest("没有上传文件")
    if len(files) > MAX_FILES:
        raise BadRequest(f"一次最多上传 {MAX_FILES} 个文件")
    received: list[_Received] = []
    try:
        for upload in files:
            received.append(await _receive(upload, jobs.staging, ctx.settings.max_upload_bytes))
        screened = await run_in_threadpool(_screen, received)
    except BaseException:  # an oversize file refuses the whole upload: nothing of it is kept
        _discard(entry.path for entry in received)
        raise
    _discard(entry.path for entry in screened if entry.reason is not None)
    if all(entry.reason is not None for entry in screened):
        details = [{"file": entry.name, "problem": entry.reason} for entry in screened]
        message = "; ".join(f"{entry.name}: {entry.reason}" for entry in screened)
        raise RejectedFiles(f"没有可入库的文件 — {message}", details)
    upload_dir = ctx.settings.upload_dir.resolve()
    submitted = [
        Submitted(entry.name, None, entry.reason)
        if entry.reason is not None
        else Submitted(entry.name, entry.path, stored_as=upload_dir / entry.name)
        for entry in screened
    ]
    return jobs.submit("upload", submitted)


@dataclass(frozen=True)
class _Received:
    """An uploaded file, copied to its staging file."""

    shown: str  # the name the client sent, for messages
    name: str | None  # the name it is kept under; None when nothing usable is left of it
    path: Path
    size: int


async def _receive(upload: UploadFile, staging: Staging, limit: int) -> _Received:
    """Copy one uploaded file to a staging file in chunks, refused once it passes `limit` bytes
    (so no file of an upload is ever held in memory whole, nor one over the limit on disk)."""
    shown = upload.filename or "(无文件名)"
    name = safe_file_name(upload.filename)
    target = staging.new_path(name or "upload")
    size = 0
    try:
        with target.open("xb") as out:
            while chunk := await upload.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise PayloadTooLarge(f"{shown}: 文件超过 {limit // 2**20} MB 的上限")
                await run_in_threadpool(out.write, chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return _Received(shown, name, target, size)


def _discard(paths: Iterable[Path | None]) -> None:
    for path in paths:
        if path is not None:
            path.unlink(missing_ok=True)


@dataclass(frozen=True)
class _Screened:
    """An uploaded file after the checks made before its ingest is queued."""

    name: str
    reason: str | None  # why it is refused; None to ingest it
    path: Path | None = None  # its staging file


def _screen(received: list[_Received]) -> list[_Screened]:
    """Each file's name and content checked (name, extension, duplicates, content), reading
    one staged file at a time."""
    screened: list[_Screened] = []
    seen: set[str] = set()
    kinds = ", ".join(sorted(SUPPORTED_EXTENSIONS))
    for entry in received:
        name = entry.name
        if name is None:
            screened.append(_Screened(entry.shown, "文件名无效", entry.path))
        elif Path(name).suffix.lower() not in SUPPORTED_EXTENSIONS:
            screened.append(_Screened(name, f"不支持的格式(支持 {kinds})", entry.path))
        elif name in seen:
            screened.append(_Screened(name, "同一次上传中文件名重复", entry.path))
        elif entry.size == 0:
            screened.append(_Screened(name, "空文件", entry.path))
        else:
            reason = _content_problem(name, entry.path)
            if reason is None:
                seen.add(name)
            screened.append(_Screened(name, reason, entry.path))
    return screened


def _content_problem(name: str, path: Path) -> str | None:
    """Why the bytes are not what the name says, or None. The whole file is read (a zip package
    or a text's encoding is only judged whole), and dropped before the next is read."""
    try:
        check_content(Path(name), path.read_bytes())
    except IngestError as exc:
        return exc.reason + (f": {exc.detail}" if exc.detail else "")
    return None


@router.get("/jobs/{job_id}", response_model=Job)
def read_job(jobs: JobsDep, _: AdminDep, job_id: str) -> Job:
    job = jobs.get(job_id)
    if job is None:
        raise NotFound(f"no job '{job_id}' (jobs are kept in memory until the service restarts)")
    return job


@router.delete("/reports/{report_id}", response_model=Deleted)
def delete_report(ctx: ContextDep, jobs: JobsDep, _: AdminDep, report_id: str) -> Deleted:
    report = queries.get_report(ctx, report_id)
    jobs.delete_report(report.id)
    return Deleted(report_id=report.id, title=report.title, deleted=True)
