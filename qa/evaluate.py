"""Measure retrieval and answers against the gold set `eval/gold.jsonl`.

A passage is relevant to a question when it contains one of the question's evidence spans.
Evidence strings are quoted from the raw corpus files, so both sides are compared in one
form: `matching_form`, diacritics folded, footnote superscripts dropped, spaces collapsed
(`"GRDP … ước đạt 47.411 tỷ đồng¹"` contains `"grdp … uoc dat 47.411 ty dong"`). The OCR
document is indexed after repair while its evidence keeps the damage (`"kim ngạch xuầt Miau
đat 172 triệu USD"`), so passages of damaged documents also match fuzzily: the best window
of the passage reaches a difflib ratio of at least `FUZZY_RATIO`.

Retrieval metrics (Hit@k, Recall@k, MRR@10, nDCG@10 with binary gains) are averaged over
answerable questions, per mode and per question type; `ask` (hybrid retrieval +
`compose_answer`) adds answer accuracy, citation precision and abstention figures.
"""

from __future__ import annotations

import json
import logging
import math
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import Any

from tqdm import tqdm

from qa.abstention import reliability
from qa.answer import Answer
from qa.ask import ask
from qa.config import Settings
from qa.embed import Embedder
from qa.errors import QAError
from qa.models import Chunk
from qa.normalize import collapse_spaces, fold_diacritics, matching_form
from qa.retrieve import Searcher
from qa.store import read_jsonl

log = logging.getLogger(__name__)

FUZZY_RATIO = 0.85
DEFAULT_KS = (1, 3, 5, 10)
RANK_DEPTH = 10  # MRR@10, nDCG@10
ASK_K = 5  # passages handed to compose_answer, as `qa ask` does
REPORTED_SETTINGS = ("fusion", "rrf_k", "dense_weight", "candidates", "abstain_below")
REPORT_K = 5  # the k the failure list and the headline use
TYPES = (
    "fact",
    "status",
    "plan",
    "paraphrase",
    "abbreviation",
    "no-diacritics",
    "footnote",
    "ocr",
    "multi-document",
    "unanswerable",
)
_SUPERSCRIPT_DIGITS = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹]")


class EvalError(QAError):
    """The gold file or an evaluation option cannot be used."""


@dataclass(frozen=True)
class GoldItem:
    """One gold question; `evidence` quotes the raw corpus, `answer` is None when unanswerable."""

    id: str
    question: str
    answer: str | None
    evidence: tuple[str, ...]
    doc_ids: tuple[str, ...]
    type: str

    @property
    def answerable(self) -> bool:
        return self.answer is not None


