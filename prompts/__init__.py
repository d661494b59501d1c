"""Chinese prompt templates for the optional language model, and a loader that checks them.

Each prompt is `NAME_system.txt` (the rules, no placeholders) and `NAME_user.txt` (named
placeholders, `{question}`); the placeholders each prompt takes are declared here, so a template
edited out of step with the code fails on load, not on a model's reply.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PROMPT_DIR = Path(__file__).resolve().parent

PLACEHOLDERS: dict[str, frozenset[str]] = {
    "reader": frozenset({"question", "passages"}),
    "resolver": frozenset({"previous", "question"}),
    "chooser": frozenset({"question", "options"}),
    "summary": frozenset({"title", "facts"}),
}


class PromptError(ValueError):
    """A template and its declared placeholders disagree, or a render lacks a value."""


@dataclass(frozen=True)
class Prompt:
    """One chat prompt: system rules and a user template with named placeholders."""

    name: str
    system: str
    user: str
    placeholders: frozenset[str]

    def render(self, **values: str) -> tuple[str, str]:
        """(system, user) with every placeholder filled; values are inserted as they are."""
        given = frozenset(values)
        if given != self.placeholders:
            missing = ", ".join(sorted(self.placeholders - given)) or "none"
            extra = ", ".join(sorted(given - self.placeholders)) or "none"
            raise PromptError(f"prompt '{self.name}': missing {missing}; unexpected {extra}")
        return self.system, self.user.format(**values)


def placeholders_in(template: str) -> frozenset[str]:
    """The named fields of a `str.format` template; positional or attribute fields are errors."""
    names = set()
    for _, field, _, _ in string.Formatter().parse(template):
        if field is None:
            continue
        if not field.isidentifier():
            raise PromptError(f"placeholder '{{{field}}}' is not a plain name")
        names.add(field)
    return frozenset(names)


@cache
def load_prompt(name: str) -> Prompt:
    """The named prompt, its templates checked against the declared placeholders."""
    if name not in PLACEHOLDERS:
        raise PromptError(f"no prompt '{name}'; known: {', '.join(sorted(PLACEHOLDERS))}")
    system = (PROMPT_DIR / f"{name}_system.txt").read_text(encoding="utf-8").strip()
    user = (PROMPT_DIR / f"{name}_user.txt").read_text(encoding="utf-8").strip()
    if placeholders_in(system):
        raise PromptError(f"prompt '{name}': the system template takes no placeholders")
    found = placeholders_in(user)
    if found != PLACEHOLDERS[name]:
        raise PromptError(
            f"prompt '{name}': the template names {sorted(found)}, "
            f"the code gives {sorted(PLACEHOLDERS[name])}"
        )
    return Prompt(name, system, user, PLACEHOLDERS[name])
