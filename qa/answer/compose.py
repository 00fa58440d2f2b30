"""Extractive answers with citations: a short answer line, then the sentence that proves it.

The answer line is the clause (or few clauses) of a retrieved sentence that answers the
question — `ước đạt 47.411 tỷ đồng, đạt 67,8% kế hoạch` — cut verbatim from the sentence,
which is kept whole as the citation's quote. Status questions keep a small timeline (one line
per document date, oldest first, the newest flagged). A figure for another period than the
one asked is said to be so. Whether to answer at all is decided by `qa.answer.abstention`.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache

from qa.answer.abstention import AbstentionModel, load_model
from qa.answer.clauses import cut_sentence, shown_line
from qa.answer.kinds import fulfils, names_new_code, plan_document, urges
from qa.answer.kinds_of_things import KindTable
from qa.answer.members import names_both
from qa.answer.periods import (
    Period,
    day_after_span,
    evidence_period,
    named_day,
    names_occasion,
    neighbour,
    other_year,
    part_of_year,
)
from qa.answer.places import names_provinces
from qa.answer.question import Credits, Question, SentenceJudge, analyse
from qa.config import Settings
from qa.index.chunk import sentence_quotes
from qa.index.segment import Segmenter
from qa.ingest.headings import detect_heading
from qa.models import Hit
from qa.text.dates import DATELINE
from qa.text.normalize import fold_diacritics
from qa.text.numbers import numbers

ABSTAIN_TEXT = "Không tìm thấy thông tin đủ tin cậy trong tài liệu."


@dataclass(frozen=True)
class Citation:
    """`[n] document title — date — section — page`, with the exact quoted sentence."""

    n: int
    chunk_id: str
    doc_id: str
    doc_title: str
    doc_date: str | None
    section: str
    page: int | None
    quote: str
    latest: bool = False

    @classmethod
    def of(cls, n: int, hit: Hit, quote: str, latest: bool = False) -> Citation:
        """Citation `[n]` of a sentence `quote` of `hit`'s passage."""
        chunk, doc = hit.chunk, hit.doc
        section = chunk.quote_section(quote)
        return cls(
            n, chunk.chunk_id, doc.doc_id, doc.title, doc.date, section, chunk.page, quote, latest
        )


@dataclass(frozen=True)
class AnswerLine:
    """One short answer line with the numbers of the citations that prove it.

    `lead` says what the line is when it is not exactly what was asked
    (`Tài liệu chỉ có số liệu 9 tháng năm 2023: `); `latest` marks the newest line of a
    timeline. Faces render dates and badges from `doc_date` and `latest`.
    """

    text: str
    citations: tuple[int, ...]
    doc_date: str | None = None
    latest: bool = False
    lead: str = ""

    def render(self) -> str:
        """`lead + text [n]…`: the plain-text form used in `Answer.text`."""
        return f"{self.lead}{self.text} " + " ".join(f"[{n}]" for n in self.citations)


