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


@dataclass(frozen=True)
class Settings:
    """Chunking, retrieval and answer parameters; recorded in the index manifest."""

    chunk_min_words: int = 80
    chunk_max_words: int = 220
    chunk_overlap_words: int = 40
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    rrf_k: int = 60
    fusion: str = "rrf"  # "rrf" or "weighted"
    dense_weight: float = 0.3  # dense share in fusion; tuned on eval/gold.jsonl (eval/README.md)
    candidates: int = 50
    hnsw_above: int = 50_000
    embed_batch: int = 32
    abstain_below: float = 0.45  # on the abstention model's probability (eval/README.md)
    abstention_model: str = ""  # JSON weights; empty = qa/data/abstention.json
    query_max_words: int = 40  # longer queries are cut to their first distinct words
    llm_deadline_seconds: float = 20.0  # whole LLM call (connect, send, read), not per read
    build_wait_seconds: float = 10.0  # how long a build waits for another build of its index

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
        return replace(self, **clean)
