"""One scoring function: a logistic model over the named features, with fitted weights and one
calibrated acceptance threshold, read from a small versioned data file (`data/scorer.json`).

The weights are fitted by `eval.fitting` on the gold-dev questions plus questions generated from
every table cell and stated figure of the corpus reports; the file names the data it was fitted
on. Below the threshold the answer is the honest refusal.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from service.answering.features import FEATURES

SCORER_FILE = "scorer.json"


@dataclass(frozen=True)
class Scorer:
    """Weights per feature, a bias, and the acceptance threshold on the resulting probability."""

    weights: dict[str, float]
    bias: float
    threshold: float
    version: int = 1
    fitted_on: list[str] = field(default_factory=list)
    calibration: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        missing = set(FEATURES) - self.weights.keys()
        if missing:
            raise ValueError(f"the scorer has no weight for: {', '.join(sorted(missing))}")

    def score(self, features: Sequence[float]) -> float:
        """The probability that a candidate answers its question part."""
        z = self.bias + sum(self.weights[n] * x for n, x in zip(FEATURES, features, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def accepts(self, score: float) -> bool:
        return score >= self.threshold

    def to_json(self) -> str:
        data = {
            "version": self.version,
            "features": list(FEATURES),
            "weights": {n: round(self.weights[n], 6) for n in FEATURES},
            "bias": round(self.bias, 6),
            "threshold": round(self.threshold, 6),
            "fitted_on": self.fitted_on,
            "calibration": self.calibration,
        }
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def scorer_from_json(text: str) -> Scorer:
    data = json.loads(text)
    return Scorer(
        weights={k: float(v) for k, v in data["weights"].items()},
        bias=float(data["bias"]),
        threshold=float(data["threshold"]),
        version=int(data.get("version", 1)),
        fitted_on=list(data.get("fitted_on", [])),
        calibration=dict(data.get("calibration", {})),
    )


@cache
def load_scorer(path: Path | None = None) -> Scorer:
    """The shipped scorer, or one fitted elsewhere (`REPORTQA_SCORER_FILE`)."""
    if path is not None:
        return scorer_from_json(path.read_text("utf-8"))
    raw = resources.files("service.answering.data").joinpath(SCORER_FILE).read_text("utf-8")
    return scorer_from_json(raw)
