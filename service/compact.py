"""Sharing equal values among the records a serving process keeps for every stored report.

A serving process holds each report's figures, findings, tables, chunks and table cells for as
long as it runs, and most of their bytes are repeats: every pydantic model carries its own set of
the field names it was given (728 bytes for a Figure's eleven, as much again for its Position),
every figure's position its own copy of the same section path, every cell its own copies of its
row's, column's and caption's word sets. `Sharer` walks such records once, after they are built,
and makes equal values one object. Nothing is changed but identity: every value, and so every
answer, stays equal to what it was (about 1.5 of the 2.5 KB a figure took are saved).

Shared values must not be mutated afterwards. The records are read-only once built; lists and
sets are only shared where the models hold them (pydantic copies a list it is given, so a new
model never aliases a shared one). A pydantic model adds a field's name to its fields-set when
the field is assigned, and equal fields-sets are shared: these records' fields are never assigned
after they are built (the set only matters to `exclude_unset`, which reportqa does not use).
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from pydantic import BaseModel

_T = TypeVar("_T")


class Sharer:
    """One object per distinct string, word set, string list and model fields-set seen."""

    def __init__(self) -> None:
        self._strings: dict[str, str] = {}
        self._word_sets: dict[tuple[str, ...], frozenset[str]] = {}
        self._string_lists: dict[tuple[str, ...], list[str]] = {}
        self._field_sets: dict[tuple[type, frozenset[str]], set[str]] = {}

    def string(self, text: str) -> str:
        return self._strings.setdefault(text, text)

    def words(self, words: frozenset[str]) -> frozenset[str]:
        """An equal word set that also iterates in the same order, shared. Equal sets built
        from words in another order may iterate differently, and answers read some sets in
        order (sums of weights over them, the first of tied words): only identical ones merge."""
        return self._word_sets.setdefault(tuple(words), words)

    def share(self, value: _T) -> _T:
        """`value` with its parts shared; models and lists are changed in place."""
        return self._share(value)  # type: ignore[no-any-return]

    def _share(self, value: Any) -> Any:
        if type(value) is str:
            return self.string(value)
        if isinstance(value, BaseModel):
            self._share_model(value)
            return value
        if type(value) is list:
            return self._share_list(value)
        if type(value) is frozenset and all(type(w) is str for w in value):
            return self.words(value)
        if type(value) is tuple:
            return tuple(self._share(v) for v in value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            for f in dataclasses.fields(value):
                # frozen dataclasses too: the value put back is equal to the one there
                object.__setattr__(value, f.name, self._share(getattr(value, f.name)))
            return value
        return value

    def _share_list(self, items: list[Any]) -> list[Any]:
        if items and all(type(i) is str for i in items):
            key = tuple(self.string(i) for i in items)
            return self._string_lists.setdefault(key, list(key))
        items[:] = [self._share(i) for i in items]
        return items

    def _share_model(self, model: BaseModel) -> None:
        values = model.__dict__
        for name, item in values.items():
            values[name] = self._share(item)
        given = model.__pydantic_fields_set__
        shared = self._field_sets.setdefault((type(model), frozenset(given)), given)
        object.__setattr__(model, "__pydantic_fields_set__", shared)
