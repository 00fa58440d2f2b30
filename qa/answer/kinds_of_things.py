"""Things of one kind that exclude each other (`qa/data/kinds.toml`): diseases, crops, herds,
the two directions of trade, the two sides of a budget; and the districts a corpus names.

`Năm 2023 có bao nhiêu ca mắc sốt xuất huyết?` over reports that count only Covid-19 cases
finds `354 ca mắc Covid-19`, which holds every word but the disease: the figure is another
disease's. When the question names a member of a kind, evidence that never names it but names
another member of that kind does not answer it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from importlib import resources
from typing import Any

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


@cache
def _data() -> dict[str, Any]:
    return tomllib.loads((resources.files("qa") / "data" / "kinds.toml").read_text("utf-8"))


@cache
def kinds() -> tuple[Kind, ...]:
    """The bundled kinds, each a tuple of members (a member: all the forms that name it)."""
    return tuple(
        kind_of([m] if isinstance(m, str) else m for m in members)
        for members in _data()["kinds"].values()
    )


@cache
def _other_words() -> re.Pattern[str]:
    """Words that hold a form but mean another thing (`dự toán` holds the subject `toán`)."""
    words = _data()["other_words"]["words"]
    return _pattern([*words, *(fold_diacritics(w) for w in words)])


def _masked(lower: str) -> str:
    """`lower` with the other words blanked out, letter for letter, so that no form matches
    inside them and every other place keeps its position.

    >>> _masked("đạt 41% dự toán; toán đạt 6,72")
    'đạt 41%        ; toán đạt 6,72'
    """
    return _other_words().sub(lambda match: " " * len(match.group()), lower)


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
        self, question: str, alternatives: Iterable[str] = (), districts: tuple[str, ...] = ()
    ) -> None:
        """`districts`: the corpus's district names, one more kind."""
        folded = fold_diacritics(question) == question  # typed without diacritics
        texts = [fold_diacritics(question) if folded else question, *alternatives]
        lowered = [(text, _masked(text.lower())) for text in texts]  # once, not per member
        self._asked: list[tuple[tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]]] = []
        for members in (*kinds(), district_kind(districts)):
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
        lower = _masked(evidence.lower())  # once per line, not per member
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
