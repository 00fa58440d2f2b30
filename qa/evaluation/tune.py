"""Choose retrieval weights honestly: ablations and k-fold cross-validation on the tune split.

`python -m qa.evaluation.tune --index index/default --gold eval/gold.jsonl` prints, on the
gold set's tune questions only (the `split` field; a gold file without splits is all tune):

* an ablation table: each query-side component (register expansion, sentence vectors,
  pseudo-relevance feedback) off and on from the defaults, MRR@10 and Hit@5 per mode and
  per question type;
* the fusion grid chosen by k-fold cross-validation: for each fold the grid point with the
  best hybrid MRR@10 on the other folds is scored on the held fold (an estimate of what the
  choice is worth on unseen questions); the chosen point is the one most folds picked.

`--heldout` adds the same figures on the held-out split, for the final report only: nothing
is chosen on it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from qa.config import Settings
from qa.evaluation.gold import GoldItem, load_gold
from qa.evaluation.ranking import ModeReport
from qa.evaluation.run import GoldEvaluator
from qa.index.embed import Embedder, load_embedder
from qa.search.searcher import Searcher

MODES = ("bm25", "dense", "hybrid")
KS = (1, 5, 10)
COMPONENTS: dict[str, dict[str, Any]] = {
    "none": {"register_weight": 0.0, "register_dense_weight": 0.0, "sentence_weight": 0.0},
    "+register": {"sentence_weight": 0.0},
    "+sentences": {"register_weight": 0.0, "register_dense_weight": 0.0},
    "+register +sentences": {},
}
FUSION_GRID: list[dict[str, Any]] = [
    {"fusion": fusion, "dense_weight": weight, "rrf_k": k, "sentence_weight": sentence}
    for fusion, ks in (("rrf", (60,)), ("weighted", (60,)))
    for k in ks
    for weight in (0.3, 0.4, 0.5, 0.6)
    for sentence in (0.3, 0.5, 0.7)
]


class CachedEmbedder:
    """Query vectors memoised by text, so a grid re-runs search without re-embedding."""

    def __init__(self, inner: Embedder) -> None:
        self._inner = inner
        self.id = inner.id
        self.dim = inner.dim
        self._cache: dict[str, np.ndarray] = {}

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            for text, vector in zip(missing, self._inner.embed_queries(missing), strict=True):
                self._cache[text] = vector
        return np.stack([self._cache[t] for t in texts])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._inner.embed_passages(texts)


@dataclass
class Run:
    """Per-mode reports of one setting on one set of questions."""

    reports: dict[str, ModeReport]


def run(searcher: Searcher, items: list[GoldItem], settings: Settings, modes: Sequence[str]) -> Run:
    searcher.settings = settings
    evaluator = GoldEvaluator(searcher, items, KS)
    return Run({mode: evaluator.run_mode(mode) for mode in modes})


def folds(ids: Sequence[str], k: int, seed: int = 0) -> Iterator[set[str]]:
    """k disjoint folds of the question ids, shuffled once with a fixed seed."""
    order = list(ids)
    np.random.default_rng(seed).shuffle(order)
    for i in range(k):
        yield set(order[i::k])


def cross_validate(
    per_point: list[dict[str, float]], ids: Sequence[str], k: int
) -> tuple[int, float, list[int]]:
    """(chosen point, cross-validated MRR, winner per fold); `per_point[p][id]` = RR."""
    winners: list[int] = []
    held_scores: list[float] = []
    for held in folds(ids, k):
        train = [i for i in ids if i not in held]
        best = max(range(len(per_point)), key=lambda p: sum(per_point[p][i] for i in train))
        winners.append(best)
        held_scores.extend(per_point[best][i] for i in held)
    votes = Counter(winners).most_common()
    top = [p for p, n in votes if n == votes[0][1]]
    chosen = max(top, key=lambda p: sum(per_point[p].values()))
    return chosen, float(np.mean(held_scores)), winners


def table(runs: dict[str, Run], types: Sequence[str]) -> str:
    """Markdown: one row per setting, MRR@10 / Hit@5 per mode, then hybrid MRR per type."""
    head = "| setting | " + " | ".join(f"{m} MRR / Hit@5" for m in MODES)
    head += " | " + " | ".join(f"{t} (hybrid MRR)" for t in types) + " |"
    lines = [head, "|" + "---|" * (1 + len(MODES) + len(types))]
    for name, result in runs.items():
        cells = [
            f"{r.overall.mrr:.3f} / {r.overall.hit[5]:.3f}"
            for r in (result.reports[m] for m in MODES)
        ]
        hybrid = result.reports["hybrid"].by_type
        cells += [f"{hybrid[t].mrr:.3f} (n={hybrid[t].n})" if t in hybrid else "–" for t in types]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m qa.evaluation.tune", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--index", type=Path, default=Path("index/default"))
    parser.add_argument("--gold", type=Path, default=Path("eval/gold.jsonl"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--heldout", action="store_true", help="also report the held-out split")
    parser.add_argument("--json", type=Path, help="write every figure to this JSON file")
    args = parser.parse_args(argv)
    base = Settings()
    searcher = Searcher(args.index, embedder=CachedEmbedder(load_embedder("e5-small")))
    items = load_gold(args.gold)
    tune = [i for i in items if i.split == "tune"]
    types = sorted({i.type for i in tune if i.answerable})
    out: dict[str, Any] = {"tune_questions": len(tune)}

    ablation = {name: run(searcher, tune, base.updated(c), MODES) for name, c in COMPONENTS.items()}
    write = sys.stdout.write
    write(f"## Components on the tune split ({len(tune)} questions)\n\n")
    write(table(ablation, types) + "\n\n")

    ids = [i.id for i in tune if i.answerable]
    per_point = []
    for point in FUSION_GRID:
        result = run(searcher, tune, base.updated(point), ("hybrid",))
        per_point.append({q.id: q.rr for q in result.reports["hybrid"].questions})
    chosen, cv_mrr, winners = cross_validate(per_point, ids, args.folds)
    chosen_run = run(searcher, tune, base.updated(FUSION_GRID[chosen]), ("bm25", "dense"))
    single = {m: chosen_run.reports[m].overall.mrr for m in ("bm25", "dense")}
    write(f"## Fusion by {args.folds}-fold cross-validation on tune\n\n")
    write(f"fold winners: {[FUSION_GRID[w] for w in winners]}\n")
    write(f"chosen: {FUSION_GRID[chosen]}; cross-validated hybrid MRR@10 {cv_mrr:.3f} ")
    write(f"(bm25 {single['bm25']:.3f}, dense {single['dense']:.3f})\n\n")
    out.update(chosen=FUSION_GRID[chosen], cv_mrr=cv_mrr, winners=winners, single=single)
    out["ablation"] = {n: _summary(r) for n, r in ablation.items()}

    if args.heldout:
        held = [i for i in items if i.split == "heldout"]
        final = base.updated(FUSION_GRID[chosen])
        held_run = run(searcher, held, final, MODES)
        write(f"## Held-out split ({len(held)} questions), chosen settings\n\n")
        held_types = sorted({i.type for i in held if i.answerable})
        write(table({"chosen": held_run}, held_types) + "\n")
        out["heldout"] = _summary(held_run)
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")


def _summary(result: Run) -> dict[str, Any]:
    return {
        mode: {
            "mrr@10": round(r.overall.mrr, 4),
            "hit@5": round(r.overall.hit[5], 4),
            "by_type": {
                t: [round(m.mrr, 4), round(m.hit[5], 4), m.n] for t, m in r.by_type.items()
            },
        }
        for mode, r in result.reports.items()
    }


if __name__ == "__main__":
    main()
