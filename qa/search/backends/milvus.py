"""Passages in Milvus: the embedded Milvus Lite (a `.db` file) or any Milvus server.

One collection per index. Each row is a passage with its document's metadata (doc id,
case-folded kind, date span as YYYYMMDD integers), its L2-normalised vector (IP metric =
cosine) and two term fields, accented and folded, made by OUR segmenter. Milvus's built-in
BM25 function turns each term field into a sparse vector and keeps the corpus statistics
(document frequencies, average length) as passages come and go, so an incremental
upsert/remove never leaves stale weights behind. Each term is written as one opaque token
(`term_token`), so Milvus's tokenizer counts exactly our terms (`khu_công_nghiệp`,
`29-nq/tw`, `7,72%`) and never re-splits them.

`"tiến độ KCN"` is scored like the local backend: BM25(accented) + w × BM25(folded), each
side's top candidates fetched from Milvus and summed here.

Milvus Lite 3.x is pure Python in this process: fine for tests and small archives, slow for
BM25 (hundreds of ms a query), and it computes BM25 statistics per segment (its own
documented TODO), so a large collection loaded in many batches ranks a little differently
from a server, which keeps collection-wide statistics. Lite reads BM25's `k1`/`b` only
from the JSON `params` entry of an index request (pymilvus sends them flattened, and Lite
then scored with its own k1 1.5), so they are given nested under `params`, which a server
reads too.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from pymilvus import DataType, Function, FunctionType, MilvusClient, MilvusException

from qa.config import Settings
from qa.errors import BackendError
from qa.models import Chunk, DocumentMeta
from qa.search.backends.protocol import (
    NO_FILTERS,
    ChunkTerms,
    Filters,
    LexicalQuery,
    Ranking,
    check_row_aligned,
)
from qa.text.dates import date_span

log = logging.getLogger(__name__)
MAX_TERMS_BYTES = 65_535  # Milvus VARCHAR limit, in UTF-8 bytes
ID_BYTES = 512
LEXICAL_DEPTH = 100  # candidates per term field before summing (≥ 3 k)
_COLLECTION = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,254}")


def is_server_uri(uri: str) -> bool:
    """`http://host:19530`, `https://…`, `tcp://…` name a server; anything else a Lite file."""
    return bool(re.match(r"^(https?|tcp|grpc)://", uri))


def client_uri(uri: str) -> str:
    """What pymilvus is given: a server address as is, a Lite file as an absolute path."""
    if is_server_uri(uri):
        return uri
    path = Path(uri).expanduser().resolve()
    if path.suffix != ".db":
        raise ValueError(f"a Milvus Lite URI is a file ending in .db, got {uri!r}")
    return str(path)


def date_bounds(meta: DocumentMeta) -> tuple[bool, int, int]:
    """(dated, first day, last day) as YYYYMMDD: `2023-09` → (True, 20230901, 20230930)."""
    span = date_span(meta.date)
    if span is None:
        return False, 0, 0
    return True, _day(span[0].isoformat()), _day(span[1].isoformat())


def _day(iso: str) -> int:
    return int(iso.replace("-", ""))


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def quote(value: str) -> str:
    r"""A Milvus string literal that reads back as `value` and nothing more.

    Milvus (Lite included) parses `\\`, `\"`, `\n`, `\r`, `\t` but no `\u` escapes, so
    other control characters are refused rather than passed through.

    >>> print(quote('x" or doc_id != "'))
    "x\" or doc_id != \""
    """
    if any(unicodedata.category(ch) == "Cc" and ch not in _ESCAPES for ch in value):
        raise ValueError(f"a filter value holds a control character: {value!r}")
    return '"' + "".join(_ESCAPES.get(ch, ch) for ch in value) + '"'


def filter_expression(filters: Filters) -> str:
    """The one Milvus boolean expression for `filters`; `""` passes everything.

    Every string goes through `quote`, numbers are ints we make, so a document id like
    `x" or doc_id != "` is only ever compared, never parsed. The date clauses mean what
    `qa.text.dates.in_period` means (the spans overlap; undated documents fail any bound).

    >>> filter_expression(Filters(kinds=("Báo cáo",), after="2023-09"))
    'kind in ["báo cáo"] and dated == true and date_end >= 20230901'
    """
    clauses: list[str] = []
    if filters.doc_ids:
        clauses.append(f"doc_id in [{', '.join(quote(d) for d in sorted(set(filters.doc_ids)))}]")
    if filters.kinds:
        kinds = sorted({k.casefold() for k in filters.kinds})
        clauses.append(f"kind in [{', '.join(quote(k) for k in kinds)}]")
    if filters.after is not None or filters.before is not None:
        clauses.append("dated == true")
        low, high = date_span(filters.after), date_span(filters.before)
        if low is not None:
            clauses.append(f"date_end >= {_day(low[0].isoformat())}")
        if high is not None:
            clauses.append(f"date_start <= {_day(high[1].isoformat())}")
    return " and ".join(clauses)


def term_token(term: str) -> str:
    """One of our terms as a token every Milvus tokenizer keeps whole and unchanged.

    Milvus Lite offers only the `standard` and `jieba` tokenizers, which would cut
    `29-nq/tw` or `7,72%` apart; `t` + 16 hex digits of the term's hash is one lower-case
    alphanumeric word to any of them (64 bits: no collision in a realistic vocabulary).
    """
    return "t" + hashlib.blake2b(term.encode("utf-8"), digest_size=8).hexdigest()


def _terms_text(terms: Sequence[str]) -> str:
    """A passage's or query's terms as the text the BM25 function analyzes."""
    text = " ".join(term_token(t) for t in terms if t)
    if len(text.encode("utf-8")) > MAX_TERMS_BYTES:
        raise ValueError(f"a passage has {len(text)} characters of terms; Milvus holds 65,535 B")
    return text


def _score(metric: str, distance: float) -> float:
    """Milvus Lite reports BM25 as negated scores (best first), a server as scores."""
    return abs(float(distance)) if metric == "BM25" else float(distance)


class MilvusBackend:
    """`SearchBackend` on a Milvus collection; `uri` a `.db` file (Lite) or a server URL."""

    def __init__(
        self,
        uri: str,
        collection: str,
        dim: int,
        k1: float = Settings.bm25_k1,
        b: float = Settings.bm25_b,
        token: str = "",
    ) -> None:
        if not _COLLECTION.fullmatch(collection):
            raise ValueError(f"collection names are letters, digits, _: got {collection!r}")
        self.uri, self.collection, self.dim = client_uri(uri), collection, dim
        self.k1, self.b = k1, b
        if not is_server_uri(self.uri):
            Path(self.uri).parent.mkdir(parents=True, exist_ok=True)
        self.client = MilvusClient(uri=self.uri, token=token)
        if not self.client.has_collection(collection):
            self._create()
        self.client.load_collection(collection)

    def _create(self) -> None:
        schema = self.client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("chunk_id", DataType.VARCHAR, is_primary=True, max_length=ID_BYTES)
        schema.add_field("doc_id", DataType.VARCHAR, max_length=ID_BYTES)
        schema.add_field("kind", DataType.VARCHAR, max_length=ID_BYTES)
        schema.add_field("dated", DataType.BOOL)
        schema.add_field("date_start", DataType.INT64)
        schema.add_field("date_end", DataType.INT64)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=self.dim)
        index = self.client.prepare_index_params()
        index.add_index("vector", index_type="AUTOINDEX", metric_type="IP")
        index.add_index("doc_id", index_type="INVERTED")
        for name in ("accented", "folded"):
            schema.add_field(
                name,
                DataType.VARCHAR,
                max_length=MAX_TERMS_BYTES,
                enable_analyzer=True,
                analyzer_params={"tokenizer": "standard"},
            )
            schema.add_field(f"{name}_bm25", DataType.SPARSE_FLOAT_VECTOR)
            schema.add_function(
                Function(
                    name=f"{name}_bm25",
                    function_type=FunctionType.BM25,
                    input_field_names=[name],
                    output_field_names=[f"{name}_bm25"],
                )
            )
            index.add_index(
                f"{name}_bm25",
                index_type="SPARSE_INVERTED_INDEX",
                metric_type="BM25",
                # pymilvus sends `params` flattened, which Milvus Lite drops (it then scores
                # with k1 1.5); nested under `params`, the server and Lite both read them
                params={"params": {"bm25_k1": self.k1, "bm25_b": self.b}},
            )
        self.client.create_collection(
            self.collection, schema=schema, index_params=index, consistency_level="Strong"
        )
        log.info("created Milvus collection %s at %s", self.collection, self.uri)

    def upsert(
        self,
        document: DocumentMeta,
        chunks: Sequence[Chunk],
        terms: Sequence[ChunkTerms],
        vectors: np.ndarray,
    ) -> None:
        """Delete the document's passages, then insert the new ones (a search in between
        sees the document missing, never half of it twice)."""
        check_row_aligned(chunks, terms, vectors)
        self.remove(document.doc_id)
        dated, first, last = date_bounds(document)
        rows = [
            {
                "chunk_id": chunk.chunk_id,
                "doc_id": document.doc_id,
                "kind": document.kind.casefold(),
                "dated": dated,
                "date_start": first,
                "date_end": last,
                "vector": np.asarray(vector, dtype=np.float32).tolist(),
                "accented": _terms_text(t.accented),
                "folded": _terms_text(t.folded),
            }
            for chunk, t, vector in zip(chunks, terms, vectors, strict=True)
        ]
        if rows:
            self.client.insert(self.collection, rows)

    def remove(self, doc_id: str) -> None:
        self.client.delete(self.collection, filter=f"doc_id == {quote(doc_id)}")

    def clear(self) -> None:
        """Drop every passage (the collection is made again, empty): the first sync of an
        index into a collection starts from nothing."""
        self.client.drop_collection(self.collection)
        self._create()
        self.client.load_collection(self.collection)

    def _search(
        self, data: list[Any], field: str, metric: str, k: int, filters: Filters
    ) -> Ranking:
        found = self.client.search(
            self.collection,
            data=data,
            anns_field=field,
            limit=k,
            filter=filter_expression(filters),
            search_params={"metric_type": metric},
            output_fields=["chunk_id"],
        )
        return [
            (str(hit["entity"]["chunk_id"]), _score(metric, hit["distance"])) for hit in found[0]
        ]

    def lexical(self, query: LexicalQuery, k: int, filters: Filters = NO_FILTERS) -> Ranking:
        depth = max(LEXICAL_DEPTH, 3 * k)
        fused: dict[str, float] = {}
        sides = (
            ("accented", query.accented, 1.0),
            ("folded", query.folded, query.folded_weight),
            ("accented", query.expansion, query.expansion_weight),
        )
        # Milvus's BM25 has the classic (k1 + 1) numerator, bm25s's (Lucene) has not:
        # divided by it, both backends give the same scores
        scale = 1.0 / (1.0 + self.k1)
        for name, terms, weight in sides:
            text = _terms_text(terms)
            if not text or weight <= 0:
                continue
            for chunk_id, score in self._search([text], f"{name}_bm25", "BM25", depth, filters):
                fused[chunk_id] = fused.get(chunk_id, 0.0) + weight * scale * score
        ranked = sorted(fused.items(), key=lambda item: (-item[1], item[0]))
        return [(c, s) for c, s in ranked[:k] if s > 0]

    def dense(self, vector: np.ndarray, k: int, filters: Filters = NO_FILTERS) -> Ranking:
        query = np.asarray(vector, dtype=np.float32).reshape(-1).tolist()
        return self._search([query], "vector", "IP", k, filters)

    def stats(self) -> dict[str, Any]:
        counted = self.client.query(self.collection, filter="", output_fields=["count(*)"])
        return {
            "backend": "milvus",
            "uri": self.uri,
            "collection": self.collection,
            "chunks": int(counted[0]["count(*)"]) if counted else 0,
        }

    def manifest_entry(self) -> dict[str, Any]:
        """What an index folder's manifest records so every command can reopen this backend
        (`"backend": {"name": "milvus", "uri": "index/default/milvus.db", …}`)."""
        return {
            "name": "milvus",
            "uri": self.uri,
            "collection": self.collection,
            "dim": self.dim,
            "bm25": {
                "k1": self.k1,
                "b": self.b,
                "terms": "qa.index.segment terms as term_token hashes",
            },
        }

    @classmethod
    def from_manifest(cls, entry: dict[str, Any], token: str = "") -> MilvusBackend:
        """Reopen the backend a manifest's `backend` entry names."""
        bm25 = entry.get("bm25", {})
        return cls(
            entry["uri"],
            entry["collection"],
            int(entry["dim"]),
            float(bm25.get("k1", Settings.bm25_k1)),
            float(bm25.get("b", Settings.bm25_b)),
            token,
        )

    def close(self) -> None:
        self.client.close()


def open_milvus(entry: dict[str, Any], token: str = "") -> MilvusBackend:
    """The backend a manifest entry names, or BackendError with the reason in one line
    (server down, a URI Milvus refuses, a collection made for another vector size)."""
    try:
        return MilvusBackend.from_manifest(entry, token)
    except (MilvusException, ValueError, OSError) as exc:
        raise BackendError(f"Milvus at {entry.get('uri')!r}: {_reason(exc)}") from exc


def _reason(exc: Exception) -> str:
    """A pymilvus error as one short line (its messages span lines and repeat the code)."""
    text = getattr(exc, "message", "") or str(exc)
    return " ".join(text.split())[:300]