def load_gold(path: Path) -> list[GoldItem]:
    """Read a gold JSON Lines file; a missing file or malformed line is an EvalError."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvalError(f"cannot read gold file {path}: {exc.strerror or exc}") from exc
    items: list[GoldItem] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            items.append(
                GoldItem(
                    id=str(row["id"]),
                    question=str(row["question"]),
                    answer=None if row.get("answer") is None else str(row["answer"]),
                    evidence=tuple(str(e) for e in row.get("evidence", ())),
                    doc_ids=tuple(str(d) for d in row.get("doc_ids", ())),
                    type=str(row.get("type", "fact")),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise EvalError(f"{path}:{number}: not a gold item ({exc})") from exc
    if not items:
        raise EvalError(f"gold file {path} has no questions")
    return items


# ---------------------------------------------------------------------------------------------
# Relevance


def comparable(text: str) -> str:
    """The one form evidence and passages are compared in: `"Hoá  đạt¹"` → `"hoa dat"`."""
    text = _SUPERSCRIPT_DIGITS.sub("", text)
    return collapse_spaces(fold_diacritics(matching_form(text)))


def partial_ratio(needle: str, haystack: str) -> float:
    """Best difflib ratio of `needle` against a window of `haystack` of the same length.

    Windows are anchored on the matching blocks difflib finds, as fuzzywuzzy's
    `partial_ratio` does: `partial_ratio("xuat miau dat", "… xuat khau dat 172 …")` ≈ 0.85.
    """
    if not needle or not haystack:
        return 0.0
    if needle in haystack:
        return 1.0
    if len(haystack) <= len(needle):
        return SequenceMatcher(None, needle, haystack, autojunk=False).ratio()
    blocks = SequenceMatcher(None, needle, haystack, autojunk=False).get_matching_blocks()
    best = 0.0
    window = SequenceMatcher(None, autojunk=False)
    window.set_seq2(needle)
    seen: set[int] = set()
    for a, b, size in blocks:
        if size == 0:
            continue
        start = max(0, min(b - a, len(haystack) - len(needle)))
        if start in seen:
            continue
        seen.add(start)
        window.set_seq1(haystack[start : start + len(needle)])
        best = max(best, window.ratio())
        if best == 1.0:
            break
    return best


@lru_cache(maxsize=65536)
def _comparable_cached(text: str) -> str:
    return comparable(text)


def spans_in_passage(
    evidence: Sequence[str], passage: str, fuzzy: bool = False, threshold: float = FUZZY_RATIO
) -> frozenset[int]:
    """Indices of the evidence spans found in `passage` (exactly, or fuzzily when asked)."""
    text = _comparable_cached(passage)
    found = set()
    for i, span in enumerate(evidence):
        needle = _comparable_cached(span)
        if not needle:
            continue
        if needle in text or (fuzzy and partial_ratio(needle, text) >= threshold):
            found.add(i)
    return frozenset(found)


class RelevanceJudge:
    """Which evidence spans of a question a passage holds; cached per (question, chunk id).

    `fuzzy_docs` are the documents whose indexed text was repaired from OCR damage: only
    their passages are matched fuzzily, and only for questions citing that document.
    """

    def __init__(self, fuzzy_docs: Iterable[str] = (), threshold: float = FUZZY_RATIO) -> None:
        self.fuzzy_docs = frozenset(fuzzy_docs)
        self.threshold = threshold
        self._cache: dict[tuple[str, str], frozenset[int]] = {}

    def spans(self, item: GoldItem, chunk: Chunk) -> frozenset[int]:
        key = (item.id, chunk.chunk_id)
        cached = self._cache.get(key)
        if cached is None:
            fuzzy = chunk.doc_id in self.fuzzy_docs and chunk.doc_id in item.doc_ids
            cached = spans_in_passage(item.evidence, chunk.text, fuzzy, self.threshold)
            self._cache[key] = cached
        return cached

    def relevant(self, item: GoldItem, chunk: Chunk) -> bool:
        return bool(self.spans(item, chunk))


# ---------------------------------------------------------------------------------------------
# Metrics on one ranking


def hit_at_k(relevant: Sequence[bool], k: int) -> float:
    """1 when any of the first `k` results is relevant."""
    return 1.0 if any(relevant[:k]) else 0.0


def recall_at_k(covered: Sequence[frozenset[int]], targets: int, k: int) -> float:
    """Share of the `targets` (evidence spans, or relevant documents) covered by the top `k`."""
    if targets <= 0:
        return 0.0
    union: set[int] = set()
    for spans in covered[:k]:
        union |= spans
    return len(union) / targets


def reciprocal_rank(relevant: Sequence[bool], k: int = RANK_DEPTH) -> float:
    """1 / rank of the first relevant result within `k` (0 when none)."""
    for rank, is_relevant in enumerate(relevant[:k], start=1):
        if is_relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(relevant: Sequence[bool], relevant_total: int, k: int = RANK_DEPTH) -> float:
    """Binary-gain nDCG: DCG of the ranking over the DCG of `relevant_total` relevant first.

    `[False, True]` with one relevant passage in the collection → (1/log2 3) / 1 ≈ 0.631.
    """
    dcg = sum(1.0 / math.log2(i + 2) for i, rel in enumerate(relevant[:k]) if rel)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, relevant_total)))
    return dcg / ideal if ideal > 0 else 0.0


@dataclass(frozen=True)
class QuestionScore:
    """Metrics of one question's ranking."""

    id: str
    type: str
    hit: dict[int, float]
    recall: dict[int, float]
    rr: float
    ndcg: float
    first_relevant: int | None  # 1-based rank, None when not in the list
    ranked: tuple[str, ...] = ()  # chunk or document ids, best first


