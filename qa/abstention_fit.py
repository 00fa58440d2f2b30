"""Fit the abstention model (`qa.abstention`) on the gold set's tune split.

`qa eval --fit-abstention` runs every tune question through `ask` with abstention off, labels
it 1 when the answer holds the gold answer (0 when wrong or unanswerable), and fits a
standardised logistic regression whose strength is chosen by stratified 5-fold
cross-validation (scikit-learn `LogisticRegressionCV`). Out-of-fold probabilities give the
honest reliability table and the suggested `abstain_below`. Held-out questions are never read.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.abstention import FEATURES, AbstentionModel, reliability
from qa.answer import compose_answer
from qa.evaluate import answer_correct, load_gold

if TYPE_CHECKING:
    from qa.retrieve import Searcher

FOLDS = 5
MAX_FALSE_ABSTENTION = 0.05  # share of answerable questions we accept to abstain on


@dataclass
class FitReport:
    model: AbstentionModel
    questions: int
    answerable: int
    threshold: float
    reliability: list[dict[str, Any]]  # out-of-fold confidence bins vs accuracy
    path: Path | None = None


def neutral_model() -> AbstentionModel:
    """A model that says 0.5 to everything: used while collecting features to fit on."""
    zeros = tuple(0.0 for _ in FEATURES)
    return AbstentionModel(FEATURES, zeros, tuple(1.0 for _ in FEATURES), zeros, 0.0, {})


def tune_ids(gold_path: Path, split: str = "tune") -> set[str]:
    """Ids of the questions in `split` (a question without a `split` field is tune)."""
    rows = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines()]
    return {str(r["id"]) for r in rows if r and r.get("split", "tune") == split}


def collect(
    searcher: Searcher, gold_path: Path, split: str = "tune"
) -> tuple[list[dict[str, float]], list[int], list[bool]]:
    """Features, labels (answer right) and answerability of every question of `split`."""
    keep = tune_ids(gold_path, split)
    never = replace(searcher.settings, abstain_below=-1.0)
    features, labels, answerable = [], [], []
    model = neutral_model()
    for item in load_gold(gold_path):
        if item.id not in keep:
            continue
        hits = searcher.search(item.question, 5, "hybrid")
        answer = compose_answer(item.question, hits, searcher.segmenter, never, model)
        features.append(dict(answer.features))
        labels.append(int(item.answer is not None and answer_correct(item.answer, answer)))
        answerable.append(item.answerable)
    return features, labels, answerable


def fit(
    features: Sequence[dict[str, float]], labels: Sequence[int], folds: int = FOLDS
) -> tuple[AbstentionModel, list[float]]:
    """The fitted model and out-of-fold probabilities (same order as `features`)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x = np.array([[row.get(name, 0.0) for name in FEATURES] for row in features])
    y = np.array(labels)
    splitter = StratifiedKFold(folds, shuffle=True, random_state=0)

    def pipeline() -> Any:
        regression = LogisticRegressionCV(Cs=10, cv=splitter, scoring="neg_log_loss")
        return make_pipeline(StandardScaler(), regression)

    with warnings.catch_warnings():  # scikit-learn 1.9 announces attribute changes of 1.10
        warnings.simplefilter("ignore", FutureWarning)
        out_of_fold = cross_val_predict(pipeline(), x, y, cv=splitter, method="predict_proba")
        fitted = pipeline().fit(x, y)
    scaler, regression = fitted[0], fitted[1]
    scale = tuple(float(s) if s > 0 else 1.0 for s in scaler.scale_)
    model = AbstentionModel(
        FEATURES,
        tuple(float(m) for m in scaler.mean_),
        scale,
        tuple(float(c) for c in regression.coef_[0]),
        float(regression.intercept_[0]),
        {"C": float(regression.C_[0]), "folds": folds, "questions": len(labels)},
    )
    return model, [float(p) for p in out_of_fold[:, 1]]


def choose_threshold(
    probabilities: Sequence[float], answerable: Sequence[bool], labels: Sequence[int]
) -> float:
    """The highest threshold (0.05 steps) that abstains on at most 5% of the answerable
    questions; it abstains on as many unanswerable ones as that allows.

    >>> choose_threshold([0.9, 0.8, 0.1, 0.3], [True, True, False, False], [1, 1, 0, 0])
    0.8
    """
    answerable_p = [p for p, a in zip(probabilities, answerable, strict=True) if a]
    allowed = [
        t / 20
        for t in range(21)
        if sum(p < t / 20 for p in answerable_p) <= MAX_FALSE_ABSTENTION * len(answerable_p)
    ]
    return max(allowed, default=0.0)


def fit_from_gold(
    searcher: Searcher, gold_path: Path, out: Path | None = None, split: str = "tune"
) -> FitReport:
    """Collect, fit, choose the threshold; write the weights JSON to `out` when given."""
    features, labels, answerable = collect(searcher, gold_path, split)
    model, out_of_fold = fit(features, labels)
    threshold = choose_threshold(out_of_fold, answerable, labels)
    model = replace(model, info={**model.info, "suggested_abstain_below": threshold})
    report = FitReport(
        model, len(labels), sum(answerable), threshold, reliability(out_of_fold, labels)
    )
    if out is not None:
        out.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
        report.path = out
    return report
