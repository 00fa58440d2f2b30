"""Fit the abstention model (`qa.answer.abstention`) on the gold set's tune split.

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

from qa.answer.abstention import FEATURES, AbstentionModel
from qa.answer.ask import ask
from qa.config import ASK_PASSAGES
from qa.evaluation.answer_stats import ReliabilityBin, expected_calibration_error, reliability_bins
from qa.evaluation.answers import AskResult, answer_correct
from qa.evaluation.gold import load_gold

if TYPE_CHECKING:
    from qa.search.searcher import Searcher

FOLDS = 5
MAX_FALSE_ABSTENTION = 0.05  # share of answerable questions we accept to abstain on


@dataclass
class FitReport:
    model: AbstentionModel
    questions: int
    answerable: int
    threshold: float
    reliability: list[ReliabilityBin]  # out-of-fold confidence bins vs accuracy
    calibration_error: float
    path: Path | None = None


def neutral_model() -> AbstentionModel:
    """A model that says 0.5 to everything: used while collecting features to fit on."""
    zeros = tuple(0.0 for _ in FEATURES)
    return AbstentionModel(FEATURES, zeros, tuple(1.0 for _ in FEATURES), zeros, 0.0, {})


def collect(
    searcher: Searcher, gold_path: Path, split: str = "tune"
) -> tuple[list[dict[str, float]], list[AskResult]]:
    """Features and results (right or not) of every question of `split`, never abstaining:
    through `ask`, as `qa ask` and `qa eval` answer them."""
    never = replace(searcher.settings, abstain_below=-1.0)
    model = neutral_model()
    features, results = [], []
    for item in (i for i in load_gold(gold_path) if i.split == split):
        answer = ask(
            searcher, item.question, k=ASK_PASSAGES, mode="hybrid", settings=never, model=model
        )
        features.append(dict(answer.features))
        right = item.answer is not None and answer_correct(item.answer, answer, searcher.segmenter)
        cited = len(answer.citations)
        results.append(
            AskResult(item.id, item.type, item.answerable, 0.5, right, cited, 0, answer.text)
        )
    return features, results


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


def choose_threshold(results: Sequence[AskResult]) -> float:
    """The highest threshold (0.05 steps) that abstains on at most 5% of the answerable
    questions; it abstains on as many unanswerable ones as that allows.

    >>> r = [AskResult(str(i), "t", a, p, a, 1, 0, "") for i, (a, p) in
    ...      enumerate([(True, 0.9), (True, 0.8), (False, 0.1), (False, 0.3)])]
    >>> choose_threshold(r)
    0.8
    """
    answerable = [r.confidence for r in results if r.answerable]
    allowed = [
        t / 20
        for t in range(21)
        if sum(p < t / 20 for p in answerable) <= MAX_FALSE_ABSTENTION * len(answerable)
    ]
    return max(allowed, default=0.0)


def fit_from_gold(
    searcher: Searcher, gold_path: Path, out: Path | None = None, split: str = "tune"
) -> FitReport:
    """Collect, fit, choose the threshold; write the weights JSON to `out` when given."""
    features, results = collect(searcher, gold_path, split)
    model, out_of_fold = fit(features, [int(r.correct) for r in results])
    results = [replace(r, confidence=p) for r, p in zip(results, out_of_fold, strict=True)]
    threshold = choose_threshold(results)
    model = replace(model, info={**model.info, "suggested_abstain_below": threshold})
    bins = reliability_bins(results)
    report = FitReport(
        model,
        len(results),
        sum(r.answerable for r in results),
        threshold,
        bins,
        expected_calibration_error(bins),
    )
    if out is not None:
        out.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
        report.path = out
    return report
