"""The CLI edge: JSON contract, batch mode, and one-line errors with non-zero exits."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import CountingEmbedder

import qa.search.searcher
from qa.cli.main import main
from qa.index.build import build_index

SEED = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    corpus = folder / "corpus"
    shutil.copytree(SEED, corpus)
    build_index(corpus, folder / "index", CountingEmbedder(), progress=False)
    return folder / "index"


@pytest.fixture(autouse=True)
def fake_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(qa.search.searcher, "load_embedder", lambda spec: CountingEmbedder())


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_search_json_contract(index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, "search", "tiến độ KCN Hải Long?", "--index", str(index), "--json", "--k", "3"
    )
    assert code == 0
    data = json.loads(out)
    assert data["query"] == "tiến độ KCN Hải Long?" and data["mode"] == "hybrid"
    keys = {
        "rank",
        "score",
        "chunk_id",
        "doc_id",
        "doc_title",
        "doc_date",
        "section",
        "page",
        "text",
        "start",
        "end",
    }
    assert len(data["hits"]) == 3 and keys <= set(data["hits"][0])


def test_ask_json_contract(index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, "ask", "tiến độ KCN Hải Long?", "--index", str(index), "--json", "--no-llm"
    )
    assert code == 0
    data = json.loads(out)
    assert {"query", "answer", "abstained", "citations", "hits"} <= set(data)
    texts = {h["chunk_id"]: h["text"] for h in data["hits"]}
    assert data["citations"] and all(c["quote"] in texts[c["chunk_id"]] for c in data["citations"])
    quotes = {c["n"]: c["quote"] for c in data["citations"]}
    for line in data["lines"]:  # each short line is cut from the sentence its citation quotes
        assert any(line["text"] in quotes[n] for n in line["citations"])
    assert sum(line["latest"] for line in data["lines"]) <= 1
    assert data["answer"].splitlines() == [
        f"{line['lead']}{line['text']} " + " ".join(f"[{n}]" for n in line["citations"])
        for line in data["lines"]
    ]


def test_batch_reads_one_question_per_line(
    index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = tmp_path / "questions.txt"
    batch.write_text("tiến độ KCN Hải Long\n\nGRDP 9 tháng năm 2023\n   \n", encoding="utf-8")
    code, out, _ = _run(capsys, "search", "--batch", str(batch), "--index", str(index), "--json")
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["query"] for line in lines] == ["tiến độ KCN Hải Long", "GRDP 9 tháng năm 2023"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["search", ""], "empty query"),
        (["search", "x" * 100_000], "too long"),
        (["search", "tiến độ", "--mode", "fuzzy"], "unknown mode"),
        (["search", "tiến độ", "--doc", "no-such-doc"], "unknown document"),
        (["search", "tiến độ", "--after", "yesterday"], "ISO"),
        (["search", "tiến độ", "--k", "0"], "--k"),
        (["ask", "\x00\x01"], "empty query"),
    ],
)
def test_bad_input_is_one_line_and_non_zero(
    index: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = _run(capsys, *argv, "--index", str(index))
    assert code != 0
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_missing_index_and_unknown_embedder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "search", "tiến độ", "--index", str(tmp_path / "none"))
    assert code != 0 and "qa index" in err and len(err.strip().splitlines()) == 1
    code, _, err = _run(
        capsys, "index", "--index", str(tmp_path / "i"), "--embedder", "word2vec", "--quiet"
    )
    assert code != 0 and "unknown embedder" in err


def test_stale_index_names_the_fix(
    index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEED, corpus)
    (corpus / "005_new.txt").write_text("Văn bản mới về khu công nghiệp.\n", encoding="utf-8")
    code, _, err = _run(capsys, "search", "tiến độ", "--index", str(index), "--corpus", str(corpus))
    assert code != 0 and "stale" in err and "qa index" in err


def test_corpus_list_and_inspect(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "corpus", "list", "--corpus", str(SEED), "--json")
    assert code == 0
    docs = {d["doc_id"]: d for d in json.loads(out)["documents"]}
    assert docs["003_031415255736158d"]["date"] == "2023-05-19"
    ocr = docs["002_a6a4f491796d81bf"]
    assert ocr["invalid_syllables_after"] * 3 <= ocr["invalid_syllables_before"]
    code, out, _ = _run(capsys, "corpus", "inspect", "000_b6ed24a3f5e55b80", "--corpus", str(SEED))
    assert code == 0 and "[27]" in out and "KCN Hải Long" in out
    code, out, _ = _run(capsys, "corpus", "inspect", "000", "--corpus", str(SEED))
    assert code == 0 and out.startswith("000_b6ed24a3f5e55b80: ")
    code, out, err = _run(capsys, "corpus", "inspect", "00", "--corpus", str(SEED))
    assert code != 0 and not out and "matches 5 documents" in err and len(err.splitlines()) == 1


def test_corrupt_file_is_reported_and_others_still_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED / "004_75266ca73367f016.txt", corpus)
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    (corpus / "zeros.txt").write_bytes(b"\x00" * 512)
    code, out, err = _run(capsys, "corpus", "list", "--corpus", str(corpus))
    assert code != 0
    assert "broken.pdf" in err and "zeros.txt" in err and "Traceback" not in err
    assert "004_75266ca73367f016" in out


def test_batch_with_a_binary_line_answers_the_lines_before_it(
    index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = tmp_path / "questions.txt"
    lines = ["tiến độ KCN Hải Long", "GRDP 9 tháng năm 2023", "\xff\xfe\x00binary", "lúa vụ Xuân"]
    batch.write_bytes(
        b"\n".join(line.encode("latin-1" if "\xff" in line else "utf-8") for line in lines)
    )
    code, out, err = _run(capsys, "ask", "--batch", str(batch), "--index", str(index), "--no-llm")
    assert code != 0
    answered = [json.loads(line)["query"] for line in out.splitlines()]
    assert answered == lines[:2]
    assert "line 3" in err and "not UTF-8" in err and len(err.strip().splitlines()) == 1


def test_a_long_query_is_cut_with_a_note(index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pasted = " ".join(
        ["Hội đồng nhân dân tỉnh Thái Bình thông qua nghị quyết về KCN Hải Long"] * 25
    )
    code, out, err = _run(capsys, "search", pasted, "--index", str(index), "--json", "--k", "3")
    assert code == 0 and json.loads(out)["query"] == pasted
    assert "note: Câu hỏi dài 375 từ đã được rút gọn" in err
    assert len(json.loads(out)["hits"]) == 3


def test_corpus_list_says_how_files_were_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from legacy_text import tcvn3

    text = (SEED / "004_75266ca73367f016.txt").read_text(encoding="utf-8")
    (tmp_path / "dup.txt").write_text(text, encoding="utf-8")
    (tmp_path / "dup.md").write_bytes(text.encode("utf-16"))
    (tmp_path / "cũ.txt").write_bytes(tcvn3(text))
    code, out, err = _run(capsys, "corpus", "list", "--corpus", str(tmp_path))
    assert code == 0 and err == ""
    assert "(id keeps its extension: dup.txt has the id dup)" in out
    assert "(converted from utf-16 to Unicode)" in out
    assert "(converted from tcvn3 to Unicode)" in out
    code, out, _ = _run(capsys, "corpus", "list", "--corpus", str(tmp_path), "--json")
    rows = {row["doc_id"]: row for row in json.loads(out)["documents"]}
    assert (rows["dup"]["encoding"], rows["dup.md"]["encoding"]) == ("utf-8", "utf-16")
    code, out, _ = _run(capsys, "corpus", "inspect", "dup.md", "--corpus", str(tmp_path))
    assert code == 0 and out.startswith("dup.md: ") and "(converted from utf-16" in out


def test_nfd_names_are_found_by_nfc_ids_and_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import unicodedata

    shutil.copy(
        SEED / "004_75266ca73367f016.txt", tmp_path / unicodedata.normalize("NFD", "nghị quyết.txt")
    )
    for typed in ("nghị quyết", unicodedata.normalize("NFD", "nghị quyết")):
        code, out, _ = _run(capsys, "corpus", "inspect", typed, "--corpus", str(tmp_path))
        assert code == 0 and out.startswith("nghị quyết: ")


def test_an_oversized_file_is_one_line_naming_the_file_and_the_setting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(SEED / "004_75266ca73367f016.txt", tmp_path)
    with (tmp_path / "huge.txt").open("wb") as stream:
        stream.truncate(12_000_000)
    code, out, err = _run(capsys, "corpus", "list", "--corpus", str(tmp_path))
    assert code == 1 and "004_75266ca73367f016" in out
    assert err == (
        f"error: {tmp_path / 'huge.txt'}: 12.0 MB, over the 10 MB limit for text files "
        "(setting max_text_mb; raise it with --settings)\n"
    )
    settings = tmp_path / "big.toml"
    settings.write_text("max_text_mb = 0.001\n", encoding="utf-8")
    code, _, err = _run(
        capsys,
        "corpus",
        "inspect",
        "004_75266ca73367f016",
        "--corpus",
        str(tmp_path),
        "--settings",
        str(settings),
    )
    assert code != 0 and "over the 0.001 MB limit" in err and len(err.splitlines()) == 1


def test_eval_refuses_to_calibrate_on_the_heldout_split(
    index: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    gold = SEED.parent / "eval" / "gold.jsonl"
    code, _, err = _run(
        capsys,
        *("eval", "--index", str(index), "--corpus", str(index.parent / "corpus")),
        *("--gold", str(gold), "--split", "heldout", "--calibrate", "--out", str(tmp_path)),
    )
    assert code != 0 and "--calibrate" in err and "tune" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
