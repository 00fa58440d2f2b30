"""What an OCR-damaged word may have been: confusion rules, candidate syllables, their scores.

"ứiủy" → "thủy" by the rule ("ứi", "th"); the candidates are syllables seen in the evidence,
each with a cost, and `options` lists the readings of one token for the decoder in `repair`.
"""

from __future__ import annotations

import heapq
import itertools
import math
from dataclasses import dataclass
from functools import lru_cache

from qa.ingest.ocr.evidence import PairEvidence
from qa.ingest.ocr.tokens import Token, fold, syllable_key
from qa.text.syllable import split_tone

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
    ("ií", "n", 0.7),  # bàií → bàn
    ("ti$", "n", 0.7),  # nhâti → nhân
    ("ui", "in", 0.7),  # kuih → kinh
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
    ("^m", "ki", 1.0),  # Mnh → kinh
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
MAX_TOKEN = 14


def apply_case(model: str, word: str) -> str:
    """Give `word` the capitalisation of `model`: "ƯBND"→"UBND", "Tnen"→"Triển".

    A capital that OCR made up ("Ịượng" for "lượng", "Miau" for "khẩu") is not copied: the
    first letter is capitalised only when it is the same letter, accents aside.
    """
    letters = [ch for ch in model if ch.isalpha()]
    if len(letters) > 1 and all(ch.isupper() for ch in letters):
        return word.upper()
    if letters and letters[0].isupper() and word and fold(letters[0]) == fold(word[0]):
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
        blob = ch.isupper() and before.islower() and fold(ch) not in "aeiouy"
        chars.append("?" if blob else ch.lower())
    return "".join(chars)


def _accent_distance(spelling: str, candidate: str) -> int:
    """Letters whose diacritic differs, plus one for a different tone ("đaù" vs "đầu" → 1)."""
    base_a, tone_a = split_tone(spelling)
    base_b, tone_b = split_tone(candidate)
    if len(base_a) != len(base_b):
        return 99
    return sum(a != b for a, b in zip(base_a, base_b, strict=True)) + (tone_a != tone_b)


def candidates(word: str, evidence: PairEvidence) -> dict[str, float]:
    """Syllables from the evidence that `word` may be an OCR misreading of → lowest cost."""
    found: dict[str, float] = {}
    for spelling, cost in _spellings(_ocr_lower(word)):
        for candidate, _ in evidence.variants.get(fold(spelling), ()):
            total = cost + _ACCENT_COST * _accent_distance(spelling, candidate)
            if total <= _MAX_COST and total < found.get(candidate, math.inf):
                found[candidate] = total
    return found


@dataclass(frozen=True)
class Option:
    """One reading of a token: its text, the syllable keys at its two ends, and its score."""

    text: str
    first: str | None
    last: str | None
    score: float


_BIGRAM_WEIGHT = 0.6  # P(w | left) = 0.6 × pair/count(left) + 0.4 × P(w)


def probability(left: str | None, word: str, evidence: PairEvidence) -> float:
    """Interpolated bigram probability of `word` after `left` (None: no joined neighbour)."""
    unigram = (evidence.count(word) + 0.5) / (evidence.total + 1.0)
    left_count = evidence.count(left) if left is not None else 0
    if left_count == 0:
        return unigram
    bigram = evidence.pair_count(left, word) / left_count
    return _BIGRAM_WEIGHT * bigram + (1 - _BIGRAM_WEIGHT) * unigram


def _unit_score(candidate: str, cost: float, evidence: PairEvidence) -> float:
    return math.log(probability(None, candidate, evidence)) - _COST_WEIGHT * cost


def link(before: Option | None, option: Option, joined: bool, evidence: PairEvidence) -> float:
    """log P(option | the option before it); a non-syllable counts as a word seen once."""
    if option.first is None:
        return math.log(1.0 / (evidence.total + 1.0))
    left = before.last if before is not None and joined else None
    return math.log(probability(left, option.first, evidence))


def split_options(word: str, evidence: PairEvidence) -> list[Option]:
    """Two glued syllables ("cáchhành" → "cách hành"), when the pair occurs in the evidence."""
    if len(word) < 4:
        return []
    options: list[Option] = []
    for cut in range(2, len(word) - 1):
        heads = sorted(
            candidates(word[:cut], evidence).items(),
            key=lambda kv: -_unit_score(kv[0], kv[1], evidence),
        )[:3]
        tails = sorted(
            candidates(word[cut:], evidence).items(),
            key=lambda kv: -_unit_score(kv[0], kv[1], evidence),
        )[:3]
        for head, head_cost in heads:
            for tail, tail_cost in tails:
                cost = head_cost + tail_cost + _SPLIT_COST
                if cost > _MAX_COST or evidence.pair_count(head, tail) == 0:
                    continue
                if head in evidence.abbreviations or tail in evidence.abbreviations:
                    continue
                score = math.log(probability(head, tail, evidence)) - _COST_WEIGHT * cost
                text = f"{apply_case(word[:cut], head)} {apply_case(word[cut:], tail)}"
                options.append(Option(text, head, tail, score))
    return options


def readings(token: Token, evidence: PairEvidence) -> list[Option]:
    """The readings of one token; an invalid one may keep its text or be repaired."""
    if token.kind == "syllable":
        key = syllable_key(token.text)
        return [Option(token.text, key, key, 0.0)]
    if token.kind != "invalid" or len(token.text) > MAX_TOKEN:
        return [Option(token.text, None, None, 0.0)]
    if token.text.lower() in evidence.loanwords:
        return [Option(token.text, None, None, 0.0)]
    keep = Option(token.text, None, None, -_COST_WEIGHT * _MAX_COST)
    options = [keep]
    for candidate, cost in candidates(token.text, evidence).items():
        if candidate in evidence.abbreviations:
            if token.text.upper() != token.text:
                continue
            text = candidate.upper()
        else:
            text = apply_case(token.text, candidate)
        options.append(Option(text, candidate, candidate, -_COST_WEIGHT * cost))
    options.extend(split_options(token.text, evidence))
    return options
