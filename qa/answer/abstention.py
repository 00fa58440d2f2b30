"""Calibrated abstention: the probability that an extractive answer is right.

Why: one coverage threshold could not tell `GRDP của Nam Định` (a name the documents never
mention) from a paraphrase that shares few words with its answer. A logistic regression over
a handful of evidence features, fitted with cross-validation on the gold set's tune split
(`qa eval --fit-abstention`, see `qa.answer.abstention_fit`), gives a probability that the answer is
right; the composer abstains below `Settings.abstain_below`. Weights are plain JSON.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from qa import DATA_DIR
from qa.errors import ConfigError

FEATURES = (
    "sentence_coverage",  # weighted share of question terms in the best sentence + its context
    "line_coverage",  # the same for the short answer line alone
    "has_keys",  # the question names a place, body, abbreviation or code
    "kind_match",  # the line has what the question kind asks for (a figure, a date, a body…)
    "period_agrees",  # the evidence is for the asked year and period
    "passage_coverage",  # question terms in the top passage as a whole
    "rank_prior",  # 1 / rank of the passage holding the answer
    "margin",  # composer score of the best line minus the best line of another sentence
    "sentence_similarity",  # the quoted sentence's cosine to the question, z-scored over the
    # sentences of the passages read (scale-free: e5 cosines sit near 0.9, others lower)
    "sentence_pairs",  # share of the question's word pairs in the quoted sentence + context
)  # names/codes the evidence misses and OCR damage act inside the coverages and the choice
DEFAULT_MODEL = DATA_DIR / "abstention.json"


@dataclass(frozen=True)
class AbstentionModel:
    """Standardised features → logistic regression → probability the answer is right."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    info: Mapping[str, Any]

    def probability(self, values: Mapping[str, float]) -> float:
        """P(right) for one answer's features (a missing feature counts as its mean).

        >>> model = AbstentionModel(("a",), (0.5,), (0.25,), (2.0,), 0.0, {})
        >>> round(model.probability({"a": 0.75}), 3), round(model.probability({"a": 0.5}), 3)
        (0.881, 0.5)
        """
        z = self.intercept
        for name, mean, scale, coef in zip(
            self.features, self.mean, self.scale, self.coef, strict=True
        ):
            z += coef * (values.get(name, mean) - mean) / scale
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "coef": list(self.coef),
            "intercept": self.intercept,
            "info": dict(self.info),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AbstentionModel:
        try:
            names = tuple(str(n) for n in data["features"])
            columns = [tuple(float(v) for v in data[key]) for key in ("mean", "scale", "coef")]
            intercept = float(data["intercept"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"abstention model: missing or bad field ({exc})") from exc
        if any(len(column) != len(names) for column in columns) or 0.0 in columns[1]:
            raise ConfigError("abstention model: feature, mean, scale and coef lengths differ")
        mean, scale, coef = columns
        return cls(names, mean, scale, coef, intercept, dict(data.get("info", {})))


@lru_cache(maxsize=4)
def load_model(path: str = "") -> AbstentionModel:
    """The model in `path` (empty: the packaged `qa/data/abstention.json`)."""
    file = Path(path) if path else DEFAULT_MODEL
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read abstention model {file}: {exc}") from exc
    return AbstentionModel.from_json(data)
