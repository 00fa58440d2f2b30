"""Counts of syllables and syllable pairs in clean text: what OCR repair takes as evidence."""

from __future__ import annotations

import itertools
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from qa.ingest.ocr.tokens import NUMBER_KEY, fold, is_number, syllable_key, tokenize

# What a dictionary's word adds to its pair's count (`PairEvidence.backing`): with the
# repair's three sightings needed, a word seen once in the reference text is enough. Measured on
# the seed's OCR'd report: all 18 fixes this adds are right ("tài liêu" → "tài liệu",
# "pho cạp" → "phổ cập"); backing words the reference text never holds made wrong ones
# ("không để ai bị bỏ lại" → "bộ lại"), so only pairs the reference holds are backed.
WORD_BACKING = 2


@dataclass(frozen=True)
class PairEvidence:
    """How often each syllable and each pair of neighbouring syllables occurs in clean text.

    Keys are lower-case with tone marks placed by `place_tone` ("hoá" and "hóa" count together);
    a number beside a syllable counts as `NUMBER_KEY` ("tăng <số>", "<số> lồng");
    `variants` lists, for a spelling without diacritics, the real syllables that fold to it,
    most frequent first: in the corpus "tinh" → ("tỉnh", 405), ("tình", 63), ("tính", 22) ….
    `pair_variants` does the same for pairs, each with its `backing`, best backed first.
    `loanwords` are the words of the clean text that are not syllables ("km", "logistics"):
    seen there, they are not damage. `words` are the pairs of the clean text that are also
    neighbours inside a dictionary word ("tài liệu", "phổ cập"): a pair the reference text
    holds only once or twice is still sure evidence when a dictionary knows it (`backing`).
    """

    syllables: Mapping[str, int]
    pairs: Mapping[tuple[str, str], int]
    variants: Mapping[str, tuple[tuple[str, int], ...]]
    pair_variants: Mapping[tuple[str, str], tuple[tuple[tuple[str, str], int], ...]]
    abbreviations: frozenset[str]
    loanwords: frozenset[str] = frozenset()
    total: int = 0  # syllables and abbreviations counted
    words: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def from_texts(cls, texts: Iterable[str], dictionary: Iterable[str] = ()) -> PairEvidence:
        """Count the valid syllables, abbreviations and adjacent syllable pairs of `texts`;
        `dictionary` (one word a string) marks which counted pairs are words."""
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
                if is_number(token.text):  # paired with the syllables beside it only
                    if previous not in (None, NUMBER_KEY) and token.joined_left:
                        pairs[(previous, NUMBER_KEY)] += 1
                    previous = NUMBER_KEY
                    continue
                if token.kind not in ("syllable", "abbreviation"):
                    previous = None
                    continue
                syllables[key] += 1
                if previous is not None and token.joined_left:
                    pairs[(previous, key)] += 1
                previous = key
        return cls.from_counts(syllables, pairs, abbreviations, loanwords, word_pairs(dictionary))

    @classmethod
    def from_counts(
        cls,
        syllables: Mapping[str, int],
        pairs: Mapping[tuple[str, str], int],
        abbreviations: Iterable[str],
        loanwords: Iterable[str],
        words: Iterable[tuple[str, str]] = (),
    ) -> PairEvidence:
        """Evidence from counts already made (the bundled table, `qa.ingest.ocr.evidence_file`);
        of `words`, only the pairs the counts hold are kept."""
        kept = frozenset(pair for pair in words if pairs.get(pair, 0) > 0)
        by_fold: dict[str, list[tuple[str, int]]] = {}
        for key, count in syllables.items():
            by_fold.setdefault(fold(key), []).append((key, count))
        pairs_by_fold: dict[tuple[str, str], list[tuple[tuple[str, str], int]]] = {}
        for pair, count in pairs.items():
            folded = (fold(pair[0]), fold(pair[1]))
            pairs_by_fold.setdefault(folded, []).append((pair, _backing(count, pair in kept)))
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
            words=kept,
        )

    def count(self, key: str) -> int:
        """Occurrences of one syllable key ("tỉnh")."""
        return self.syllables.get(key, 0)

    def pair_count(self, left: str | None, right: str | None) -> int:
        """Occurrences of `left` immediately followed by `right` ("cấp", "tỉnh")."""
        if left is None or right is None:
            return 0
        return self.pairs.get((left, right), 0)

    def backing(self, pair: tuple[str, str]) -> int:
        """How strongly the evidence backs a pair: its count, plus `WORD_BACKING` when it is
        also a dictionary word ("tài liệu" seen once in the reference counts as three)."""
        return _backing(self.pairs.get(pair, 0), pair in self.words)


def _backing(count: int, is_word: bool) -> int:
    return count + (WORD_BACKING if is_word else 0)


def word_pairs(dictionary: Iterable[str]) -> set[tuple[str, str]]:
    """Neighbouring syllable keys inside the dictionary's words of two or more syllables.

    >>> sorted(word_pairs(["tài liệu", "phổ cập giáo dục", "a", "km/h"]))
    [('cập', 'giáo'), ('giáo', 'dục'), ('phổ', 'cập'), ('tài', 'liệu')]
    """
    found: set[tuple[str, str]] = set()
    for word in dictionary:
        tokens = tokenize(unicodedata.normalize("NFC", word.strip()))
        if len(tokens) < 2 or any(token.kind != "syllable" for token in tokens):
            continue
        keys = [syllable_key(token.text) for token in tokens]
        found.update(itertools.pairwise(keys))
    return found
