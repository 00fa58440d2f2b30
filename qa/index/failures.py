"""Files a build could not read: remembered in the manifest so that they block nothing.

A corpus with one unreadable or corrupt file is still searchable: the build indexes the
other files and records each failure (path, reason, fingerprint). While the failed file is
unchanged the index is not stale; once it is edited or replaced the next check says so and
`qa index` tries it again. Example manifest entry:

    "failed": {"bao-cao.pdf": {"reason": "corrupt or unreadable PDF (EOF marker not found)",
                               "fingerprint": "3f5e55b80b6ed24a"}}
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.errors import CorpusError
from qa.ingest.loaders import file_fingerprint


@dataclass(frozen=True)
class FailedFile:
    """A corpus file that did not load, and why (`reason` does not repeat the path)."""

    path: str  # relative to the corpus folder, `/`-separated
    reason: str
    fingerprint: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def failed_fingerprint(path: Path) -> str:
    """The file's content fingerprint; for a file that cannot be read (permissions), its size
    and modification time, so that fixing it still counts as a change."""
    try:
        return file_fingerprint(path)
    except OSError:
        try:
            stat = path.stat()
        except OSError:
            return "unreadable"
        return f"unreadable-{stat.st_size}-{stat.st_mtime_ns}"


def corpus_name(path: Path, corpus: Path) -> str:
    """The file's name inside the corpus folder (`sub/a.txt`), the key failures are kept by."""
    try:
        return path.relative_to(corpus).as_posix()
    except ValueError:
        return path.name


def failed_file(error: CorpusError, corpus: Path) -> FailedFile:
    """The record of one failure; an error that names no file keeps its message as the path."""
    if error.path is None:
        return FailedFile(str(error), str(error), "")
    reason = str(error).removeprefix(f"{error.path}: ")
    return FailedFile(corpus_name(error.path, corpus), reason, failed_fingerprint(error.path))


def failures_to_manifest(failed: list[FailedFile]) -> dict[str, dict[str, str]]:
    return {f.path: {"reason": f.reason, "fingerprint": f.fingerprint} for f in failed}


def unchanged_failures(manifest: dict[str, Any], corpus: Path) -> set[str]:
    """Names of the files that failed at build time and are still byte-for-byte the same."""
    return {
        name
        for name, record in manifest.get("failed", {}).items()
        if (corpus / name).is_file() and failed_fingerprint(corpus / name) == record["fingerprint"]
    }
