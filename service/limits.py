"""Request limits, as ASGI middleware: a rate per client, a body size, a time.

- Rate: a token bucket per client address (`burst` requests at once, refilled at `per_minute`);
  over it, 429 with Retry-After. The page's files and /health are not counted, nor the staff's
  write routes (they carry a token and are few).
- Body: a declared Content-Length over the limit is refused before the body is read; a body
  streamed without one is counted as it arrives and refused once over. Uploads (POST /reports)
  have their own, larger limit; each file's limit is the route's own check.
- Time: a request still running after the limit gets 504 if nothing was sent yet; a stream
  already started is ended. Sync routes' threads cannot be stopped, but the client is freed.

Every refusal is the one JSON error shape.
"""

from __future__ import annotations

import asyncio
import json
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.errors import PayloadTooLarge, error_body

_UNCOUNTED_PREFIXES = ("/static", "/health", "/jobs", "/favicon")
_MAX_CLIENTS = 10_000  # buckets kept; the least recently seen client is forgotten first


@dataclass(frozen=True)
class LimitSettings:
    """The limits one app applies (0 switches a limit off)."""

    rate_per_minute: int
    rate_burst: int
    max_body_bytes: int
    max_upload_request_bytes: int
    timeout_seconds: float


class RateLimiter:
    """Token buckets per client: `burst` at once, refilled at `per_minute` / 60 per second."""

    def __init__(self, per_minute: int, burst: int) -> None:
        self._rate = per_minute / 60.0
        self._burst = float(max(burst, 1))
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, client: str, now: float | None = None) -> float:
        """Spend one token; 0.0 when allowed, else the seconds until a token is there."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, seen = self._buckets.pop(client, (self._burst, now))
            tokens = min(self._burst, tokens + (now - seen) * self._rate)
            wait = 0.0
            if tokens >= 1.0:
                tokens -= 1.0
            else:
                wait = (1.0 - tokens) / self._rate
            self._buckets[client] = (tokens, now)
            while len(self._buckets) > _MAX_CLIENTS:
                self._buckets.popitem(last=False)
            return wait


class LimitsMiddleware:
    """Applies `LimitSettings` to every HTTP request of the wrapped app."""

    def __init__(self, app: ASGIApp, limits: LimitSettings) -> None:
        self.app = app
        self.limits = limits
        self.rate = (
            RateLimiter(limits.rate_per_minute, limits.rate_burst)
            if limits.rate_per_minute > 0
            else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        if self.rate is not None and _counted(scope, path):
            client = scope.get("client")
            wait = self.rate.take(client[0] if client else "unknown")
            if wait > 0:
                retry = max(1, math.ceil(wait))
                message = f"请求过于频繁,请 {retry} 秒后重试"
                await _refuse(send, 429, "rate_limited", message, {"Retry-After": str(retry)})
                return
        limit = self._body_limit(scope, path)
        if limit and _declared_length(scope) > limit:
            await _refuse(send, 413, PayloadTooLarge.code, _too_large(limit))
            return
        counted_receive = _counting(receive, limit) if limit else receive
        if self.limits.timeout_seconds <= 0:
            await self.app(scope, counted_receive, send)
            return
        await self._in_time(scope, counted_receive, send)

    async def _in_time(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await asyncio.wait_for(
                self.app(scope, receive, watched_send), self.limits.timeout_seconds
            )
        except TimeoutError:
            if not started:
                seconds = f"{self.limits.timeout_seconds:g}"
                await _refuse(send, 504, "timeout", f"请求超过 {seconds} 秒的处理时限")

    def _body_limit(self, scope: Scope, path: str) -> int:
        if scope.get("method") == "POST" and path.rstrip("/") == "/reports":
            return self.limits.max_upload_request_bytes
        return self.limits.max_body_bytes


def _counted(scope: Scope, path: str) -> bool:
    if path.startswith(_UNCOUNTED_PREFIXES) or path == "/":
        return False
    # Staff writes are authenticated by token and few: not counted against readers.
    return not (scope.get("method") in ("POST", "DELETE") and path.startswith("/reports"))


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


def _counting(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def receive_counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                # Raised inside the app as it reads its body; FastAPI passes an HTTPException
                # from there on (any other error becomes "error parsing the body", 400).
                raise HTTPException(413, _too_large(limit))
        return message

    return receive_counted


def _too_large(limit: int) -> str:
    if limit >= 2**20:
        return f"请求体超过 {limit / 2**20:g} MB 的上限"
    return f"请求体超过 {limit / 1024:g} KB 的上限"


async def _refuse(
    send: Send, status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> None:
    body = json.dumps(error_body(status, code, message), ensure_ascii=False).encode()
    raw_headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ] + [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})
