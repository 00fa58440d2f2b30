"""The index folder: never a user's folder, one build at a time, leftovers, swap, permissions."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import CountingEmbedder, write_small_corpus

import qa.index.folder
from qa.cli.main import main
from qa.config import Settings
from qa.errors import IndexBusy, UnsafeIndexFolder
from qa.index.build import build_index
from qa.search.searcher import Searcher

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_small_corpus(tmp_path / "corpus")


def _snapshot(folder: Path) -> dict[str, bytes]:
    files = (p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


def _build(corpus: Path, index: Path, wait: float = 10.0) -> None:
    settings = Settings(build_wait_seconds=wait)
    build_index(corpus, index, CountingEmbedder(), settings, progress=False)


def test_a_users_folder_is_never_replaced(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mydata = tmp_path / "mydata"
    (mydata / "photos").mkdir(parents=True)
    (mydata / "photos" / "cat.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a photo")
    (mydata / "thesis.txt").write_text("Chương 1. Mở đầu\n", "utf-8")
    before = _snapshot(mydata)

    with pytest.raises(UnsafeIndexFolder, match="mydata"):
        _build(corpus, mydata)
    code = main(["index", "--corpus", str(corpus), "--index", str(mydata), "--quiet"])
    err = capsys.readouterr().err
    assert code != 0 and "mydata" in err and len(err.strip().splitlines()) == 1
    assert _snapshot(mydata) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "mydata"]


@pytest.mark.parametrize("where", ["corpus", "inside", "parent"])
def test_an_index_in_or_around_the_corpus_is_refused(
    tmp_path: Path, corpus: Path, where: str
) -> None:
    index = {"corpus": corpus, "inside": corpus / "index", "parent": tmp_path}[where]
    before = _snapshot(corpus)
    with pytest.raises(UnsafeIndexFolder, match="corpus folder"):
        _build(corpus, index)
    assert _snapshot(corpus) == before


def test_absent_empty_and_own_index_folders_are_written(corpus: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    _build(corpus, empty)
    _build(corpus, empty)  # our own index: replaced
    _build(corpus, tmp_path / "new" / "index")
    assert Searcher(empty, embedder=CountingEmbedder()).search("lúa vụ Xuân", 1)
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x", "utf-8")
    with pytest.raises(UnsafeIndexFolder, match="is a file"):
        _build(corpus, a_file)
    with pytest.raises(UnsafeIndexFolder, match="cannot write beside"):
        _build(corpus, a_file / "index")
    assert a_file.read_text("utf-8") == "x"


def test_the_index_is_readable_by_others(corpus: Path, tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        _build(corpus, tmp_path / "index")
    finally:
        os.umask(previous)
    index = tmp_path / "index"
    modes = {p: stat.S_IMODE(p.stat().st_mode) for p in [index, *index.rglob("*")]}
    assert {m for p, m in modes.items() if p.is_dir()} == {0o755}
    assert {m for p, m in modes.items() if p.is_file()} == {0o644}


def test_leftovers_of_killed_builds_are_removed(corpus: Path, tmp_path: Path) -> None:
    for name in (".index.building-k1ll3d", ".index.old", ".index.old-1234abcd"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "vectors.npy").write_bytes(b"half written")
    (tmp_path / ".other.old").mkdir()  # another index's: not ours to clean
    _build(corpus, tmp_path / "index")
    names = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))
    assert names == [".index.lock", ".other.old"]


def test_an_old_index_that_cannot_be_removed_does_not_block_the_swap(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Root may delete anything, so the undeletable folder is simulated: rmtree fails on it."""
    index = tmp_path / "index"
    _build(corpus, index)
    stuck = tmp_path / ".index.old"
    stuck.mkdir()
    (stuck / "manifest.json").write_text("{}", "utf-8")
    real_rmtree = shutil.rmtree

    def rmtree(path: Path, *args: object, **kwargs: object) -> None:
        if ".index.old" in Path(path).name:
            raise PermissionError(13, "Permission denied", str(path))
        real_rmtree(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(qa.index.folder.shutil, "rmtree", rmtree)
    (corpus / "c.txt").write_text("Chương trình chuyển đổi số của tỉnh.\n", "utf-8")
    with caplog.at_level(logging.WARNING, logger="qa.index.folder"):
        _build(corpus, index)
        _build(corpus, index)
    assert json.loads((index / "manifest.json").read_text("utf-8"))["counts"]["documents"] == 3
    assert "could not remove" in caplog.text
    assert stuck.is_dir()  # still there, and it blocked nothing


_HOLD_LOCK = """
import sys, time
from pathlib import Path
from qa.index.folder import build_lock
with build_lock(Path(sys.argv[1]), 5):
    print("locked", flush=True)
    time.sleep(120)
"""


def test_a_second_build_says_another_is_running_and_a_killed_one_blocks_nothing(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index = tmp_path / "index"
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(index)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(IndexBusy, match="another build"):
            _build(corpus, index, wait=0.5)
        settings = tmp_path / "wait.toml"
        settings.write_text("build_wait_seconds = 0.5\n", "utf-8")
        argv = ["index", "--corpus", str(corpus), "--index", str(index), "--quiet"]
        assert main([*argv, "--settings", str(settings)]) != 0
        err = capsys.readouterr().err
        assert "another build" in err and len(err.strip().splitlines()) == 1
    finally:
        holder.send_signal(signal.SIGKILL)  # dies holding the lock
        holder.wait()
    _build(corpus, index, wait=0.5)
    assert (index / "manifest.json").is_file()


_BUILD = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from helpers import CountingEmbedder
from qa.config import Settings
from qa.index.build import build_index
build_index(Path(sys.argv[1]), Path(sys.argv[2]), CountingEmbedder(),
            Settings(build_wait_seconds=300), progress=False)
"""


def test_two_builds_at_once_both_finish_with_one_valid_index(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    argv = [sys.executable, "-c", textwrap.dedent(_BUILD), str(corpus), str(index), str(TESTS)]
    builds = [subprocess.Popen(argv, stderr=subprocess.PIPE, text=True, cwd=ROOT) for _ in "ab"]
    results = [(b.wait(timeout=600), b.stderr.read() if b.stderr else "") for b in builds]
    assert [code for code, _ in results] == [0, 0], results
    assert Searcher(index, embedder=CountingEmbedder()).search("Hải Long", 1)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".index.lock", "corpus", "index"]