@dataclass(frozen=True)
class Answer:
    """What `ask` returns: short lines, their citations, the passages, the confidence."""

    query: str
    lines: tuple[AnswerLine, ...]
    abstained: bool
    citations: tuple[Citation, ...]
    hits: tuple[Hit, ...]
    confidence: float = 0.0
    notice: str | None = None
    question_type: str = "fact"
    features: Mapping[str, float] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The answer lines, one per line, each ending in its `[n]` markers."""
        if self.abstained:
            return ABSTAIN_TEXT
        return "\n".join(line.render() for line in self.lines)


@dataclass(frozen=True)
class _Candidate:
    hit: Hit
    quote: str
    line: str
    score: float
    sentence_coverage: float
    line_coverage: float
    kind_match: bool
    # a number question's line states a figure of its own (not `1.500 giường` repeated from
    # the question), in the asked unit when one was asked (`bao nhiêu MW`); a name question's
    # line a name of its own
    has_asked_item: bool
    found: Period
    agrees: bool
    key: frozenset[str]


def _context(hit: Hit, section: str) -> str:
    """The document's title and issuer and a sentence's section path (`Chunk.section_at`)."""
    return f"{hit.doc.title}\n{hit.doc.issuer}\n{section}"


_Sentence = tuple[float, Hit, str, Credits, int]  # coverage, hit, quote, around, offset


def _sentences(
    hits: list[Hit], judge: SentenceJudge, settings: Settings, notes: Sequence[Hit] = ()
) -> list[_Sentence]:
    """(coverage, hit, sentence, what its context holds, where the sentence starts in the
    passage) of the top passages, best first. The context is the document's title and
    issuer, the section path, and the names, abbreviations and codes of the sentence before
    (`Ban Quản lý KKT và các KCN cấp mới … Giá trị sản xuất công nghiệp của các doanh nghiệp
    ước đạt 42.345,2 tỷ đồng`: the second goes on about the zones)."""
    found = []
    for hit in (*hits[: settings.answer_passages_read], *notes):
        contexts: dict[str, Credits] = {}
        previous = None
        for offset, quote in sentence_quotes(hit.chunk.text):
            section = hit.chunk.section_at(offset)
            if section not in contexts:
                contexts[section] = judge.credits(judge.prepare(_context(hit, section)))
            context = contexts[section]
            own = judge.credits(judge.prepare(quote))
            around = context if previous is None else context | judge.keys_of(previous)
            previous = own
            if len(quote.split()) < 4 or (detect_heading(quote) is not None and len(quote) < 160):
                continue
            if DATELINE.fullmatch(quote) and judge.question.kind != "date":
                continue  # `Thái Bình, ngày 19 tháng 5 năm 2023`: when and where it was signed
            coverage = judge.coverage_from([own, around], quote)
            # a section path can hold every word of the question (`… thu chi ngân sách`):
            # which sentences are cut into lines also asks what each one says by itself
            alone = judge.coverage_from([own], quote)
            found.append((coverage, hit, quote, around, offset, alone))
    # `… là ai`: the sentences naming a person are cut first (a caption, `Đồng chí Nguyễn
    # Khắc Thịnh, … Chủ tịch UBND tỉnh phát biểu`, shares few words with the question)
    person = judge.question.wants_person
    found.sort(
        key=lambda i: (
            not (person and judge.gives_person(i[2])),
            -0.5 * (i[0] + i[5]) - settings.answer_rank_bonus / i[1].rank,
        )
    )
    return [item[:5] for item in found[: settings.answer_sentences_cut]]


def _meaning_scale(hits: list[Hit], settings: Settings) -> tuple[float, float] | None:
    """Mean and spread of the clause cosines of the passages read (None without clause
    vectors): a window's meaning counts in standard deviations, whatever the embedder's
    cosine levels."""
    cosines = [
        float(c)
        for hit in hits[: settings.answer_passages_read]
        if hit.clauses
        for c in hit.clauses.cosines
    ]
    if len(cosines) < 2:
        return None
    return statistics.fmean(cosines), statistics.pstdev(cosines) or 1.0


def _window_meaning(
    hit: Hit, offset: int, clauses: Sequence[tuple[int, int]], scale: tuple[float, float] | None
) -> Callable[[int, int], float]:
    """How far above the passages' clauses in meaning clauses `first..last` of a sentence
    stand (their summed vectors' cosine to the question, in standard deviations; 0 when the
    index has no vectors for them)."""
    meanings = hit.clauses
    if meanings is None or scale is None:
        return lambda first, last: 0.0
    rows = [meanings.row(offset + a, offset + b) for a, b in clauses]
    mean, spread = scale

    def meaning(first: int, last: int) -> float:
        low, high = rows[first], rows[last]
        if low is None or high is None or high - low != last - first:
            return 0.0
        return (meanings.cosine(low, high) - mean) / spread

    return meaning


def _best_line(
    asked: Question,
    judge: SentenceJudge,
    sentence: _Sentence,
    settings: Settings,
    scale: tuple[float, float] | None = None,
    sentence_meaning: float | None = None,
) -> _Candidate:
    """The clause window of a sentence that answers best, scored with its sentence;
    `scale`: the clause cosines' mean and spread (`_meaning_scale`); `sentence_meaning`: how
    far the sentence stands out in meaning among those read (`_sentence_meanings`)."""
    coverage, hit, quote, around, offset = sentence
    is_list = asked.kind == "list"
    limit = settings.answer_list_line_words if is_list else settings.answer_max_line_words
    most = settings.answer_list_line_clauses if is_list else settings.answer_window_clauses
    wants_number = asked.wants_number or asked.kind == "number"
    wants_code = asked.kind == "code"
    asked_words = set(_words(asked.text))
    asked_numbers = set(numbers(asked.text))
    clauses, lines, damage_of = cut_sentence(quote, limit, most)
    meaning = _window_meaning(hit, offset, clauses, scale)
    parts = [judge.credits(judge.prepare(quote[a:b])) for a, b in clauses]
    folded_quote = fold_diacritics(quote.lower())  # folded once; windows slice it
    aligned = len(folded_quote) == len(quote)
    scoped_phrases = judge.prefix_phrase_share(folded_quote)
    best: tuple[float, float, str, float, bool, bool, bool, bool] | None = None

    def folded_slice(start: int, end: int) -> str:
        return folded_quote[start:end] if aligned else fold_diacritics(quote[start:end].lower())

    # per clause, once: whether it states a figure the question does not, one in the asked
    # unit, and how many of its words the question does not have (windows sum them)
    folded_clauses = [folded_slice(a, b) for a, b in clauses]
    new_figures = [any(n not in asked_numbers for n in numbers(quote[a:b])) for a, b in clauses]
    # `văn bản số mấy`: a document's number the question does not already name
    new_codes = [wants_code and names_new_code(quote[a:b], asked.text) for a, b in clauses]
    in_unit = [
        wants_number and judge.gives_number(quote[a:b], folded)
        for (a, b), folded in zip(clauses, folded_clauses, strict=True)
    ]
    novel_words = [sum(w not in asked_words for w in _WORD.findall(f)) for f in folded_clauses]
    # `491 doanh nghiệp tạm ngừng kinh doanh, 96 doanh nghiệp giải thể`: a clause about another
    # member of an asked kind is no part of the answer to `bao nhiêu doanh nghiệp giải thể`
    other_member = [judge.names_another_kind(quote[a:b]) for a, b in clauses]
    read = [w for w in lines if not any(other_member[w.first : w.last + 1])] or lines

    def figure_in(first: int, last: int) -> bool:
        """Clauses first..last state a new figure, one of them in the asked unit."""
        span = range(first, last + 1)
        return any(new_figures[i] for i in span) and any(in_unit[i] for i in span)

    def code_in(first: int, last: int) -> bool:
        """Clauses first..last name a document's code the question does not."""
        return any(new_codes[i] for i in range(first, last + 1))

    # `160 xã … tổng số km là 1.316,158 km; phân bổ kinh phí … "Thắp sáng đường quê"`: the
    # sentence holds the name, the line is the part that gives what `bao nhiêu km` asks
    if wants_number or wants_code:
        asked_item = code_in if wants_code else figure_in
        read = [w for w in read if asked_item(w.first, w.last)] or read
    # `kim ngạch xuất khẩu và nhập khẩu`: a line naming both members, when one can
    if asked.members is not None:
        members = asked.members
        read = [w for w in read if names_both(folded_slice(w.start, w.end), members)] or read

    @cache
    def held(first: int, last: int) -> Credits:
        """What clauses first..last hold together, built up as windows grow."""
        return parts[first] if first == last else held(first, last - 1) | parts[last]

    @cache
    def held_around(first: int, last: int) -> Credits:
        """`held` with the sentence's context: each run merged once, not per coverage."""
        return held(first, last) | around

    for window in read:
        line = quote[window.start : window.end]
        folded = folded_slice(window.start, window.end)
        mine = held(window.first, window.last)
        contradicted = judge.contradicted(line)
        # the section path may hold the question's words; the line itself should hold some too
        own = 0.75 * judge.coverage_held(held_around(window.first, window.last), contradicted)
        own += 0.25 * judge.coverage_held(mine, contradicted)
        # clauses before the window set its scope (`Đến 30/9/2023, …; tỷ lệ nợ xấu 0,85%`)
        scoped = judge.coverage_held(held_around(0, window.last), contradicted)
        line_coverage = 0.5 * (own + scoped)
        span = range(window.first, window.last + 1)
        new_figure = any(new_figures[i] for i in span)
        gives = wants_number and figure_in(window.first, window.last)
        names_code = wants_code and code_in(window.first, window.last)
        kind_match = fulfils(asked.kind, line, gives or (asked.kind == "plan" and new_figure))
        # `bên nào`, `cơ quan nào` are answered by a body, `ngày nào` by a date, as `bao
        # nhiêu` by a figure
        lacks_asked = asked.kind in ("who", "date") and not kind_match
        if (wants_number and not gives) or (wants_code and not names_code) or lacks_asked:
            line_coverage *= settings.answer_number_missing_factor
        invalid, words = map(sum, zip(*damage_of[window.first : window.last + 1], strict=True))
        damage = invalid / words if words else 0.0
        # a figure the question does not hold is news enough: words beyond it are a narrower
        # item (`tỷ trọng công nghiệp chế biến, chế tạo đạt 40%` for `tỷ trọng công nghiệp`)
        novel = sum(novel_words[i] for i in span)
        novelty = 1.0 if new_figure else min(1.0, novel / settings.answer_novel_words)
        # the asked indicator may open the sentence and scope the window, as its words do
        scope = (
            scoped_phrases(window.end)
            if aligned
            else judge.phrase_share(fold_diacritics(quote[: window.end].lower()))
        )
        phrases = 0.5 * (judge.phrase_share(folded) + scope)
        score = (
            line_coverage
            + settings.answer_phrase_weight * phrases
            + settings.answer_novelty_weight * novelty
            + settings.answer_kind_bonus * kind_match
            - settings.answer_urging_penalty * (asked.kind == "status" and urges(line))
            - settings.answer_ocr_penalty * damage
            - settings.answer_word_penalty * len(line.split()) * (-1 if is_list else 1)
        )
        # what the window means picks among the sentence's windows only: which sentence
        # answers stays with its words (`giá vàng thế giới` must not reach a price index
        # sentence because it is close in meaning)
        chosen = score + settings.answer_meaning_weight * meaning(window.first, window.last)
        if best is None or chosen > best[0]:
            best = (chosen, score, line, line_coverage, kind_match, gives, new_figure, names_code)
    if best is None:  # a sentence of punctuation only: the sentence itself
        best = (coverage, coverage, quote, coverage, False, False, False, False)
    _, line_score, line, line_coverage, kind_match, gives, new_figure, names_code = best
    section = hit.chunk.section_at(offset)
    context = _context(hit, section)
    found = evidence_period(quote, hit.doc.title, asked.period, section, hit.doc.date or "", line)
    # a figure is for a span of the year; an event (`cuối tháng 9/2023`) only for its year
    agrees = not (
        neighbour(asked.period, found) or day_after_span(asked.text, found) is not None
        if _asks_figure(asked)
        else other_year(asked.period, found)
    )
    score = (
        0.5 * coverage
        + 0.5 * line_score
        + settings.answer_rank_bonus / hit.rank
        + settings.answer_plan_doc_bonus * (asked.targets and plan_document(hit.doc.kind))
        - settings.answer_period_penalty * (not agrees)
        + settings.answer_sentence_meaning_weight * (sentence_meaning or 0.0)
    )
    key = frozenset(fold_diacritics(line).lower().split())
    sentence_held = held_around(0, len(parts) - 1) if parts else around
    evidence = f"{quote}\n{context}"
    has_asked_item = (
        (asked.unit is None or gives)
        and (not wants_number or new_figure)
        and (not wants_code or names_code)
        and (not asked.wants_date or fulfils("date", line, False))
        and (not asked.wants_name or judge.gives_name(line))
        and judge.gives_person(line)
        and judge.states_change(line)
        and judge.names_topic(sentence_held)
        and not judge.names_other_indicator(sentence_held, evidence)
        and not judge.names_another_kind(evidence)
        and judge.states_quantities(evidence)
        # most questions name no province: the passage is not copied for them
        and (
            not asked.provinces or names_provinces(asked.provinces, f"{hit.chunk.text}\n{context}")
        )
    )
    return _Candidate(
        hit, quote, line, score, coverage, line_coverage, kind_match, has_asked_item, found,
        agrees, key,
    )  # fmt: skip


