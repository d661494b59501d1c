"""The model settings: unset means extractive; a base URL needs a model."""

from __future__ import annotations

import pytest

from service.config import LLMSettings, ServiceSettings


def test_unset_means_no_model() -> None:
    assert ServiceSettings.from_env({}).llm is None
    assert ServiceSettings.from_env({"REPORTQA_LLM_MODEL": "qwen"}).llm is None


def test_every_variable_is_read() -> None:
    llm = ServiceSettings.from_env(
        {
            "REPORTQA_LLM_BASE_URL": "http://127.0.0.1:11434/v1",
            "REPORTQA_LLM_MODEL": "qwen2.5:7b",
            "REPORTQA_LLM_API_KEY": "sk-test",
            "REPORTQA_LLM_TIMEOUT": "12.5",
            "REPORTQA_LLM_RETRIES": "3",
        }
    ).llm
    assert llm == LLMSettings(
        base_url="http://127.0.0.1:11434/v1",
        model="qwen2.5:7b",
        api_key="sk-test",
        timeout_seconds=12.5,
        retries=3,
    )


def test_a_base_url_without_a_model_is_refused_with_what_to_do() -> None:
    with pytest.raises(ValueError, match="REPORTQA_LLM_MODEL"):
        ServiceSettings.from_env({"REPORTQA_LLM_BASE_URL": "http://127.0.0.1:8001/v1"})


def test_the_cli_says_so_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from service import cli

    monkeypatch.setenv("REPORTQA_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("REPORTQA_LLM_MODEL", raising=False)
    result = CliRunner().invoke(cli.app, ["reports"])
    assert result.exit_code == 2
    assert result.output.startswith("error: REPORTQA_LLM_BASE_URL is set but REPORTQA_LLM_MODEL")
