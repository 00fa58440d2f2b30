"""Retrieval metrics on a dataset in BEIR format, indexed by our own pipeline.

A BEIR folder holds `corpus.jsonl` (`_id`, `title`, `text`), `queries.jsonl` (`_id`, `text`)
and `qrels/test.tsv` or `qrels.tsv` (`query-id  corpus-id  score`, with a header line). The
corpus is written as one `.txt` file per document plus a `catalog.toml` into a temporary
folder and indexed there, so it goes through exactly what `qa index` does; a passage is
relevant when its document has a positive qrels score, and a document counts once (at the
rank of its best passage).
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from qa.config import Settings
from qa.evaluation.run import (
    DEFAULT_KS,
    RANK_DEPTH,
    REPORT_K,
    EvalError,
    ModeReport,
    QuestionScore,
    metrics_dict,
    mode_report,
    render_table,
    score_ranking,
)
from qa.index.build import build_index
from qa.index.embed import Embedder, load_embedder
from qa.search.searcher import MODES, Searcher

log = logging.getLogger(__name__)
QRELS_PATHS = ("qrels/test.tsv", "qrels.tsv")


@dataclass(frozen=True)
class BeirDataset:
    """Documents (`_id` → (title, text)), queries and positive qrels."""

    corpus: dict[str, tuple[str, str]]
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]


def _read_jsonl(path: Path) -> list[dict[str, object]]:
    rows = []
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise EvalError(f"{path}:{number}: not JSON ({exc.msg})") from exc
                if not isinstance(row, dict) or "_id" not in row:
                    raise EvalError(f"{path}:{number}: a BEIR row needs an _id")
                rows.append(row)
    except OSError as exc:
        raise EvalError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return rows


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """`query-id<TAB>corpus-id<TAB>score` after a header line; only positive scores are kept."""
    qrels: dict[str, dict[str, int]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvalError(f"cannot read {path}: {exc.strerror or exc}") from exc
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        parts = line.split("\t") if "\t" in line else line.split()
        try:
            qid, doc_id, score = parts[0], parts[1], int(float(parts[2]))
        except (IndexError, ValueError) as exc:
            raise EvalError(f"{path}:{number}: expected query-id, corpus-id, score") from exc
        if score > 0:
            qrels.setdefault(qid, {})[doc_id] = score
    return qrels


def read_beir(folder: Path) -> BeirDataset:
    """Load a BEIR folder; queries without a positive judgement are dropped."""
    if not folder.is_dir():
        raise EvalError(f"BEIR folder not found: {folder}")
    qrels_path = next((folder / p for p in QRELS_PATHS if (folder / p).exists()), None)
    if qrels_path is None:
        raise EvalError(f"no qrels in {folder}: expected {' or '.join(QRELS_PATHS)}")
    corpus = {
        str(r["_id"]): (str(r.get("title") or ""), str(r.get("text") or ""))
        for r in _read_jsonl(folder / "corpus.jsonl")
    }
    queries = {
        str(r["_id"]): str(r.get("text") or "") for r in _read_jsonl(folder / "queries.jsonl")
    }
    qrels = read_qrels(qrels_path)
    judged = {q: docs for q, docs in qrels.items() if q in queries and queries[q].strip()}
    if not corpus or not judged:
        raise EvalError(f"{folder}: no documents or no judged queries")
    return BeirDataset(corpus, {q: queries[q] for q in judged}, judged)


def write_corpus(data: BeirDataset, folder: Path) -> dict[str, str]:
    """One `.txt` per document (title, blank line, text) + `catalog.toml`; stem → BEIR id.

    File names are `d000000.txt`, … since BEIR ids may hold characters no file name can.
    """
    folder.mkdir(parents=True, exist_ok=True)
    stems: dict[str, str] = {}
    catalog: list[str] = []
    for number, (doc_id, (title, text)) in enumerate(data.corpus.items()):
        body = "\n\n".join(part.strip() for part in (title, text) if part.strip())
        if not body:
            continue
        stem = f"d{number:06d}"
        stems[stem] = doc_id
        (folder / f"{stem}.txt").write_text(body + "\n", encoding="utf-8")
        catalog.append(f"[{stem}]")
        if title.strip():
            catalog.append(f"title = {json.dumps(title.strip(), ensure_ascii=False)}")
        catalog.append('kind = "beir"\n')
    (folder / "catalog.toml").write_text("\n".join(catalog) + "\n", encoding="utf-8")
    return stems


@dataclass
class BeirReport:
    """Retrieval metrics of each mode on a BEIR dataset."""

    folder: str
    embedder: str
    documents: int
    queries: int
    chunks: int
    build_seconds: float
    modes: dict[str, ModeReport] = field(default_factory=dict)


def score_documents(
    qid: str, ranked_docs: Sequence[str], relevant: dict[str, int], ks: Sequence[int]
) -> QuestionScore:
    """Metrics of a ranked list of document ids against the positive qrels of one query."""
    ids = sorted(relevant)
    position = {doc_id: i for i, doc_id in enumerate(ids)}
    covered = [frozenset({position[d]}) if d in position else frozenset() for d in ranked_docs]
    return score_ranking(qid, "beir", ranked_docs, covered, len(ids), len(ids), ks)


def documents_in_order(chunk_docs: Sequence[str], limit: int) -> list[str]:
    """Each document once, at the rank of its best passage."""
    return list(dict.fromkeys(chunk_docs))[:limit]


def run_beir(
    folder: Path,
    embedder: Embedder | str = "e5-small",
    modes: Sequence[str] = MODES,
    ks: Sequence[int] = DEFAULT_KS,
    settings: Settings | None = None,
    progress: bool = False,
) -> BeirReport:
    """Index the BEIR corpus in a temporary folder and measure every mode on its queries."""
    data = read_beir(folder)
    model = load_embedder(embedder) if isinstance(embedder, str) else embedder
    ks = tuple(sorted(set(ks) | {REPORT_K, RANK_DEPTH}))
    depth = max(ks)
    with tempfile.TemporaryDirectory(prefix="qa-beir-") as tmp:
        corpus_dir, index_dir = Path(tmp) / "corpus", Path(tmp) / "index"
        stems = write_corpus(data, corpus_dir)
        built = build_index(corpus_dir, index_dir, model, settings, progress=progress)
        searcher = Searcher(index_dir, embedder=model, settings=settings)
        report = BeirReport(
            str(folder), model.id, len(stems), len(data.queries), built.chunks, built.seconds
        )
        for mode in modes:
            scores = []
            for qid, text in tqdm(data.queries.items(), desc=mode, disable=not progress):
                hits = searcher.search(text, k=3 * depth, mode=mode)
                ranked = documents_in_order([stems[h.chunk.doc_id] for h in hits], depth)
                scores.append(score_documents(qid, ranked, data.qrels[qid], ks))
            report.modes[mode] = mode_report(mode, scores, ks)
    return report


def beir_table(report: BeirReport) -> str:
    """One row per mode: Hit@k…, Recall@k…, MRR@10, nDCG@10."""
    first = next(iter(report.modes.values()), None)
    ks = first.ks if first else DEFAULT_KS
    header = ["mode", *(f"Hit@{k}" for k in ks), *(f"R@{k}" for k in ks), "MRR@10", "nDCG@10"]
    rows = [
        [
            mode.mode,
            *(f"{mode.overall.hit[k]:.3f}" for k in ks),
            *(f"{mode.overall.recall[k]:.3f}" for k in ks),
            f"{mode.overall.mrr:.3f}",
            f"{mode.overall.ndcg:.3f}",
        ]
        for mode in report.modes.values()
    ]
    title = (
        f"BEIR {report.folder}: {report.documents} documents ({report.chunks} passages), "
        f"{report.queries} queries, embedder {report.embedder}, "
        f"built in {report.build_seconds:.1f} s"
    )
    return title + "\n" + render_table(header, rows, left=1) + "\n"


def beir_dict(report: BeirReport) -> dict[str, Any]:
    """What `qa eval --beir DIR --json` prints."""
    return {
        "folder": report.folder,
        "embedder": report.embedder,
        "documents": report.documents,
        "queries": report.queries,
        "chunks": report.chunks,
        "build_seconds": round(report.build_seconds, 2),
        "modes": {m: metrics_dict(r.overall) for m, r in report.modes.items()},
    }
