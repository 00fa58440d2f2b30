"""Restore diacritics on a query typed without them (`tien do kcn hai long`), from the
corpus's own spelling, so the dense model sees real Vietnamese.

Each folded syllable has candidate spellings counted in the corpus (`hai` → `hải`, `hai`,
`hài`…); the most likely sequence is chosen with a bigram model of adjacent syllables
(Viterbi), so context decides: `tong dan lon` → `tổng đàn lợn`, `quy mo lon` → `quy mô lớn`.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from qa import data_lines
from qa.text.normalize import clean_text, fold_diacritics
from qa.text.syllable import normalize_tone_marks

MAX_CANDIDATES = 6
PAIR_WEIGHT = 3.0
PHRASE_WEIGHT = 5  # a bundled question phrase counts as this many corpus occurrences
_SYLLABLE = re.compile(r"[^\W\d_]+")


def _syllables(text: str) -> list[str]:
    return _SYLLABLE.findall(normalize_tone_marks(clean_text(text)).lower())


@dataclass(frozen=True)
class DiacriticRestorer:
    """Candidate spellings per folded syllable and counts of adjacent spelled pairs."""

    singles: dict[str, list[tuple[str, int]]]
    pairs: dict[str, int]

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> DiacriticRestorer:
        """Count spellings in `texts` plus the bundled question phrases."""
        single_counts: dict[str, Counter[str]] = defaultdict(Counter)
        pair_counts: Counter[str] = Counter()
        weighted = [(text, 1) for text in texts] + [
            (line, PHRASE_WEIGHT) for line in data_lines("query_phrases.txt")
        ]
        for text, weight in weighted:
            syllables = _syllables(text)
            for syllable in syllables:
                single_counts[fold_diacritics(syllable)][syllable] += weight
            for a, b in itertools.pairwise(syllables):
                pair_counts[f"{a} {b}"] += weight
        return cls(
            {k: c.most_common(MAX_CANDIDATES) for k, c in single_counts.items()},
            dict(pair_counts),
        )

    def to_json(self) -> dict[str, Any]:
        return {"singles": self.singles, "pairs": self.pairs}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DiacriticRestorer:
        singles = {k: [(str(f), int(n)) for f, n in v] for k, v in data["singles"].items()}
        return cls(singles, {str(k): int(v) for k, v in data["pairs"].items()})

    def restore(self, text: str) -> str:
        """`tien do khu cong nghiep Hai Long` → `tiến độ khu công nghiệp Hải Long`.

        Only syllables are changed; digits, punctuation, spacing and unknown words stay.
        """
        out: list[str] = []
        cursor = 0
        for run in re.finditer(r"[^\W\d_]+(?:\s+[^\W\d_]+)*", text):
            out.append(text[cursor : run.start()])
            words = run.group(0).split()
            best = self._decode([w.lower() for w in words])
            spaces = re.findall(r"\s+", run.group(0))
            for i, (word, spelled) in enumerate(zip(words, best, strict=True)):
                out.append(_keep_case(word, spelled))
                if i < len(spaces):
                    out.append(spaces[i])
            cursor = run.end()
        out.append(text[cursor:])
        return "".join(out)

    def _decode(self, words: list[str]) -> list[str]:
        """Viterbi: log share of each spelling among its folded form's spellings, plus a
        weighted log count of the spelled pair (a pair seen in the corpus is strong evidence)."""
        options = [
            _shares(self.singles.get(word, [(word, 1)]))
            if fold_diacritics(word) == word
            else [(word, 0.0)]
            for word in words
        ]
        scores = [dict(options[0])]
        back: list[dict[str, str]] = [{}]
        for i in range(1, len(words)):
            current: dict[str, float] = {}
            pointers: dict[str, str] = {}
            for form, share in options[i]:
                best_prev, best_score = max(
                    (
                        (
                            prev,
                            score + PAIR_WEIGHT * math.log1p(self.pairs.get(f"{prev} {form}", 0)),
                        )
                        for prev, score in scores[-1].items()
                    ),
                    key=lambda item: item[1],
                )
                current[form] = best_score + share
                pointers[form] = best_prev
            scores.append(current)
            back.append(pointers)
        form = max(scores[-1], key=lambda f: scores[-1][f])
        path = [form]
        for pointers in reversed(back[1:]):
            form = pointers[form]
            path.append(form)
        return path[::-1]


def _shares(candidates: list[tuple[str, int]]) -> list[tuple[str, float]]:
    total = sum(count for _, count in candidates)
    return [(form, math.log(count / total)) for form, count in candidates]


def _keep_case(original: str, restored: str) -> str:
    """Copy the typed letter case onto the restored spelling (`TTg` stays `TTg`)."""
    if len(original) != len(restored):
        return restored
    return "".join(r.upper() if o.isupper() else r for o, r in zip(original, restored, strict=True))
