"""Repair OCR damage in Vietnamese text, using the syllable model and clean text as evidence.

Why: a scanned report read by an OCR engine that does not know Vietnamese comes back as
"khai thác ứiủy sản" or "phát ừiển nông nghiệp": the glyph "th" read as "ứi", "tr" as "ừ".
Such strings can never be Vietnamese syllables, so `qa.syllable.parse_syllable` finds them;
a small table of OCR confusions proposes spellings ("ứi"→"th" gives "thủy"), and the clean
corpus decides between them by how often each syllable, and each pair of neighbouring
syllables, really occurs ("dân tỉnh", not "dân tình"). Damage that happens to leave a valid
syllable ("cấp tinh" for "cấp tỉnh") is only fixed when the clean text shows the same two
syllables, read without diacritics, many times with other accents and the damaged pair never.

Nothing is invented: every replacement is a syllable (or abbreviation) seen in the evidence.
"""

from __future__ import annotations

import heapq
import logging
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
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
_MARKER = re.compile(r"(?<=[^\W\d_])\^+")  # "Đông^;", "n^ồn": stray marks glued to a word

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
    return base if len(base) == 1 else ch.lower()


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
    most frequent first: "tinh" → ("tỉnh", 412), ("tình", 95), ("tinh", 30), ("tính", 21) ….
    `loanwords` are the words of the clean text that are not syllables ("km", "logistics"):
    seen there, they are not damage.
    """

    syllables: Mapping[str, int]
    pairs: Mapping[tuple[str, str], int]
    variants: Mapping[str, tuple[tuple[str, int], ...]]
    pair_variants: Mapping[tuple[str, str], tuple[tuple[tuple[str, str], int], ...]]
    abbreviations: frozenset[str]
    loanwords: frozenset[str] = frozenset()

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
    """True when more than `threshold` of the syllables are invalid (clean text: ≈0.3%)."""
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


@lru_cache(maxsize=4096)
def _spellings(word: str) -> tuple[tuple[str, float], ...]:
    """`word` (lower-case) and what the OCR confusions say it may have been, with costs.

    Words of one or two letters ("tm", "pM") are too short to rebuild: only their accents
    may be wrong.
    """
    best: dict[str, float] = {word: 0.0}
    if len(word) <= 2:
        return tuple(best.items())
    queue: list[tuple[float, int, str]] = [(0.0, 0, word)]
    while queue:
        cost, edits, current = heapq.heappop(queue)
        if cost > best.get(current, math.inf) or edits >= _MAX_EDITS:
            continue
        for source, target, rule_cost in _CONFUSIONS:
            core = source.strip("^$")
            for index in _rule_positions(source, current):
                spelling = current[:index] + target + current[index + len(core) :]
                total = cost + rule_cost
                if spelling and total <= _MAX_COST and total < best.get(spelling, math.inf):
                    best[spelling] = total
                    heapq.heappush(queue, (total, edits + 1, spelling))
    return tuple(best.items())


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
    for spelling, cost in _spellings(word.lower()):
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


def _unit_score(candidate: str, cost: float, evidence: PairEvidence) -> float:
    return math.log(evidence.count(candidate) + 1) - _COST_WEIGHT * cost


def _context(left: str | None, right: str | None, evidence: PairEvidence) -> float:
    return math.log1p(evidence.pair_count(left, right))


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
                pair = evidence.pair_count(head, tail)
                if cost > _MAX_COST or pair == 0:
                    continue
                if head in evidence.abbreviations or tail in evidence.abbreviations:
                    continue
                score = (
                    _unit_score(head, head_cost, evidence)
                    + _unit_score(tail, tail_cost, evidence)
                    - _COST_WEIGHT * _SPLIT_COST
                    + math.log1p(pair)
                )
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
        options.append(_Option(text, candidate, candidate, _unit_score(candidate, cost, evidence)))
    options.extend(_split_options(token.text, evidence))
    return options


def _decode(tokens: Sequence[_Token], evidence: PairEvidence) -> list[str]:
    """Stage (b): choose a reading for every token so that singles and pairs score best.

    A Viterbi pass over the token sequence: valid syllables have one reading, an invalid one
    has its candidates, and neighbours joined by white space add their pair count — so the
    repair of "sãp" is "sắp" because "xêp" can be "xếp", not "sản".
    """
    chosen: list[str] = []
    previous: list[_Option] = []
    back: list[list[int]] = []
    totals: list[float] = []
    all_options: list[list[_Option]] = []
    for token in tokens:
        options = _options(token, evidence)
        new_totals: list[float] = []
        pointers: list[int] = []
        for option in options:
            if not previous:
                new_totals.append(option.score)
                pointers.append(-1)
                continue
            best_total, best_index = -math.inf, 0
            for index, before in enumerate(previous):
                link = _context(before.last, option.first, evidence) if token.joined_left else 0
                total = totals[index] + link
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
        chosen.append(all_options[position][index].text)
        index = back[position][index]
    chosen.reverse()
    return chosen


def _pair_fix(left: str, right: str, evidence: PairEvidence) -> tuple[str, str] | None:
    """Re-accent ONE of two valid syllables when the evidence strongly prefers it.

    "cấp tinh" never occurs in clean text while "cấp tỉnh" does (≥ MIN_PAIR_EVIDENCE times):
    → ("cấp", "tỉnh"). Pairs that occur at all are left alone.
    """
    if evidence.pair_count(left, right) > 0:
        return None
    for (new_left, new_right), count in evidence.pair_variants.get((_fold(left), _fold(right)), ()):
        if count < MIN_PAIR_EVIDENCE:
            break
        if (new_left == left) != (new_right == right):
            return new_left, new_right
    return None


def _pair_pass(tokens: Sequence[_Token], texts: list[str], evidence: PairEvidence) -> list[str]:
    """Stage (c): fix valid-but-wrong syllables ("cấp tinh") from strong pair evidence."""
    result = list(texts)
    for index in range(1, len(tokens)):
        if not tokens[index].joined_left:
            continue
        left_text, right_text = result[index - 1], result[index]
        if " " in left_text or " " in right_text:
            continue
        if parse_syllable(left_text) is None or parse_syllable(right_text) is None:
            continue
        fix = _pair_fix(_key(left_text), _key(right_text), evidence)
        if fix is None:
            continue
        if fix[0] != _key(left_text):
            result[index - 1] = _apply_case(left_text, fix[0])
        if fix[1] != _key(right_text):
            result[index] = _apply_case(right_text, fix[1])
    return result


_HORN = re.compile(r"(?<![^\W\d_])([^\W\d_]*[uU])(?:'|’|-(?=[^\W\d_]))([^\W\d_]*)")
_INNER_MARKER = re.compile(r"(?<![^\W\d_])([^\W\d_]{3,})\^([^\W\d_]+)")


def _clean_markers(text: str, evidence: PairEvidence) -> str:
    """Drop stray "^" glued to words and read "u'"/"u-" inside a word as "ư" (tu'ợng, ngu-ời).

    "dỊmg^câp" becomes "dỊmg câp" (two words) when what follows "^" is a syllable, "Đông^;"
    becomes "Đông;". The horn is only restored when the result is a syllable of the evidence.
    """

    def split_or_join(match: re.Match[str]) -> str:
        head, tail = match.group(1), match.group(2)
        return f"{head} {tail}" if parse_syllable(tail) is not None else head + tail

    def horn(match: re.Match[str]) -> str:
        head, tail = match.group(1), match.group(2)
        word = head[:-1] + ("Ư" if head[-1] == "U" else "ư") + tail
        return word if evidence.count(_key(word)) > 0 else match.group(0)

    text = _INNER_MARKER.sub(split_or_join, text)
    text = _MARKER.sub("", text)
    return _HORN.sub(horn, text)


def _repair_once(text: str, evidence: PairEvidence) -> tuple[str, int]:
    """One pass of marker cleaning, stage (b) and stage (c); returns text and replacements."""
    text = _clean_markers(text, evidence)
    tokens = _tokens(text)
    texts = _pair_pass(tokens, _decode(tokens, evidence), evidence)
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
    """
    try:
        source = unicodedata.normalize("NFC", text)
        used = evidence if evidence is not None else PairEvidence.from_texts([source])
        total, before = count_invalid_syllables(source)
        current = source
        repaired = 0
        for _ in range(4):
            updated, changes = _repair_once(current, used)
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