def score_ranking(
    qid: str,
    qtype: str,
    ranked: Sequence[str],
    covered: Sequence[frozenset[int]],
    targets: int,
    relevant_total: int,
    ks: Sequence[int],
) -> QuestionScore:
    """All metrics of one ranking; `covered[i]` are the targets the i-th result holds."""
    relevant = [bool(c) for c in covered]
    first = next((i + 1 for i, rel in enumerate(relevant) if rel), None)
    return QuestionScore(
        id=qid,
        type=qtype,
        hit={k: hit_at_k(relevant, k) for k in ks},
        recall={k: recall_at_k(covered, targets, k) for k in ks},
        rr=reciprocal_rank(relevant),
        ndcg=ndcg_at_k(relevant, max(relevant_total, sum(relevant))),
        first_relevant=first,
        ranked=tuple(ranked),
    )


@dataclass(frozen=True)
class Metrics:
    """Means over a group of questions."""

    n: int
    hit: dict[int, float]
    recall: dict[int, float]
    mrr: float
    ndcg: float


def mean_metrics(scores: Sequence[QuestionScore], ks: Sequence[int]) -> Metrics:
    n = len(scores)
    if n == 0:
        return Metrics(0, {k: 0.0 for k in ks}, {k: 0.0 for k in ks}, 0.0, 0.0)
    return Metrics(
        n=n,
        hit={k: sum(s.hit[k] for s in scores) / n for k in ks},
        recall={k: sum(s.recall[k] for s in scores) / n for k in ks},
        mrr=sum(s.rr for s in scores) / n,
        ndcg=sum(s.ndcg for s in scores) / n,
    )


@dataclass
class ModeReport:
    """Retrieval metrics of one mode: overall, per question type, per question."""

    mode: str
    ks: tuple[int, ...]
    overall: Metrics
    by_type: dict[str, Metrics]
    questions: list[QuestionScore]
    seconds: float = 0.0


def mode_report(mode: str, scores: list[QuestionScore], ks: Sequence[int]) -> ModeReport:
    types = [t for t in TYPES if any(s.type == t for s in scores)]
    types += sorted({s.type for s in scores} - set(types))
    return ModeReport(
        mode=mode,
        ks=tuple(ks),
        overall=mean_metrics(scores, ks),
        by_type={t: mean_metrics([s for s in scores if s.type == t], ks) for t in types},
        questions=scores,
    )


# ---------------------------------------------------------------------------------------------
# Answers


def answer_form(text: str) -> str:
    """Answers compare like evidence, plus `"tỷ  đồng ."` spacing noise around punctuation."""
    return re.sub(r"\s+([,.;:%)])", r"\1", comparable(text))


def answer_correct(gold: str, answer: Answer) -> bool:
    """The gold answer (normalised, folded) occurs in the answer text; abstaining is wrong."""
    return not answer.abstained and answer_form(gold) in answer_form(answer.text)


@dataclass(frozen=True)
class AskResult:
    """One question through search + compose_answer (composed without abstaining)."""

    id: str
    type: str
    answerable: bool
    confidence: float
    correct: bool  # correct when not abstaining (threshold applied later)
    cited: int
    cited_relevant: int
    text: str


@dataclass(frozen=True)
class AskMetrics:
    """Answer figures at one abstention threshold."""

    threshold: float
    answerable: int
    unanswerable: int
    accuracy: float
    accuracy_by_type: dict[str, float]
    citation_precision: float
    abstention_precision: float
    abstention_recall: float
    answerable_abstention_rate: float
    words_median: float = 0.0  # answer length in words, over answered answerable questions
    words_p90: float = 0.0
    words_max: int = 0


def ask_metrics(results: Sequence[AskResult], threshold: float) -> AskMetrics:
    """Apply `threshold` (abstain when confidence < threshold) to composed answers."""
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]

    def abstains(r: AskResult) -> bool:
        return r.confidence < threshold

    correct = [r for r in answerable if r.correct and not abstains(r)]
    abstained = [r for r in results if abstains(r)]
    abstained_unans = [r for r in unanswerable if abstains(r)]
    answered = [r for r in answerable if not abstains(r)]
    cited = sum(r.cited for r in answered)
    words = sorted(len(r.text.split()) for r in answered) or [0]
    by_type: dict[str, float] = {}
    for qtype in dict.fromkeys(r.type for r in answerable):
        group = [r for r in answerable if r.type == qtype]
        by_type[qtype] = sum(r in correct for r in group) / len(group)
    return AskMetrics(
        threshold=threshold,
        answerable=len(answerable),
        unanswerable=len(unanswerable),
        accuracy=len(correct) / len(answerable) if answerable else 0.0,
        accuracy_by_type=by_type,
        citation_precision=sum(r.cited_relevant for r in answered) / cited if cited else 0.0,
        abstention_precision=len(abstained_unans) / len(abstained) if abstained else 0.0,
        abstention_recall=len(abstained_unans) / len(unanswerable) if unanswerable else 0.0,
        answerable_abstention_rate=(
            sum(abstains(r) for r in answerable) / len(answerable) if answerable else 0.0
        ),
        words_median=float(statistics.median(words)),
        words_p90=float(words[round(0.9 * (len(words) - 1))]),
        words_max=words[-1],
    )


