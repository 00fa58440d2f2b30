"""Cut the word underthesea runs into a name: `Thái Bình ước đạt` → `Thái Bình`, `ước`.

underthesea's word segmenter often joins a capitalised name and the verb after it into one
token (`Thái Bình xếp thứ`, `Vũ Thư đạt`, `Hà Nam thu`), so neither the name nor the verb is
a search term: `xếp` and `thái bình` do not match the documents' `xếp` and `thái_bình`. A
token of two or more capitalised syllables followed by lower-case ones is cut where the case
changes, unless the dictionary says it is one word: the whole token is one (`Tết Nguyên
đán`, `Ban Chấp hành`), or the cut would split one (`Luật Tổ chức`: `tổ chức`) while the
capitalised part is not a word by itself (`Thái Bình` is, so `Thái Bình định` is cut though
`bình định` is a word too).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache

from qa.index.vi_tokenizers import viet_dict_74K
from qa.text.syllable import spelling_form


@cache
def dictionary() -> frozenset[str]:
    """underthesea's 74,000-word dictionary, lower case, in `spelling_form` (read on first
    use: most texts have no name run into a word)."""
    return frozenset(spelling_form(word).lower() for word in viet_dict_74K.words)


def split_name_tails(tokens: Iterable[str]) -> Iterator[str]:
    """`tokens` (underthesea's, syllables joined by spaces) with each name cut from the
    lower-case word run into it.

    >>> list(split_name_tails(["của", "Thái Bình ước", "đạt"]))
    ['của', 'Thái Bình', 'ước', 'đạt']
    >>> list(split_name_tails(["Tết Nguyên đán", "Luật Tổ chức", "Chỉ số"]))
    ['Tết Nguyên đán', 'Luật Tổ chức', 'Chỉ số']
    """
    for token in tokens:
        syllables = token.split(" ")
        cut = next((i for i, s in enumerate(syllables) if not s[:1].isupper()), len(syllables))
        tail = syllables[cut:]
        if cut < 2 or not tail or any(s[:1].isupper() for s in tail) or not _run_in(syllables, cut):
            yield token
            continue
        yield " ".join(syllables[:cut])
        yield " ".join(tail)


def _run_in(syllables: list[str], cut: int) -> bool:
    """Whether the lower-case syllables from `cut` on were run into the name before them."""
    words = dictionary()
    lower = [spelling_form(s).lower() for s in syllables]
    if " ".join(lower) in words:
        return False
    return " ".join(lower[:cut]) in words or f"{lower[cut - 1]} {lower[cut]}" not in words
