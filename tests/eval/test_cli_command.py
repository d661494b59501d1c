"""`reportqa eval`, registered on a Typer app and run in-process on the session's corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from eval import cli_command, runner
from ingest.pipeline import IngestSummary
from service.context import ServiceContext
from tests.eval.test_gold import GOLD_DEV
from tests.eval.test_runner import top_chunk_answer

cli = CliRunner()


def make_app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """A stand-in for the reportqa app, so that `eval` stays a subcommand."""

    cli_command.register_eval_command(app)
    return app


def test_a_missing_gold_file_exits_2_with_one_line(tmp_path: Path) -> None:
    result = cli.invoke(make_app(), ["eval", str(tmp_path / "absent.jsonl")])
    assert result.exit_code == 2
    assert "no such gold file" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_malformed_gold_file_exits_2_naming_the_line(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(GOLD_DEV.read_text(encoding="utf-8").splitlines()[0] + "\n{oops\n")
    result = cli.invoke(make_app(), ["eval", str(gold)])
    assert result.exit_code == 2
    assert f"{gold}:2: not valid JSON" in " ".join(result.output.split())


@pytest.mark.slow
def test_eval_writes_both_reports_and_prints_the_summary(
    corpus_context: ServiceContext,
    corpus_ingest: IngestSummary,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setattr(cli_command, "make_context", lambda: corpus_context)
    monkeypatch.setattr(runner, "default_answer_fn", lambda: top_chunk_answer)
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(GOLD_DEV.read_text(encoding="utf-8").splitlines()[3:5]) + "\n")
    out = tmp_path / "results"
    result = cli.invoke(make_app(), ["eval", str(gold), "--no-baseline", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "answer correct" in result.output and "latency p95" in result.output
    assert (out / "report.md").read_text(encoding="utf-8").startswith("# reportqa evaluation")
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in data["results"]] == ["d04", "d05"]
    assert data["summary"]["baseline"] is None


def test_eval_without_gold_or_synthetic_exits_2(tmp_path: Path) -> None:
    result = cli.invoke(make_app(), ["eval"])
    assert result.exit_code == 2
    assert "--synthetic" in result.output


@pytest.mark.slow
def test_eval_synthetic_scores_a_reports_generated_questions(
    corpus_context: ServiceContext,
    corpus_ingest: IngestSummary,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setattr(cli_command, "make_context", lambda: corpus_context)
    report = next(r for r in corpus_context.reports() if r.file_name.startswith("putuo-justice"))
    out = tmp_path / "results"
    args = ["eval", "--synthetic", report.id, "--out", str(out)]
    result = cli.invoke(make_app(), args)
    assert result.exit_code == 0, result.output
    assert "putuo-justice-2026-budget" in result.output
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    ours = data["summary"]["ours"]
    assert ours["questions"] > 30
    # the shipped scorer answers most of a corpus report's own generated questions
    assert ours["answer_correct"]["correct"] / ours["questions"] > 0.8