def calibration_sweep(
    results: Sequence[AskResult], thresholds: Iterable[float] | None = None
) -> list[AskMetrics]:
    """Answer figures for each threshold (default 0.00, 0.05, …, 1.00)."""
    grid = thresholds if thresholds is not None else [i / 20 for i in range(21)]
    return [ask_metrics(results, round(t, 4)) for t in grid]


def choose_threshold(sweep: Sequence[AskMetrics], max_answerable_rate: float = 0.10) -> float:
    """The threshold that abstains on the most unanswerable questions while abstaining on at
    most `max_answerable_rate` of the answerable ones; ties → fewer answerable abstentions,
    then the middle of the tied range (robust to small shifts in confidence)."""
    allowed = [m for m in sweep if m.answerable_abstention_rate <= max_answerable_rate]
    if not allowed:
        return min(sweep, key=lambda m: m.answerable_abstention_rate).threshold
    best = max((m.abstention_recall, -m.answerable_abstention_rate) for m in allowed)
    tied = [
        m.threshold for m in allowed if (m.abstention_recall, -m.answerable_abstention_rate) == best
    ]
    return sorted(tied)[(len(tied) - 1) // 2]


@dataclass
class AskReport:
    metrics: AskMetrics
    results: list[AskResult]
    seconds: float = 0.0


# ---------------------------------------------------------------------------------------------
# Running


@dataclass
class EvalReport:
    """Everything `qa eval` measured, plus the files it wrote."""

    index_dir: str
    gold_path: str
    embedder: str
    ks: tuple[int, ...]
    modes: dict[str, ModeReport]
    ask: AskReport | None
    unreachable: list[str]  # answerable questions whose evidence is in no indexed passage
    failures: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    calibration: list[AskMetrics] = field(default_factory=list)
    chosen_threshold: float | None = None
    settings: dict[str, Any] = field(default_factory=dict)  # the retrieval/answer knobs used


def fuzzy_documents(index_dir: Path) -> set[str]:
    """Documents the index repaired from OCR damage (their evidence quotes the damage)."""
    docs = set()
    for row in read_jsonl(index_dir / "documents.jsonl"):
        ocr = row.get("ocr", {})
        if ocr.get("invalid_before", 0) or ocr.get("repaired", 0):
            docs.add(row["meta"]["doc_id"])
    return docs


def parse_ks(text: str) -> tuple[int, ...]:
    """`"1,3,5,10"` → (1, 3, 5, 10); REPORT_K and RANK_DEPTH are always included."""
    try:
        ks = {int(part) for part in text.split(",") if part.strip()}
    except ValueError as exc:
        raise EvalError(f"--k takes numbers separated by commas, got {text!r}") from exc
    if not ks or min(ks) < 1:
        raise EvalError(f"--k values must be at least 1, got {text!r}")
    return tuple(sorted(ks | {REPORT_K, RANK_DEPTH}))


class GoldEvaluator:
    """Runs the gold questions against a loaded Searcher."""

    def __init__(self, searcher: Searcher, items: list[GoldItem], ks: Sequence[int]) -> None:
        self.searcher = searcher
        self.items = items
        self.ks = tuple(ks)
        self.judge = RelevanceJudge(fuzzy_documents(searcher.index_dir))
        self.depth = max(max(self.ks), RANK_DEPTH)
        self._totals: dict[str, int] = {}

    def relevant_total(self, item: GoldItem) -> int:
        """Relevant passages in the whole index (for the ideal DCG)."""
        if item.id not in self._totals:
            self._totals[item.id] = sum(self.judge.relevant(item, c) for c in self.searcher.chunks)
        return self._totals[item.id]

    def score(self, item: GoldItem, chunks: Sequence[Chunk]) -> QuestionScore:
        covered = [self.judge.spans(item, c) for c in chunks]
        return score_ranking(
            item.id,
            item.type,
            [c.chunk_id for c in chunks],
            covered,
            len(item.evidence),
            self.relevant_total(item),
            self.ks,
        )

    def run_mode(self, mode: str, progress: bool = False) -> ModeReport:
        import time

        started = time.perf_counter()
        scores = []
        answerable = [i for i in self.items if i.answerable]
        for item in tqdm(answerable, desc=mode, disable=not progress):
            hits = self.searcher.search(item.question, k=self.depth, mode=mode)
            scores.append(self.score(item, [h.chunk for h in hits]))
        report = mode_report(mode, scores, self.ks)
        report.seconds = time.perf_counter() - started
        return report

    def run_ask(self, settings: Settings, progress: bool = False) -> AskReport:
        """Compose every answer once without abstaining; the threshold is applied after."""
        import time

        started = time.perf_counter()
        never = replace(settings, abstain_below=-1.0)
        results = []
        for item in tqdm(self.items, desc="ask", disable=not progress):
            answer = ask(self.searcher, item.question, k=ASK_K, mode="hybrid", settings=never)
            hits = list(answer.hits)
            cited_ids = dict.fromkeys(c.chunk_id for c in answer.citations)
            by_id = {h.chunk.chunk_id: h.chunk for h in hits}
            cited_relevant = (
                sum(self.judge.relevant(item, by_id[c]) for c in cited_ids if c in by_id)
                if item.answerable
                else 0
            )
            results.append(
                AskResult(
                    id=item.id,
                    type=item.type,
                    answerable=item.answerable,
                    confidence=round(answer.confidence, 6),
                    correct=item.answer is not None and answer_correct(item.answer, answer),
                    cited=len(cited_ids),
                    cited_relevant=cited_relevant,
                    text=answer.text,
                )
            )
        metrics = ask_metrics(results, settings.abstain_below)
        return AskReport(metrics, results, time.perf_counter() - started)

    def unreachable(self) -> list[str]:
        return [i.id for i in self.items if i.answerable and self.relevant_total(i) == 0]

    def failures(self, report: ModeReport, k: int = REPORT_K) -> list[dict[str, Any]]:
        """Questions with no relevant passage in the top `k`: what was expected, what came."""
        by_id = {c.chunk_id: c for c in self.searcher.chunks}
        items = {i.id: i for i in self.items}
        rows = []
        for score in report.questions:
            if score.hit.get(k, 0.0) > 0:
                continue
            item = items[score.id]
            rows.append(
                {
                    "id": item.id,
                    "type": item.type,
                    "question": item.question,
                    "evidence": list(item.evidence),
                    "first_relevant": score.first_relevant,
                    "top": [
                        {
                            "chunk_id": cid,
                            "doc_id": by_id[cid].doc_id,
                            "text": shorten(by_id[cid].text),
                        }
                        for cid in score.ranked[:3]
                    ],
                }
            )
        return rows


def shorten(text: str, width: int = 160) -> str:
    text = collapse_spaces(text)
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def run_eval(
    index_dir: Path,
    gold_path: Path,
    modes: Sequence[str] = ("bm25", "dense", "hybrid"),
    ks: Sequence[int] = DEFAULT_KS,
    out_dir: Path | None = Path("eval/results"),
    *,
    ask: bool = True,
    calibrate: bool = False,
    searcher: Searcher | None = None,
    embedder: Embedder | None = None,
    settings: Settings | None = None,
    progress: bool = False,
    plot: bool = True,
    today: str | None = None,
) -> EvalReport:
    """Evaluate every mode (and `ask`) on the gold set; write JSON, markdown and a plot."""
    items = load_gold(gold_path)
    unknown = [m for m in modes if m not in ("bm25", "dense", "hybrid")]
    if unknown:
        raise EvalError(f"unknown mode {unknown[0]!r}; use bm25, dense and/or hybrid")
    ks = tuple(sorted(set(ks) | {REPORT_K, RANK_DEPTH}))
    searcher = searcher or Searcher(index_dir, embedder=embedder, settings=settings)
    settings = settings or searcher.settings
    evaluator = GoldEvaluator(searcher, items, ks)
    report = EvalReport(
        index_dir=str(index_dir),
        gold_path=str(gold_path),
        embedder=str(searcher.manifest["embedder"]["id"]),
        ks=ks,
        modes={},
        ask=None,
        unreachable=evaluator.unreachable(),
        settings={name: getattr(settings, name) for name in REPORTED_SETTINGS},
    )
    for mode in modes:
        report.modes[mode] = evaluator.run_mode(mode, progress)
        report.failures[mode] = evaluator.failures(report.modes[mode])
    if ask or calibrate:
        report.ask = evaluator.run_ask(settings, progress)
    if calibrate and report.ask is not None:
        report.calibration = calibration_sweep(report.ask.results)
        report.chosen_threshold = choose_threshold(report.calibration)
    if out_dir is not None:
        report.files = write_reports(report, out_dir, today or date.today().isoformat(), plot)
    return report


# ---------------------------------------------------------------------------------------------
# Output


def metrics_dict(m: Metrics) -> dict[str, Any]:
    return {
        "n": m.n,
        "hit": {str(k): round(v, 4) for k, v in m.hit.items()},
        "recall": {str(k): round(v, 4) for k, v in m.recall.items()},
        "mrr@10": round(m.mrr, 4),
        "ndcg@10": round(m.ndcg, 4),
    }


def mode_dict(report: EvalReport, mode: ModeReport) -> dict[str, Any]:
    return {
        "mode": mode.mode,
        "index": report.index_dir,
        "gold": report.gold_path,
        "embedder": report.embedder,
        "settings": report.settings,
        "seconds": round(mode.seconds, 2),
        "overall": metrics_dict(mode.overall),
        "by_type": {t: metrics_dict(m) for t, m in mode.by_type.items()},
        "unreachable": report.unreachable,
        "questions": [
            {
                "id": q.id,
                "type": q.type,
                "first_relevant": q.first_relevant,
                "rr": round(q.rr, 4),
                "ndcg@10": round(q.ndcg, 4),
                "recall": {str(k): round(v, 4) for k, v in q.recall.items()},
                "ranked": list(q.ranked[:RANK_DEPTH]),
            }
            for q in mode.questions
        ],
        "failures": report.failures.get(mode.mode, []),
    }


def ask_metrics_dict(m: AskMetrics) -> dict[str, Any]:
    data = asdict(m)
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in data.items()} | {
        "accuracy_by_type": {t: round(v, 4) for t, v in m.accuracy_by_type.items()}
    }


