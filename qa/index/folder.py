"""The index folder as a place on disk: who may replace it, one build at a time, the swap.

`qa index --index DIR` replaces DIR wholesale, so it must never be a user's folder:
a build writes only into a folder that is absent, empty, or holds an index of ours (a
`manifest.json` with our keys), and never into or around the corpus. Beside the index
(`index/default` → `index/.default.lock`) an advisory lock (flock, via `filelock`) keeps
builds of one index apart; the kernel drops it when its process dies, so a killed build
never blocks the next one. The next build removes a killed build's `.default.building-*`
and `.default.old-*` leftovers.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from qa.errors import IndexBusy, UnsafeIndexFolder
from qa.index.store import MANIFEST

log = logging.getLogger(__name__)
OUR_MANIFEST_KEYS = frozenset({"format", "embedder", "documents"})


def _is_our_index(folder: Path) -> bool:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.keys() >= OUR_MANIFEST_KEYS


def check_index_target(index_dir: Path, corpus: Path) -> None:
    """UnsafeIndexFolder unless a build may replace `index_dir`.

    `--index mydata` (holding `photos/`, `thesis.txt`) is refused, as are `--index corpus`,
    `--index corpus/index` and `--index .` for the corpus `./corpus`.
    """
    target, source = index_dir.resolve(), corpus.resolve()
    if target == source or source in target.parents:
        raise UnsafeIndexFolder(
            f"index folder {index_dir} is inside the corpus folder {corpus}; choose another --index"
        )
    if target in source.parents:
        raise UnsafeIndexFolder(
            f"index folder {index_dir} contains the corpus folder {corpus}; choose another --index"
        )
    if not index_dir.exists():
        return
    if not index_dir.is_dir():
        raise UnsafeIndexFolder(
            f"{index_dir} is a file, not an index folder; choose another --index"
        )
    try:
        empty = next(index_dir.iterdir(), None) is None
    except OSError as exc:
        raise UnsafeIndexFolder(f"cannot read folder {index_dir} ({exc.strerror})") from exc
    if not empty and not _is_our_index(index_dir):
        raise UnsafeIndexFolder(
            f"{index_dir} is not empty and holds no index (no qa manifest.json); "
            "a build would replace it: choose an empty or new --index folder"
        )


def lock_path(index_dir: Path) -> Path:
    return index_dir.parent / f".{index_dir.name}.lock"


@contextmanager
def build_lock(index_dir: Path, wait_seconds: float) -> Iterator[None]:
    """Hold the index's build lock, waiting up to `wait_seconds` for another build to finish."""
    lock = FileLock(lock_path(index_dir))
    try:
        index_dir.parent.mkdir(parents=True, exist_ok=True)
        lock.acquire(timeout=wait_seconds)
    except Timeout as exc:  # a TimeoutError, so an OSError too: caught first
        raise IndexBusy(
            f"another build is writing {index_dir} (lock {lock_path(index_dir)}); "
            "try again when it has finished"
        ) from exc
    except OSError as exc:  # e.g. a read-only folder, or a file where a folder should be
        raise UnsafeIndexFolder(
            f"cannot write beside {index_dir} ({exc.strerror or exc}); choose another --index"
        ) from exc
    try:
        yield
    finally:
        lock.release()


def _leftovers(index_dir: Path) -> list[Path]:
    prefixes = (f".{index_dir.name}.building-", f".{index_dir.name}.old")
    if not index_dir.parent.is_dir():
        return []
    return sorted(p for p in index_dir.parent.iterdir() if p.name.startswith(prefixes))


def _remove(folder: Path) -> bool:
    """Delete a folder of ours; when that fails (permissions, a busy mount), warn and go on."""
    try:
        shutil.rmtree(folder)
    except FileNotFoundError:
        return True
    except OSError as exc:
        log.warning("could not remove %s (%s); delete it by hand", folder, exc.strerror or exc)
        return False
    return True


def remove_leftovers(index_dir: Path) -> None:
    """Temporaries of killed or failed builds; call while holding the build lock."""
    for folder in _leftovers(index_dir):
        log.info("removing leftover %s", folder)
        _remove(folder)


def _make_readable(folder: Path) -> None:
    """mkdtemp makes 0700; the index gets the umask's usual mode (0755 under umask 022)."""
    umask = os.umask(0)
    os.umask(umask)
    folder.chmod(0o777 & ~umask)


@contextmanager
def atomic_index_dir(index_dir: Path) -> Iterator[Path]:
    """Yield a fresh temporary folder; on success it replaces `index_dir`, else it is removed.

    The previous index is renamed aside under a unique name before the new one moves in, so a
    leftover that cannot be deleted never blocks a swap; if the move fails, it moves back.
    """
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{index_dir.name}.building-", dir=index_dir.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _make_readable(tmp)
    old = index_dir.parent / f".{index_dir.name}.old-{uuid.uuid4().hex[:8]}"
    had_index = index_dir.exists()
    if had_index:
        index_dir.rename(old)
    try:
        tmp.rename(index_dir)
    except OSError:
        if had_index:
            old.rename(index_dir)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if had_index:
        _remove(old)
