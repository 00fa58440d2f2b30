"""The abstention model: packaged weights load, round-trip as JSON, bad files fail clearly,
and the fit recovers an informative feature on synthetic data."""

from __future__ import annotations

import doctest
import json
import random
from pathlib import Path

import pytest

from qa.answer import abstention_fit
from qa.answer.abstention import DEFAULT_MODEL, FEATURES, AbstentionModel, load_model
from qa.answer.abstention_fit import fit
from qa.errors import ConfigError


def test_packaged_model_loads_and_round_trips() -> None:
    model = load_model()
    assert model.features == FEATURES
    assert AbstentionModel.from_json(json.loads(json.dumps(model.to_json()))) == model
    assert 0.0 < model.probability({}) < 1.0
    strong = {name: 1.0 for name in FEATURES}
    weak = {name: 0.0 for name in FEATURES}
    assert model.probability(strong) > model.probability(weak)
    assert DEFAULT_MODEL.name == "abstention.json"


@pytest.mark.parametrize(
    "content", ["not json", '{"features": ["a"]}', '{"features": ["a"], "mean": [0], '
    '"scale": [0], "coef": [1], "intercept": 0}']
)  # fmt: skip
def test_a_bad_model_file_is_a_config_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "model.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError):
        load_model(str(path))


def test_fit_learns_which_feature_tells_right_from_wrong() -> None:
    rng = random.Random(0)
    rows, labels = [], []
    for _ in range(120):
        right = rng.random() < 0.6
        row = {name: rng.random() for name in FEATURES}
        row["line_coverage"] = (0.8 if right else 0.4) + 0.2 * rng.random()
        rows.append(row)
        labels.append(int(right))
    model, out_of_fold = fit(rows, labels)
    coef = dict(zip(model.features, model.coef, strict=True))
    assert coef["line_coverage"] == max(coef.values()) > 0
    right = [p for p, y in zip(out_of_fold, labels, strict=True) if y]
    wrong = [p for p, y in zip(out_of_fold, labels, strict=True) if not y]
    ordered = sum(r > w for r in right for w in wrong) / (len(right) * len(wrong))
    assert ordered > 0.95  # out-of-fold AUC: right answers get the higher probability


def test_threshold_doctest() -> None:
    assert doctest.testmod(abstention_fit).failed == 0
