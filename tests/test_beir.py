"""BEIR-format evaluation on a tiny Vietnamese dataset written by the test."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from helpers import CountingEmbedder

from qa.evaluation.beir import (
    beir_dict,
    beir_table,
    documents_in_order,
    read_beir,
    read_qrels,
    run_beir,
    score_documents,
    write_corpus,
)
from qa.evaluation.run import EvalError

DOCS = {
    "doc-grdp": (
        "Tăng trưởng kinh tế",
        "GRDP 9 tháng năm 2023 ước đạt 47.411 tỷ đồng, tăng 7,72%.",
    ),
    "doc-xk": (
        "Xuất khẩu",
        "Kim ngạch xuất khẩu ước đạt 2.032 triệu USD, tăng 8,7% so với cùng kỳ.",
    ),
    "doc-lon": (
        "Chăn nuôi",
        "Tổng đàn lợn ước đạt 712,6 nghìn con, tăng 2,9%; đàn gia cầm ổn định.",
    ),
    "doc-ts": (
        "Thủy sản",
        "Tổng sản lượng thủy sản ước đạt 209,6 nghìn tấn, tăng 3% so với năm trước.",
    ),
    "doc-dl": ("Du lịch", "Tổng lượng khách du lịch ước đạt 585.000 lượt, doanh thu 400 tỷ đồng."),
    "doc/kcn": (
        'KCN "Hải Long"',
        "Chỉ đạo đẩy nhanh tiến độ triển khai Khu công nghiệp Hải Long và KCN Liên Hà Thái.",
    ),
    "doc-ns": ("Ngân sách", "Tổng thu ngân sách nhà nước 9 tháng ước thực hiện 17.064,7 tỷ đồng."),
    "doc-gd": ("", "Tỷ lệ tốt nghiệp trung học phổ thông năm 2023 đạt 99,78%."),
}
QUERIES = {
    "q1": "kim ngạch xuất khẩu 9 tháng",
    "q2": "tổng đàn lợn",
    "q3": "tiến độ khu công nghiệp Hải Long",
    "q4": "tỷ lệ tốt nghiệp THPT",
    "q5": "câu hỏi không có đánh giá",
}
QRELS = [("q1", "doc-xk", 1), ("q2", "doc-lon", 2), ("q3", "doc/kcn", 1), ("q4", "doc-gd", 1)]


@pytest.fixture(scope="module")
def beir_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("beir")
    with (folder / "corpus.jsonl").open("w", encoding="utf-8") as handle:
        for doc_id, (title, text) in DOCS.items():
            row = {"_id": doc_id, "title": title, "text": text}
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    with (folder / "queries.jsonl").open("w", encoding="utf-8") as handle:
        for qid, text in QUERIES.items():
            handle.write(json.dumps({"_id": qid, "text": text}, ensure_ascii=False) + "\n")
    (folder / "qrels").mkdir()
    lines = ["query-id\tcorpus-id\tscore", *(f"{q}\t{d}\t{s}" for q, d, s in QRELS)]
    lines.append("q1\tdoc-ns\t0")  # a zero score is not a judgement of relevance
    (folder / "qrels" / "test.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_read_beir_keeps_judged_queries_and_positive_qrels(beir_folder: Path) -> None:
    data = read_beir(beir_folder)
    assert len(data.corpus) == 8
    assert set(data.queries) == {"q1", "q2", "q3", "q4"}
    assert data.qrels["q1"] == {"doc-xk": 1}
    assert read_qrels(beir_folder / "qrels" / "test.tsv")["q2"] == {"doc-lon": 2}


def test_missing_qrels_or_folder_is_a_readable_error(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="not found"):
        read_beir(tmp_path / "nope")
    with pytest.raises(EvalError, match="no qrels"):
        read_beir(tmp_path)


def test_write_corpus_uses_safe_names_and_a_valid_catalog(
    beir_folder: Path, tmp_path: Path
) -> None:
    stems = write_corpus(read_beir(beir_folder), tmp_path)
    assert sorted(stems.values()) == sorted(DOCS)
    catalog = tomllib.loads((tmp_path / "catalog.toml").read_text(encoding="utf-8"))
    kcn = next(stem for stem, doc_id in stems.items() if doc_id == "doc/kcn")
    assert catalog[kcn]["title"] == 'KCN "Hải Long"'
    assert (tmp_path / f"{kcn}.txt").read_text(encoding="utf-8").startswith('KCN "Hải Long"')


def test_document_scores_by_hand() -> None:
    assert documents_in_order(["a", "b", "a", "c"], 2) == ["a", "b"]
    score = score_documents("q", ["x", "a", "b"], {"a": 1, "b": 1}, (1, 3))
    assert score.hit == {1: 0.0, 3: 1.0} and score.recall[3] == 1.0 and score.rr == 0.5


def test_run_beir_indexes_the_corpus_and_reports_every_mode(beir_folder: Path) -> None:
    report = run_beir(beir_folder, CountingEmbedder(), ks=(1, 3))
    assert report.documents == 8 and report.queries == 4 and report.chunks >= 8
    assert set(report.modes) == {"bm25", "dense", "hybrid"}
    assert report.modes["bm25"].overall.hit[1] == 1.0
    assert report.modes["hybrid"].overall.hit[3] == 1.0
    for mode in report.modes.values():
        assert 0.0 < mode.overall.mrr <= 1.0 and 0.0 < mode.overall.ndcg <= 1.0
    assert "bm25" in beir_table(report)
    summary = beir_dict(report)
    assert set(summary["modes"]) == {"bm25", "dense", "hybrid"}