def ask_dict(report: EvalReport) -> dict[str, Any]:
    assert report.ask is not None
    ask = report.ask
    data: dict[str, Any] = {
        "mode": "ask",
        "retrieval": "hybrid",
        "passages": ASK_K,
        "index": report.index_dir,
        "gold": report.gold_path,
        "embedder": report.embedder,
        "settings": report.settings,
        "seconds": round(ask.seconds, 2),
        "overall": ask_metrics_dict(ask.metrics),
        "questions": [
            asdict(r) | {"abstained": r.confidence < ask.metrics.threshold} for r in ask.results
        ],
    }
    if report.calibration:
        data["calibration"] = {
            "chosen": report.chosen_threshold,
            "sweep": [ask_metrics_dict(m) for m in report.calibration],
        }
    return data


def _pct(value: float) -> str:
    return f"{value:.3f}"


def retrieval_table(report: EvalReport, markdown: bool = False) -> str:
    """Rows: mode × (overall + types); columns: n, Hit@k…, Recall@5, MRR@10, nDCG@10."""
    header = [
        "mode",
        "type",
        "n",
        *(f"Hit@{k}" for k in report.ks),
        f"R@{REPORT_K}",
        "MRR@10",
        "nDCG@10",
    ]
    rows: list[list[str]] = []
    for mode in report.modes.values():
        groups = [("all", mode.overall), *mode.by_type.items()]
        for name, m in groups:
            rows.append(
                [
                    mode.mode,
                    name,
                    str(m.n),
                    *(_pct(m.hit[k]) for k in report.ks),
                    _pct(m.recall[REPORT_K]),
                    _pct(m.mrr),
                    _pct(m.ndcg),
                ]
            )
    return render_table(header, rows, markdown)


