"""Clauses of long administrative sentences, and short windows of them that can answer alone.

Why: a report sentence chains many facts with `;`, `,`, `trong đó` and parentheses —
`Tổng thu ngân sách ước đạt 5.120 tỷ đồng, bằng 78% dự toán, tăng 8,3% so với cùng kỳ; trong
đó thu nội địa …`. The answer line is the clause (or the few clauses) that answers, cut from
the sentence verbatim so it stays a real quote.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import NamedTuple

from qa import data_lines
from qa.index.chunk import sentence_quotes
from qa.text.normalize import fold_diacritics, matching_form
from qa.text.syllable import is_valid_syllable

Span = tuple[int, int]
CUTS_KEPT = 4096  # sentences whose cut (`cut_sentence`) the questions of a session share
MAX_WINDOW_CLAUSES = 8  # a list answer may take more (`windows(max_clauses=…)`)
PAREN_KEEP_WORDS = 12  # a parenthesis up to this long stays inside its clause
_TRIM = " \t\n,;:.…–-"
_TRAILING_CONNECTOR = re.compile(r"(?:\s+(?:và|hoặc|nhưng|còn))+$")
_CONNECTORS = r"(?:trong đó|riêng|đồng thời|nhưng|tuy nhiên)"
_BREAK_BEFORE = re.compile(rf"\s(?={_CONNECTORS}\b)", re.IGNORECASE)
_CONNECTOR_ONLY = re.compile(_CONNECTORS, re.IGNORECASE)  # `…, trong đó, thu nội địa …`
_WORD = re.compile(r"[^\W\d_]+")
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")


def split_clauses(sentence: str) -> list[Span]:
    """Spans of the clauses of `sentence`: cut after `;`, `:`, `, ` and an ellipsis (`…`,
    `...`) and before `trong đó`, never in a decimal comma (`8,3`) nor inside a short
    parenthesis (a long one, a list of its own, is cut too).

    >>> s = "GRDP đạt 47.411 tỷ đồng, tăng 6,02% (cao hơn cả nước); trong đó công nghiệp tăng 9%"
    >>> [s[a:b] for a, b in split_clauses(s)]
    ['GRDP đạt 47.411 tỷ đồng', 'tăng 6,02% (cao hơn cả nước)', 'trong đó công nghiệp tăng 9%']
    """
    closed = _long_parentheses(sentence)
    cuts = {0, len(sentence)}
    for index, char in enumerate(sentence):
        if (char in ";:" or sentence[index : index + 2] == ", ") and index not in closed:
            cuts.add(index + 1)
        elif char in "…." and _ends_ellipsis(sentence, index) and index not in closed:
            cuts.add(index + 1)  # `khai khoáng tăng 7,7%... sản lượng thủy sản …`
        elif char == "(" and index not in closed:  # a long parenthesis opens a clause
            cuts.add(index)
    for match in _BREAK_BEFORE.finditer(sentence):
        if match.start() not in closed:
            cuts.add(match.end())
    ordered = sorted(cuts)
    spans = [_trimmed(sentence, a, b) for a, b in itertools.pairwise(ordered)]
    return [(a, b) for a, b in spans if b > a]


def _ends_ellipsis(text: str, index: int) -> bool:
    """`text[index]` ends a `…` or `...` that a space follows."""
    ends = text[index] == "…" or (text[index] == "." and text[index - 2 : index] == "..")
    return ends and text[index + 1 : index + 2].isspace()


def passage_clauses(text: str) -> list[Span]:
    """Spans in `text` of the clauses of each of its sentences, cut as the answer composer
    cuts them (the sentence stripped, then `split_clauses`): the index embeds these, so a
    clause window can be weighed by what it means.

    >>> text = "Thu ngân sách đạt 5.120 tỷ đồng, tăng 8,3%. Xuất khẩu giảm."
    >>> [text[a:b] for a, b in passage_clauses(text)]
    ['Thu ngân sách đạt 5.120 tỷ đồng', 'tăng 8,3%', 'Xuất khẩu giảm']
    """
    return [
        (offset + a, offset + b)
        for offset, quote in sentence_quotes(text)
        for a, b in split_clauses(quote)
    ]


class Window(NamedTuple):
    """Clauses `first..last` of a sentence, spanning `sentence[start:end]`."""

    first: int
    last: int
    start: int
    end: int


def windows(
    sentence: str, clauses: Sequence[Span], max_words: int, max_clauses: int = MAX_WINDOW_CLAUSES
) -> Iterator[Window]:
    """Runs of consecutive `clauses` (from `split_clauses`) of at most `max_words` words (a
    longer single clause is still given), trimmed of joining punctuation: the candidate answer
    lines of a sentence.

    >>> s = "Thu ngân sách đạt 5.120 tỷ đồng, tăng 8,3%; chi ngân sách 4.000 tỷ đồng"
    >>> clauses = split_clauses(s)
    >>> [s[w.start : w.end] for w in windows(s, clauses, 10)]  # doctest: +NORMALIZE_WHITESPACE
    ['Thu ngân sách đạt 5.120 tỷ đồng', 'Thu ngân sách đạt 5.120 tỷ đồng, tăng 8,3%',
     'tăng 8,3%', 'chi ngân sách 4.000 tỷ đồng']
    >>> s = "Đẩy nhanh thủ tục các dự án như: KCN VSIP, KCN Hải Long"
    >>> [s[w.start : w.end] for w in windows(s, split_clauses(s), 20)]  # not `KCN VSIP, …`
    ... # doctest: +NORMALIZE_WHITESPACE
    ['Đẩy nhanh thủ tục các dự án như: KCN VSIP',
     'Đẩy nhanh thủ tục các dự án như: KCN VSIP, KCN Hải Long', 'KCN Hải Long']
    """
    # a clause that only says when, a label that a colon opens (`chiều dài 6-12m: 358 tàu`) or
    # a bare connector (`…, trong đó, thu nội địa …`) opens the clause after it
    leads = [
        is_lead(sentence[a:b])
        or bool(_CONNECTOR_ONLY.fullmatch(sentence[a:b]))
        or sentence[b:].lstrip().startswith(":")
        for a, b in clauses
    ]
    # a figure and its unit alone (`01 HCB`) is the next item of the enumeration before it
    # (`giành 01 HCV, 01 HCB, 01 HCĐ`), and a sentence's last clause of one or two words
    # closes the one before (`chưa đúng quy cách, quy định`): a line does not stop before them
    continues = [bool(_BARE_ITEM.fullmatch(sentence[a:b])) for a, b in clauses]
    gaps = [sentence[a[1] : b[0]] for a, b in itertools.pairwise(clauses)]
    semicolon = [";" in gap for gap in gaps]
    # `sửa đổi, bổ sung`, `chế biến, chế tạo`: one notion, though a comma cuts it
    paired = [
        joins_word_pair(sentence[a[0] : a[1]], gap, sentence[b[0] : b[1]])
        for (a, b), gap in zip(itertools.pairwise(clauses), gaps, strict=True)
    ]
    # a line that runs past a `;` opens where an item opens (the sentence, a `;`, a `:`, an
    # ellipsis, or after a time), not inside one: not `vận chuyển của người dân; doanh thu
    # vận tải …` (the tail of `đi lại, vận chuyển …`), nor an elaboration (`nhất là vào thời
    # điểm mùa du lịch; tổng lượng khách …`); either alone is still a line
    opens_item = [True] + [bool(_ITEM_GAP.search(gap)) or leads[n] for n, gap in enumerate(gaps)]
    tail = sentence[clauses[-1][0] : clauses[-1][1]] if clauses else ""
    if len(clauses) > 1 and len(tail.split()) <= 2 and not leads[-1]:  # not a time: `Năm 2024`
        continues[-1] = True
    for first in range(len(clauses)):
        if _EXAMPLES_OPEN.search(sentence[: clauses[first][0]]):
            continue  # `… đẩy nhanh tiến độ … một số dự án lớn như: KCN VSIP, …`: examples
            # answer with what they are examples of
        for last in range(first, min(len(clauses), first + max_clauses)):
            start, end = _trimmed(sentence, clauses[first][0], clauses[last][1])
            if last > first and len(sentence[start:end].split()) > max_words:
                break
            # `…; lũy kế đến tháng 9/2023, có 318 dự án … 128.511 tỷ đồng`: a line does not
            # end on the time or the label that opens the next clause, nor before what continues it
            more = last + 1 < len(clauses)
            stops_early = more and (leads[last] or continues[last + 1])
            # nor between the items of a pair when the line can hold both (`đơn khiếu nại, tố
            # cáo`); a pair that would run past the limit may still be cut
            if more and paired[last] and not stops_early and last + 1 < first + max_clauses:
                wider = _trimmed(sentence, clauses[first][0], clauses[last + 1][1])
                stops_early = len(sentence[wider[0] : wider[1]].split()) <= max_words
            opens_badly = (not opens_item[first] and any(semicolon[first:last])) or (
                first > 0 and paired[first - 1]
            )
            if end > start and not (stops_early or opens_badly):
                yield Window(first, last, start, end)


def joins_word_pair(before: str, gap: str, after: str) -> bool:
    """`before` ends with the first item of a pair of `qa/data/word_pairs.txt` and `after`,
    past a bare comma, opens with its second: `sửa đổi` `, ` `bổ sung quy định …`.

    >>> joins_word_pair("Ban hành Nghị quyết sửa đổi", ", ", "bổ sung quy định mức học phí")
    True
    >>> joins_word_pair("công nghiệp hoá", ", ", "hiện đại hóa đất nước")  # either tone mark
    True
    >>> joins_word_pair("tăng 8,2%", ", ", "bổ sung 3 dự án")
    False
    >>> joins_word_pair("bộ hồ sơ", ", ", "bản đồ địa giới")  # not `sở, ban`
    False
    >>> joins_word_pair("sửa đổi", "; ", "bổ sung")  # a semicolon parts two items
    False
    """
    if gap.strip() != ",":
        return False
    ends, opens = _words(before), _words(after)
    pairs = _word_pairs()
    return any(
        tuple(opens[: len(second)]) == second
        for size in range(1, min(len(ends), _PAIR_ITEM_WORDS) + 1)
        for second in pairs.get(tuple(ends[-size:]), ())
    )


_PAIR_ITEM_WORDS = 3  # `công nghiệp hóa`, `hộ cận nghèo`


def _words(text: str) -> list[str]:
    return matching_form(text).split()


@lru_cache(maxsize=1)
def _word_pairs() -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """First item → its second items, as words in `matching_form`, from
    `qa/data/word_pairs.txt`: not folded, or `hồ sơ, bản đồ` would read as `sở, ban`."""
    pairs: defaultdict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
    for line in data_lines("word_pairs.txt"):
        first, second = line.split(", ")
        pairs[tuple(_words(first))].append(tuple(_words(second)))
    return {first: tuple(seconds) for first, seconds in pairs.items()}


class Cut(NamedTuple):
    """A sentence cut for the composer: its clauses, the candidate answer lines over them,
    and each clause's `invalid_counts`."""

    clauses: tuple[Span, ...]
    windows: tuple[Window, ...]
    damage: tuple[tuple[int, int], ...]


