"""Fixtures shared by the page tests: one real index (seed corpus, e5-small) per test session."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

from qa.index.build import build_index

# property tests check what the code does, never how fast: hypothesis's default 200 ms
# deadline failed a first call that a cold cache slowed on a busy 2-core machine
settings.register_profile("no_deadline", deadline=None)
settings.load_profile("no_deadline")

ROOT = Path(__file__).resolve().parents[1]
SEED_CORPUS = ROOT / "corpus"


@dataclass(frozen=True)
class BuiltIndex:
    """Where the session's index and the corpus it was built from live."""

    index: Path
    corpus: Path


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> BuiltIndex:
    """A real index of the seed corpus, built once (~1–2 min cold, seconds when warm).

    An existing index (`QA_TEST_INDEX_SEED`, default `index/default`) is copied first, only
    to reuse its vectors: the build is incremental, so an up-to-date copy costs a few
    seconds; the seed itself is never written.
    """
    index = tmp_path_factory.mktemp("app") / "index"
    seed = Path(os.environ.get("QA_TEST_INDEX_SEED") or ROOT / "index" / "default")
    if (seed / "manifest.json").exists():
        try:
            shutil.copytree(seed, index)
        except (OSError, shutil.Error):  # being rebuilt right now: build from scratch
            shutil.rmtree(index, ignore_errors=True)
    build_index(SEED_CORPUS, index, "e5-small", progress=False)
    return BuiltIndex(index=index, corpus=SEED_CORPUS)
