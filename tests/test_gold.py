"""Sanity checks for the evaluation gold set ``eval/gold.jsonl``.

Every answerable item must be grounded in the corpus: each evidence string has to occur in
one of its documents after NFC normalisation and collapsing whitespace runs to one space,
and the answer has to occur in one of its evidence strings. Every item carries a `split`
(`tune` or `heldout`) given by the rule in eval/README.md, which this file re-derives.
"""

import hashlib
import json
import math
import re
import unicodedata
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "eval" / "gold.jsonl"
CORPUS = ROOT / "corpus"

MIN_COUNTS = {
    "everyday": 40,
    "fact": 12,
    "status": 8,
    "plan": 10,
    "paraphrase": 8,
    "abbreviation": 8,
    "no-diacritics": 8,
    "footnote": 8,
    "ocr": 8,
    "multi-document": 6,
    "unanswerable": 25,
}
HELDOUT_SHARE = 1 / 3  # per batch and type, rounded up: the first ids in sha256 order
# q001–q244, q245–q344, q345–q415, q416–q494, q495–q569, q570–: a later batch never moves an
# earlier id's split
BATCH_STARTS = (1, 245, 345, 416, 495, 570)


def norm(text: str) -> str:
    """NFC-normalise and collapse every whitespace run to a single space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


@cache
def load_gold() -> list[dict[str, Any]]:
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@cache
def corpus() -> dict[str, str]:
    return {p.stem: norm(p.read_text(encoding="utf-8")) for p in CORPUS.glob("*.txt")}


def test_size_ids_and_types() -> None:
    items = load_gold()
    assert len(items) >= 200
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert all(re.fullmatch(r"q\d{3}", i) for i in ids)
    counts = Counter(item["type"] for item in items)
    assert set(counts) == set(MIN_COUNTS), f"unexpected or missing types: {counts}"
    for typ, minimum in MIN_COUNTS.items():
        assert counts[typ] >= minimum, f"{typ}: {counts[typ]} < {minimum}"


@pytest.mark.parametrize("item", load_gold(), ids=lambda item: item["id"])
def test_item(item: dict[str, Any]) -> None:
    assert set(item) == {"id", "question", "answer", "evidence", "doc_ids", "type", "split"}
    assert item["split"] in ("tune", "heldout")
    assert isinstance(item["question"], str) and item["question"].strip()
    assert isinstance(item["evidence"], list)
    assert all(isinstance(e, str) and e.strip() for e in item["evidence"])
    assert isinstance(item["doc_ids"], list)
    assert all(isinstance(d, str) for d in item["doc_ids"])
    docs = corpus()
    for doc_id in item["doc_ids"]:
        assert doc_id in docs, f"unknown doc id {doc_id}"

    if item["type"] == "unanswerable":
        assert item["answer"] is None
        assert item["evidence"] == [] and item["doc_ids"] == []
        return

    answer = item["answer"]
    assert isinstance(answer, str) and answer.strip()
    assert item["evidence"] and item["doc_ids"]
    for evidence in item["evidence"]:
        assert any(norm(evidence) in docs[d] for d in item["doc_ids"]), evidence
    assert any(norm(answer) in norm(e) for e in item["evidence"]), answer
    if item["type"] == "no-diacritics":
        assert item["question"].isascii()
    if item["type"] == "multi-document":
        assert len(set(item["doc_ids"])) >= 2


def batch_of(item_id: str) -> int:
    """The batch an id was written in: the last batch start at or below its number."""
    number = int(item_id[1:])
    return max(start for start in BATCH_STARTS if start <= number)


def expected_heldout(items: list[dict[str, Any]]) -> set[str]:
    """The split rule: per batch and type, ids in sha256 order; the first third is held out."""
    groups: dict[tuple[int, str], list[str]] = {}
    for item in items:
        groups.setdefault((batch_of(item["id"]), item["type"]), []).append(item["id"])
    held: set[str] = set()
    for ids in groups.values():
        ordered = sorted(ids, key=lambda i: hashlib.sha256(i.encode()).hexdigest())
        held |= set(ordered[: math.ceil(len(ids) * HELDOUT_SHARE)])
    return held


def test_split_follows_the_hash_rule() -> None:
    items = load_gold()
    held = expected_heldout(items)
    wrong = [i["id"] for i in items if (i["split"] == "heldout") != (i["id"] in held)]
    assert not wrong, f"split differs from the sha256 rule for {wrong}"


def test_heldout_is_at_least_thirty_percent_of_every_type() -> None:
    items = load_gold()
    for typ in MIN_COUNTS:
        group = [i for i in items if i["type"] == typ]
        held = sum(i["split"] == "heldout" for i in group)
        assert held / len(group) >= 0.3, f"{typ}: {held}/{len(group)} held out"
    assert sum(i["split"] == "heldout" for i in items) / len(items) >= 0.3
