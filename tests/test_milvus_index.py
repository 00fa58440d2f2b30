"""`qa index --backend milvus`: the index folder plus a Milvus Lite collection, searched
through the CLI exactly like a local index, kept in step by incremental builds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pymilvus
import pytest
from helpers import CountingEmbedder

import qa.index.build
import qa.search.searcher
from qa.cli.main import main
from qa.index.store import read_manifest
from qa.search.backends.milvus import MilvusBackend, open_milvus

SEED = Path(__file__).resolve().parents[1] / "corpus"
DOCUMENTS = ("001_aee8520f9b3d1a4c.txt", "002_a6a4f491796d81bf.txt", "004_75266ca73367f016.txt")
QUESTIONS = ("tiến độ KCN Hải Long", "thu ngan sach nha nuoc", "chuyển đổi số")


@pytest.fixture(autouse=True)
def fake_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(qa.index.build, "load_embedder", lambda spec: CountingEmbedder())
    monkeypatch.setattr(qa.search.searcher, "load_embedder", lambda spec: CountingEmbedder())


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in DOCUMENTS:
        shutil.copyfile(SEED / name, folder / name)
    return folder


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _top(capsys: pytest.CaptureFixture[str], command: str, index: Path, question: str) -> list[str]:
    code, out, _ = _run(capsys, command, question, "--index", str(index), "--json", "--k", "5")
    assert code == 0
    data = json.loads(out)
    hits = data["hits"] if command == "search" else data["citations"]
    return [h["chunk_id"] for h in hits]


def test_a_milvus_index_answers_like_the_local_one_and_follows_the_corpus(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    local, remote, db = tmp_path / "local", tmp_path / "remote", tmp_path / "milvus.db"
    assert _run(capsys, "index", "--corpus", str(corpus), "--index", str(local), "--quiet")[0] == 0
    code, out, _ = _run(
        capsys, "index", "--corpus", str(corpus), "--index", str(remote), "--quiet",
        "--backend", "milvus", "--uri", str(db), "--collection", "seed",
    )  # fmt: skip
    assert code == 0 and "upserted 3 document(s), removed 0" in out
    entry = read_manifest(remote)["backend"]
    assert entry["name"] == "milvus" and entry["uri"] == str(db) and entry["collection"] == "seed"
    assert "backend" not in read_manifest(local)
    for question in QUESTIONS:
        ours = _top(capsys, "search", local, question)
        theirs = _top(capsys, "search", remote, question)
        assert theirs[0] == ours[0], question
        assert _top(capsys, "ask", remote, question) == _top(capsys, "ask", local, question)

    (corpus / DOCUMENTS[1]).unlink()  # a plain `qa index` keeps the index in Milvus
    code, out, _ = _run(capsys, "index", "--corpus", str(corpus), "--index", str(remote), "--quiet")
    assert code == 0 and "upserted 0 document(s), removed 1" in out
    manifest = read_manifest(remote)
    milvus = open_milvus(manifest["backend"])
    try:
        assert milvus.stats()["chunks"] == manifest["counts"]["chunks"]
        gone = DOCUMENTS[1].removesuffix(".txt")
        assert milvus.client.query("seed", filter=f'doc_id == "{gone}"', limit=5) == []
    finally:
        milvus.close()
    code, out, _ = _run(capsys, "search", "Hải Long", "--index", str(remote), "--json")
    assert code == 0 and all(h["doc_id"] != gone for h in json.loads(out)["hits"])

    edited = corpus / DOCUMENTS[2]
    edited.write_text(edited.read_text("utf-8") + "\n\nKè đê biển Thụy Xuân hoàn thành.\n", "utf-8")
    code, out, _ = _run(capsys, "index", "--corpus", str(corpus), "--index", str(remote), "--quiet")
    assert code == 0 and "upserted 1 document(s), removed 0" in out
    code, out, _ = _run(
        capsys, "search", "kè đê biển Thụy Xuân", "--index", str(remote), "--json", "--mode", "bm25"
    )
    assert code == 0 and json.loads(out)["hits"][0]["doc_id"] == edited.stem


def test_bad_milvus_targets_are_one_line_errors_and_leave_no_index(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index = tmp_path / "index"
    cases = [
        (("--backend", "milvus"), "--uri"),
        (("--backend", "milvus", "--uri", str(tmp_path / "x.txt")), ".db"),
        (("--backend", "milvus", "--uri", str(index / "in.db")), "inside the index folder"),
        (("--uri", str(tmp_path / "m.db")), "--backend milvus"),
        (("--backend", "milvus", "--uri", "http://127.0.0.1:9"), "Milvus at http://127.0.0.1:9"),
    ]
    for options, message in cases:
        code, _, err = _run(
            capsys, "index", "--corpus", str(corpus), "--index", str(index), "--quiet", *options
        )
        assert code != 0 and message in err and err.count("\n") == 1, (options, err)
        assert not index.exists()


def test_searching_a_milvus_index_whose_server_is_down_is_one_line(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index = tmp_path / "index"
    assert _run(capsys, "index", "--corpus", str(corpus), "--index", str(index), "--quiet")[0] == 0
    manifest = read_manifest(index)
    manifest["backend"] = {"name": "milvus", "uri": "http://127.0.0.1:9", "collection": "x"}
    manifest["backend"] |= {"dim": CountingEmbedder.dim}
    (index / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    for command in ("search", "ask"):
        code, out, err = _run(capsys, command, "Hải Long", "--index", str(index))
        assert code != 0 and out == "", command
        assert err.startswith("error: Milvus at 'http://127.0.0.1:9'") and err.count("\n") == 1


def test_a_milvus_servers_token_comes_from_the_environment_and_is_never_written(
    corpus: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tokens: list[str] = []

    class Client:  # a server that accepts the connection check
        def __init__(self, uri: str, token: str = "") -> None:
            tokens.append(token)

        def close(self) -> None:
            pass

    def refuse(entry: dict[str, object], token: str = "") -> MilvusBackend:
        tokens.append(token)
        raise ValueError("authentication failed")

    monkeypatch.setattr(pymilvus, "MilvusClient", Client)
    monkeypatch.setattr(MilvusBackend, "from_manifest", staticmethod(refuse))
    monkeypatch.setenv("QA_MILVUS_TOKEN", "root:Milvus")
    index = tmp_path / "index"
    code, _, err = _run(
        capsys, "index", "--corpus", str(corpus), "--index", str(index), "--quiet",
        "--backend", "milvus", "--uri", "http://milvus.example:19530",
    )  # fmt: skip
    assert code != 0 and "authentication failed" in err and not index.exists()
    assert tokens == ["root:Milvus", "root:Milvus"]  # the check, then the sync

    assert _run(capsys, "index", "--corpus", str(corpus), "--index", str(index), "--quiet")[0] == 0
    manifest = read_manifest(index)
    manifest["backend"] = {"name": "milvus", "uri": "http://milvus.example:19530"}
    (index / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    code, _, err = _run(capsys, "search", "Hải Long", "--index", str(index))
    assert code != 0 and "authentication failed" in err and tokens[-1] == "root:Milvus"
    assert not any("root:Milvus" in p.read_text("utf-8") for p in index.glob("*.json"))
