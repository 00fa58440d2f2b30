"""Repair OCR damage in Vietnamese text, using the syllable model and clean text as evidence.

Why: a scanned report read by an OCR engine that does not know Vietnamese comes back as
"khai thác ứiủy sản" or "phát ừiển nông nghiệp": the glyph "th" read as "ứi", "tr" as "ừ".
Such strings can never be Vietnamese syllables, so `qa.syllable.parse_syllable` finds them;
a small table of OCR confusions proposes spellings ("ứi"→"th" gives "thủy"), and clean text
(the bundled counts of `qa.ocr_evidence`) decides between them by how often each syllable,
and each pair of neighbouring syllables, really occurs ("dân tỉnh", not "dân tình"). Damage
that happens to leave a valid syllable ("cấp tinh" for "cấp tỉnh") is only fixed when the clean
text shows the same two syllables, read without diacritics, many times with other accents and
the damaged pair never.

Nothing is invented: every replacement is a syllable (or abbreviation) seen in the evidence.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from qa.models import OcrReport
from qa.syllable import parse_syllable, place_tone, split_tone

__all__ = [
    "DAMAGE_THRESHOLD",
    "PairEvidence",
    "count_invalid_syllables",
    "looks_ocr_damaged",
    "repair_ocr",
]

log = logging.getLogger(__name__)

DAMAGE_THRESHOLD = 0.015  # share of invalid syllables above which a text is treated as OCR'd
MIN_PAIR_EVIDENCE = 3  # how often a re-accented pair must occur in the clean text to win

_WORD = re.compile(r"[^\W_]+")  # letters and digits; a run with a digit is a code or a number
_MARKER = re.compile(r"(?<=[^\W\d_])\^+(?![^\W\d_])")  # "Đông^;": a stray mark after a word

# OCR confusions, read as (what OCR printed, what was written, cost). "^" anchors a pattern
# at the start of the syllable and "$" at its end. Differences of accents only (ư/u, ơ/o,
# tone marks, ƯBND/UBND) need no rule: candidates are looked up without diacritics.
_CONFUSIONS: tuple[tuple[str, str, float], ...] = (
    ("ứi", "th", 0.5),  # ứiủy → thủy
    ("ửi", "th", 0.7),
    ("ứ", "tr", 0.5),  # ứên → trên
    ("ứ", "th", 0.7),
    ("ừ", "tr", 0.5),  # ừiển → triển
    ("ữ", "tr", 0.5),  # ữong → trong
    ("ìi", "h", 0.5),  # tìiực → thực, tinìi → tinh
    ("íi", "h", 0.5),
    ("ii", "h", 0.7),
    ("ĩi", "h", 0.7),
    ("ịi", "n", 0.7),  # thàỊih → thành
    ("ii", "n", 0.7),  # dụiig → dụng
    ("iứi", "nh", 0.5),  # hàiứi → hành
    ("lứi", "nh", 0.5),  # lứiân → nhân
    ("lửi", "nh", 0.5),
    ("li", "h", 0.5),  # trìnli → trình, kliông → không
    ("tl", "th", 0.7),
    ("ft", "th", 0.7),
    ("^íx", "tr", 0.5),  # íxiển → triển
    ("^fr", "tr", 0.5),
    ("^f", "tr", 0.7),  # frẻ → trẻ
    ("tm", "tr", 0.7),
    ("tn", "tr", 0.7),
    ("m", "ru", 0.7),  # tmờng → trường
    ("nr", "ru", 0.7),  # tnrớc → trước
    ("n", "ri", 1.0),  # tnen → triển
    ("á", "ư", 1.0),  # tráờng → trường
    ("rn", "m", 0.5),  # nhiệrn → nhiệm
    ("m", "rn", 1.0),
    ("m", "n", 0.7),  # tìiưomg → thương
    ("m", "in", 0.7),  # tmh → tinh
    ("^mi", "kh", 0.7),  # Miau → khẩu
    ("^m", "kh", 1.0),
    ("^wi", "kh", 0.7),  # Wió → khó
    ("^idi", "kh", 0.7),
    ("^id", "ki", 0.7),  # Idện → kiện
    ("^i", "l", 1.0),  # iãnh → lãnh
    ("^ị", "l", 1.0),  # Ịượng → lượng
    ("^s", "g", 1.0),  # siải → giải
    ("s$", "g", 1.0),  # phươns → phương
    ("ậ$", "g", 0.7),  # độnậ → động
    ("ẽ$", "g", 0.7),  # phònẽ → phòng
    ("pg$", "ng", 0.7),  # côpg → công
    ("d$", "i", 1.0),  # vód → với
    ("v$", "y", 1.0),  # xâv → xây
    ("^ỵ", "v", 0.5),  # ỵi → vi
)
_MAX_EDITS = 3
_MAX_COST = 2.5
_ACCENT_COST = 0.5  # per letter whose diacritic differs, and once for a different tone
_SPLIT_COST = 0.7  # two syllables glued together: cáchhành → cách hành
_COST_WEIGHT = 3.0  # one unit of cost outweighs a ~20 times more frequent syllable
_MAX_TOKEN = 14


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    base = base.replace("đ", "d").replace("Đ", "D").lower()
    if len(base) == 1:
        return base
    return ch.lower() if len(ch.lower()) == 1 else ch


def _fold(word: str) -> str:
    """The word without any diacritic, lower-case, same length: "Trường" → "truong"."""
    return "".join(_fold_char(ch) for ch in word)


def _is_abbreviation(token: str) -> bool:
    """Capitals A–Z and Đ only, ≥2 letters, not a syllable: UBND, HĐND, GRDP; not ƯBND, ĐỒNG."""
    if len(token) < 2 or parse_syllable(token) is not None:
        return False
    return all("A" <= ch <= "Z" or ch == "Đ" for ch in token)


def _key(token: str) -> str:
    """How a syllable is counted: lower-case, tone mark in the traditional place."""
    return place_tone(token.lower())


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str
    kind: str  # "syllable", "abbreviation", "invalid", "other" (numbers, codes, single letters)
    joined_left: bool  # only white space separates it from the previous token


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    previous_end = -1
    for match in _WORD.finditer(text):
        word = match.group(0)
        if any(ch.isdigit() for ch in word):
            kind = "other"
        elif parse_syllable(word) is not None:
            kind = "syllable"
        elif _is_abbreviation(word):
            kind = "abbreviation"
        elif len(word) == 1:
            kind = "other"  # list letters "a)", units "m", initials: not judged
        else:
            kind = "invalid"
        joined = previous_end >= 0 and text[previous_end : match.start()].isspace()
        tokens.append(_Token(match.start(), match.end(), word, kind, joined))
        previous_end = match.end()
    return tokens


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
            for token in _tokens(unicodedata.normalize("NFC", text)):
                key = _key(token.text)
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
        """Evidence from counts already made (the bundled table, `qa.ocr_evidence`)."""
        by_fold: dict[str, list[tuple[str, int]]] = {}
        for key, count in syllables.items():
            by_fold.setdefault(_fold(key), []).append((key, count))
        pairs_by_fold: dict[tuple[str, str], list[tuple[tuple[str, str], int]]] = {}
        for pair, count in pairs.items():
            folded = (_fold(pair[0]), _fold(pair[1]))
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


def count_invalid_syllables(text: str) -> tuple[int, int]:
    """(alphabetic syllables, invalid ones) in `text`.

    Why: the share of invalid syllables tells OCR damage apart from clean typing ("tmờng" cannot
    be Vietnamese). Abbreviations (UBND, KCN, GRDP), words with digits (500kV) and single
    letters (list markers, units) are not judged; "ƯBND" is not an abbreviation but damage.
    """
    tokens = _tokens(unicodedata.normalize("NFC", text))
    judged = [t for t in tokens if t.kind in ("syllable", "invalid")]
    return len(judged), sum(1 for t in judged if t.kind == "invalid")


def looks_ocr_damaged(text: str, threshold: float = DAMAGE_THRESHOLD) -> bool:
    """True when more than `threshold` of the syllables are invalid.

    The clean corpus files have 0–0.3% (loanwords such as "logistics"), the OCR'd report 8%.
    """
    total, invalid = count_invalid_syllables(text)
    return total > 0 and invalid / total > threshold


def _apply_case(model: str, word: str) -> str:
    """Give `word` the capitalisation of `model`: "ƯBND"→"UBND", "Tnen"→"Triển".

    A capital that OCR made up ("Ịượng" for "lượng", "Miau" for "khẩu") is not copied: the
    first letter is capitalised only when it is the same letter, accents aside.
    """
    letters = [ch for ch in model if ch.isalpha()]
    if len(letters) > 1 and all(ch.isupper() for ch in letters):
        return word.upper()
    if letters and letters[0].isupper() and word and _fold(letters[0]) == _fold(word[0]):
        return word[:1].upper() + word[1:]
    return word


def _rule_positions(source: str, word: str) -> list[int]:
    """Where a confusion pattern (with optional ^/$ anchors) matches in `word`."""
    core = source.strip("^$")
    if source.startswith("^"):
        return [0] if word.startswith(core) else []
    if source.endswith("$"):
        return [len(word) - len(core)] if word.endswith(core) and len(word) > len(core) else []
    positions = []
    index = word.find(core)
    while index >= 0:
        positions.append(index)
        index = word.find(core, index + 1)
    return positions


_SURE_RULE = 0.5  # the only confusions tried on one- or two-letter words ("ừợ" → "trợ")


@lru_cache(maxsize=4096)
def _spellings(word: str) -> tuple[tuple[str, float], ...]:
    """`word` (lower-case) and what the OCR confusions say it may have been, with costs.

    Words of one or two letters ("tm", "pM") are too short to rebuild: only the surest
    confusions are tried on them, once.
    """
    best: dict[str, float] = {word: 0.0}
    short = len(word) <= 2
    queue: list[tuple[float, int, str]] = [(0.0, 0, word)]
    while queue:
        cost, edits, current = heapq.heappop(queue)
        if cost > best.get(current, math.inf) or edits >= (1 if short else _MAX_EDITS):
            continue
        for source, target, rule_cost in _CONFUSIONS:
            if short and rule_cost > _SURE_RULE:
                continue
            core = source.strip("^$")
            for index in _rule_positions(source, current):
                spelling = current[:index] + target + current[index + len(core) :]
                total = cost + rule_cost
                if spelling and total <= _MAX_COST and total < best.get(spelling, math.inf):
                    best[spelling] = total
                    heapq.heappush(queue, (total, edits + 1, spelling))
    return tuple(best.items())


def _ocr_lower(word: str) -> str:
    """Lower-case for matching; a capital consonant inside a word becomes "?" (no match).

    Why: "thM", "cVbọ", "ChMi" are blobs the OCR turned into a capital, not the letters m, v;
    capital i-like vowels ("tlÌỊ", "đÌỊih") are kept, they are usually an i or a tone.
    """
    if word.upper() == word:
        return word.lower()
    chars = [word[0].lower()]
    for before, ch in itertools.pairwise(word):
        blob = ch.isupper() and before.islower() and _fold(ch) not in "aeiouy"
        chars.append("?" if blob else ch.lower())
    return "".join(chars)


def _accent_distance(spelling: str, candidate: str) -> int:
    """Letters whose diacritic differs, plus one for a different tone ("đaù" vs "đầu" → 1)."""
    base_a, tone_a = split_tone(spelling)
    base_b, tone_b = split_tone(candidate)
    if len(base_a) != len(base_b):
        return 99
    return sum(a != b for a, b in zip(base_a, base_b, strict=True)) + (tone_a != tone_b)


def _candidates(word: str, evidence: PairEvidence) -> dict[str, float]:
    """Syllables from the evidence that `word` may be an OCR misreading of → lowest cost."""
    found: dict[str, float] = {}
    for spelling, cost in _spellings(_ocr_lower(word)):
        for candidate, _ in evidence.variants.get(_fold(spelling), ()):
            total = cost + _ACCENT_COST * _accent_distance(spelling, candidate)
            if total <= _MAX_COST and total < found.get(candidate, math.inf):
                found[candidate] = total
    return found


@dataclass(frozen=True)
class _Option:
    """One reading of a token: its text, the syllable keys at its two ends, and its score."""

    text: str
    first: str | None
    last: str | None
    score: float


_BIGRAM_WEIGHT = 0.6  # P(w | left) = 0.6 × pair/count(left) + 0.4 × P(w)


def _probability(left: str | None, word: str, evidence: PairEvidence) -> float:
    """Interpolated bigram probability of `word` after `left` (None: no joined neighbour)."""
    unigram = (evidence.count(word) + 0.5) / (evidence.total + 1.0)
    left_count = evidence.count(left) if left is not None else 0
    if left_count == 0:
        return unigram
    bigram = evidence.pair_count(left, word) / left_count
    return _BIGRAM_WEIGHT * bigram + (1 - _BIGRAM_WEIGHT) * unigram


def _unit_score(candidate: str, cost: float, evidence: PairEvidence) -> float:
    return math.log(_probability(None, candidate, evidence)) - _COST_WEIGHT * cost


def _link(before: _Option | None, option: _Option, joined: bool, evidence: PairEvidence) -> float:
    """log P(option | the option before it); a non-syllable counts as a word seen once."""
    if option.first is None:
        return math.log(1.0 / (evidence.total + 1.0))
    left = before.last if before is not None and joined else None
    return math.log(_probability(left, option.first, evidence))


def _split_options(word: str, evidence: PairEvidence) -> list[_Option]:
    """Two glued syllables ("cáchhành" → "cách hành"), when the pair occurs in the evidence."""
    if len(word) < 4:
        return []
    options: list[_Option] = []
    for cut in range(2, len(word) - 1):
        heads = sorted(
            _candidates(word[:cut], evidence).items(),
            key=lambda kv: -_unit_score(kv[0], kv[1], evidence),
        )[:3]
        tails = sorted(
            _candidates(word[cut:], evidence).items(),
            key=lambda kv: -_unit_score(kv[0], kv[1], evidence),
        )[:3]
        for head, head_cost in heads:
            for tail, tail_cost in tails:
                cost = head_cost + tail_cost + _SPLIT_COST
                if cost > _MAX_COST or evidence.pair_count(head, tail) == 0:
                    continue
                if head in evidence.abbreviations or tail in evidence.abbreviations:
                    continue
                score = math.log(_probability(head, tail, evidence)) - _COST_WEIGHT * cost
                text = f"{_apply_case(word[:cut], head)} {_apply_case(word[cut:], tail)}"
                options.append(_Option(text, head, tail, score))
    return options


def _options(token: _Token, evidence: PairEvidence) -> list[_Option]:
    """The readings of one token; an invalid one may keep its text or be repaired."""
    if token.kind == "syllable":
        key = _key(token.text)
        return [_Option(token.text, key, key, 0.0)]
    if token.kind != "invalid" or len(token.text) > _MAX_TOKEN:
        return [_Option(token.text, None, None, 0.0)]
    if token.text.lower() in evidence.loanwords:
        return [_Option(token.text, None, None, 0.0)]
    keep = _Option(token.text, None, None, -_COST_WEIGHT * _MAX_COST)
    options = [keep]
    for candidate, cost in _candidates(token.text, evidence).items():
        if candidate in evidence.abbreviations:
            if token.text.upper() != token.text:
                continue
            text = candidate.upper()
        else:
            text = _apply_case(token.text, candidate)
        options.append(_Option(text, candidate, candidate, -_COST_WEIGHT * cost))
    options.extend(_split_options(token.text, evidence))
    return options


def _viterbi(tokens: Sequence[_Token], evidence: PairEvidence) -> list[_Option]:
    """The reading of every token that maximises channel scores plus bigram log-probabilities."""
    chosen: list[_Option] = []
    totals: list[float] = []
    previous: list[_Option] = []
    back: list[list[int]] = []
    all_options: list[list[_Option]] = []
    for token in tokens:
        options = _options(token, evidence)
        new_totals: list[float] = []
        pointers: list[int] = []
        for option in options:
            if not previous:
                best_total, best_index = _link(None, option, False, evidence), -1
            else:
                best_total, best_index = -math.inf, 0
            for index, before in enumerate(previous):
                total = totals[index] + _link(before, option, token.joined_left, evidence)
                if total > best_total:
                    best_total, best_index = total, index
            new_totals.append(best_total + option.score)
            pointers.append(best_index)
        all_options.append(options)
        back.append(pointers)
        totals, previous = new_totals, options
    if not all_options:
        return chosen
    index = max(range(len(totals)), key=totals.__getitem__)
    for position in range(len(all_options) - 1, -1, -1):
        chosen.append(all_options[position][index])
        index = back[position][index]
    chosen.reverse()
    return chosen


def _decode(tokens: Sequence[_Token], evidence: PairEvidence) -> list[str]:
    """Stage (b): choose a reading for every token so that singles and pairs score best.

    A Viterbi pass over the token sequence: valid syllables have one reading, an invalid one
    has its candidates (each with an OCR-confusion cost), and neighbours joined by white space
    are scored with an interpolated bigram model of the evidence — so "nuôi ừông" becomes
    "nuôi trồng" although "trong" is far more frequent. A one- or two-letter word ("mâ") is
    only repaired when a neighbour backs the repair, being too short to tell on its own.
    """
    chosen = _viterbi(tokens, evidence)
    texts = [option.text for option in chosen]
    for index, (token, option) in enumerate(zip(tokens, chosen, strict=True)):
        if option.text == token.text or len(token.text) > 2:
            continue
        left = chosen[index - 1].last if index > 0 and token.joined_left else None
        joined_right = index + 1 < len(tokens) and tokens[index + 1].joined_left
        right = chosen[index + 1].first if joined_right else None
        if not (evidence.pair_count(left, option.first) or evidence.pair_count(option.last, right)):
            texts[index] = token.text
    return texts


def _single_key(text: str) -> str | None:
    return None if " " in text or parse_syllable(text) is None else _key(text)


def _pair_fix(
    keys: Sequence[str | None],
    tokens: Sequence[_Token],
    index: int,
    fixed: set[int],
    evidence: PairEvidence,
) -> tuple[int, str, str] | None:
    """Re-accent the pair ending at `index` when the evidence strongly prefers it.

    "cấp tinh" never occurs in clean text while "cấp tỉnh" does (≥ MIN_PAIR_EVIDENCE times),
    so "tinh" becomes "tỉnh". A syllable is only changed when its other neighbour does not
    back it either: in "công bố cong khai", "bố" stays because "công bố" is common. A
    syllable that is itself common needs more: MIN_PAIR_EVIDENCE × count(old) / count(new)
    ("học kỳ" is not turned into "học kỹ" by five "khoa học kỹ thuật").
    Returns (evidence count, new left, new right).
    """
    left, right = keys[index - 1], keys[index]
    if left is None or right is None or not tokens[index].joined_left:
        return None
    if evidence.pair_count(left, right) > 0:
        return None
    outer_left = keys[index - 2] if index >= 2 and tokens[index - 1].joined_left else None
    joined_right = index + 1 < len(tokens) and tokens[index + 1].joined_left
    outer_right = keys[index + 1] if joined_right else None
    left_free = index - 1 not in fixed and evidence.pair_count(outer_left, left) == 0
    right_free = index not in fixed and evidence.pair_count(right, outer_right) == 0
    for (new_left, new_right), count in evidence.pair_variants.get((_fold(left), _fold(right)), ()):
        if count < MIN_PAIR_EVIDENCE:
            break
        moves_left, moves_right = new_left != left, new_right != right
        if not (moves_left or moves_right):
            continue
        if (moves_left and not left_free) or (moves_right and not right_free):
            continue
        needed = float(MIN_PAIR_EVIDENCE)
        for old, new in ((left, new_left), (right, new_right)):
            if old != new:
                needed *= max(1.0, evidence.count(old) / max(1, evidence.count(new)))
        if count >= needed:
            return count, new_left, new_right
    return None


def _pair_pass(tokens: Sequence[_Token], texts: list[str], evidence: PairEvidence) -> list[str]:
    """Stage (c): fix valid-but-wrong syllables ("cấp tinh") from strong pair evidence.

    The best-supported fixes are made first, so "các van ban" becomes "các văn bản" (from
    the frequent "văn bản") rather than "các vấn ban".
    """
    result = list(texts)
    keys = [_single_key(text) for text in result]
    fixed: set[int] = set()
    proposals = []
    for index in range(1, len(tokens)):
        fix = _pair_fix(keys, tokens, index, fixed, evidence)
        if fix is not None:
            proposals.append((-fix[0], index))
    for _, index in sorted(proposals):
        fix = _pair_fix(keys, tokens, index, fixed, evidence)
        if fix is None:
            continue
        for position, new in ((index - 1, fix[1]), (index, fix[2])):
            if new != keys[position]:
                result[position] = _apply_case(result[position], new)
                keys[position] = new
                fixed.add(position)
    return result


_HORN = re.compile(r"(?<![^\W\d_])([^\W\d_]*[uU])(?:'|’|-(?=[^\W\d_]))([^\W\d_]*)")
_INNER_MARKER = re.compile(r"([^\W\d_]+)\^+([^\W\d_]+)")


def _clean_markers(text: str, evidence: PairEvidence) -> str:
    """Drop stray "^" glued to words and read "u'"/"u-" inside a word as "ư" (tu'ợng, ngu-ời).

    A "^" after a word goes ("Đông^;" → "Đông;"). Inside a word it is dropped when the joined
    word is a syllable or can be repaired ("Quyetđị^nh" → "Quyetđịnh" → "Quyết định"), becomes
    a space between two syllable-like parts ("dỊmg^câp" → "dỊmg câp"), and otherwise stays.
    The horn is only restored when the result is a syllable of the evidence.
    """

    def inner(match: re.Match[str]) -> str:
        head, tail = match.group(1), match.group(2)
        joined = head + tail
        if len(joined) <= _MAX_TOKEN and (
            parse_syllable(joined) is not None
            or _candidates(joined, evidence)
            or _split_options(joined, evidence)
        ):
            return joined
        if len(head) >= 3 and len(tail) >= 2 and any(_fold(ch) in "aeiouy" for ch in tail):
            return f"{head} {tail}"
        return match.group(0)

    def horn(match: re.Match[str]) -> str:
        head, tail = match.group(1), match.group(2)
        word = head[:-1] + ("Ư" if head[-1] == "U" else "ư") + tail
        return word if evidence.count(_key(word)) > 0 else match.group(0)

    text = _INNER_MARKER.sub(inner, text)
    text = _MARKER.sub("", text)
    return _HORN.sub(horn, text)


def _repair_once(text: str, evidence: PairEvidence, pairs: bool) -> tuple[str, int]:
    """One pass of marker cleaning, stage (b) and (if `pairs`) stage (c).

    Returns the text and the number of replaced tokens.
    """
    text = _clean_markers(text, evidence)
    tokens = _tokens(text)
    texts = _decode(tokens, evidence)
    if pairs:
        texts = _pair_pass(tokens, texts, evidence)
    pieces: list[str] = []
    cursor = 0
    changes = 0
    for token, new in zip(tokens, texts, strict=True):
        if new == token.text:
            continue
        changes += 1
        pieces.append(text[cursor : token.start])
        pieces.append(new)
        cursor = token.end
    pieces.append(text[cursor:])
    return "".join(pieces), changes


def _remaining(text: str) -> tuple[str, ...]:
    return tuple(sorted({t.text for t in _tokens(text) if t.kind == "invalid"}))


def repair_ocr(text: str, evidence: PairEvidence | None = None) -> tuple[str, OcrReport]:
    """Repair OCR damage syllable by syllable; return the repaired text and a report.

    Why: search and answers must see "phát triển nông nghiệp", not "phát ừiển nông nghiệp".
    `evidence` should come from clean documents (`PairEvidence.from_texts`); without it the
    text's own valid syllables are the evidence, which fixes less. Lines and everything that
    is not a damaged syllable stay where they are (a stray "^" glued to a word is dropped, and
    two glued syllables may get a space). Repairing the result again changes nothing.

    Valid-looking damage ("cấp tinh") is only looked for when the text as a whole
    `looks_ocr_damaged`: in clean typing such a pair is far more often a rare but correct
    phrase ("vệ tinh", "tri thức") than damage.
    """
    try:
        source = unicodedata.normalize("NFC", text)
        used = evidence
        if used is None:  # the text's own syllables; its own non-syllables are suspects
            used = replace(PairEvidence.from_texts([source]), loanwords=frozenset())
        total, before = count_invalid_syllables(source)
        pairs = total > 0 and before / total > DAMAGE_THRESHOLD
        current = source
        repaired = 0
        for _ in range(4):
            updated, changes = _repair_once(current, used, pairs)
            if updated == current:
                break
            repaired += changes
            current = updated
        _, after = count_invalid_syllables(current)
        report = OcrReport(
            syllables=total,
            invalid_before=before,
            invalid_after=after,
            repaired=repaired,
            remaining=_remaining(current),
        )
        log.debug("OCR repair: %d → %d invalid of %d syllables", before, after, total)
        return current, report
    except Exception:  # a repair heuristic must never break ingestion
        log.exception("OCR repair failed; text left as it was")
        return text, OcrReport()
