"""Evaluation: relevance matching, metric maths on hand-made rankings, report files."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from helpers import CountingEmbedder

from qa.answer.compose import Answer, AnswerLine
from qa.evaluation.gold import select_split
from qa.evaluation.run import (
    AskResult,
    EvalError,
    GoldItem,
    RelevanceJudge,
    answer_correct,
    ask_metrics,
    calibration_sweep,
    choose_threshold,
    comparable,
    hit_at_k,
    load_gold,
    mean_metrics,
    ndcg_at_k,
    parse_ks,
    partial_ratio,
    recall_at_k,
    reciprocal_rank,
    run_eval,
    score_ranking,
    spans_in_passage,
    summary_dict,
    terminal_summary,
)
from qa.index.build import build_index
from qa.index.segment import Lexicon, Segmenter
from qa.models import Chunk

# Real lines of the seed corpus: 000 (clean report) and 002 (OCR-damaged, indexed repaired).
GRDP = (
    "Tổng sản phẩm trên địa bàn tỉnh (GRDP theo giá so sánh năm 2010) ước đạt 47.411 tỷ đồng, "
    "đạt 67,8% kế hoạch và tăng 7,72% so với cùng kỳ năm 2022¹."
)
EXPORT_DAMAGED = "kim ngạch xuầt Miau đat 172 triệu USD, giảm 1,5%"
EXPORT_REPAIRED = (
    "chỉ số giá tiêu dùng bình quân tăng 2,9%; kim ngạch xuất khẩu đạt 172 triệu USD, "
    "giảm 1,5%; kim ngạch nhập khẩu đạt 147 triệu USD"
)


def chunk(doc_id: str, text: str, start: int = 0) -> Chunk:
    return Chunk(f"{doc_id}:{start}", doc_id, text, start, start + len(text), "")


def item(evidence: tuple[str, ...], doc_ids: tuple[str, ...], qid: str = "q1") -> GoldItem:
    return GoldItem(qid, "câu hỏi", "x", evidence, doc_ids, "fact")


# --- relevance ------------------------------------------------------------------------------


def test_comparable_folds_tone_marks_superscripts_and_spaces() -> None:
    assert comparable("Công nghiệp  hoá,\nhiện đại hóa¹²") == "cong nghiep hoa, hien dai hoa"
    assert comparable("ĐẠT") == "dat"


def test_exact_match_ignores_diacritics_case_wraps_and_footnote_markers() -> None:
    evidence = ("ước đạt 47.411 tỷ đồng, đạt 67,8% kế hoạch và tăng 7,72% so với cùng kỳ năm 2022",)
    assert spans_in_passage(evidence, GRDP) == {0}
    assert spans_in_passage(("uoc dat 47.411 ty dong, dat 67,8% ke\nhoach",), GRDP) == {0}
    assert spans_in_passage(
        ("tăng 7,72% so với cùng kỳ năm 2022",), "tăng 7,72%³ so với cùng kỳ năm 2022"
    )
    assert not spans_in_passage(("ước đạt 47.412 tỷ đồng",), GRDP)


def test_ocr_damaged_evidence_matches_repaired_text_only_fuzzily() -> None:
    assert not spans_in_passage((EXPORT_DAMAGED,), EXPORT_REPAIRED)
    assert spans_in_passage((EXPORT_DAMAGED,), EXPORT_REPAIRED, fuzzy=True) == {0}
    unrelated = "kim ngạch nhập khẩu đạt 147 triệu USD, tăng 5,3% so với cùng kỳ năm trước"
    assert not spans_in_passage((EXPORT_DAMAGED,), unrelated, fuzzy=True)


def test_partial_ratio_finds_the_best_window() -> None:
    assert partial_ratio("abc", "xxabcxx") == 1.0
    assert partial_ratio("xuat miau dat 172", "... kim ngach xuat khau dat 172 trieu") >= 0.85
    assert partial_ratio("", "abc") == 0.0
    assert partial_ratio("hoan toan khac", "mot cau khong lien quan gi") < 0.85


def test_judge_is_fuzzy_only_for_repaired_documents_the_question_cites() -> None:
    judge = RelevanceJudge(fuzzy_docs={"002"})
    question = item((EXPORT_DAMAGED,), ("002",))
    assert judge.relevant(question, chunk("002", EXPORT_REPAIRED))
    assert not judge.relevant(question, chunk("003", EXPORT_REPAIRED))
    assert not RelevanceJudge().relevant(question, chunk("002", EXPORT_REPAIRED))


def test_answer_correct_compares_folded_text_and_counts_abstention_wrong() -> None:
    def answer(text: str, abstained: bool = False) -> Answer:
        return Answer("q", (AnswerLine(text, (1,)),), abstained, (), ())

    assert answer_correct("47.411 tỷ đồng", answer(GRDP))
    assert answer_correct("21,9 nghìn tân", answer("sản lượng thủy sản ước đạt 21,9 nghìn tấn"))
    assert not answer_correct("47.411 tỷ đồng", answer(GRDP, abstained=True))
    assert not answer_correct("50.702 tỷ đồng", answer(GRDP))
    # a long form and its abbreviation say the same; a prefix of a long form still counts
    chair = answer("Thành lập tổ công tác đặc biệt do Chủ tịch UBND tỉnh làm tổ trưởng")
    assert answer_correct("Chủ tịch Ủy ban nhân dân tỉnh", chair)
    assert not answer_correct("Chủ tịch Hội đồng nhân dân tỉnh", chair)
    ministry = answer("Đoàn công tác của Bộ Nông nghiệp và Phát triển nông thôn")
    assert answer_correct("Bộ Nông nghiệp", ministry)


def test_answer_correct_knows_the_corpus_abbreviations() -> None:
    """A corpus's own abbreviation (`abbreviations.toml` beside it) equals its long form when
    the index's segmenter judges; the bundled lexicon does not know it."""
    line = Answer(
        "q", (AnswerLine("Dự án do BQLDA Thái Bình làm chủ đầu tư", (1,)),), False, (), ()
    )
    gold = "Ban Quản lý dự án Thái Bình"
    corpus = Segmenter(Lexicon({"BQLDA": ("ban quản lý dự án",)}, frozenset()))
    assert answer_correct(gold, line, corpus)
    assert not answer_correct(gold, line)


