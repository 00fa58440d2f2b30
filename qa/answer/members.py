"""The two members of a question that asks about both: `kim ngạch xuất khẩu và nhập khẩu`.

A report often gives each member its own clause (`kim ngạch xuất khẩu ước đạt 2.032 triệu
USD, tăng 8,7%; kim ngạch nhập khẩu ước đạt 1.330 triệu USD`), and a line holding one of them
answers half the question. Members are the words either side of `và`; a member counts in a
text as a word of its own, not inside the pair's merged form (`xuất nhập khẩu` names neither
`xuất khẩu` nor `nhập khẩu` apart).
"""

from __future__ import annotations

import re
from collections.abc import Container

from qa.index.vi_tokenizers import word_tokenize
from qa.text.normalize import clean_text, fold_diacritics
from qa.text.syllable import spelling_form

_AND = "và"


def asked_members(question: str, stopwords: Container[str]) -> tuple[str, str] | None:
    """The words joined by `và` (folded, lower case), when both are words of content.

    >>> asked_members("kim ngạch xuất khẩu và nhập khẩu tháng 1/2024", {"và"})
    ('xuat khau', 'nhap khau')
    >>> asked_members("số học sinh và giáo viên", {"và"})
    ('hoc sinh', 'giao vien')
    >>> asked_members("tăng bao nhiêu và đạt bao nhiêu", {"bao_nhiêu"}) is None
    True
    """
    text = spelling_form(clean_text(question))
    if _AND not in text.lower():  # most questions: no tokenizing (half a millisecond) for nothing
        return None
    tokens = [t.lower() for t in word_tokenize(text)]
    for before, word, after in zip(tokens, tokens[1:], tokens[2:], strict=False):
        if word == _AND and _content(before, stopwords) and _content(after, stopwords):
            return fold_diacritics(before), fold_diacritics(after)
    return None


def _content(token: str, stopwords: Container[str]) -> bool:
    return (
        any(ch.isalpha() for ch in token)
        and not any(ch.isdigit() for ch in token)
        and token.replace(" ", "_") not in stopwords
    )


def names_both(folded: str, members: tuple[str, str]) -> bool:
    """Whether a folded, lower-case text names each member apart: not only as the pair the
    question joins (`Ban Quản lý KKT và các KCN` is one body, `công nghiệp - xây dựng` one
    sector: a line naming them so is no line about each).

    >>> pair = ("xuat khau", "nhap khau")
    >>> names_both("hoat dong xuat nhap khau chung lai; kim ngach xuat khau dat 2.032", pair)
    False
    >>> names_both("kim ngach xuat khau dat 2.032; kim ngach nhap khau dat 1.330", pair)
    True
    >>> names_both("ban quan ly kkt va cac kcn cap moi cho 35 du an", ("kkt", "kcn"))
    False
    """
    first, second = members
    joined = rf"(?<!\w){re.escape(first)}\s*(?:va|,|-|&)\s*(?:cac\s+)?{re.escape(second)}(?!\w)"
    apart = re.sub(joined, " ", folded)
    return _names(apart, first, second) and _names(apart, second, first)


def _names(folded: str, member: str, other: str) -> bool:
    """`member` occurs in `folded`, not as the tail of the merged form: `nhap khau` right
    after `xuat`, the other member's head, when the two share their tail."""
    words, other_words = member.split(), other.split()
    shared_tail = len(words) > 1 and words[1:] == other_words[1:]
    for match in re.finditer(rf"(?<!\w){re.escape(member)}(?!\w)", folded):
        before = folded[: match.start()].split()
        if not (shared_tail and before and before[-1] == other_words[0]):
            return True
    return False