@lru_cache(maxsize=CUTS_KEPT)
def cut_sentence(sentence: str, max_words: int, max_clauses: int) -> Cut:
    """`split_clauses`, `windows` and `invalid_counts` of a sentence, remembered: the same
    passages answer many questions, and the cut does not depend on the question.

    >>> s = "Thu ngân sách đạt 5.120 tỷ đồng, tăng 8,3%; chi ngân sách 4.000 tỷ đồgn"
    >>> cut = cut_sentence(s, 10, MAX_WINDOW_CLAUSES)
    >>> cut.windows == tuple(windows(s, split_clauses(s), 10)), cut.damage
    (True, ((0, 6), (0, 1), (1, 5)))
    """
    clauses = split_clauses(sentence)
    return Cut(
        tuple(clauses),
        tuple(windows(sentence, clauses, max_words, max_clauses)),
        tuple(invalid_counts(sentence[a:b]) for a, b in clauses),
    )


def is_lead(clause: str) -> bool:
    """A clause that only says when (`Chín tháng năm 2023`, `lũy kế đến tháng 9/2023`,
    `Đến 30/9/2023`): the scope of the clause after it.

    >>> is_lead("lũy kế đến tháng 9/2023"), is_lead("Năm 2022"), is_lead("tăng 8,3%")
    (True, True, False)
    """
    words = _LEAD_TOKEN.findall(fold_diacritics(clause.lower()))
    return bool(words) and all(w in _LEAD_WORDS or _LEAD_DATE.fullmatch(w) for w in words)