# --- metrics on hand-made rankings ----------------------------------------------------------


def test_hit_recall_mrr_by_hand() -> None:
    relevant = [False, True, False, True]
    assert hit_at_k(relevant, 1) == 0.0
    assert hit_at_k(relevant, 2) == 1.0
    assert reciprocal_rank(relevant) == 0.5
    assert reciprocal_rank([False] * 10 + [True]) == 0.0  # beyond @10
    covered = [frozenset(), frozenset({0}), frozenset(), frozenset({0, 1})]
    assert recall_at_k(covered, 3, 2) == pytest.approx(1 / 3)
    assert recall_at_k(covered, 3, 4) == pytest.approx(2 / 3)
    assert recall_at_k(covered, 0, 4) == 0.0


def test_ndcg_by_hand() -> None:
    # one relevant passage in the collection, found at rank 2: 1/log2(3)
    assert ndcg_at_k([False, True], 1) == pytest.approx(1 / math.log2(3))
    # two relevant, found at ranks 1 and 3: (1 + 1/2) / (1 + 1/log2(3))
    assert ndcg_at_k([True, False, True], 2) == pytest.approx(1.5 / (1 + 1 / math.log2(3)))
    assert ndcg_at_k([True, True], 2) == pytest.approx(1.0)
    assert ndcg_at_k([False, False], 3) == 0.0


def test_score_ranking_and_means() -> None:
    ks = (1, 3)
    first = score_ranking(
        "a", "fact", ["x", "y", "z"], [frozenset(), frozenset({0}), frozenset()], 1, 1, ks
    )
    second = score_ranking("b", "ocr", ["u"], [frozenset({0})], 2, 1, ks)
    assert first.first_relevant == 2 and first.hit == {1: 0.0, 3: 1.0}
    assert second.recall[1] == 0.5 and second.rr == 1.0 and second.ndcg == 1.0
    means = mean_metrics([first, second], ks)
    assert means.n == 2
    assert means.hit == {1: 0.5, 3: 1.0}
    assert means.mrr == pytest.approx(0.75)
    assert means.ndcg == pytest.approx((1 / math.log2(3) + 1) / 2)


def test_parse_ks_always_keeps_five_and_ten() -> None:
    assert parse_ks("1,3") == (1, 3, 5, 10)
    with pytest.raises(EvalError):
        parse_ks("a,b")
    with pytest.raises(EvalError):
        parse_ks("0")


