"""The generative evaluation: planted figures, and a small run against the scripted model."""

from __future__ import annotations

from eval.generative import evaluate_generative, plant_wrong_figure
from eval.gold import load_gold
from eval.scripted_model import ScriptedLLM
from ingest.pipeline import IngestSummary
from service.context import ServiceContext
from tests.conftest import ROOT


def test_a_planted_figure_changes_one_digit_of_the_first_figure() -> None:
    assert plant_wrong_figure("2024年预算安排1,670.62万元[1],其中80.00万元[1]。") == (
        "2024年预算安排1,670.63万元[1],其中80.00万元[1]。",
        "1,670.63万元",
    )
    assert plant_wrong_figure("刑事案件补贴兑付不及时[1]。") is None


def test_scripted_answers_score_as_extractive_and_every_planted_figure_is_caught(
    corpus_context: ServiceContext, corpus_ingest: IngestSummary, scripted: ScriptedLLM
) -> None:
    gold = load_gold(ROOT / "eval" / "gold" / "gold-dev.jsonl")[:8]
    summary = evaluate_generative(corpus_context, gold, scripted).summary()
    assert summary["questions"] == 8
    assert summary["generative"] == summary["extractive"]
    assert summary["modes"].get("generative", 0) >= 5
    assert summary["planted_wrong_figures"] >= 5
    assert summary["caught"] == summary["planted_wrong_figures"] and not summary["missed"]