def ask_table(report: EvalReport, markdown: bool = False) -> str:
    if report.ask is None:
        return ""
    m = report.ask.metrics
    rows = [
        ["abstain_below", f"{m.threshold:.2f}"],
        [
            "answer accuracy (answerable)",
            f"{m.accuracy:.3f} ({round(m.accuracy * m.answerable)}/{m.answerable})",
        ],
        ["citation precision", _pct(m.citation_precision)],
        ["abstention precision", _pct(m.abstention_precision)],
        [
            "abstention recall (unanswerable)",
            f"{m.abstention_recall:.3f} "
            f"({round(m.abstention_recall * m.unanswerable)}/{m.unanswerable})",
        ],
        ["abstention rate on answerable", _pct(m.answerable_abstention_rate)],
        [
            "answer words median / p90 / max",
            f"{m.words_median:.0f} / {m.words_p90:.0f} / {m.words_max}",
        ],
        *([f"accuracy: {t}", _pct(v)] for t, v in m.accuracy_by_type.items()),
    ]
    return render_table(["ask (hybrid + qa.ask)", "value"], rows, markdown, left=1)


def reliability_table(report: EvalReport, markdown: bool = False) -> str:
    """Confidence bins of the abstention model vs the share of right answers in them."""
    if report.ask is None:
        return ""
    results = report.ask.results
    bins = reliability([r.confidence for r in results], [int(r.correct) for r in results])
    rows = [
        [b["bin"], str(b["questions"]), str(b["confidence"] or "–"), str(b["accuracy"] or "–")]
        for b in bins
    ]
    return render_table(["confidence", "questions", "mean conf.", "accuracy"], rows, markdown)