# --- answers and abstention -----------------------------------------------------------------


def result(qid: str, answerable: bool, confidence: float, correct: bool = True) -> AskResult:
    return AskResult(
        qid,
        "fact" if answerable else "unanswerable",
        answerable,
        confidence,
        correct and answerable,
        2 if answerable else 1,
        1 if answerable else 0,
        "",
    )


def test_ask_metrics_at_a_threshold() -> None:
    results = [
        result("a", True, 0.9),
        result("b", True, 0.8, correct=False),
        result("c", True, 0.3),
        result("d", False, 0.2),
        result("e", False, 0.6),
    ]
    m = ask_metrics(results, 0.5)
    assert m.accuracy == pytest.approx(1 / 3)  # a right; b wrong; c abstained
    assert m.abstention_recall == 0.5  # d abstained, e answered
    assert m.abstention_precision == 0.5  # abstained on c and d
    assert m.answerable_abstention_rate == pytest.approx(1 / 3)
    assert m.citation_precision == 0.5  # a and b answered: 2 of 4 cited passages relevant
    assert (m.correct, m.answerable_abstained, m.unanswerable_abstained) == (1, 1, 1)


def test_threshold_choice_catches_unanswerable_within_the_answerable_budget() -> None:
    results = [result(f"a{i}", True, 0.5 + i / 40) for i in range(20)]
    results += [result("u1", False, 0.2), result("u2", False, 0.4), result("u3", False, 0.9)]
    sweep = calibration_sweep(results)
    chosen = choose_threshold(sweep)
    at = ask_metrics(results, chosen)
    assert at.abstention_recall == pytest.approx(2 / 3)
    assert at.answerable_abstention_rate <= 0.10
    assert 0.4 < chosen <= 0.55


# --- gold file and the whole run -------------------------------------------------------------


def test_load_gold_reads_the_real_file_and_rejects_bad_lines(tmp_path: Path) -> None:
    items = load_gold(Path(__file__).resolve().parents[1] / "eval" / "gold.jsonl")
    assert len(items) >= 80 and any(not i.answerable for i in items)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "q1"}\n', encoding="utf-8")
    with pytest.raises(EvalError, match=r"bad\.jsonl:1"):
        load_gold(bad)
    with pytest.raises(EvalError):
        load_gold(tmp_path / "missing.jsonl")
    bad.write_text('{"id": "q1", "question": "?", "split": "test"}\n', encoding="utf-8")
    with pytest.raises(EvalError, match="split must be tune or heldout"):
        load_gold(bad)


def test_select_split_keeps_one_split_or_all() -> None:
    items = [
        GoldItem("a", "?", "x", (), (), "fact", "tune"),
        GoldItem("b", "?", "x", (), (), "fact"),
    ]
    items.append(GoldItem("c", "?", None, (), (), "unanswerable", "heldout"))
    assert [i.id for i in select_split(items, "tune")] == ["a", "b"]  # no split field → tune
    assert [i.id for i in select_split(items, "heldout")] == ["c"]
    assert len(select_split(items, "all")) == 3
    with pytest.raises(EvalError, match="unknown split"):
        select_split(items, "test")
    with pytest.raises(EvalError, match="no heldout questions"):
        select_split(items[:2], "heldout")


@pytest.fixture(scope="module")
def tiny_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("eval")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Tình hình kinh tế\n\n" + GRDP + " Tổng giá trị sản xuất ước đạt 141.336 tỷ đồng, "
        "tăng 7% so với cùng kỳ năm 2022.\n\nTổng mức bán lẻ hàng hóa và doanh thu dịch vụ "
        "tiêu dùng ước đạt 50.702 tỷ đồng, tăng 17,3%.\n",
        encoding="utf-8",
    )
    (corpus / "b.txt").write_text(
        "Nông nghiệp\n\nTổng đàn lợn ước đạt 712,6 nghìn con, tăng 2,9%. Tổng sản lượng thủy "
        "sản ước đạt 209,6 nghìn tấn.\n",
        encoding="utf-8",
    )
    gold = root / "gold.jsonl"
    rows = [
        {
            "id": "q001",
            "question": "GRDP 9 tháng năm 2023 ước đạt bao nhiêu tỷ đồng?",
            "answer": "47.411 tỷ đồng",
            "evidence": ["ước đạt 47.411 tỷ đồng, đạt 67,8% kế hoạch"],
            "doc_ids": ["a"],
            "type": "fact",
            "split": "tune",
        },
        {
            "id": "q002",
            "question": "tong dan lon",
            "answer": "712,6 nghìn con",
            "evidence": ["Tổng đàn lợn ước đạt 712,6 nghìn con"],
            "doc_ids": ["b"],
            "type": "no-diacritics",
            "split": "heldout",
        },
        {
            "id": "q003",
            "question": "công suất nhà máy điện bao nhiêu MW",
            "answer": None,
            "evidence": [],
            "doc_ids": [],
            "type": "unanswerable",
            "split": "tune",
        },
    ]
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    index = root / "index"
    build_index(corpus, index, CountingEmbedder(), progress=False)
    return index, gold


