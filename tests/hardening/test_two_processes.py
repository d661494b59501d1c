"""One store folder, several processes: a CLI ingest or delete beside a running `reportqa serve`
is picked up by the service at its next request — never a 500 (issue 11: "Error finding id")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from ingest.config import IngestSettings
from ingest.store import ReportStore
from tests.hardening.badfiles import REPORT_TEXT
from tests.hardening.processes import process_env, run_cli, running_server

QUESTION = "大理州测试局2024年会议经费支出多少?"
OTHER = REPORT_TEXT.replace("大理州", "保山市").replace("12.34", "76.54")
DELETE_SCRIPT = """
import sys
from ingest.config import IngestSettings
from ingest.store import ReportStore
store = ReportStore.open(IngestSettings.from_env())
store.delete_report(sys.argv[1])
"""


def test_cli_ingest_and_delete_beside_a_running_server(tmp_path: Path, model_cache: Path) -> None:
    env = process_env(tmp_path / "data", model_cache)
    first = tmp_path / "dali.txt"
    first.write_text(REPORT_TEXT, encoding="utf-8")
    second = tmp_path / "baoshan.txt"
    second.write_text(OTHER, encoding="utf-8")
    assert run_cli(env, "ingest", str(first)).returncode == 0
    with running_server(env) as url, httpx.Client(base_url=url, timeout=120) as client:
        before = client.post("/ask", json={"question": QUESTION})
        assert before.status_code == 200 and "12.34" in before.json()["answer"]

        ingested = run_cli(env, "ingest", str(second))
        assert ingested.returncode == 0, ingested.stderr
        for question, figure in (
            (QUESTION, "12.34"),
            ("保山市测试局2024年会议经费支出多少?", "76.54"),
        ):
            answer = client.post("/ask", json={"question": question})
            assert answer.status_code == 200, answer.text
            assert answer.json()["answerable"] and figure in answer.json()["answer"]
        listed = {r["file_name"]: r["id"] for r in client.get("/reports").json()["data"]}
        assert set(listed) == {"dali.txt", "baoshan.txt"}
        assert client.get("/search", params={"q": "保山市 会议经费"}).status_code == 200

        deleted = subprocess_delete(env, listed["dali.txt"])
        assert deleted.returncode == 0, deleted.stderr
        gone = client.post("/ask", json={"question": QUESTION})
        assert gone.status_code == 200
        cited = {c["report_id"] for c in gone.json()["citations"] + gone.json()["related"]}
        assert listed["dali.txt"] not in cited and "12.34" not in gone.json()["answer"]
        assert [r["file_name"] for r in client.get("/reports").json()["data"]] == ["baoshan.txt"]

        # and the service's own write after the others' goes on from what they left
        upload = client.post(
            "/reports",
            files=[("files", ("dali.txt", REPORT_TEXT.encode()))],
            headers={"Authorization": f"Bearer {env['REPORTQA_ADMIN_TOKEN']}"},
        )
        assert upload.status_code == 202
        job = upload.json()
        while job["status"] in ("queued", "running"):
            job = client.get(
                f"/jobs/{job['id']}",
                headers={"Authorization": f"Bearer {env['REPORTQA_ADMIN_TOKEN']}"},
            ).json()
        assert job["files"][0]["status"] == "ingested", job
    store = ReportStore.open(IngestSettings.from_env(env))
    assert sorted(r.file_name for r in store.list_reports()) == ["baoshan.txt", "dali.txt"]


def subprocess_delete(env: dict[str, str], report_id: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", DELETE_SCRIPT, report_id], env=env, capture_output=True, text=True
    )