def shown_line(line: str) -> str:
    """The line as shown: without the marker of the document's list it opens with (`(5)`,
    `1.`, `a)`, `-`, `+`, `•`) or the bare `trong đó:` that tied it to the clause before, and
    out of the parentheses that hold it whole; the quote under it keeps all of them.

    >>> shown_line("(5) Tỷ lệ lao động qua đào tạo đạt 35 - 40%")
    'Tỷ lệ lao động qua đào tạo đạt 35 - 40%'
    >>> shown_line("- Tập trung chỉ đạo"), shown_line("1.250 tỷ đồng")
    ('Tập trung chỉ đạo', '1.250 tỷ đồng')
    >>> shown_line("(dự kiến cả năm 2023 thu hút trên 1,17 tỷ USD vốn FDI)")
    'dự kiến cả năm 2023 thu hút trên 1,17 tỷ USD vốn FDI'
    >>> shown_line("(tăng 5%) và chi (giảm 2%)"), shown_line("( )")
    ('(tăng 5%) và chi (giảm 2%)', '( )')
    >>> shown_line("trong đó: Tỷ trọng công nghiệp đạt 50% GRDP")
    'Tỷ trọng công nghiệp đạt 50% GRDP'
    >>> shown_line("trong đó có 20 gian hàng")  # a clause of its own: `có 20 …` needs it
    'trong đó có 20 gian hàng'

    A line cut from inside a parenthesis gets the half it lacks, so that it reads as the
    text has it: what stood inside stays inside.

    >>> shown_line("vốn FDI đạt 586,3 triệu USD) và 17 dự án phát triển nhà ở")
    '(vốn FDI đạt 586,3 triệu USD) và 17 dự án phát triển nhà ở'
    >>> shown_line("hưởng ứng (số người tập luyện thường xuyên ước đạt 36%")
    'hưởng ứng (số người tập luyện thường xuyên ước đạt 36%)'
    >>> shown_line("dự kiến thu hút trên 1,17 tỷ USD vốn FDI)")  # whole inside: no parentheses
    'dự kiến thu hút trên 1,17 tỷ USD vốn FDI'
    """
    line = _balanced(_LEADING_CONNECTOR.sub("", _LIST_MARKER.sub("", line, count=1), count=1))
    inner = line[1:-1].strip()
    return inner if inner and _wrapped(line) else line