def _sentence_meanings(hits: list[Hit]) -> Callable[[Hit, str], float | None]:
    """How far a quoted sentence of `hits` stands above all their sentences in meaning: its
    stored vector's cosine to the question in standard deviations above their mean
    (standardised within the question: cosine levels differ between embedders). None when
    the search gave no sentence cosines (BM25 mode) or none for that sentence."""
    cosines = [m.score for hit in hits for m in hit.sentences]
    if len(cosines) < 2:
        return lambda hit, quote: None
    mean, spread = statistics.fmean(cosines), statistics.pstdev(cosines) or 1.0

    def meaning(hit: Hit, quote: str) -> float | None:
        text = hit.chunk.text
        quoted = (m.score for m in hit.sentences if text[m.start : m.end].strip() == quote)
        cosine = next(quoted, None)
        return None if cosine is None else (cosine - mean) / spread

    return meaning


def _meaning_weighed_by_gap(settings: Settings, sentences: Sequence[_Sentence]) -> Settings:
    """`settings` with both meaning weights grown by how little of the question the best
    sentence's words hold: when the user's words are not the documents', what a sentence
    means is the evidence left to choose between sentences and clauses."""
    if not sentences:
        return settings
    gap = max(0.0, 1.0 - max(coverage for coverage, *_ in sentences))
    return replace(
        settings,
        answer_meaning_weight=settings.answer_meaning_weight
        + gap * settings.answer_meaning_gap_weight,
        answer_sentence_meaning_weight=settings.answer_sentence_meaning_weight
        + gap * settings.answer_sentence_meaning_gap_weight,
    )


