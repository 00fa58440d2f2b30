"""All tunable settings in one place: defaults here, overridable from the CLI or a TOML file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from qa.errors import ConfigError

DEFAULT_EMBEDDER = "e5-small"
DEFAULT_INDEX = Path("index/default")
DEFAULT_CORPUS = Path("corpus")
MAX_QUERY_CHARS = 2000
# a Milvus server's token (`user:password` or an API key): read by the faces, never stored
MILVUS_TOKEN_ENV = "QA_MILVUS_TOKEN"


@dataclass(frozen=True)
class Settings:
    """Chunking, retrieval and answer parameters; recorded in the index manifest."""

    chunk_min_words: int = 80
    chunk_max_words: int = 220
    chunk_overlap_words: int = 40
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    rrf_k: int = 60
    fusion: str = "weighted"  # "rrf" or "weighted"; chosen by CV on the tune split
    dense_weight: float = 0.5  # dense share in fusion; chosen by CV (qa.evaluation.tune)
    candidates: int = 50
    sentence_weight: float = 0.3  # best sentence's share of a passage's dense score
    sentence_candidates: int = 200  # nearest sentences whose passages join the dense candidates
    folded_weight: float = 0.3  # BM25 on folded terms for accented queries (OCR lost accents)
    register_weight: float = 0.7  # BM25 weight of register alternatives (`bắp` → `ngô`)
    register_dense_weight: float = 0.5  # expanded query's share of the query vector
    hnsw_above: int = 50_000
    embed_batch: int = 32
    abstain_below: float = 0.35  # on the abstention model's probability (eval/README.md)
    min_coverage: float = 0.3  # below this share of the question's terms: never an answer
    abstention_model: str = ""  # JSON weights; empty = qa/data/abstention.json
    query_max_words: int = 32  # longer queries keep their first 32 distinct content words
    llm_deadline_seconds: float = 20.0  # whole LLM call (connect, send, read), not per read
    build_wait_seconds: float = 10.0  # how long a build waits for another build of its index
    # Size guard per file, checked before reading (README "Corpus"). The largest seed report is
    # 0.16 MB; parsing took 15 s / 0.4 GB for 2 MB of text and 84 s / 0.7 GB for 8 MB, so 10 MB
    # (a ~1,500-page report) stays within minutes and a GB before embedding.
    max_text_mb: float = 10.0  # per .txt/.md file, and text taken out of one PDF/DOCX
    max_pdf_docx_mb: float = 100.0  # per PDF/DOCX file: page images make scans large
    ocr: str = "auto"  # "auto" (pages without a good text layer), "always" or "never"
    ocr_dpi: int = 300  # PDF pages are rendered at this resolution for Tesseract
    ocr_junk_share: float = 0.05  # invalid-syllable share above which a text layer is junk
    ocr_max_pixels: int = 60_000_000  # a bigger page image is refused (A3 at 600 dpi: 70M)
    ocr_max_pages: int = 300  # a file with more pages to OCR is refused
    ocr_page_seconds: float = 120.0  # Tesseract gives up on a page after this long
    ocr_workers: int = 0  # parallel Tesseract processes; 0 = one per core

    @classmethod
    def from_toml(cls, path: Path) -> Settings:
        """Read `[tool.qa]` (pyproject) or top-level keys of a TOML file; unknown keys fail."""
        try:
            data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read settings {path}: {exc}") from exc
        section = data.get("tool", {}).get("qa", data)
        return cls().updated(section)

    def updated(self, values: dict[str, Any]) -> Settings:
        """A copy with `values` applied, checking names and types so typos fail loudly."""
        known = {f.name: f for f in fields(self)}
        clean: dict[str, Any] = {}
        for key, value in values.items():
            if key not in known:
                raise ConfigError(f"unknown setting {key!r}; known: {', '.join(sorted(known))}")
            expected = type(getattr(self, key))
            if expected is float and isinstance(value, int):
                value = float(value)
            if not isinstance(value, expected):
                raise ConfigError(f"setting {key!r} must be {expected.__name__}, got {value!r}")
            clean[key] = value
        if clean.get("fusion", self.fusion) not in ("rrf", "weighted"):
            raise ConfigError("setting 'fusion' must be 'rrf' or 'weighted'")
        if clean.get("ocr", self.ocr) not in ("auto", "always", "never"):
            raise ConfigError("setting 'ocr' must be 'auto', 'always' or 'never'")
        return replace(self, **clean)
