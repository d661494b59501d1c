"""Write routes for staff: upload reports, delete one, poll an upload's job.

Each needs `Authorization: Bearer <REPORTQA_ADMIN_TOKEN>`: 401 without a token, 403 with a wrong
one, and 403 for everyone while no token is configured (writes are off by default).
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, cast

from fastapi import APIRouter, Depends, File, Header, Request, UploadFile
from pydantic import BaseModel

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

router = APIRouter(tags=["admin"])

MAX_FILES = 50
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
    limit = ctx.settings.max_upload_bytes
    received: list[tuple[str, str | None, bytes]] = []
    for upload in files:
        data = await upload.read(limit + 1)
        if len(data) > limit:  # before anything is kept: an oversize file refuses the upload
            shown = upload.filename or "(无文件名)"
            raise PayloadTooLarge(f"{shown}: 文件超过 {limit // 2**20} MB 的上限")
        received.append((upload.filename or "(无文件名)", safe_file_name(upload.filename), data))
    screened = _screen(received)
    if all(entry.reason is not None for entry in screened):
        details = [{"file": entry.name, "problem": entry.reason} for entry in screened]
        message = "; ".join(f"{entry.name}: {entry.reason}" for entry in screened)
        raise RejectedFiles(f"没有可入库的文件 — {message}", details)
    upload_dir = ctx.settings.upload_dir
    upload_dir.mkdir(parents=True, exist_ok=True)
    submitted: list[Submitted] = []
    for entry in screened:
        if entry.reason is not None:
            submitted.append(Submitted(entry.name, None, entry.reason))
            continue
        path = upload_dir / entry.name
        path.write_bytes(entry.data)
        submitted.append(Submitted(entry.name, path.resolve()))
    return jobs.submit("upload", submitted)


@dataclass(frozen=True)
class _Screened:
    """An uploaded file after the checks made before anything is written."""

    name: str
    reason: str | None  # why it is refused; None to ingest it
    data: bytes = b""


def _screen(received: list[tuple[str, str | None, bytes]]) -> list[_Screened]:
    """Each file's name and bytes checked (name, extension, duplicates, content)."""
    screened: list[_Screened] = []
    seen: set[str] = set()
    kinds = ", ".join(sorted(SUPPORTED_EXTENSIONS))
    for shown, name, data in received:
        if name is None:
            screened.append(_Screened(shown, "文件名无效"))
        elif Path(name).suffix.lower() not in SUPPORTED_EXTENSIONS:
            screened.append(_Screened(name, f"不支持的格式(支持 {kinds})"))
        elif name in seen:
            screened.append(_Screened(name, "同一次上传中文件名重复"))
        elif not data:
            screened.append(_Screened(name, "空文件"))
        else:
            try:
                check_content(Path(name), data)
            except IngestError as exc:
                screened.append(
                    _Screened(name, exc.reason + (f": {exc.detail}" if exc.detail else ""))
                )
                continue
            seen.add(name)
            screened.append(_Screened(name, None, data))
    return screened


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