def _features(
    asked: Question,
    candidates: list[_Candidate],
    hits: list[Hit],
    judge: SentenceJudge,
    sentence_meaning: float | None,
) -> dict[str, float]:
    """The evidence features the abstention model reads (see `qa.answer.abstention.FEATURES`);
    `sentence_similarity` (the best quote's `_sentence_meanings`) only when the search gave
    sentence cosines (dense modes)."""
    best, top = candidates[0], hits[0]
    best_context = _context(best.hit, best.hit.chunk.quote_section(best.quote))
    other = next((c.score for c in candidates[1:] if c.quote != best.quote), 0.0)
    features = {
        "sentence_coverage": best.sentence_coverage,
        "line_coverage": best.line_coverage,
        "has_keys": float(bool(asked.keys)),
        "kind_match": float(best.kind_match),
        "period_agrees": float(best.agrees),
        "passage_coverage": judge.coverage(top.chunk.text, _context(top, top.chunk.section)),
        "rank_prior": 1.0 / best.hit.rank,
        "margin": best.score - other,
        # the asked indicator named as such (`tỷ lệ thất nghiệp`, not `tỷ lệ tốt nghiệp`)
        "sentence_pairs": judge.phrase_share(
            fold_diacritics(f"{best.quote}\n{best_context}".lower())
        )
        if judge.asks_pairs
        else 1.0,
    }
    if sentence_meaning is not None:
        features["sentence_similarity"] = sentence_meaning
    return features


