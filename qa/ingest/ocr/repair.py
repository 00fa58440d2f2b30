"""Repair OCR damage in Vietnamese text, using the syllable model and clean text as evidence.

Why: a scanned report read by an OCR engine that does not know Vietnamese comes back as
"khai thác ứiủy sản" or "phát ừiển nông nghiệp": the glyph "th" read as "ứi", "tr" as "ừ".
Such strings can never be Vietnamese syllables, so `qa.text.syllable.parse_syllable` finds them;
a small table of OCR confusions proposes spellings ("ứi"→"th" gives "thủy"), and clean text
(the bundled counts of `qa.ingest.ocr.evidence_file`) decides between them by how often each
syllable, and each pair of neighbouring syllables, really occurs ("dân tỉnh", not "dân tình").
Damage
that happens to leave a valid syllable ("cấp tinh" for "cấp tỉnh") is only fixed when the clean
text shows the same two syllables, read without diacritics, many times with other accents and
the damaged pair never.

Nothing is invented: every replacement is a syllable (or abbreviation) seen in the evidence.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace

from qa.ingest.ocr.candidates import (
    MAX_TOKEN,
    Option,
    apply_case,
    candidates,
    link,
    readings,
    split_options,
)
from qa.ingest.ocr.evidence import PairEvidence
from qa.ingest.ocr.tokens import (
    DAMAGE_THRESHOLD,
    NUMBER_KEY,
    Token,
    count_invalid_syllables,
    fold,
    is_number,
    syllable_key,
    tokenize,
)
from qa.models import OcrReport
from qa.text.syllable import parse_syllable

log = logging.getLogger(__name__)

MIN_PAIR_EVIDENCE = 3  # how often a re-accented pair must occur in the clean text to win
_MARKER = re.compile(r"(?<=[^\W\d_])\^+(?![^\W\d_])")  # "Đông^;": a stray mark after a word


def _viterbi(tokens: Sequence[Token], evidence: PairEvidence) -> list[Option]:
    """The reading of every token that maximises channel scores plus bigram log-probabilities."""
    chosen: list[Option] = []
    totals: list[float] = []
    previous: list[Option] = []
    back: list[list[int]] = []
    all_options: list[list[Option]] = []
    for token in tokens:
        options = readings(token, evidence)
        new_totals: list[float] = []
        pointers: list[int] = []
        for option in options:
            if not previous:
                best_total, best_index = link(None, option, False, evidence), -1
            else:
                best_total, best_index = -math.inf, 0
            for index, before in enumerate(previous):
                total = totals[index] + link(before, option, token.joined_left, evidence)
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


def _decode(tokens: Sequence[Token], evidence: PairEvidence) -> list[str]:
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
    if is_number(text):
        return NUMBER_KEY
    return None if " " in text or parse_syllable(text) is None else syllable_key(text)


def _pair_fix(
    keys: Sequence[str | None],
    tokens: Sequence[Token],
    index: int,
    fixed: set[int],
    evidence: PairEvidence,
) -> tuple[int, str, str] | None:
    """Re-accent the pair ending at `index` when the evidence strongly prefers it.

    "cấp tinh" never occurs in clean text while "cấp tỉnh" does (≥ MIN_PAIR_EVIDENCE times,
    a dictionary word counting more: `PairEvidence.backing`), so "tinh" becomes "tỉnh". A
    syllable is only changed when its other neighbour does not back it either: in "công bố
    cong khai", "bố" stays because "công bố" is common. A syllable that is itself common
    needs more: MIN_PAIR_EVIDENCE × count(old) / count(new)
    ("học kỳ" is not turned into "học kỹ" by five "khoa học kỹ thuật").
    Returns (backing, new left, new right): the count with its dictionary bonus.
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
    for (new_left, new_right), count in evidence.pair_variants.get((fold(left), fold(right)), ()):
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


def _pair_pass(tokens: Sequence[Token], texts: list[str], evidence: PairEvidence) -> list[str]:
    """Stage (c): fix valid-but-wrong syllables ("cấp tinh", "tâng 3%") from strong pair
    evidence; a number is a neighbour too, never fixed itself.

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
                result[position] = apply_case(result[position], new)
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
        if len(joined) <= MAX_TOKEN and (
            parse_syllable(joined) is not None
            or candidates(joined, evidence)
            or split_options(joined, evidence)
        ):
            return joined
        if len(head) >= 3 and len(tail) >= 2 and any(fold(ch) in "aeiouy" for ch in tail):
            return f"{head} {tail}"
        return match.group(0)

    def horn(match: re.Match[str]) -> str:
        head, tail = match.group(1), match.group(2)
        word = head[:-1] + ("Ư" if head[-1] == "U" else "ư") + tail
        return word if evidence.count(syllable_key(word)) > 0 else match.group(0)

    text = _INNER_MARKER.sub(inner, text)
    text = _MARKER.sub("", text)
    return _HORN.sub(horn, text)


_GLUED_STOP = re.compile(r"(?<![^\W\d_])([^\W\d_]+)l(?=\s+([^\W\d_]))")


def _mend_stops(text: str, evidence: PairEvidence) -> str:
    """Read an `l` glued to the end of a syllable, before a capital, as the full stop it was.

    No Vietnamese syllable ends in `l`; in a scan, "cùng kỳl Tổng chi" is "cùng kỳ. Tổng chi"
    with the stop read as a letter, and left alone it joins two sentences into one answer
    line. Only a stem the clean text uses is read so ("Paul Smith" stays).
    """

    def stop(match: re.Match[str]) -> str:
        stem, after = match.group(1), match.group(2)
        word = match.group(0)
        if not after.isupper() or word.lower() in evidence.loanwords:
            return word
        if parse_syllable(stem) is None or evidence.count(syllable_key(stem)) == 0:
            return word
        return f"{stem}."

    return _GLUED_STOP.sub(stop, text)


def _repair_once(text: str, evidence: PairEvidence, pairs: bool) -> tuple[str, int]:
    """One pass of marker cleaning, stage (b) and (if `pairs`) stage (c).

    Valid-looking damage (stage (c), a full stop read as `l`) is only mended when `pairs`.
    Returns the text and the number of replaced tokens.
    """
    text = _clean_markers(text, evidence)
    if pairs:
        text = _mend_stops(text, evidence)
    tokens = tokenize(text)
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
    return tuple(sorted({t.text for t in tokenize(text) if t.kind == "invalid"}))


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
        # cleaning a stray mark may join two letters into one word (`đ^ă` → `đă`), a split
        # makes two syllables of one: the count covers the larger of the two texts
        total_after, after = count_invalid_syllables(current)
        total = max(total, total_after)
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
