"""Real processes for the multi-process, crash and deployment tests: `reportqa serve`, CLI runs
and a Chroma server (`chroma run`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
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


def owns_port(pid: int, port: int) -> bool:
    """Process `pid` holds the listening socket on `port`: the server that answers there is the
    one a test started, not another test's that took the port in between (other suites pick
    free ports on the same machine too)."""
    listening = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    listening.add(f"socket:[{fields[9]}]")
    with suppress(OSError):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with suppress(OSError):
                if os.readlink(fd) in listening:
                    return True
    return False


class ServeProcess:
    """`reportqa serve` started in its own process (ready once /health answers)."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self._env, self._args = env, args
        # A file, not a pipe: a pipe nobody reads fills up and blocks the server's logging.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115  (closed by stop())
        self._launch()

    def _launch(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._process = subprocess.Popen(
            [str(REPORTQA), "serve", "--port", str(self.port), *self._args],
            env=self._env,
            stdout=subprocess.DEVNULL,
            stderr=self._stderr,
        )

    def _relaunch(self) -> None:
        """Start again on another port (another process took this one)."""
        self._process.kill()
        self._process.wait(10)
        self._launch()

    def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self._process.poll() is not None:
                self._stderr.seek(0)
                stderr = self._stderr.read().decode(errors="replace")
                if "address already in use" in stderr.lower():
                    self._stderr.truncate(0)
                    self._relaunch()
                    continue
                raise RuntimeError(f"reportqa serve exited: {stderr[-4000:]}")
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    if owns_port(self._process.pid, self.port):
                        return
                    self._relaunch()
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("reportqa serve did not answer /health in time")
            time.sleep(0.3)

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(10)
        self._stderr.close()


@contextmanager
def running_servers(*commands: tuple[dict[str, str], tuple[str, ...]]) -> Iterator[list[str]]:
    """Several `reportqa serve` processes (environment, extra arguments), started together
    until the block ends; yields their base URLs."""
    with ExitStack() as stack:
        servers = []
        for env, args in commands:
            server = ServeProcess(env, *args)
            stack.callback(server.stop)
            servers.append(server)
        for server in servers:
            server.wait_ready()
        yield [server.url for server in servers]


@contextmanager
def running_server(env: dict[str, str], timeout: float = 180) -> Iterator[str]:
    """`reportqa serve` in its own process until the block ends; yields its base URL."""
    server = ServeProcess(env)
    try:
        server.wait_ready(timeout)
        yield server.url
    finally:
        server.stop()


class ChromaServer:
    """`chroma run` on a folder and a port, to be killed and started again on both."""

    def __init__(self, path: Path, port: int | None = None) -> None:
        chroma = shutil.which("chroma", path=str(REPORTQA.parent)) or shutil.which("chroma")
        assert chroma, "the chroma command comes with the chromadb package"
        self._command = [chroma, "run", "--path", str(path), "--host", "127.0.0.1"]
        self._fixed_port = port is not None
        self.port = port or free_port()
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> None:
        """Start and wait for the heartbeat; on a port another process took meanwhile, start
        again on another (unless the port was given: then it is an error)."""
        for _ in range(3):
            if self._started(timeout):
                return
            if self._fixed_port:
                raise RuntimeError(f"chroma server did not start on port {self.port}")
            self.port = free_port()
        raise RuntimeError("chroma server did not start")

    def _started(self, timeout: float) -> bool:
        process = self._process = subprocess.Popen(
            [*self._command, "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while process.poll() is None and time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", timeout=1)
            except OSError:
                time.sleep(0.2)
                continue
            if owns_port(process.pid, self.port):
                return True
            time.sleep(0.2)  # someone else's server: wait for ours to give up on the port
        self.kill()
        return False

    def kill(self) -> None:
        """Gone at once, as a crashed server or machine is: no clean shutdown."""
        if self._process is not None:
            self._process.kill()
            self._process.wait(30)
            self._process = None

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(30)
            self._process = None


@contextmanager
def chroma_server(path: Path) -> Iterator[ChromaServer]:
    """A running Chroma server on `path` until the block ends."""
    server = ChromaServer(path)
    server.start()
    try:
        yield server
    finally:
        server.stop()