def _balanced(text: str) -> str:
    """`text` with an opening parenthesis before each it closes but never opened, and a
    closing one after each it leaves open."""
    depth = unopened = 0
    for char in text:
        depth += (char == "(") - (char == ")")
        if depth < 0:
            unopened, depth = unopened + 1, 0
    return "(" * unopened + text + ")" * depth


def _wrapped(text: str) -> bool:
    """`text` is one parenthesis from its first character to its last."""
    if not (text.startswith("(") and text.endswith(")")):
        return False
    depth = 0
    for index, char in enumerate(text):
        depth += (char == "(") - (char == ")")
        if depth == 0 and index < len(text) - 1:
            return False
    return depth == 0


_LIST_MARKER = re.compile(r"^(?:\(\d{1,2}\)|\d{1,2}[.)]|[a-zđ]\)|[IVX]{1,4}\.|[-+•–])\s+(?=\w)")
_LEADING_CONNECTOR = re.compile(r"^trong đó\s*[:,]\s*(?=\w)", re.IGNORECASE)
_ITEM_GAP = re.compile(r"[;:…]|\.\.\.")  # what may separate two items, not two parts of one
_BARE_ITEM = re.compile(r"\d[\d.,/]*\s+[^\W\d_]+(?:\s+[^\W\d_]+)?")
_EXAMPLES_OPEN = re.compile(r"\bnhư\s*:\s*$", re.IGNORECASE)
_LEAD_TOKEN = re.compile(r"[^\W_]+(?:/[^\W_]+)*")
_LEAD_WORDS = frozenset(
    [
        *("luy", "ke", "den", "het", "trong", "tu", "nam", "thang", "quy", "dau", "cuoi"),
        *("chin", "sau", "ba", "muoi", "hai", "ngay", "tinh", "nay", "hien"),
    ]
)
_LEAD_DATE = re.compile(r"\d{1,2}(?:/\d{1,2})?/(?:19|20)\d\d|(?:19|20)\d\d|\d{1,2}")


def invalid_share(text: str) -> float:
    """Share of words that are not Vietnamese syllables: OCR damage left after repair.

    >>> invalid_share("kim ngạch xuất khẩu đạt 172 triệu USD")
    0.0
    >>> invalid_share("kim ngạch xuầt Miau đat")
    0.6
    """
    invalid, words = invalid_counts(text)
    return invalid / words if words else 0.0


def invalid_counts(text: str) -> tuple[int, int]:
    """(words that are not Vietnamese syllables, words), abbreviations left out."""
    words = [w for w in _WORD.findall(text) if not w.isupper()]
    return sum(not is_valid_syllable(w) for w in words), len(words)


def _long_parentheses(text: str) -> set[int]:
    """Offsets not to cut at: inside quotes (`chủ đề “Trách nhiệm, kỷ cương, …”`) and inside
    parentheses of at most `PAREN_KEEP_WORDS` words."""
    inside = {i for m in _QUOTED.finditer(text) for i in range(m.start(), m.end())}
    stack: list[int] = []
    for index, char in enumerate(text):
        if char == "(":
            stack.append(index)
        elif char == ")" and stack:
            start = stack.pop()
            if len(text[start:index].split()) <= PAREN_KEEP_WORDS or stack:
                inside.update(range(start, index))
    inside.update(i for start in stack for i in range(start, len(text)))
    return inside


def _trimmed(text: str, start: int, end: int) -> Span:
    """`[start, end)` without joining punctuation or a dangling `và` at its edges."""
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    if start == end:  # punctuation only (`...`, ` - .`): an empty span, dropped
        return start, end
    if text[start] == "(" and text.count("(", start, end) > text.count(")", start, end):
        start += 1
    if text[end - 1 : end] == ")" and text.count(")", start, end) > text.count("(", start, end):
        end -= 1
        while end > start and text[end - 1] in _TRIM:
            end -= 1
    connector = _TRAILING_CONNECTOR.search(text, start, end)
    if connector is not None and connector.end() == end:
        end = connector.start()
    return start, end