def test_run_eval_writes_json_markdown_and_plot(
    tiny_index: tuple[Path, Path], tmp_path: Path
) -> None:
    index, gold = tiny_index
    out = tmp_path / "results"
    report = run_eval(
        index,
        gold,
        ks=(1, 3),
        out_dir=out,
        calibrate=True,
        embedder=CountingEmbedder(),
        today="2099-01-01",
    )
    names = {p.name for p in report.files}
    assert names == {
        "2099-01-01-bm25.json",
        "2099-01-01-dense.json",
        "2099-01-01-hybrid.json",
        "2099-01-01-ask.json",
        "2099-01-01-report.md",
        "2099-01-01-hit-at-k.png",
    }
    assert all((out / n).stat().st_size > 0 for n in names)
    hybrid = json.loads((out / "2099-01-01-hybrid.json").read_text(encoding="utf-8"))
    assert hybrid["overall"]["n"] == 2 and set(hybrid["overall"]["hit"]) == {"1", "3", "5", "10"}
    assert set(hybrid["by_type"]) == {"fact", "no-diacritics"}
    assert report.modes["bm25"].overall.hit[5] == 1.0
    ask = json.loads((out / "2099-01-01-ask.json").read_text(encoding="utf-8"))
    assert ask["overall"]["answerable"] == 2 and ask["overall"]["unanswerable"] == 1
    assert "chosen" in ask["calibration"]
    markdown = (out / "2099-01-01-report.md").read_text(encoding="utf-8")
    assert "## Retrieval" in markdown and "| hybrid | all |" in markdown
    assert (out / "2099-01-01-hit-at-k.png").read_bytes()[:4] == b"\x89PNG"
    # each split reported on its own, held out first, from the same answers
    assert [s.split for s in report.by_split] == ["heldout", "tune", "all"]
    assert hybrid["splits"]["heldout"]["overall"]["n"] == 1
    assert set(hybrid["splits"]["tune"]["by_type"]) == {"fact"}
    assert ask["splits"]["tune"]["answerable"] == 1 and ask["splits"]["tune"]["unanswerable"] == 1
    assert ask["splits"]["heldout"]["unanswerable"] == 0
    assert {q["split"] for q in ask["questions"]} == {"tune", "heldout"}
    assert ask["calibration"]["split"] == "tune"
    assert markdown.index("## heldout:") < markdown.index("## tune:") < markdown.index("## all:")
    brief = json.loads(json.dumps(summary_dict(report)))
    assert set(brief["splits"]) == {"heldout", "tune", "all"}
    assert (brief["splits"]["tune"]["questions"], brief["splits"]["tune"]["answerable"]) == (2, 1)
    assert brief["calibration"]["split"] == "tune"
    summary = terminal_summary(report)
    assert "== heldout: 1 questions (1 answerable, 0 unanswerable)" in summary
    assert "answer words median / p90 / max" in summary


def test_run_eval_on_the_tune_split_only(tiny_index: tuple[Path, Path]) -> None:
    index, gold = tiny_index
    report = run_eval(
        index, gold, ("bm25",), out_dir=None, split="tune", embedder=CountingEmbedder()
    )
    assert set(report.question_splits) == {"q001", "q003"}
    assert [s.split for s in report.by_split] == ["tune"]
    assert report.modes["bm25"].overall.n == 1
    with pytest.raises(EvalError, match="--calibrate"):
        run_eval(
            index,
            gold,
            ("bm25",),
            out_dir=None,
            split="heldout",
            calibrate=True,
            embedder=CountingEmbedder(),
        )