def calibration_table(report: EvalReport, markdown: bool = False) -> str:
    header = ["threshold", "abst. precision", "abst. recall", "abst. rate answerable", "accuracy"]
    rows = [
        [
            f"{m.threshold:.2f}",
            _pct(m.abstention_precision),
            _pct(m.abstention_recall),
            _pct(m.answerable_abstention_rate),
            _pct(m.accuracy),
        ]
        for m in report.calibration
    ]
    return render_table(header, rows, markdown, left=0)


def render_table(
    header: list[str], rows: list[list[str]], markdown: bool = False, left: int = 2
) -> str:
    """A plain-text (or markdown) table; the first `left` columns are labels."""
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]

    def fmt(row: list[str]) -> str:
        cells = zip(row, widths, strict=True)
        return "  ".join(c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in enumerate(cells))

    return "\n".join([fmt(header), "  ".join("-" * w for w in widths), *(fmt(r) for r in rows)])


def terminal_summary(report: EvalReport) -> str:
    """What `qa eval` prints: the tables, unreachable questions and the files written."""
    parts = [retrieval_table(report)]
    if report.ask is not None:
        parts.append(ask_table(report))
        parts.append(reliability_table(report))
    if report.calibration:
        parts.append(calibration_table(report))
        parts.append(f"chosen abstain_below: {report.chosen_threshold:.2f}")
    if report.unreachable:
        parts.append("evidence found in no indexed passage: " + ", ".join(report.unreachable))
    if report.files:
        parts.append("wrote: " + ", ".join(str(p) for p in report.files))
    return "\n\n".join(parts) + "\n"


def markdown_report(report: EvalReport, day: str) -> str:
    lines = [
        f"# Evaluation {day}",
        "",
        f"Index `{report.index_dir}` (embedder `{report.embedder}`), gold `{report.gold_path}`. "
        "Retrieval metrics over answerable questions; a passage is relevant when it contains an "
        "evidence span (folded, fuzzy for OCR-repaired documents).",
        "",
        "Settings: " + ", ".join(f"`{k} = {v}`" for k, v in report.settings.items()),
        "",
        "## Retrieval",
        "",
        retrieval_table(report, markdown=True),
        "",
    ]
    if report.ask is not None:
        lines += ["## Answers", "", ask_table(report, markdown=True), ""]
        lines += ["## Reliability", "", reliability_table(report, markdown=True), ""]
    if report.calibration:
        lines += [
            "## Abstention threshold sweep",
            "",
            calibration_table(report, markdown=True),
            "",
            f"Chosen `abstain_below` = {report.chosen_threshold:.2f}.",
            "",
        ]
    if report.unreachable:
        lines += ["Evidence found in no indexed passage: " + ", ".join(report.unreachable), ""]
    for mode, rows in report.failures.items():
        lines += [f"## Failures: {mode} (no relevant passage in the top {REPORT_K})", ""]
        if not rows:
            lines += ["None.", ""]
        for row in rows:
            rank = row["first_relevant"]
            lines.append(
                f"- **{row['id']}** ({row['type']}) {row['question']} — first relevant at rank "
                f"{rank if rank is not None else '> ' + str(RANK_DEPTH)}"
            )
            lines += [f"  - expected: “{shorten(e)}”" for e in row["evidence"]]
            lines += [f"  - got {t['chunk_id']}: {t['text']}" for t in row["top"]]
        lines.append("")
    if report.ask is not None:
        wrong = [r for r in report.ask.results if _ask_wrong(r, report.ask.metrics.threshold)]
        lines += ["## Failures: ask", ""]
        lines += [
            f"- **{r.id}** ({r.type}) confidence {r.confidence:.2f}: "
            f"{'abstained' if r.confidence < report.ask.metrics.threshold else shorten(r.text)}"
            for r in wrong
        ] or ["None."]
        lines.append("")
    return "\n".join(lines)


