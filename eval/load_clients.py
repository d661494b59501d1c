"""The clients of the load benchmark: threads asking over keep-alive HTTP, and one uploader.

Plain `http.client`, one connection per thread: the clients share the machine's cores with the
server, so they must cost as little as possible per request.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Asked:
    """One request of the load: when it started (s since the load began), how long it took,
    its status (0: no HTTP answer at all) and the answer's text."""

    question: int
    started: float
    seconds: float
    status: int
    answer: str | None


@dataclass
class Upload:
    """The upload run during the load: when it was sent and finished, and what became of it."""

    sent: float | None = None
    finished: float | None = None
    status: str = "not sent"


class Connection:
    """One keep-alive connection to the service, opened again after any failure."""

    def __init__(self, url: str, timeout: float = 120.0) -> None:
        parts = urlsplit(url)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80
        self._timeout = timeout
        self._conn: http.client.HTTPConnection | None = None

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)
        try:
            self._conn.request(method, path, body=body, headers=headers or {})
            response = self._conn.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self._conn.close()
            self._conn = None
            raise

    def json(self, method: str, path: str, payload: Any = None, **headers: str) -> Any:
        body = json.dumps(payload).encode() if payload is not None else None
        status, data = self.request(
            method, path, body, {"Content-Type": "application/json", **headers}
        )
        if status >= 400:
            raise RuntimeError(f"{method} {path}: {status} {data[:300]!r}")
        return json.loads(data)


def ask_once(conn: Connection, question: str) -> tuple[int, str | None]:
    """POST /ask; the status and the answer's text (None unless 200)."""
    body = json.dumps({"question": question}).encode()
    status, data = conn.request("POST", "/ask", body, {"Content-Type": "application/json"})
    return status, json.loads(data)["answer"] if status == 200 else None


def run_clients(
    url: str, questions: list[str], clients: int, seconds: float, started: float, seed: int = 7
) -> list[Asked]:
    """`clients` threads asking questions in random order until `seconds` after `started`."""
    results: list[list[Asked]] = [[] for _ in range(clients)]

    def client(index: int) -> None:
        conn, order = Connection(url), random.Random(seed + index)
        while (now := time.monotonic()) < started + seconds:
            question = order.randrange(len(questions))
            try:
                status, answer = ask_once(conn, questions[question])
            except (OSError, http.client.HTTPException):
                status, answer = 0, None
            done = time.monotonic()
            results[index].append(Asked(question, now - started, done - now, status, answer))

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [asked for per_client in results for asked in per_client]


def upload_report(url: str, path: Path, token: str, started: float, upload: Upload) -> None:
    """POST /reports with one file, then poll its job until it is finished."""
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="{path.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        + path.read_bytes()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    auth = {"Authorization": f"Bearer {token}"}
    conn = Connection(url)
    upload.sent = time.monotonic() - started
    status, data = conn.request(
        "POST",
        "/reports",
        body,
        {"Content-Type": f"multipart/form-data; boundary={boundary}", **auth},
    )
    if status != 202:
        upload.status = f"refused: {status} {data[:200]!r}"
        return
    job = json.loads(data)
    while job["status"] in ("queued", "running"):
        time.sleep(0.5)
        job = conn.json("GET", f"/jobs/{job['id']}", **auth)
    upload.finished = time.monotonic() - started
    upload.status = job["files"][0]["status"]
