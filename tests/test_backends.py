"""The same retrieval tests for every search backend: local (bm25s + FAISS) and Milvus Lite.

Data: the first passages of each seed document with their real terms (qa.index.segment) and
cheap deterministic vectors; Milvus runs embedded from a temporary `.db` file.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest
from helpers import CountingEmbedder
from milvus_lite.server_manager import server_manager_instance
from seed_corpus import CORPUS, REPORT_9_MONTHS, parsed_seed_corpus

from qa.config import Settings
from qa.evaluation.backends import release
from qa.index.build import embed_input, lexical_input
from qa.index.chunk import chunk_documents
from qa.index.segment import Lexicon, Segmenter
from qa.models import Chunk, DocumentMeta
from qa.search.backends.from_index import fill_from_index
from qa.search.backends.from_index import open_backend as open_backend_of
from qa.search.backends.local import LocalBackend
from qa.search.backends.milvus import MilvusBackend, filter_expression, quote, term_token
from qa.search.backends.protocol import ChunkTerms, Filters, SearchBackend, lexical_query
from qa.search.searcher import Searcher

if TYPE_CHECKING:
    from conftest import BuiltIndex

PER_DOCUMENT = 20
FOLDED_WEIGHT = Settings().folded_weight
QUERIES = [
    "tiến độ KCN Hải Long",
    "tien do khu cong nghiep Hai Long",
    "GRDP 9 tháng năm 2023",
    "Nghị quyết số 29-NQ/TW",
    "sản lượng thủy sản",
    "thu ngan sach nha nuoc",
    "chuyển đổi số",
]
BACKENDS = ("local", "milvus")


@dataclass(frozen=True)
class SeedDocument:
    meta: DocumentMeta
    chunks: list[Chunk]
    terms: list[ChunkTerms]
    vectors: np.ndarray


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter(Lexicon.for_corpus(CORPUS))


@pytest.fixture(scope="module")
def seed(segmenter: Segmenter) -> list[SeedDocument]:
    """The first passages of every seed document with real terms and cheap vectors."""
    embedder = CountingEmbedder()
    docs = parsed_seed_corpus()
    result = []
    for doc in docs.values():
        chunks = chunk_documents([doc], Settings())[:PER_DOCUMENT]
        inputs = [lexical_input(c, doc.meta.title) for c in chunks]
        terms = [
            ChunkTerms(tuple(segmenter.terms(t)), tuple(segmenter.folded_terms(t))) for t in inputs
        ]
        vectors = embedder.embed_passages([embed_input(c) for c in chunks]).astype(np.float32)
        result.append(SeedDocument(doc.meta, chunks, terms, vectors))
    return result


def open_backend(name: str, folder: Path) -> SearchBackend:
    if name == "local":
        return LocalBackend()
    return MilvusBackend(str(folder / "milvus.db"), "seed", CountingEmbedder.dim)


def filled(name: str, folder: Path, seed: list[SeedDocument]) -> SearchBackend:
    backend = open_backend(name, folder)
    for doc in seed:
        backend.upsert(doc.meta, doc.chunks, doc.terms, doc.vectors)
    return backend


@pytest.fixture(scope="module")
def backends(
    seed: list[SeedDocument], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, SearchBackend]]:
    """Both backends holding the same seed passages (read-only tests share them)."""
    made = {name: filled(name, tmp_path_factory.mktemp(name), seed) for name in BACKENDS}
    yield made
    for backend in made.values():
        backend.close()


@pytest.fixture(params=BACKENDS)
def fresh(
    request: pytest.FixtureRequest, seed: list[SeedDocument], tmp_path: Path
) -> Iterator[SearchBackend]:
    """A backend of each kind that a test may change."""
    backend = filled(request.param, tmp_path, seed)
    yield backend
    backend.close()


def test_both_satisfy_the_protocol(
    backends: dict[str, SearchBackend], seed: list[SeedDocument]
) -> None:
    for backend in backends.values():
        assert isinstance(backend, SearchBackend)
    total = sum(len(d.chunks) for d in seed)
    assert {b.stats()["chunks"] for b in backends.values()} == {total}


@pytest.mark.parametrize("query", QUERIES)
def test_lexical_top_k_equals_local(
    backends: dict[str, SearchBackend], segmenter: Segmenter, query: str
) -> None:
    terms = lexical_query(query, segmenter, FOLDED_WEIGHT)
    local = backends["local"].lexical(terms, 5)
    milvus = backends["milvus"].lexical(terms, 5)
    assert local, query
    assert [c for c, _ in milvus] == [c for c, _ in local], query
    assert np.allclose([s for _, s in milvus], [s for _, s in local], rtol=1e-4), query


def test_milvus_scores_with_the_bm25_parameters_it_is_given(
    seed: list[SeedDocument], segmenter: Segmenter, tmp_path: Path
) -> None:
    """k1 and b reach Milvus Lite (pymilvus's flattened index parameters did not: it
    scored with k1 1.5): at other values than the defaults it still scores as the local
    backend does, and otherwise than at the defaults."""
    k1, b = 0.5, 0.2
    local, at_defaults = LocalBackend(k1, b), LocalBackend()
    milvus = MilvusBackend(str(tmp_path / "milvus.db"), "seed", CountingEmbedder.dim, k1, b)
    for backend in (local, at_defaults, milvus):
        for doc in seed:
            backend.upsert(doc.meta, doc.chunks, doc.terms, doc.vectors)
    moved = 0
    for query in QUERIES:
        terms = lexical_query(query, segmenter, FOLDED_WEIGHT)
        ours, theirs = local.lexical(terms, 5), milvus.lexical(terms, 5)
        assert [c for c, _ in theirs] == [c for c, _ in ours], query
        assert np.allclose([s for _, s in theirs], [s for _, s in ours], rtol=1e-4), query
        moved += [c for c, _ in ours] != [c for c, _ in at_defaults.lexical(terms, 5)]
    assert moved > 0  # the parameters change rankings on these queries
    milvus.close()


@pytest.mark.parametrize("query", QUERIES)
def test_dense_top_k_equals_local(backends: dict[str, SearchBackend], query: str) -> None:
    vector = CountingEmbedder().embed_queries([query])[0]
    local = backends["local"].dense(vector, 5)
    milvus = backends["milvus"].dense(vector, 5)
    assert [c for c, _ in milvus] == [c for c, _ in local], query
    assert np.allclose([s for _, s in milvus], [s for _, s in local], atol=1e-4)


def test_no_diacritics_query_uses_folded_terms_only(segmenter: Segmenter) -> None:
    plain = lexical_query("tien do khu cong nghiep Hai Long", segmenter, FOLDED_WEIGHT)
    accented = lexical_query("tiến độ KCN Hải Long", segmenter, FOLDED_WEIGHT)
    assert plain.accented == () and plain.folded_weight == 1.0
    assert "hải_long" in accented.accented and accented.folded_weight == FOLDED_WEIGHT
    assert "hai_long" in plain.folded and "hai_long" in accented.folded


FILTERS = [
    Filters(doc_ids=(REPORT_9_MONTHS,)),
    Filters(kinds=("BÁO CÁO",)),
    Filters(after="2024-01"),
    Filters(before="2023-09-15"),
    Filters(after="2023-06", before="2023-12", kinds=("bài báo", "báo cáo")),
]


@pytest.mark.parametrize("name", BACKENDS)
@pytest.mark.parametrize("filters", FILTERS)
def test_filters_keep_only_admitted_documents(
    backends: dict[str, SearchBackend],
    seed: list[SeedDocument],
    segmenter: Segmenter,
    name: str,
    filters: Filters,
) -> None:
    admitted = {d.meta.doc_id for d in seed if filters.admits(d.meta)}
    doc_of = {c.chunk_id: d.meta.doc_id for d in seed for c in d.chunks}
    assert admitted and admitted != set(doc_of.values())  # each filter really narrows
    backend = backends[name]
    lexical = backend.lexical(
        lexical_query("kinh tế xã hội", segmenter, FOLDED_WEIGHT), 50, filters
    )
    dense = backend.dense(CountingEmbedder().embed_queries(["kinh tế"])[0], 50, filters)
    for ranking in (lexical, dense):
        assert ranking
        assert {doc_of[c] for c, _ in ranking} <= admitted
    assert {doc_of[c] for c, _ in dense} == admitted  # 50 ≥ every admitted passage


def test_remove_drops_a_document(fresh: SearchBackend, seed: list[SeedDocument]) -> None:
    gone = seed[0]
    vector = gone.vectors[0]
    assert fresh.dense(vector, 1)[0][0] == gone.chunks[0].chunk_id
    fresh.remove(gone.meta.doc_id)
    fresh.remove("no-such-document")
    ids = {c.chunk_id for c in gone.chunks}
    assert not ids & {c for c, _ in fresh.dense(vector, 100)}
    assert fresh.stats()["chunks"] == sum(len(d.chunks) for d in seed[1:])


def test_upsert_replaces_a_document(fresh: SearchBackend, seed: list[SeedDocument]) -> None:
    doc = seed[1]
    kept = doc.chunks[:3]
    moved = replace(doc.meta, kind="tờ trình", date="2025-02")
    fresh.upsert(moved, kept, doc.terms[:3], doc.vectors[:3])
    found = {c for c, _ in fresh.dense(doc.vectors[5], 200, Filters(doc_ids=(doc.meta.doc_id,)))}
    assert found == {c.chunk_id for c in kept}
    assert {c for c, _ in fresh.dense(doc.vectors[0], 10, Filters(kinds=("Tờ trình",)))} == found
    others = fresh.dense(doc.vectors[0], 10, Filters(kinds=("báo cáo",)))
    assert others and not {c for c, _ in others} & found
    assert fresh.stats()["chunks"] == sum(len(d.chunks) for d in seed) - len(doc.chunks) + 3


def test_filter_expression_quotes_every_value() -> None:
    assert filter_expression(Filters()) == ""
    assert filter_expression(Filters(doc_ids=('x" or doc_id != "',))) == (
        r'doc_id in ["x\" or doc_id != \""]'
    )
    assert filter_expression(Filters(before="2023-09")) == (
        "dated == true and date_start <= 20230930"
    )
    assert quote("a\\b\n") == '"a\\\\b\\n"'
    with pytest.raises(ValueError, match="control character"):
        quote("bad\x01id")


def test_hostile_document_ids_are_only_compared(tmp_path: Path, seed: list[SeedDocument]) -> None:
    backend = MilvusBackend(str(tmp_path / "hostile.db"), "hostile", CountingEmbedder.dim)
    names = ['x" or doc_id != "', "y' or 1 == 1 or '", "z\\", 'w"]) or (["']
    doc = seed[0]
    for name in names:
        chunk = replace(doc.chunks[0], chunk_id=f"{name}:0", doc_id=name)
        backend.upsert(replace(doc.meta, doc_id=name), [chunk], doc.terms[:1], doc.vectors[:1])
    for name in names:
        found = backend.dense(doc.vectors[0], 10, Filters(doc_ids=(name,)))
        assert [c for c, _ in found] == [f"{name}:0"]
    backend.remove(names[0])
    assert backend.stats()["chunks"] == len(names) - 1
    backend.close()


def test_manifest_entry_reopens_the_collection(
    backends: dict[str, SearchBackend], seed: list[SeedDocument]
) -> None:
    milvus = backends["milvus"]
    assert isinstance(milvus, MilvusBackend)
    entry = milvus.manifest_entry()
    assert entry["name"] == "milvus" and entry["uri"].endswith("milvus.db")
    again = open_backend_of(Path("unused"), {"backend": entry})
    assert isinstance(again, MilvusBackend)
    assert again.stats()["chunks"] == milvus.stats()["chunks"]
    assert again.dense(seed[2].vectors[4], 1)[0][0] == seed[2].chunks[4].chunk_id


@pytest.mark.parametrize("name", BACKENDS)
def test_a_released_backend_never_writes_its_folder_back(
    name: str, tmp_path: Path, seed: list[SeedDocument]
) -> None:
    """`qa eval`'s backend comparison and `qa bench` fill Milvus Lite in a temporary folder:
    its server, left running, flushed at exit into the folder already removed."""
    folder = tmp_path / "work"
    backend = filled(name, folder, seed[:1])
    release(backend)
    shutil.rmtree(folder, ignore_errors=True)
    server_manager_instance.release_all()  # what runs at the process's exit
    assert not folder.exists()


def test_term_tokens_are_single_words() -> None:
    tokens = [term_token(t) for t in ("29-nq/tw", "7,72%", "khu_công_nghiệp", "hải_long")]
    assert all(t.isalnum() and t.islower() and len(t) == 17 for t in tokens)
    assert len(set(tokens)) == 4


def test_lite_uri_must_be_a_db_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.db"):
        MilvusBackend(str(tmp_path / "index"), "seed", 4)
    with pytest.raises(ValueError, match="collection"):
        MilvusBackend(str(tmp_path / "x.db"), "bad-name", 4)


def test_docstring_examples_hold() -> None:
    import doctest

    import qa.search.backends.milvus

    assert doctest.testmod(qa.search.backends.milvus).failed == 0


def test_a_searcher_on_milvus_ranks_as_one_on_the_local_files(
    built_index: BuiltIndex, tmp_path: Path
) -> None:
    """The local backend opened from the index files holds every passage; a `Searcher`
    over Milvus filled from the same files returns the same top 5 in every mode (the same
    BM25 scores, the same vectors, exact search at this size)."""
    local = Searcher(built_index.index)
    opened = open_backend_of(built_index.index, local.manifest)
    assert isinstance(opened, LocalBackend)
    milvus = MilvusBackend(str(tmp_path / "index.db"), "index", local.embedder.dim)
    assert fill_from_index(milvus, built_index.index) == len(local.chunks)
    assert opened.stats()["chunks"] == milvus.stats()["chunks"] == len(local.chunks)
    on_milvus = Searcher(built_index.index, embedder=local.embedder, backend=milvus)
    for query in QUERIES:
        for mode in ("bm25", "dense", "hybrid"):
            ours = [h.chunk.chunk_id for h in local.search(query, 5, mode)]
            theirs = [h.chunk.chunk_id for h in on_milvus.search(query, 5, mode)]
            assert theirs == ours, (query, mode)
    milvus.close()
