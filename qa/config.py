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
    bm25_k1: float = 0.9  # k1 and b chosen by 5-fold CV on the tune split (eval/README.md)
    bm25_b: float = 0.4
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
    abstain_below: float = 0.40  # on the abstention model's probability (eval/README.md)
    min_coverage: float = 0.3  # below this share of the question's terms: never an answer…
    close_min_coverage: float = 0.1  # …unless at least this share, and the quoted sentence is
    close_similarity: float = 1.5  # this many std devs closer to the question than the rest
    abstention_model: str = ""  # JSON weights; empty = qa/data/abstention.json
    query_max_words: int = 32  # longer queries keep their first 32 distinct content words
    # The answer composer (qa/answer/compose.py); chosen on the tune split (eval/README.md)
    # top passages whose sentences can answer: six win 3 tune answers over five; they waited
    # for the topic gate (`giá vàng` needs `vàng`), without which an off-topic question (`giá
    # vàng thế giới hôm nay`) found a sixth passage's sentence covering half its words
    answer_passages_read: int = 6
    answer_sentences_cut: int = 12  # only the best sentences are cut into clause windows
    answer_max_line_words: int = 40  # an answer line is a clause window of at most this many
    answer_window_clauses: int = 8  # clauses per window (`Thu … 5.120 tỷ đồng, tăng 8,3%`)
    answer_list_line_words: int = 80  # `gồm những gì`: the whole enumeration…
    answer_list_line_clauses: int = 12  # …of up to this many clauses
    answer_rank_bonus: float = 0.15  # ÷ passage rank: the search's order breaks near ties
    answer_register_weight: float = 1.0  # a register alternative vs. a word of the question
    answer_number_missing_factor: float = 0.5  # `bao nhiêu` answered by a line with no figure
    answer_kind_bonus: float = 0.15  # the line has what the kind asks (a figure, date, body…)
    answer_meaning_weight: float = 0.05  # per sd a window's clause vectors stand out in meaning
    # per sd the quoted sentence's vector stands out among the sentences read: it picks among
    # sentences the question's words tie on (everyday wording); 0.02 won 3 tune answers, 0.05
    # lost them to sentences near the topic but not the answer (`xếp loại cán bộ, công chức`
    # for `cán bộ đi làm lơ là, tỉnh siết lại theo văn bản số mấy`)
    answer_sentence_meaning_weight: float = 0.02
    # both meaning weights grow by these × how little of the question the best sentence's words
    # hold (1 − its coverage): everyday words (`quẹt điện thoại` ↔ `thanh toán không dùng tiền
    # mặt`) leave meaning the only evidence between sentences (eval/README, nineteenth round)
    answer_meaning_gap_weight: float = 0.05
    answer_sentence_meaning_gap_weight: float = 0.03
    answer_urging_penalty: float = 0.2  # status: `chỉ đạo đẩy nhanh…` says not how far it got
    answer_ocr_penalty: float = 0.5  # per share of invalid syllables left after repair
    answer_word_penalty: float = 0.003  # per word of the line: shorter wins ties (lists: longer)
    answer_phrase_weight: float = 0.6  # share of the question's word pairs the line keeps
    answer_novelty_weight: float = 0.3  # a line must say what the question did not (`Năm 2022`)
    answer_novel_words: int = 5  # new words for full novelty credit
    answer_plan_doc_bonus: float = 0.1  # a target is best read in the plan that sets it
    answer_period_penalty: float = 0.15  # a figure for another year or period than asked
    answer_second_line_floor: float = 0.9  # a second line needs this share of the best score
    answer_timeline_lines: int = 3  # status: at most one line per document date, this many
    answer_timeline_floor: float = 0.75  # share of the best score a timeline line needs
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


# passages `qa ask`, the HTTP API and the evaluation hand to an answer: as many as the
# composer reads by default (the page may show more)
ASK_PASSAGES = Settings().answer_passages_read
