"""Turn Vietnamese text into search terms.

Accented terms: underthesea word segmentation (`khu_công_nghiệp`), the one tone-mark
convention, lower case, stopwords dropped, abbreviations and their long forms made one term
(`KCN Hải Long` and `Khu công nghiệp Hải Long` → `kcn hải_long`), numbers and codes kept whole
(`47.411`, `7,72%`, `29-NQ/TW`, `1004/QĐ-TTg`, `QL.37`).

Folded terms: the same text without diacritics as syllables and syllable pairs
(`hai`, `long`, `hai_long`), so a query typed without diacritics — or OCR text that lost
them — still matches.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from qa import data_lines
from qa.errors import ConfigError
from qa.index.name_tails import split_name_tails
from qa.index.vi_tokenizers import word_tokenize
from qa.text.normalize import clean_text, fold_diacritics
from qa.text.syllable import is_valid_syllable, spelling_form

_CODE = re.compile(
    r"(?<![\w.,/-])(?:\d+(?:[.,]\d+)*%?|(?:[^\W_]+[./-])+[^\W_]+)(?![\w/-])", re.UNICODE
)
_WORD = re.compile(r"[^\W_]")
_SYLLABLE = re.compile(r"[^\W\d_]+|\d+(?:[.,]\d+)*%?")
_SUPERSCRIPTS = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
CORPUS_ABBREVIATIONS = "abbreviations.toml"
# bumped when the same text and lexicon give other terms (2: a lone final i spelled y, `tỉ` →
# `tỷ`; 3: a name cut from the word run into it, `name_tails`): a build then segments every
# passage again instead of reusing the last index's terms
TERMS_VERSION = 3


def _is_code(token: str) -> bool:
    return any(ch.isdigit() for ch in token) or "/" in token or bool(re.search(r"\.\w", token))


@dataclass(frozen=True)
class Lexicon:
    """Abbreviations (ABBR → long forms) and stopwords.

    Bundled in `qa/data/`; a corpus can add its own in `<corpus>/abbreviations.toml` (same
    format). The index stores the lexicon it was built with, and search uses exactly that one.
    `indicators`: the abbreviations that name what a figure measures (`GRDP`), from the files'
    `[indicators]` table; the others name a place, body or programme (`KCN`, `UBND`).
    """

    abbreviations: dict[str, tuple[str, ...]]
    stopwords: frozenset[str]
    indicators: frozenset[str] = frozenset()

    @classmethod
    def load(cls, abbreviations: Path | None = None) -> Lexicon:
        """The bundled lexicon, extended (not replaced) by a user's abbreviation file."""
        data = resources.files("qa") / "data"
        tables = tomllib.loads((data / "abbreviations.toml").read_text("utf-8"))
        table, indicators = _abbreviation_tables(tables, "qa/data/abbreviations.toml")
        if abbreviations is not None:
            try:
                extra = tomllib.loads(abbreviations.read_text("utf-8"))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"cannot read abbreviations {abbreviations}: {exc}") from exc
            extra_table, extra_indicators = _abbreviation_tables(extra, abbreviations)
            table.update(extra_table)
            indicators |= extra_indicators
        return cls(
            {str(k): tuple(str(v) for v in vs) for k, vs in table.items()},
            frozenset(data_lines("stopwords.txt")),
            frozenset(indicators),
        )

    @classmethod
    def for_corpus(cls, corpus: Path) -> Lexicon:
        """The bundled lexicon plus the corpus's own `abbreviations.toml`, if it has one."""
        extra = corpus / CORPUS_ABBREVIATIONS
        return cls.load(extra if extra.is_file() else None)

    def extended(self, abbreviations: Mapping[str, tuple[str, ...]]) -> Lexicon:
        """This lexicon with more abbreviations (`qa.index.defined`: those the corpus
        defines); one it already has keeps its own long forms."""
        return Lexicon({**abbreviations, **self.abbreviations}, self.stopwords, self.indicators)

    def to_json(self) -> dict[str, Any]:
        return {
            "abbreviations": {k: list(v) for k, v in sorted(self.abbreviations.items())},
            "stopwords": sorted(self.stopwords),
            "indicators": sorted(self.indicators),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Lexicon:
        abbreviations = {str(k): tuple(v) for k, v in data["abbreviations"].items()}
        indicators = frozenset(data.get("indicators", ()))  # absent in indexes before it
        return cls(abbreviations, frozenset(data["stopwords"]), indicators)

    @property
    def fingerprint(self) -> str:
        """Changes whenever terms would change: cached terms are reused only when it matches."""
        spelled = {**self.to_json(), "terms_version": TERMS_VERSION}
        encoded = json.dumps(spelled, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(encoded.encode("utf-8")).hexdigest()[:16]


def _abbreviation_tables(tables: dict[str, Any], source: object) -> tuple[dict[str, Any], set[str]]:
    """An abbreviation file's two tables as one (ABBR → long forms), and the indicators'
    names: `[indicators]` has the format of `[abbreviations]`."""
    for name in ("abbreviations", "indicators"):
        table = tables.get(name, {})
        if not isinstance(table, dict) or not all(isinstance(v, list) for v in table.values()):
            raise ConfigError(
                f"{source}: [{name}] must give each abbreviation a list of long forms"
            )
    indicators = dict(tables.get("indicators", {}))
    return {**tables.get("abbreviations", {}), **indicators}, set(indicators)


REMEMBERED_CHARS = 300  # texts up to this long (questions) have their terms remembered
REMEMBERED_TEXTS = 512


class Segmenter:
    """Accented and folded search terms for documents and queries alike."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon or Lexicon.load()
        self._longs: dict[str, tuple[str, ...]] = {}  # lower-case abbreviation → long forms
        forms: list[tuple[str, str]] = []
        for abbr, longs in self.lexicon.abbreviations.items():
            normalized = tuple(spelling_form(clean_text(long)).lower() for long in longs)
            self._longs[abbr.lower()] = (*self._longs.get(abbr.lower(), ()), *normalized)
            for accented in normalized:
                forms.append((accented, abbr))
                forms.append((fold_diacritics(accented), abbr))
        forms.sort(key=lambda pair: -len(pair[0]))
        self._long_forms = dict(forms)
        alternatives = "|".join(re.escape(form) for form, _ in forms)
        self._long_re = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
        self._remembered = lru_cache(maxsize=REMEMBERED_TEXTS)(lambda t: tuple(self._terms(t)))

    def canonical_text(self, text: str) -> str:
        """NFC, one tone convention and i/y spelling (`spelling_form`), long forms replaced
        by their abbreviation."""
        return self.abbreviated(spelling_form(clean_text(text)))

    def abbreviated(self, normalized: str) -> str:
        """`canonical_text` of a text already cleaned and in the tone convention."""
        text = _SUPERSCRIPTS.sub(" ", normalized)
        return self._long_re.sub(lambda m: f" {self._long_forms[m.group(0).lower()]} ", text)

    def long_forms(self, term: str) -> tuple[str, ...]:
        """The long forms of an abbreviation term (`cchc` → `cải cách hành chính`), lower
        case in the tone convention; none for other terms."""
        return self._longs.get(term, ())

    def terms(self, text: str) -> list[str]:
        """Accented terms: `"tiến độ Khu công nghiệp Hải Long"` → `tiến_độ kcn hải_long`.

        A question is segmented by the register, the BM25 query, the highlighter and the
        answer composer: short texts are remembered (the last few hundred)."""
        if len(text) > REMEMBERED_CHARS:
            return self._terms(text)
        return list(self._remembered(text))

    def _terms(self, text: str) -> list[str]:
        text = self.canonical_text(text)
        result: list[str] = []
        cursor = 0
        for match in _CODE.finditer(text):
            if not _is_code(match.group(0)):
                continue
            result.extend(self._words(text[cursor : match.start()]))
            result.append(match.group(0).lower().rstrip("."))
            cursor = match.end()
        result.extend(self._words(text[cursor:]))
        return result

    def _words(self, text: str) -> list[str]:
        if not _WORD.search(text):
            return []
        tokens = split_name_tails(word_tokenize(text))
        words = (w.lower().replace(" ", "_") for w in tokens)
        return [w for w in words if _WORD.search(w) and w not in self.lexicon.stopwords]

    def folded_terms(self, text: str) -> list[str]:
        """Diacritic-free syllables and adjacent pairs: `"Hải Long"` → `hai long hai_long`.

        Stopwords stay: folding merges them with content words (`đó` and `độ` are both `do`).
        """
        syllables = _SYLLABLE.findall(fold_diacritics(self.canonical_text(text)).lower())
        pairs = [f"{a}_{b}" for a, b in itertools.pairwise(syllables)]
        return syllables + pairs

    def expand_abbreviations(self, text: str) -> str:
        """For the embedder, which may not know them: `KCN` → `KCN (khu công nghiệp)`.

        Lower-case `kcn`, `grdp` count too, unless they are Vietnamese words (`tp` is not).
        """

        def expand(match: re.Match[str]) -> str:
            word = match.group(0)
            longs = self.lexicon.abbreviations.get(word.upper())
            typed_as_abbreviation = word.isupper() or not is_valid_syllable(word)
            return f"{word} ({longs[0]})" if longs and typed_as_abbreviation else word

        return re.sub(r"(?<!\w)[^\W\d_]{2,6}(?!\w)", expand, text)
