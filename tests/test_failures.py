"""A file that fails to load is remembered and blocks no search (qa/index/failures.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import CountingEmbedder, write_small_corpus

from qa.cli.main import main
from qa.errors import IndexStale
from qa.index.build import build_index
from qa.index.failures import FailedFile, file_fingerprint
from qa.index.freshness import check_corpus
from qa.index.store import read_manifest
from qa.search.searcher import Searcher

TESTS = Path(__file__).resolve().parent


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = write_small_corpus(tmp_path / "corpus")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    return folder


def test_a_failed_file_is_remembered_and_blocks_no_search(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    embedder = CountingEmbedder()
    report = build_index(corpus, index, embedder, progress=False)
    (failed,) = report.errors
    assert failed.path == "broken.pdf" and "PDF" in failed.reason
    manifest = json.loads((index / "manifest.json").read_text("utf-8"))
    assert manifest["failed"]["broken.pdf"]["fingerprint"] == file_fingerprint(
        corpus / "broken.pdf"
    )

    searcher = Searcher(index, embedder=embedder)
    check_corpus(
        searcher.index_dir, searcher.manifest, corpus
    )  # an unchanged failure is not staleness
    assert searcher.search("lúa vụ Xuân", 1)[0].doc.doc_id == "b"

    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 still not a pdf, but another one")
    with pytest.raises(IndexStale, match="broken"):
        check_corpus(searcher.index_dir, searcher.manifest, corpus)  # edited: worth another try
    build_index(corpus, index, embedder, progress=False)
    check_corpus(index, read_manifest(index), corpus)
    (corpus / "broken.pdf").unlink()
    check_corpus(index, read_manifest(index), corpus)  # gone: nothing to add


def test_corpus_list_shows_what_failed_and_why(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["corpus", "list", "--corpus", str(corpus), "--json"]) == 1
    listing = json.loads(capsys.readouterr().out)
    assert [d["doc_id"] for d in listing["documents"]] == ["a", "b"]
    assert (
        listing["failed"] == [{"path": "broken.pdf", "reason": listing["failed"][0]["reason"]}]
        and "PDF" in listing["failed"][0]["reason"]
    )
    assert main(["corpus", "list", "--corpus", str(corpus)]) == 1
    out = capsys.readouterr().out
    assert "Không đọc được (1 tệp" in out and "broken.pdf — corrupt or unreadable PDF" in out


def test_failed_file_str_names_the_file() -> None:
    assert str(FailedFile("sub/a.pdf", "corrupt PDF", "x")) == "sub/a.pdf: corrupt PDF"


_CLI = """
import contextlib, io, json, logging, sys
sys.path.insert(0, sys.argv[2])
from helpers import CountingEmbedder
import qa.index.build, qa.search.searcher
qa.index.build.load_embedder = qa.search.searcher.load_embedder = lambda spec: CountingEmbedder()
from qa.cli.main import main
results = []
for argv in json.loads(sys.argv[1]):
    logging.root.handlers.clear()
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    results.append([code, out.getvalue(), err.getvalue()])
print(json.dumps(results))
"""


def _without_read_override(probe: Path) -> list[str]:
    """A command prefix under which file permissions bite: none for a normal user; as root,
    `setpriv` drops CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH (tests often run as root)."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: permissions cannot be made to bite")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    check = subprocess.run([*prefix, "cat", str(probe)], capture_output=True, check=False)
    if check.returncode == 0:
        pytest.skip("this system lets the test read a mode-000 file")
    return prefix


def test_an_unreadable_file_is_one_line_and_search_still_works(
    corpus: Path, tmp_path: Path
) -> None:
    (corpus / "broken.pdf").unlink()
    secret = corpus / "secret.txt"
    secret.write_text("Tài liệu mật.\n", "utf-8")
    secret.chmod(0)
    prefix = _without_read_override(secret)
    index = str(tmp_path / "index")
    commands = [
        ["index", "--corpus", str(corpus), "--index", index, "--quiet"],
        ["search", "lúa vụ Xuân", "--index", index, "--corpus", str(corpus), "--json"],
        ["corpus", "list", "--corpus", str(corpus), "--json"],
    ]
    run = subprocess.run(
        [*prefix, sys.executable, "-c", _CLI, json.dumps(commands), str(TESTS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    (built, searched, listed) = json.loads(run.stdout)
    assert built[0] == 1 and "internal error" not in built[2] and "Traceback" not in built[2]
    assert f"warning: skipped {secret}: cannot read (Permission denied)" in built[2].splitlines()
    assert searched[0] == 0 and json.loads(searched[1])["hits"][0]["doc_id"] == "b"
    assert "1 file(s) could not be indexed (secret.txt)" in searched[2]
    assert json.loads(listed[1])["failed"] == [
        {"path": "secret.txt", "reason": "cannot read (Permission denied)"}
    ]
