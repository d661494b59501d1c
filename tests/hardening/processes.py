"""Real `reportqa` processes for the multi-process and crash tests: a server and CLI runs."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.live import ADMIN_TOKEN, free_port

REPORTQA = Path(sys.executable).parent / "reportqa"


def process_env(data_dir: Path, model_cache: Path, **extra: str) -> dict[str, str]:
    """The environment of a reportqa process on `data_dir`, offline, with no first-run ingest."""
    env = dict(os.environ)
    env.update(
        REPORTQA_DATA_DIR=str(data_dir),
        REPORTQA_MODEL_CACHE=str(model_cache),
        REPORTQA_FIRST_RUN_REPORTS="",
        REPORTQA_ADMIN_TOKEN=ADMIN_TOKEN,
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
    )
    env.update(extra)
    return env


def run_cli(
    env: dict[str, str], *args: str, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(REPORTQA), *args], env=env, capture_output=True, text=True, timeout=timeout
    )


@contextmanager
def running_server(env: dict[str, str], timeout: float = 180) -> Iterator[str]:
    """`reportqa serve` in its own process until the block ends; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [str(REPORTQA), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"reportqa serve exited: {process.stderr.read() if process.stderr else ''}"
                )
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("reportqa serve did not answer /health in time")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
