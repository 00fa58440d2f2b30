"""What a search backend does, in metadata terms: no row ids, no full score arrays.

A backend stores passages document by document (`upsert` replaces a document's passages,
`remove` drops them) and answers two top-k questions under the same filters: BM25 over our
own Vietnamese terms (`lexical`) and inner product over L2-normalised vectors (`dense`).
Tokenisation and embedding stay ours, so every backend ranks the same terms and vectors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from qa.index.segment import Segmenter
from qa.models import Chunk, DocumentMeta
from qa.text.dates import in_period
from qa.text.normalize import has_diacritics

Ranking = list[tuple[str, float]]  # (chunk id, score), best first


@dataclass(frozen=True)
class Filters:
    """Restrict a search to documents, kinds and a date range (ISO dates or prefixes)."""

    doc_ids: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    after: str | None = None
    before: str | None = None

    def admits(self, meta: DocumentMeta) -> bool:
        """Does a document pass? Kinds compare case-insensitively (`Báo cáo` = `báo cáo`);
        dates overlap the range as `qa.text.dates.in_period` says (undated documents fail any
        bound)."""
        kinds = {k.casefold() for k in self.kinds}
        return (
            (not self.doc_ids or meta.doc_id in self.doc_ids)
            and (not kinds or meta.kind.casefold() in kinds)
            and in_period(meta.date, self.after, self.before)
        )


NO_FILTERS = Filters()


@dataclass(frozen=True)
class ChunkTerms:
    """A passage's search terms: accented (`khu_công_nghiệp`) and diacritic-folded
    (`khu cong khu_cong …`), as `qa.index.segment.Segmenter` makes them."""

    accented: tuple[str, ...]
    folded: tuple[str, ...]


@dataclass(frozen=True)
class LexicalQuery:
    """score = BM25(accented) + folded_weight × BM25(folded) + expansion_weight ×
    BM25(expansion), the last over accented terms too.

    A query typed without diacritics has no accented terms and folded weight 1; one typed
    with them still counts folded terms a little, since OCR text lost its diacritics.
    `expansion` holds the register alternatives (`bắp` → also `ngô`), accented only: folded
    `lợn` is `lon`, which is also `lớn` (big).
    """

    accented: tuple[str, ...] = ()
    folded: tuple[str, ...] = ()
    folded_weight: float = 1.0
    expansion: tuple[str, ...] = ()
    expansion_weight: float = 0.0


@runtime_checkable
class SearchBackend(Protocol):
    """Stores passages by document and returns top-k (chunk id, score) lists."""

    def upsert(
        self,
        document: DocumentMeta,
        chunks: Sequence[Chunk],
        terms: Sequence[ChunkTerms],
        vectors: np.ndarray,
    ) -> None:
        """Replace every passage of `document` with `chunks` (row-aligned terms, vectors)."""
        ...

    def remove(self, doc_id: str) -> None:
        """Drop every passage of a document (unknown ids are no-ops)."""
        ...

    def lexical(self, query: LexicalQuery, k: int, filters: Filters = NO_FILTERS) -> Ranking:
        """The `k` best passages by BM25; passages sharing no term are left out."""
        ...

    def dense(self, vector: np.ndarray, k: int, filters: Filters = NO_FILTERS) -> Ranking:
        """The `k` passages whose vectors have the largest inner product with `vector`."""
        ...

    def stats(self) -> dict[str, Any]:
        """Counts and where the data lives, JSON-ready (`{"backend": "local", …}`)."""
        ...

    def close(self) -> None:
        """Release what the backend holds open (a Milvus client). A Milvus Lite file's
        embedded server outlives its clients and flushes at exit: whoever removes the file's
        folder stops it first (`qa.evaluation.backends.release`)."""
        ...


def check_row_aligned(
    chunks: Sequence[Chunk], terms: Sequence[ChunkTerms], vectors: np.ndarray
) -> None:
    """An upsert's three inputs describe the same passages, row by row."""
    if not len(chunks) == len(terms) == len(vectors):
        raise ValueError("chunks, terms and vectors must be row-aligned")


def lexical_query(text: str, segmenter: Segmenter, folded_weight: float) -> LexicalQuery:
    """The BM25 side of a query: `"tien do KCN"` → folded terms only (weight 1);
    `"tiến độ KCN"` → accented terms plus folded ones at `folded_weight`."""
    folded = tuple(segmenter.folded_terms(text))
    if not has_diacritics(text):
        return LexicalQuery(folded=folded)
    return LexicalQuery(tuple(segmenter.terms(text)), folded, folded_weight)