def _words(text: str) -> list[str]:
    """Folded lower-case words: `Năm 2022,` → ["nam", "2022"]."""
    return _WORD.findall(fold_diacritics(text.lower()))


_WORD = re.compile(r"\w+")


def _near_duplicate(a: frozenset[str], b: frozenset[str]) -> bool:
    return len(a & b) / max(1, len(a | b)) > 0.6


def _ranked(candidates: list[_Candidate], settings: Settings) -> list[_Candidate]:
    """Best first; when the best line cannot be vouched for (it lacks the asked item, a
    figure in the asked unit, a document number or a name, or is for another period) and
    another can and is nearly as good (the share a second line needs), that one leads: `mấy
    giải nhất` is answered by `… có 07 Giải Nhất, 16 Giải Nhì`, not by the sentence naming
    the contest and the school year without a figure; `kế hoạch tăng trưởng GRDP năm 2023`
    by the 2023 report's `kế hoạch 11%`, not by the 2024 plan's growth target."""
    ranked = sorted(candidates, key=lambda c: -c.score)
    if not ranked or _vouchable(ranked[0]):
        return ranked
    floor = settings.answer_second_line_floor * ranked[0].score
    lead = next((c for c in ranked if _vouchable(c) and c.score >= floor), None)
    if lead is None:
        return ranked
    return [lead, *(c for c in ranked if c is not lead)]