def _ask_wrong(r: AskResult, threshold: float) -> bool:
    abstained = r.confidence < threshold
    if r.answerable:
        return abstained or not r.correct
    return not abstained


def write_reports(report: EvalReport, out_dir: Path, day: str, plot: bool = True) -> list[Path]:
    """`<day>-<mode>.json`, `<day>-ask.json`, `<day>-report.md`, `<day>-hit-at-k.png`."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EvalError(f"cannot write results to {out_dir}: {exc.strerror or exc}") from exc
    files = []
    for mode in report.modes.values():
        files.append(_write_json(out_dir / f"{day}-{mode.mode}.json", mode_dict(report, mode)))
    if report.ask is not None:
        files.append(_write_json(out_dir / f"{day}-ask.json", ask_dict(report)))
    md = out_dir / f"{day}-report.md"
    md.write_text(markdown_report(report, day), encoding="utf-8")
    files.append(md)
    if plot and report.modes:
        files.append(plot_hit_at_k(report, out_dir / f"{day}-hit-at-k.png"))
    return files


def _write_json(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def plot_hit_at_k(report: EvalReport, path: Path) -> Path:
    """Hit@k curves: one panel overall, one grouped bar chart of Hit@5 by type and mode."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(
        1, 2, figsize=(13, 4.5), gridspec_kw={"width_ratios": [1, 2.4]}
    )
    for mode in report.modes.values():
        left.plot(report.ks, [mode.overall.hit[k] for k in report.ks], marker="o", label=mode.mode)
    left.set(xlabel="k", ylabel="Hit@k", title="Hit@k, all answerable", ylim=(0, 1.02))
    left.set_xticks(report.ks)
    left.legend()
    types = list(next(iter(report.modes.values())).by_type)
    width = 0.8 / max(1, len(report.modes))
    for i, mode in enumerate(report.modes.values()):
        xs = [j + i * width for j in range(len(types))]
        right.bar(xs, [mode.by_type[t].hit[REPORT_K] for t in types], width, label=mode.mode)
    right.set_xticks([j + width * (len(report.modes) - 1) / 2 for j in range(len(types))])
    right.set_xticklabels(types, rotation=30, ha="right")
    right.set(ylabel=f"Hit@{REPORT_K}", title=f"Hit@{REPORT_K} by question type", ylim=(0, 1.15))
    right.legend(loc="upper center", ncol=len(report.modes))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def summary_dict(report: EvalReport) -> dict[str, Any]:
    """What `qa eval --json` prints."""
    data: dict[str, Any] = {
        "index": report.index_dir,
        "embedder": report.embedder,
        "settings": report.settings,
        "modes": {
            m: metrics_dict(r.overall)
            | {"by_type": {t: metrics_dict(v) for t, v in r.by_type.items()}}
            for m, r in report.modes.items()
        },
        "unreachable": report.unreachable,
        "files": [str(p) for p in report.files],
    }
    if report.ask is not None:
        data["ask"] = ask_metrics_dict(report.ask.metrics)
    if report.calibration:
        data["calibration"] = {
            "chosen": report.chosen_threshold,
            "sweep": [ask_metrics_dict(m) for m in report.calibration],
        }
    return data
