"""Request limits and the one error shape: rate (429 + Retry-After), body size (413), time (504),
and an unexpected error (500) — all as JSON, never plain text."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ingest.config import IngestSettings
from service.app import create_app
from service.config import ServiceSettings
from service.context import ServiceContext
from service.errors import install_error_handlers
from service.limits import LimitSettings, LimitsMiddleware, RateLimiter


def _shape(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["status"] == status and error["code"] == code and error["message"]


@pytest.fixture(scope="module")
def tight(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """An app on an empty store with a low rate and a small body limit."""
    ingest_settings = IngestSettings(data_dir=tmp_path_factory.mktemp("limits"))
    settings = ServiceSettings(
        ingest=ingest_settings, rate_per_minute=60, rate_burst=5, max_body_kb=4
    )
    ctx = ServiceContext(settings)
    ctx.__dict__["warm_up"] = lambda: None  # nothing to warm: no model needed for these routes
    with TestClient(create_app(context=ctx), raise_server_exceptions=False) as client:
        yield client


def test_over_the_rate_a_client_gets_429_with_retry_after(tight: TestClient) -> None:
    statuses = [tight.get("/reports").status_code for _ in range(8)]
    assert statuses[:5] == [200] * 5 and statuses[-1] == 429
    refused = tight.get("/reports")
    _shape(refused, 429, "rate_limited")
    assert 1 <= int(refused.headers["Retry-After"]) <= 2
    assert tight.get("/health").status_code == 200  # monitors are not counted


def test_the_bucket_refills_at_its_rate() -> None:
    limiter = RateLimiter(per_minute=60, burst=2)
    assert [limiter.take("a", now=0.0) for _ in range(3)] == [0.0, 0.0, 1.0]
    assert limiter.take("b", now=0.0) == 0.0  # per client
    assert limiter.take("a", now=1.0) == 0.0 and limiter.take("a", now=1.0) > 0


def test_a_body_over_the_limit_is_413_declared_or_streamed() -> None:
    app = _bare_app(
        LimitSettings(0, 0, max_body_bytes=1024, max_upload_request_bytes=0, timeout_seconds=0)
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        _shape(client.post("/echo", content=b"x" * 2048), 413, "payload_too_large")

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
            yield b'{"text": "'
            for _ in range(8):
                yield b"y" * 512
            yield b'"}'

        _shape(client.post("/echo", content=chunks()), 413, "payload_too_large")
        assert client.post("/echo", json={"text": "small"}).json() == {"length": 5}


def test_a_request_over_the_time_limit_is_504() -> None:
    app = _bare_app(LimitSettings(0, 0, 0, 0, timeout_seconds=0.5))
    with TestClient(app, raise_server_exceptions=False) as client:
        started = time.monotonic()
        _shape(client.get("/slow"), 504, "timeout")
        assert time.monotonic() - started < 5
        assert client.post("/echo", json={"text": "quick"}).status_code == 200


def test_an_unexpected_error_is_a_json_500_without_the_traceback() -> None:
    app = _bare_app(LimitSettings(0, 0, 0, 0, 0))
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
        _shape(response, 500, "internal_error")
        assert "secret detail" not in response.text and "Traceback" not in response.text


def _bare_app(limits: LimitSettings) -> FastAPI:
    """A small app with our handlers and limits, routes that misbehave on purpose."""
    app = FastAPI()
    install_error_handlers(app)
    app.add_middleware(LimitsMiddleware, limits=limits)

    @app.post("/echo")
    def echo(body: dict[str, str]) -> dict[str, int]:
        return {"length": len(body["text"])}

    @app.get("/slow")
    async def slow() -> dict[str, str]:
        await asyncio.sleep(30)
        return {}

    @app.get("/boom")
    def boom() -> dict[str, str]:
        raise RuntimeError("secret detail")

    return app


def test_the_service_default_limits_are_generous() -> None:
    settings = ServiceSettings.from_env({})
    assert settings.rate_per_minute >= 600 and settings.rate_burst >= 100
    assert settings.max_body_kb >= 256 and settings.request_timeout_s >= 60