def _vouchable(candidate: _Candidate) -> bool:
    """What the abstention gates ask of the best line: the asked item, for the asked period."""
    return candidate.has_asked_item and candidate.agrees


def _chosen(asked: Question, candidates: list[_Candidate], settings: Settings) -> list[_Candidate]:
    """Status: the best line of each document date (a timeline); otherwise the best line,
    plus a second one when it is nearly as good and says something else; best first."""
    best = candidates[0]
    chosen = [best]
    status = asked.kind == "status"
    lines = settings.answer_timeline_lines if status else 2
    floor = settings.answer_timeline_floor if status else settings.answer_second_line_floor
    for candidate in candidates[1:]:
        if len(chosen) == lines or candidate.score < floor * best.score:
            break
        if asked.kind == "status" and any(c.hit.doc.date == candidate.hit.doc.date for c in chosen):
            continue  # a timeline: one line per document date
        if any(_near_duplicate(candidate.key, c.key) for c in chosen):
            continue
        if best.has_asked_item and not candidate.has_asked_item:
            continue  # a second line without the asked figure, number or name says less
        chosen.append(candidate)
    return chosen


def _reading_order(candidate: _Candidate) -> tuple[str, int]:
    """Oldest document first, then where the line stands in it."""
    return candidate.hit.doc.date or "", candidate.hit.chunk.start


def _asks_figure(asked: Question) -> bool:
    """Only a figure is for a period: who spoke at a session, where an outbreak was, which
    document was issued, are not."""
    return asked.wants_number or asked.kind in ("number", "plan")


def _lead(asked: Question, candidate: _Candidate) -> str:
    """`Tài liệu chỉ có số liệu 9 tháng năm 2023: ` when the figure is for a neighbouring
    period or only part of the asked year; `… số liệu thực hiện …` when a target was asked
    and only actual figures exist."""
    label = candidate.found.label()
    # a question naming a month or date (`đến 30/9/2023`) asks for a point the report reaches
    point = bool(asked.months) or named_day(asked.text) is not None
    figure = _asks_figure(asked)
    # an occasion's figure (`Tết Quý Mão 2023`, `vụ Xuân`) is whole in a 9-month report
    occasion = names_occasion(asked.text)
    partial = figure and part_of_year(asked.period, candidate.found) and not (point or occasion)
    if label and (not candidate.agrees or partial):
        return f"Tài liệu chỉ có số liệu {label}: "
    plan_words = candidate.found.plan or fulfils("plan", candidate.line, False)
    if asked.targets and figure and not plan_words and not plan_document(candidate.hit.doc.kind):
        return f"Tài liệu chỉ có số liệu thực hiện{' ' + label if label else ''}: "
    return ""


def _other_period(asked: Question, found: Period) -> str:
    """Why an abstention: `Tài liệu không có số liệu 9 tháng năm 2022; chỉ có số liệu 9 tháng
    năm 2023.` (`… số liệu tại 31/12/2023; …` when the question names a day)."""
    nearest = f"; chỉ có số liệu {found.label()}" if found.label() else ""
    day = named_day(asked.text)
    return f"Tài liệu không có số liệu {f'tại {day}' if day else asked.period.label()}{nearest}."


