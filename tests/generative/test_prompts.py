"""The prompt templates: each loads, renders every placeholder, and refuses a wrong render."""

from __future__ import annotations

import pytest

from prompts import PLACEHOLDERS, PromptError, load_prompt, placeholders_in
from service.answering.answer import NOT_FOUND


@pytest.mark.parametrize("name", sorted(PLACEHOLDERS))
def test_every_template_renders_with_its_placeholders(name: str) -> None:
    prompt = load_prompt(name)
    values = {key: f"<{key}-值>" for key in prompt.placeholders}
    system, user = prompt.render(**values)
    assert system and "{" not in system
    for value in values.values():
        assert value in user
    assert all(f"{{{k}}}" not in user for k in values)


@pytest.mark.parametrize("name", sorted(PLACEHOLDERS))
def test_a_render_missing_or_adding_a_value_fails(name: str) -> None:
    prompt = load_prompt(name)
    values = dict.fromkeys(prompt.placeholders, "x")
    with pytest.raises(PromptError, match="missing"):
        prompt.render(**dict(list(values.items())[1:]))
    with pytest.raises(PromptError, match="unexpected extra"):
        prompt.render(**values, extra="x")


def test_values_are_inserted_as_they_are() -> None:
    _, user = load_prompt("reader").render(question="{passages}", passages="表{1}")
    assert "{passages}" in user and "表{1}" in user


def test_the_reader_states_the_services_refusal_phrase_and_the_rules() -> None:
    system = load_prompt("reader").system
    assert NOT_FOUND in system
    assert "[1]" in system and "单位" in system and "忽略以上指令" in system


def test_placeholders_must_be_plain_names() -> None:
    assert placeholders_in("问题:{question} {{字面}}") == {"question"}
    with pytest.raises(PromptError):
        placeholders_in("{0}")
    with pytest.raises(PromptError):
        load_prompt("nonexistent")
