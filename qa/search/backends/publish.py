"""`qa index --backend milvus --uri URI`: the built index folder published to Milvus.

The index folder stays the source of truth and is written as for the local backend
(documents, chunks, terms, vectors, sentence vectors: the faces read them, the next build
reuses them); the build then syncs the Milvus collection from it, document by document:
a document whose passages, terms or vectors changed is upserted, one that left the corpus
is removed, the rest is not touched. What was synced is recorded in the manifest's
`backend` entry (a signature per document), so the next build knows what changed.

The sync runs on the new folder before it replaces the old one: if Milvus fails, the build
fails with one line, and the previous index folder stays in place (the collection may hold
some of the new documents; the next build sees its passage count differ from the manifest's
and fills it again).

A Milvus Lite URI is a `.db` path; a relative one is resolved against the current directory
at build time and recorded absolute, so `--index DIR` works from any directory. It must not
lie inside the index folder, which a build replaces as a whole.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.config import Settings
from qa.errors import BackendError, ConfigError, QAError
from qa.index.store import load_vectors, read_manifest
from qa.search.backends.from_index import DocumentPassages, documents_in

if TYPE_CHECKING:  # pymilvus is imported only when Milvus is named: a local build never loads it
    from qa.search.backends.milvus import MilvusBackend

log = logging.getLogger(__name__)
BACKENDS = ("local", "milvus")


def document_signature(doc: DocumentPassages) -> str:
    """What a backend holds of one document, hashed: metadata, passages, terms, vectors."""
    described = json.dumps(
        [asdict(doc.meta), [asdict(c) for c in doc.chunks], [asdict(t) for t in doc.terms]],
        ensure_ascii=False,
    )
    digest = hashlib.sha256(described.encode("utf-8"))
    digest.update(doc.vectors.astype("<f4").tobytes())
    return digest.hexdigest()[:20]


def default_collection(index_dir: Path) -> str:
    """`index/default` → `qa_default`: one collection per index folder."""
    return "qa_" + re.sub(r"[^A-Za-z0-9_]", "_", index_dir.resolve().name)[:200]


@dataclass(frozen=True)
class MilvusTarget:
    """Where `qa index --backend milvus` publishes, with the build's BM25 parameters."""

    uri: str
    collection: str
    k1: float = Settings.bm25_k1
    b: float = Settings.bm25_b
    token: str = field(default="", repr=False)  # a server's credentials, never written

    def check(self, index_dir: Path) -> None:
        """Fail before the build's work: a URI that is neither a server nor a `.db` file,
        a Lite file inside the index folder, a server that does not answer."""
        from pymilvus import MilvusClient, MilvusException

        from qa.search.backends.milvus import client_uri, is_server_uri

        try:
            uri = client_uri(self.uri)
        except ValueError as exc:
            raise ConfigError(f"--uri: {exc}") from exc
        if not is_server_uri(uri) and Path(uri).is_relative_to(index_dir.resolve()):
            raise ConfigError(
                f"--uri {self.uri} lies inside the index folder, which a build replaces; "
                f"put it next to it, e.g. {index_dir.resolve().parent / 'milvus.db'}"
            )
        if is_server_uri(uri):
            try:
                MilvusClient(uri=uri, token=self.token).close()
            except MilvusException as exc:
                raise BackendError(f"Milvus at {self.uri}: {exc.message}") from exc

    def publish(self, folder: Path, previous: dict[str, Any]) -> dict[str, Any]:
        """Sync the collection from the index files in `folder`; the manifest entry."""
        from pymilvus import MilvusException

        from qa.search.backends.milvus import client_uri, open_milvus

        dim = int(load_vectors(folder, mmap=True).shape[1])
        entry = {"name": "milvus", "uri": client_uri(self.uri), "collection": self.collection}
        backend = open_milvus(
            {**entry, "dim": dim, "bm25": {"k1": self.k1, "b": self.b}}, self.token
        )
        try:
            return sync(backend, folder, previous.get("backend") or {})
        except MilvusException as exc:
            raise BackendError(f"Milvus at {self.uri}: {exc.message}") from exc
        finally:
            backend.close()


def sync(backend: MilvusBackend, folder: Path, before: dict[str, Any]) -> dict[str, Any]:
    """Upsert the changed documents, remove the gone ones; the new manifest entry.

    The previous entry's signatures count only for the same collection (same vector size and
    BM25 parameters, fixed at its creation) still holding the passages they describe;
    otherwise the collection is emptied and filled again.
    """
    entry = backend.manifest_entry()
    kept = ("name", "uri", "collection", "dim", "bm25")
    same = all(before.get(key) == entry[key] for key in kept)
    synced: dict[str, str] = dict(before.get("documents", {})) if same else {}
    if synced and backend.stats()["chunks"] != before.get("chunks"):
        log.warning(
            "Milvus collection %s no longer matches the index: filling it again",
            entry["collection"],
        )
        synced = {}
    if not synced:
        backend.clear()
    signatures: dict[str, str] = {}
    upserted = passages = 0
    for doc in documents_in(folder):
        signature = signatures[doc.meta.doc_id] = document_signature(doc)
        passages += len(doc.chunks)
        if synced.get(doc.meta.doc_id) != signature:
            backend.upsert(doc.meta, doc.chunks, doc.terms, doc.vectors)
            upserted += 1
    removed = sorted(synced.keys() - signatures.keys())
    for doc_id in removed:
        backend.remove(doc_id)
    entry |= {
        "chunks": passages,
        "documents": signatures,
        "last_sync": {"upserted": upserted, "removed": len(removed)},
    }
    return entry


def target_for(
    index_dir: Path,
    backend: str | None,
    uri: str | None,
    collection: str | None,
    k1: float = Settings.bm25_k1,
    b: float = Settings.bm25_b,
    token: str = "",
) -> MilvusTarget | None:
    """`--backend/--uri/--collection` as a publish target (None: local files only). With none
    of them, what the index's manifest names is kept, so a plain `qa index` (or the page's
    rebuild) of a Milvus index keeps it in Milvus."""
    if backend is None and uri is None and collection is None:
        try:
            named = read_manifest(index_dir).get("backend") or {}
        except QAError:  # no index yet, or one to be rebuilt: local
            named = {}
        if named.get("name") != "milvus":
            return None
        return MilvusTarget(named["uri"], named["collection"], k1, b, token)
    backend = backend or "local"
    if backend not in BACKENDS:
        raise ConfigError(f"--backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
    if backend == "local":
        if uri is not None or collection is not None:
            raise ConfigError("--uri and --collection go with --backend milvus")
        return None
    if not uri:
        raise ConfigError("--backend milvus needs --uri (a .db file, or http://host:19530)")
    return MilvusTarget(uri, collection or default_collection(index_dir), k1, b, token)