def compose_answer(
    question: str,
    hits: list[Hit],
    segmenter: Segmenter,
    settings: Settings | None = None,
    model: AbstentionModel | None = None,
    alternatives: tuple[str, ...] = (),
    notes: Sequence[Hit] = (),
    names: Container[str] = frozenset(),
    districts: tuple[str, ...] = (),
    kinds: KindTable | None = None,
) -> Answer:
    """Pick and cut the answering clauses of `hits` and cite their sentences; abstain when
    the abstention model's probability is below `settings.abstain_below`, when the best
    sentence covers less than `settings.min_coverage` of the question's weighted terms, or
    when no answer line is for the asked year and period (the notice says what there is).
    `alternatives`: the documents' words for the user's (`qa.search.register`), weighed
    `settings.answer_register_weight`; `notes`: the footnotes the passages read mark
    (`qa.answer.ask.footnotes_of`), read after them; `names`: the corpus's capitalised names
    (`qa.search.truecase.CaseTable.names`), for a question that opens with one; `districts`:
    the corpus's district names (`qa.text.districts`): evidence naming only another district
    than the one asked answers nothing, as for the other `kinds` (`qa.answer.kinds_of_things`,
    default: the bundled ones)."""
    settings = settings or Settings()
    asked = analyse(question, segmenter, alternatives, settings.answer_register_weight, names)
    judge = SentenceJudge(asked, segmenter, districts, kinds)
    scale = _meaning_scale(hits, settings)
    meaning = _sentence_meanings(hits)
    sentences = _sentences(hits, judge, settings, notes)
    weighed = _meaning_weighed_by_gap(settings, sentences)
    cut = [_best_line(asked, judge, s, weighed, scale, meaning(s[1], s[2])) for s in sentences]
    if asked.wants_person:  # `… là ai`: only a line naming a person can answer
        cut = [c for c in cut if c.has_asked_item] or cut
    candidates = _ranked(cut, settings)
    if not candidates:
        return Answer(question, (), True, (), tuple(hits), 0.0, question_type=asked.kind)
    best = candidates[0]
    features = _features(asked, candidates, hits, judge, meaning(best.hit, best.quote))
    model = model or load_model(settings.abstention_model)
    # the model ranks answers; it cannot vouch for one whose sentence shares almost no word
    # with the question (`qwerty zxcvb`, `giá vàng thế giới`): below a floor of term
    # coverage the confidence is 0, unless the sentence stands out in meaning among those
    # read (everyday words: `tổ chức văn hóa của Liên Hợp Quốc tôn vinh` ↔ `UNESCO vinh danh`)
    coverage = features["sentence_coverage"]
    close = features.get("sentence_similarity", 0.0) >= settings.close_similarity
    covered = coverage >= settings.min_coverage or (
        close and coverage >= settings.close_min_coverage
    )
    # a figure for another year or span than the one asked is not its answer (`GRDP 9 tháng
    # năm 2022` from the 2023 report), nor is a line without a figure of its own for a
    # number question (`tổng mức đầu tư Bệnh viện 1.500 giường`), or without one in the
    # asked unit (`công suất … bao nhiêu MW`), nor a line naming nothing new for a name
    # question (`VĐV … tên là gì` → `01 VĐV … giành 01 HCV`): when the best line is any of
    # these, confidence 0
    vouched = covered and _vouchable(best)
    confidence = model.probability(features) if vouched else 0.0
    if confidence < settings.abstain_below:
        # `chỉ có số liệu 9 tháng` only of the asked item: hectares sown are no 9-month
        # figure for `sản lượng lúa cả năm`
        said = not best.agrees and best.has_asked_item
        notice = _other_period(asked, best.found) if said else None
        return Answer(question, (), True, (), tuple(hits), confidence, notice, asked.kind, features)
    chosen = _chosen(asked, candidates, settings)
    # lines of several dates read oldest first, the newest marked, a line for the asked
    # period before one for another (`thu nội địa tháng 1/2024` before the year's plan); lines
    # of one date best first: the line an official reads first is the answer, not the clause
    # the report happens to put first (`phân bổ … 100% kế hoạch vốn` before `giải ngân …`)
    newest = None
    if len({c.hit.doc.date for c in chosen}) > 1:
        newest = max(chosen, key=_reading_order)
        chosen = sorted(chosen, key=lambda c: (not c.agrees, *_reading_order(c)))
    citations, lines = [], []
    for n, candidate in enumerate(chosen, start=1):
        doc = candidate.hit.doc
        latest = candidate is newest
        citations.append(Citation.of(n, candidate.hit, candidate.quote, latest))
        shown = shown_line(candidate.line)
        lines.append(AnswerLine(shown, (n,), doc.date, latest, _lead(asked, candidate)))
    return Answer(
        question,
        tuple(lines),
        False,
        tuple(citations),
        tuple(hits),
        confidence,
        question_type=asked.kind,
        features=features,
    )
