"""Counts of syllables and syllable pairs in clean text: what OCR repair takes as evidence."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from qa.ingest.ocr.tokens import fold, syllable_key, tokenize


@dataclass(frozen=True)
class PairEvidence:
    """How often each syllable and each pair of neighbouring syllables occurs in clean text.

    Keys are lower-case with tone marks placed by `place_tone` ("hoá" and "hóa" count together);
    `variants` lists, for a spelling without diacritics, the real syllables that fold to it,
    most frequent first: in the corpus "tinh" → ("tỉnh", 405), ("tình", 63), ("tính", 22) ….
    `loanwords` are the words of the clean text that are not syllables ("km", "logistics"):
    seen there, they are not damage.
    """

    syllables: Mapping[str, int]
    pairs: Mapping[tuple[str, str], int]
    variants: Mapping[str, tuple[tuple[str, int], ...]]
    pair_variants: Mapping[tuple[str, str], tuple[tuple[tuple[str, str], int], ...]]
    abbreviations: frozenset[str]
    loanwords: frozenset[str] = frozenset()
    total: int = 0  # syllables and abbreviations counted

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> PairEvidence:
        """Count the valid syllables, abbreviations and adjacent syllable pairs of `texts`."""
        syllables: Counter[str] = Counter()
        pairs: Counter[tuple[str, str]] = Counter()
        abbreviations: set[str] = set()
        loanwords: set[str] = set()
        for text in texts:
            previous: str | None = None
            for token in tokenize(unicodedata.normalize("NFC", text)):
                key = syllable_key(token.text)
                if token.kind == "abbreviation":
                    abbreviations.add(key)
                elif token.kind == "invalid":
                    loanwords.add(key)
                if token.kind not in ("syllable", "abbreviation"):
                    previous = None
                    continue
                syllables[key] += 1
                if previous is not None and token.joined_left:
                    pairs[(previous, key)] += 1
                previous = key
        return cls.from_counts(syllables, pairs, abbreviations, loanwords)

    @classmethod
    def from_counts(
        cls,
        syllables: Mapping[str, int],
        pairs: Mapping[tuple[str, str], int],
        abbreviations: Iterable[str],
        loanwords: Iterable[str],
    ) -> PairEvidence:
        """Evidence from counts already made (the bundled table, `qa.ingest.ocr.evidence_file`)."""
        by_fold: dict[str, list[tuple[str, int]]] = {}
        for key, count in syllables.items():
            by_fold.setdefault(fold(key), []).append((key, count))
        pairs_by_fold: dict[tuple[str, str], list[tuple[tuple[str, str], int]]] = {}
        for pair, count in pairs.items():
            folded = (fold(pair[0]), fold(pair[1]))
            pairs_by_fold.setdefault(folded, []).append((pair, count))
        return cls(
            syllables=dict(syllables),
            pairs=dict(pairs),
            variants={
                k: tuple(sorted(v, key=lambda kv: (-kv[1], kv[0]))) for k, v in by_fold.items()
            },
            pair_variants={
                k: tuple(sorted(v, key=lambda kv: (-kv[1], kv[0])))
                for k, v in pairs_by_fold.items()
            },
            abbreviations=frozenset(abbreviations),
            loanwords=frozenset(loanwords),
            total=sum(syllables.values()),
        )

    def count(self, key: str) -> int:
        """Occurrences of one syllable key ("tỉnh")."""
        return self.syllables.get(key, 0)

    def pair_count(self, left: str | None, right: str | None) -> int:
        """Occurrences of `left` immediately followed by `right` ("cấp", "tỉnh")."""
        if left is None or right is None:
            return 0
        return self.pairs.get((left, right), 0)
