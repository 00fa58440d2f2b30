"""Per-split views of one evaluation run, on hand-made scores and answers."""

from __future__ import annotations

import re

import pytest

from qa.evaluation.answers import AskReport, AskResult, ask_metrics
from qa.evaluation.gold import GoldItem
from qa.evaluation.ranking import QuestionScore, mode_report, score_ranking
from qa.evaluation.results import answers_by_type, split_reports
from qa.evaluation.tables import answers_table, reliability_table, type_table

KS = (1, 5, 10)


def item(qid: str, split: str, qtype: str = "fact") -> GoldItem:
    answer = None if qtype == "unanswerable" else "x"
    return GoldItem(qid, "câu hỏi", answer, (), (), qtype, split)


def answer(qid: str, qtype: str, confidence: float, correct: bool, words: int) -> AskResult:
    answerable = qtype != "unanswerable"
    text = " ".join(["từ"] * words) + " [1]"
    return AskResult(qid, qtype, answerable, confidence, correct and answerable, 1, 1, text)


ITEMS = [
    item("a", "tune"),
    item("b", "heldout"),
    item("c", "heldout", "everyday"),
    item("u1", "tune", "unanswerable"),
    item("u2", "heldout", "unanswerable"),
]
ANSWERS = [
    answer("a", "fact", 0.9, True, 4),
    answer("b", "fact", 0.8, False, 6),
    answer("c", "everyday", 0.3, True, 2),  # abstains at 0.5: a false abstention
    answer("u1", "unanswerable", 0.2, False, 3),  # abstains: right
    answer("u2", "unanswerable", 0.7, False, 8),  # answers an unanswerable question: wrong
]


def ranking(qid: str, qtype: str, first_relevant: int | None) -> QuestionScore:
    covered = [frozenset({0}) if i + 1 == first_relevant else frozenset() for i in range(10)]
    return score_ranking(qid, qtype, [f"{qid}{i}" for i in range(10)], covered, 1, 1, KS)


def test_answers_by_type_counts_right_answers_and_right_abstentions() -> None:
    assert answers_by_type(ANSWERS, 0.5) == {
        "fact": (1, 2),
        "everyday": (0, 1),
        "unanswerable": (1, 2),
    }


def test_split_reports_regroup_one_run_heldout_first() -> None:
    scores = [ranking("a", "fact", 1), ranking("b", "fact", 2), ranking("c", "everyday", None)]
    modes = {"bm25": mode_report("bm25", scores, KS)}
    ask = AskReport(ask_metrics(ANSWERS, 0.5), ANSWERS)
    held, tune, everything = split_reports(ITEMS, modes, ask, KS)
    assert [held.split, tune.split, everything.split] == ["heldout", "tune", "all"]
    assert (held.questions, held.answerable, held.unanswerable) == (3, 2, 1)
    # held-out retrieval: b at rank 2, c not found → MRR (0.5 + 0) / 2, Hit@1 0
    assert held.modes["bm25"].overall.mrr == pytest.approx(0.25)
    assert held.modes["bm25"].overall.hit[5] == 0.5
    assert tune.modes["bm25"].overall.mrr == 1.0
    assert held.ask is not None and tune.ask is not None
    assert (held.ask.correct, held.ask.answerable) == (0, 2)  # b wrong, c abstained
    assert held.ask.answerable_abstained == 1 and held.ask.unanswerable_abstained == 0
    assert held.ask.abstention_recall == 0.0 and held.ask.abstention_precision == 0.0
    assert tune.ask.unanswerable_abstained == 1 and tune.ask.abstention_precision == 1.0
    # lengths over answers given: held-out b (6 words) and u2 (8 words)
    assert held.lengths is not None and (held.lengths.median, held.lengths.max) == (7.0, 8)
    assert everything.lengths is not None and everything.lengths.answers == 3  # a, b, u2
    assert sum(b.n for b in everything.reliability) == 5


def test_split_tables_show_counts_a_reader_can_check() -> None:
    scores = [ranking("a", "fact", 1), ranking("b", "fact", 2), ranking("c", "everyday", None)]
    ask = AskReport(ask_metrics(ANSWERS, 0.5), ANSWERS)
    held = split_reports(ITEMS, {"hybrid": mode_report("hybrid", scores, KS)}, ask, KS)[0]
    by_type = type_table(held)
    assert "0/1 abstained" in by_type  # u2 answered
    assert "everyday" in by_type
    answers = answers_table(held)
    assert re.search(r"false abstention on answerable\s+1 of 2 \(50\.0%\)", answers)
    assert re.search(r"abstained on unanswerable\s+0 of 1 \(0\.0%\)", answers)
    assert re.search(r"median / p90 / max\s+7 / 8 / 8 \(2 answers\)", answers)
    assert "0.3–0.4" in reliability_table(held)


def test_one_split_only_gives_no_all_view() -> None:
    tune_items = [i for i in ITEMS if i.split == "tune"]
    reports = split_reports(tune_items, {}, None, KS)
    assert [r.split for r in reports] == ["tune"]
    assert reports[0].ask is None and reports[0].lengths is None
