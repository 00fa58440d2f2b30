"""The user's words → the documents' words: query expansion from the register lexicon.

People type `bắp`, `nhà cho người thu nhập thấp`, `người già`; documents say `ngô`,
`nhà ở xã hội`, `người cao tuổi`. `qa/data/register.toml` groups such phrasings. The build
counts how often each phrasing occurs in the corpus; a query holding one member of a group
is also searched with the members the documents use more often than the one typed, at a
lower weight than the user's own words. So `bắp` (0 in the corpus) brings `ngô`, while
`sản lượng`, the documents' own word, brings nothing. Expansion is query-side only: index
terms never depend on the lexicon. Members match as whole segmented words (one holding a
stopword, `làm ăn lại`, only where the query writes all of it), so `quả` does
not fire inside `kết quả`.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from qa.errors import ConfigError
from qa.index.segment import Segmenter
from qa.text.normalize import clean_text
from qa.text.syllable import spelling_form

CORPUS_REGISTER = "register.toml"


@dataclass(frozen=True)
class Register:
    """Groups of phrasings that mean the same to a reader (`("ngô", "bắp")`), and how often
    each phrasing occurs in the indexed corpus (empty before a build counted them)."""

    groups: tuple[tuple[str, ...], ...]
    counts: dict[str, int] = field(default_factory=dict, compare=False)

    @classmethod
    def load(cls, extra: Path | None = None) -> Register:
        """The bundled groups, extended (not replaced) by a user's register file."""
        bundled = (resources.files("qa") / "data" / "register.toml").read_text("utf-8")
        groups = _groups(tomllib.loads(bundled))
        if extra is not None:
            try:
                groups += _groups(tomllib.loads(extra.read_text("utf-8")))
            except (OSError, tomllib.TOMLDecodeError, TypeError) as exc:
                raise ConfigError(f"cannot read register lexicon {extra}: {exc}") from exc
        return cls(tuple(groups))

    @classmethod
    def for_corpus(cls, corpus: Path) -> Register:
        """The bundled groups plus the corpus's own `register.toml`, if it has one."""
        extra = corpus / CORPUS_REGISTER
        return cls.load(extra if extra.is_file() else None)

    def counted(self, texts: Iterable[str]) -> Register:
        """A copy with each phrasing's number of whole-word occurrences in `texts`."""
        corpus = "\n".join(_comparable(t) for t in texts)
        members = {m for g in self.groups for m in g}
        counts = {
            m: len(re.findall(rf"(?<!\w){re.escape(_comparable(m))}(?!\w)", corpus))
            for m in sorted(members)
        }
        return Register(self.groups, counts)

    def to_json(self) -> dict[str, Any]:
        return {"groups": [list(g) for g in self.groups], "counts": self.counts}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Register:
        groups = tuple(tuple(str(m) for m in g) for g in data["groups"])
        return cls(groups, {str(k): int(v) for k, v in data.get("counts", {}).items()})

    @property
    def fingerprint(self) -> str:
        """Changes with the groups (not the counts, which follow the corpus)."""
        encoded = json.dumps([list(g) for g in self.groups], ensure_ascii=False)
        return hashlib.sha256(encoded.encode("utf-8")).hexdigest()[:16]


def _comparable(text: str) -> str:
    return " ".join(spelling_form(clean_text(text)).lower().split())


def _groups(data: dict[str, Any]) -> list[tuple[str, ...]]:
    """`[register] category = [["ngô", "bắp"], …]` → groups of two or more phrasings."""
    table = data.get("register", {})
    if not isinstance(table, dict):
        raise TypeError("[register] must be a table of categories")
    groups: list[tuple[str, ...]] = []
    for category, members in table.items():
        if not isinstance(members, list) or not all(isinstance(g, list) for g in members):
            raise TypeError(f"register category {category!r} must be a list of lists of words")
        groups.extend(tuple(str(m) for m in g) for g in members if len(g) >= 2)
    return groups


class RegisterExpander:
    """Finds register phrasings in a query and returns the other members of their groups."""

    def __init__(self, register: Register, segmenter: Segmenter) -> None:
        self.segmenter = segmenter
        self._members: list[tuple[tuple[str, ...], int]] = []
        self._terms: dict[str, tuple[str, ...]] = {}
        self._phrase: dict[tuple[str, ...], str] = {}
        # a member holding a stopword loses it to the terms (`làm ăn lại` → `làm_ăn`, `được
        # mùa` → `mùa`): it matches only where the query writes the whole phrase
        self._whole: dict[int, re.Pattern[str]] = {}
        stopwords = segmenter.lexicon.stopwords
        for number, group in enumerate(register.groups):
            for member in group:
                terms = tuple(segmenter.terms(member))
                self._terms[member] = terms
                if terms:
                    written = _comparable(member)
                    if any(word in stopwords for word in written.split()):
                        whole = re.escape(written)
                        self._whole[len(self._members)] = re.compile(rf"(?<!\w){whole}(?!\w)")
                    self._members.append((terms, number))
                    self._phrase.setdefault(terms, member)
        self._groups = register.groups
        self._counts = register.counts
        # members by their first term: a query is read once, not once per member
        self._starting: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        for index, (terms, _) in enumerate(self._members):
            self._starting.setdefault(terms[0], []).append((index, terms))

    def alternatives(self, query: str) -> tuple[str, ...]:
        """`"giá bắp tháng 9"` → `("ngô",)`: the members of the groups the query touches that
        the corpus uses more often than the phrasing typed (all of them when uncounted);
        phrasings already in the query are left out."""
        terms = self.segmenter.terms(query)
        hits = {
            index
            for position, term in enumerate(terms)
            for index, member in self._starting.get(term, ())
            if tuple(terms[position : position + len(member)]) == member
        }
        if any(index in self._whole for index in hits):
            written = _comparable(query)
            hits = {i for i in hits if i not in self._whole or self._whole[i].search(written)}
        found = [self._members[index] for index in sorted(hits)]
        present = {member for member, _ in found}
        result: dict[str, None] = {}
        for member, number in found:
            typed = self._count(self._phrase[member])
            for phrase in self._groups[number]:
                used_more = not self._counts or self._count(phrase) > typed
                if self._terms[phrase] not in present and used_more:
                    result[phrase] = None
        return tuple(result)

    def _count(self, phrase: str) -> int:
        return self._counts.get(phrase, 0)


def expansion_text(query: str, alternatives: tuple[str, ...]) -> str:
    """What the embedder sees for the expanded query: `"giá bắp (ngô)"`."""
    return f"{query} ({'; '.join(alternatives)})" if alternatives else query
