"""OCR output kept in the index folder, keyed by a hash of the page image and the engine.

Why: OCR is the slow step (seconds a page); an unchanged scan must never be read twice. The
cache is plain JSON Lines (`ocr-cache.jsonl`), loaded from the current index at the start of a
build and written into the new one with only the pages that build used, so it never grows
with pages no longer in the corpus.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from PIL import Image

from qa.ingest.scan.tesseract import OcrText

log = logging.getLogger(__name__)
CACHE_FILE = "ocr-cache.jsonl"


def page_key(image: Image.Image, engine: str) -> str:
    """Hash of the pixels, their size and mode, and the engine that reads them."""
    digest = hashlib.sha256(f"{engine}|{image.mode}|{image.size}".encode())
    digest.update(image.tobytes())
    return digest.hexdigest()[:32]


class OcrCache:
    """Page key → OcrText; `used` holds what this build looked up or added."""

    def __init__(self, entries: dict[str, OcrText] | None = None) -> None:
        self.entries = entries or {}
        self.used: dict[str, OcrText] = {}
        self.hits = 0

    @classmethod
    def load(cls, index_dir: Path | None) -> OcrCache:
        """The cache of the index at `index_dir`; empty when there is none or it is unreadable."""
        path = index_dir / CACHE_FILE if index_dir is not None else None
        if path is None or not path.is_file():
            return cls()
        entries: dict[str, OcrText] = {}
        try:
            for line in path.read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                entries[row["key"]] = OcrText(row["text"], row["confidence"], row["words"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("%s: unreadable OCR cache, pages will be read again (%s)", path, exc)
            return cls()
        return cls(entries)

    def get(self, key: str) -> OcrText | None:
        found = self.entries.get(key)
        if found is not None:
            self.used[key] = found
            self.hits += 1
        return found

    def put(self, key: str, result: OcrText) -> None:
        self.entries[key] = result
        self.used[key] = result

    def save(self, folder: Path) -> None:
        """Write the pages this build used into `folder` (the index being built)."""
        if not self.used:
            return
        rows = (
            json.dumps(
                {"key": k, "text": v.text, "confidence": v.confidence, "words": v.words},
                ensure_ascii=False,
            )
            for k, v in sorted(self.used.items())
        )
        (folder / CACHE_FILE).write_text("\n".join(rows) + "\n", encoding="utf-8")
