"""Does a built index still match its corpus folder? The index layer's question, asked by
the faces (CLI, page, API) before they search; `Searcher` itself never reads the corpus.

Stale means: a document added, removed or edited (fingerprint of file + pipeline version),
the catalog edited (titles, dates), the corpus's own abbreviations, register or kinds changed,
or the segmenter that made the terms (`TERMS_VERSION`).
A file that failed at build and is unchanged since is not staleness (it would fail again).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qa.answer.kinds_of_things import CORPUS_KINDS, KindTable
from qa.errors import IndexStale
from qa.index.build import catalog_hash
from qa.index.failures import corpus_name, failed_fingerprint, unchanged_failures
from qa.index.segment import CORPUS_ABBREVIATIONS, TERMS_VERSION, Lexicon
from qa.ingest.corpus_files import scan_corpus
from qa.ingest.document import PIPELINE_VERSION
from qa.ingest.loaders import CATALOG_NAME
from qa.search.register import CORPUS_REGISTER, Register


def changed_since_build(manifest: dict[str, Any], corpus: Path) -> list[str]:
    """Names of what changed in `corpus` since the build the manifest records (sorted
    document ids first, then the catalog / abbreviations / register / kinds files)."""
    indexed = {k: v["fingerprint"] for k, v in manifest["documents"].items()}
    failed = unchanged_failures(manifest, corpus)  # left out at build, still the same
    current = {
        f.doc_id: f"{failed_fingerprint(f.path)}-{PIPELINE_VERSION}"
        for f in scan_corpus(corpus).files
        if corpus_name(f.path, corpus) not in failed
    }
    changed = sorted(k for k in current.keys() | indexed.keys() if current.get(k) != indexed.get(k))
    if catalog_hash(corpus) != manifest.get("catalog", ""):
        changed.append(CATALOG_NAME)
    if Lexicon.for_corpus(corpus).fingerprint != manifest.get("lexicon"):
        changed.append(CORPUS_ABBREVIATIONS)
    if Register.for_corpus(corpus).fingerprint != manifest.get("register"):
        changed.append(CORPUS_REGISTER)
    if KindTable.of_corpus(corpus).fingerprint != manifest.get("kinds", ""):
        changed.append(CORPUS_KINDS)
    return changed


def check_corpus(index_dir: Path, manifest: dict[str, Any], corpus: Path) -> None:
    """IndexStale (with the command that updates it) when `corpus` no longer matches the
    index; a corpus folder that does not exist is not checked (an index can outlive it)."""
    if not corpus.is_dir():
        return
    changed = changed_since_build(manifest, corpus)
    if not changed:
        return
    built_by = manifest.get("pipeline")
    segmented_by = manifest.get("terms", "2 or earlier")  # recorded since version 3
    if built_by != PIPELINE_VERSION:  # every document reads as changed: say why instead
        why = f"built by an older reader (pipeline {built_by}, now {PIPELINE_VERSION})"
    elif segmented_by != TERMS_VERSION:  # the lexicon's fingerprint changed with it
        why = (
            f"its terms come from an older segmenter (version {segmented_by}, now {TERMS_VERSION})"
        )
    else:
        why = f"{len(changed)} changed ({', '.join(changed[:3])}{'…' if len(changed) > 3 else ''})"
    raise IndexStale(
        f"index at {index_dir} is stale: {why}; update it: qa index --corpus {corpus} "
        f"--index {index_dir}"
    )
