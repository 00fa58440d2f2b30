"""Things of one kind that exclude each other (`qa/data/kinds.toml`): diseases, crops, herds,
the two directions of trade, the two sides of a budget; and the districts a corpus names.

`Năm 2023 có bao nhiêu ca mắc sốt xuất huyết?` over reports that count only Covid-19 cases
finds `354 ca mắc Covid-19`, which holds every word but the disease: the figure is another
disease's. When the question names a member of a kind, evidence that never names it but names
another member of that kind does not answer it.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from qa.errors import ConfigError
from qa.text.normalize import fold_diacritics

Member = tuple[re.Pattern[str], re.Pattern[str]]  # its forms with diacritics, and folded


def _pattern(forms: Iterable[str]) -> re.Pattern[str]:
    longest_first = sorted({f.lower() for f in forms}, key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, longest_first))})(?!\w)")


Kind = tuple[Member, ...]


def kind_of(members: Iterable[Sequence[str]]) -> Kind:
    """A kind from its members, each given by the forms that name it."""
    return tuple(
        (_pattern(forms), _pattern(fold_diacritics(f) for f in forms)) for forms in members
    )


CORPUS_KINDS = "kinds.toml"  # a corpus's own kinds, beside its documents
Members = tuple[tuple[str, ...], ...]  # a kind's members, each the forms that name it


@dataclass(frozen=True)
class KindTable:
    """Kinds by name, and the words that hold a form but mean another thing (`dự toán`).

    The bundled `qa/data/kinds.toml` is extended, never replaced, by a corpus's own
    `<corpus>/kinds.toml` in the same format: a kind of the same name gains members (a
    province's reports may count `cúm A`), a new name is a new kind. `qa index` copies the
    corpus's additions into the index (`kinds.json`); the bundled table is read from the
    package, since no index term depends on it.
    """

    named: tuple[tuple[str, Members], ...] = ()
    other_words: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str, source: str) -> KindTable:
        """The table of a `kinds.toml` text; ConfigError (naming `source`) when malformed."""
        try:
            data = tomllib.loads(text)
            table = data.get("kinds", {})
            words = data.get("other_words", {}).get("words", [])
            if not isinstance(table, dict) or not isinstance(words, list):
                raise TypeError("[kinds] must be a table, [other_words] words a list")
            named = tuple((str(name), _members(name, members)) for name, members in table.items())
            return cls(named, tuple(_form(w, "other_words") for w in words))
        except (tomllib.TOMLDecodeError, TypeError, AttributeError) as exc:
            raise ConfigError(f"cannot read kinds table {source}: {exc}") from exc

    @classmethod
    def of_corpus(cls, corpus: Path) -> KindTable:
        """The corpus's own additions (empty when it has no `kinds.toml`)."""
        path = corpus / CORPUS_KINDS
        if not path.is_file():
            return cls()
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read kinds table {path}: {exc}") from exc
        return cls.parse(text, str(path))

    def extended(self, extra: KindTable) -> KindTable:
        """This table with `extra`'s members and other words added."""
        merged = dict(self.named)
        for name, members in extra.named:
            merged[name] = (*merged.get(name, ()), *members)
        words = tuple(dict.fromkeys((*self.other_words, *extra.other_words)))
        return KindTable(tuple(merged.items()), words)

    def to_json(self) -> dict[str, Any]:
        return {
            "kinds": {name: [list(m) for m in members] for name, members in self.named},
            "other_words": list(self.other_words),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KindTable:
        named = tuple(
            (str(name), tuple(tuple(str(f) for f in m) for m in members))
            for name, members in data.get("kinds", {}).items()
        )
        return cls(named, tuple(str(w) for w in data.get("other_words", ())))

    @property
    def fingerprint(self) -> str:
        """Changes with the table; empty for an empty one (an index built before corpora
        could add kinds has none, and stays fresh)."""
        if not self.named and not self.other_words:
            return ""
        encoded = json.dumps(self.to_json(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(encoded.encode("utf-8")).hexdigest()[:16]

    @cached_property
    def kinds(self) -> tuple[Kind, ...]:
        """Each kind as its members' compiled forms."""
        return tuple(kind_of(members) for _, members in self.named)

    @cached_property
    def _other(self) -> re.Pattern[str] | None:
        words = self.other_words
        return _pattern([*words, *(fold_diacritics(w) for w in words)]) if words else None

    def masked(self, lower: str) -> str:
        """`lower` with the other words blanked out, letter for letter, so that no form
        matches inside them and every other place keeps its position.

        >>> bundled_kinds().masked("đạt 41% dự toán; toán đạt 6,72")
        'đạt 41%        ; toán đạt 6,72'
        """
        if self._other is None:
            return lower
        return self._other.sub(lambda match: " " * len(match.group()), lower)


def _form(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"{where}: every form must be a non-empty string, not {value!r}")
    return value


def _members(name: str, members: object) -> Members:
    """`[["ngô", "bắp"], "mía"]` → the members' forms (a bare string: one form); a member
    with no form would match everywhere, so it is refused."""
    if not isinstance(members, list):
        raise TypeError(f"kind {name!r} must be a list of members")
    for member in members:
        if not isinstance(member, str) and not (isinstance(member, list) and member):
            raise TypeError(f"kind {name!r}: a member is a form or a non-empty list of forms")
    return tuple(
        (_form(m, name),) if isinstance(m, str) else tuple(_form(f, name) for f in m)
        for m in members
    )


@cache
def bundled_kinds() -> KindTable:
    """The kinds shipped in `qa/data/kinds.toml`."""
    text = (resources.files("qa") / "data" / "kinds.toml").read_text("utf-8")
    return KindTable.parse(text, "qa/data/kinds.toml")


@lru_cache(maxsize=4)
def district_kind(districts: tuple[str, ...]) -> Kind:
    """The districts of a corpus (`qa.text.districts`) as one kind: a figure for Tiền Hải is
    none for Kiến Xương."""
    return kind_of((name,) for name in districts)


class KindsAsked:
    """The members a question names, per kind, to test evidence against.

    >>> asked = KindsAsked("số ca mắc sốt xuất huyết năm 2023")
    >>> asked.names_another("Đến 18/9/2023, toàn tỉnh ghi nhận 354 ca mắc Covid-19")
    True
    >>> asked.names_another("ghi nhận 120 ca sốt xuất huyết, không có ca Covid-19 nào")
    False
    >>> KindsAsked("sản lượng bắp", ("ngô",)).names_another("sản lượng ngô, lúa đều tăng")
    False
    >>> KindsAsked("mỏ cát ở huyện Vũ Thư", (), ("Tiền Hải", "Vũ Thư")).names_another(
    ...     "04 mỏ cát ở huyện Tiền Hải")
    True
    """

    def __init__(
        self,
        question: str,
        alternatives: Iterable[str] = (),
        districts: tuple[str, ...] = (),
        table: KindTable | None = None,
    ) -> None:
        """`districts`: the corpus's district names, one more kind; `table`: the kinds
        (default: the bundled ones)."""
        self._table = table if table is not None else bundled_kinds()
        folded = fold_diacritics(question) == question  # typed without diacritics
        texts = [fold_diacritics(question) if folded else question, *alternatives]
        lowered = [(text, self._table.masked(text.lower())) for text in texts]  # once each
        self._asked: list[tuple[tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]]] = []
        for members in (*self._table.kinds, district_kind(districts)):
            named = [
                accented
                for accented, plain in members
                if any(
                    _mentions(plain if folded and i == 0 else accented, text, lower)
                    for i, (text, lower) in enumerate(lowered)
                )
            ]
            if named:
                others = tuple(accented for accented, _ in members if accented not in named)
                self._asked.append((tuple(named), others))

    def __bool__(self) -> bool:
        return bool(self._asked)

    def names_another(self, evidence: str) -> bool:
        """`evidence` names none of the question's members of some kind, and another of it."""
        lower = self._table.masked(evidence.lower())  # once per line, not per member
        return any(
            not any(_mentions(p, evidence, lower) for p in named)
            and any(_mentions(p, evidence, lower) for p in others)
            for named, others in self._asked
        )


_NAME_GOES_ON = re.compile(r" ([^\W\d_])[^\W\d_]* ([^\W\d_])")


def _mentions(member: re.Pattern[str], text: str, lower: str) -> bool:
    """`text` (`lower`: `text` lower-cased, its other words masked) names the member: a match
    not followed by two
    capitalised words, which would make it part of a name (`Ngô Đông Hải` is no maize, `Lê Quý
    Đôn` no crop); a season (`lúa Xuân`, `ngô Đông`) is one word.

    >>> ngo, name, crops = _pattern(["ngô"]), "Đồng chí Ngô Đông Hải ký", "Ngô, lúa; ngô Đông"
    >>> _mentions(ngo, name, name.lower()), _mentions(ngo, crops, crops.lower())
    (False, True)
    """
    if len(lower) != len(text):  # the cases cannot be compared place by place
        return member.search(lower) is not None
    for match in member.finditer(lower):
        after = _NAME_GOES_ON.match(text, match.end())
        if after is None or not (after.group(1).isupper() and after.group(2).isupper()):
            return True
    return False
