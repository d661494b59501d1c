"""A Hypothesis state machine over the store (after Chroma's chromadb/test/property/): random
sequences of ingest, re-ingest of a changed file, delete, ask and restart, with the invariants
checked after every step against a model of what should be stored."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from ingest.embedding import Embedder
from ingest.pipeline import ingest_file, report_id_for
from ingest.segmenter import Segmenter
from service.answering.pipeline import answer_question
from service.context import ServiceContext
from tests.conftest import make_context

BODIES = ("大理州甲局", "保山市乙局", "丽江市丙局")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def report_text(body: str, version: int) -> str:
    return (
        f"{body}2024年度部门整体支出绩效自评报告\n一、基本情况\n"
        f"{body}2024年度会议经费支出{version + 10}.{version % 10}5万元。\n"
    )


class StoreMachine(RuleBasedStateMachine):
    """The model: for each file, the content hash it was last ingested with (None: not stored)."""

    def __init__(self, folder: Path, factory: ContextFactory) -> None:
        super().__init__()
        self.folder = folder
        self.factory = factory
        self.ctx = factory.fresh()
        self.model: dict[Path, str | None] = {}

    @initialize()
    def start_empty(self) -> None:
        for report in self.ctx.store.list_reports():
            self.ctx.store.delete_report(report.id)
        self.model = {self.folder / f"{n}.txt": None for n in range(len(BODIES))}

    @rule(which=st.integers(0, len(BODIES) - 1), version=st.integers(0, 3))
    def ingest(self, which: int, version: int) -> None:
        path = self.folder / f"{which}.txt"
        data = report_text(BODIES[which], version).encode()
        path.write_bytes(data)
        result = ingest_file(path, self.ctx.settings.ingest, self.ctx.store, self.ctx.embedder)
        before = self.model[path]
        expected = (
            "unchanged" if before == report_id_for(data) else ("replaced" if before else "ingested")
        )
        assert result.status == expected, (result.status, result.error)
        self.model[path] = report_id_for(data)

    @rule(which=st.integers(0, len(BODIES) - 1))
    def delete(self, which: int) -> None:
        path = self.folder / f"{which}.txt"
        report_id = self.model[path]
        if report_id is not None:
            self.ctx.store.delete_report(report_id)
            self.model[path] = None

    @rule(which=st.integers(0, len(BODIES) - 1))
    def ask(self, which: int) -> None:
        answer = answer_question(self.ctx, f"{BODIES[which]}2024年会议经费支出多少?")
        stored = {r for r in self.model.values() if r}
        assert {c.report_id for c in answer.citations + answer.related} <= stored
        quoted = " ".join(c.quote for c in answer.citations)
        if answer.answerable:
            for number in _NUMBER.findall(answer.answer):
                assert number in quoted or number in answer.computed, (answer.answer, quoted)

    @rule()
    def restart(self) -> None:
        self.ctx = self.factory.fresh()

    @invariant()
    def stored_is_the_model(self) -> None:
        if not self.model:
            return
        listed = self.ctx.store.list_reports()
        assert sorted(r.id for r in listed) == sorted(r for r in self.model.values() if r)
        for report in listed:
            full = self.ctx.store.get_report(report.id)
            chunks = self.ctx.store.chunks_of(report.id)
            assert full is not None and len(chunks) == report.chunk_count
            assert all(full.text[c.start : c.end] == c.text for c in chunks)


class ContextFactory:
    """New contexts on one folder, as a restarted process would open it (the model is kept)."""

    def __init__(self, data_dir: Path, model_cache: Path, embedder: Embedder, segmenter: Segmenter):
        self.args = (data_dir, model_cache, embedder, segmenter)

    def fresh(self) -> ServiceContext:
        return make_context(*self.args)


def test_random_sequences_keep_the_store_and_the_model_equal(
    tmp_path: Path, model_cache: Path, embedder: Embedder, segmenter: Segmenter
) -> None:
    factory = ContextFactory(tmp_path / "data", model_cache, embedder, segmenter)
    files = tmp_path / "files"
    files.mkdir()
    run_state_machine_as_test(
        lambda: StoreMachine(files, factory),
        settings=settings(
            max_examples=4,
            stateful_step_count=8,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        ),
    )


pytestmark = pytest.mark.slow
