"""Which files of a corpus folder are documents, and the id each one gets.

Why: a document id is what `--doc`, `catalog.toml`, `corpus inspect` and the index use; it must
be unique, readable and stable while people copy folders around (macOS writes decomposed
names, archives come in sub-folders, a `dup.txt` sits beside its `dup.md`). The rules:

- Every `.txt`, `.md`, `.pdf`, `.docx` under the folder, sub-folders included; hidden files and
  folders (`.git`, `.cache`) are skipped.
- The id is the path below the folder without the extension, folders joined by "/", in NFC:
  `2023/báo cáo quý 1.pdf` → `2023/báo cáo quý 1` whether the name was stored NFC or NFD.
- When files share an id (`dup.txt`, `dup.md`), the one whose extension comes first in
  `.txt, .md, .pdf, .docx` keeps it and the others keep their extension (`dup.md`); the
  reason is in `qa corpus list`. So an id depends only on the file's own path and on the files
  sharing its stem, never on unrelated files, and a newcomer never renames an older file
  unless its extension ranks first (adding `dup.txt` beside a lone `dup.md` moves that one to
  `dup.md`; the note says why).
- Symbolic links: a linked file that stays inside the folder is read; a link that leaves the
  folder, and any linked folder, is not followed (a warning says so): no reading outside the
  corpus, no loops, no document twice.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from qa.errors import CorpusError
from qa.ingest.scan import IMAGE_SUFFIXES

# also the order that keeps a bare id when stems collide
SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx", *IMAGE_SUFFIXES)


@dataclass(frozen=True)
class CorpusFile:
    """A document file and its id; `id_note` says why the id keeps its extension, if it does."""

    path: Path
    doc_id: str
    id_note: str = ""


@dataclass(frozen=True)
class CorpusScan:
    """The document files of a folder, sorted by id, and what was skipped (one line each)."""

    files: tuple[CorpusFile, ...]
    warnings: tuple[str, ...]


def _walk(folder: Path, root: Path, warnings: list[str]) -> Iterator[Path]:
    """Supported files below `folder`, without following links out of `root` or into folders."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as exc:
        warnings.append(f"{folder}: folder skipped, cannot read it ({exc.strerror})")
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            if entry.is_dir():
                warnings.append(f"{path}: linked folder not followed")
            elif path.suffix.lower() in SUPPORTED_SUFFIXES and entry.is_file():
                if path.resolve().is_relative_to(root):
                    yield path
                else:
                    warnings.append(f"{path}: link leaves the corpus folder, not followed")
        elif entry.is_dir(follow_symlinks=False):
            yield from _walk(path, root, warnings)
        elif entry.is_file(follow_symlinks=False) and path.suffix.lower() in SUPPORTED_SUFFIXES:
            yield path


def bare_id(path: Path, folder: Path) -> str:
    """The id before collisions: relative path without extension, "/"-joined, NFC.

    >>> bare_id(Path("corpus/2023/Ba\u0301o ca\u0301o.txt"), Path("corpus"))
    '2023/Báo cáo'
    """
    relative = path.relative_to(folder).with_suffix("")
    return unicodedata.normalize("NFC", relative.as_posix())


def _rank(path: Path) -> tuple[int, str]:
    return SUPPORTED_SUFFIXES.index(path.suffix.lower()), path.name


def scan_corpus(folder: Path) -> CorpusScan:
    """The documents of `folder` with unique ids (rules in the module docstring)."""
    if not folder.is_dir():
        raise CorpusError(f"corpus folder not found: {folder}")
    warnings: list[str] = []
    groups: dict[str, list[Path]] = {}
    for path in _walk(folder, folder.resolve(), warnings):
        groups.setdefault(bare_id(path, folder), []).append(path)
    files: dict[str, CorpusFile] = {}
    renamed: list[CorpusFile] = []
    for doc_id, paths in groups.items():
        first, *others = sorted(paths, key=_rank)
        files[doc_id] = CorpusFile(first, doc_id)
        for path in others:
            note = f"id keeps its extension: {first.name} has the id {doc_id}"
            renamed.append(
                CorpusFile(path, unicodedata.normalize("NFC", doc_id + path.suffix), note)
            )
    for file in renamed:
        if file.doc_id in files:
            taken = files[file.doc_id].path.name
            warnings.append(f"{file.path}: skipped, its id {file.doc_id} is taken by {taken}")
            continue
        files[file.doc_id] = file
    return CorpusScan(tuple(files[k] for k in sorted(files)), tuple(warnings))
