"""Tesseract 5 with its Vietnamese model, through pytesseract's TSV output.

One call per page gives both the words with their line positions (Tesseract's line breaks are
kept for `qa.ingest.reflow`) and each word's confidence, whose mean is stored per page.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from PIL import Image

log = logging.getLogger(__name__)

LANGUAGE = "vie"
PACKAGES = "tesseract-ocr tesseract-ocr-vie"
PAGE_SEGMENTATION = "--psm 3"  # automatic layout: columns, headers and body of a decision


@dataclass(frozen=True)
class OcrText:
    """What Tesseract read on one page; `confidence` is the mean word confidence, 0–100."""

    text: str
    confidence: float
    words: int


class OcrFailed(Exception):
    """Tesseract could not read one page (timeout, crash); the message says why."""


@lru_cache(maxsize=1)
def engine_id() -> str | None:
    """`tesseract-5.3.0-vie-psm3` when Tesseract and its Vietnamese model are installed, else None.

    Part of every cache key: another engine version or model reads pages anew.
    """
    try:
        import pytesseract

        if LANGUAGE not in pytesseract.get_languages(config=""):
            return None
        version = pytesseract.get_tesseract_version()
    except Exception as exc:  # not installed, no binary (TesseractNotFoundError), broken install
        log.debug("Tesseract unavailable: %s", exc)
        return None
    return f"tesseract-{version}-{LANGUAGE}-psm{PAGE_SEGMENTATION.split()[-1]}"


def missing_message() -> str:
    """What to install, for the one-line message about skipped pages."""
    return f"OCR needs Tesseract with Vietnamese (Debian: apt-get install {PACKAGES})"


def _lines(data: dict[str, list[Any]]) -> tuple[str, list[float]]:
    """Words grouped into Tesseract's lines, a blank line between its paragraphs."""
    lines: list[str] = []
    confidences: list[float] = []
    current: tuple[int, int, int] | None = None
    for index, word in enumerate(data["text"]):
        if not str(word).strip():
            continue
        key = (data["block_num"][index], data["par_num"][index], data["line_num"][index])
        if current is None or key != current:
            if current is not None and key[:2] != current[:2]:
                lines.append("")
            lines.append(str(word).strip())
            current = key
        else:
            lines[-1] += " " + str(word).strip()
        confidence = float(data["conf"][index])
        if confidence >= 0:
            confidences.append(confidence)
    return "\n".join(lines), confidences


def read_page(image: Image.Image, timeout: float) -> OcrText:
    """OCR one page image; raises OcrFailed with a short reason."""
    import pytesseract

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # pages run in parallel: one core each
    try:
        data = pytesseract.image_to_data(
            image,
            lang=LANGUAGE,
            config=PAGE_SEGMENTATION,
            timeout=timeout,
            output_type=pytesseract.Output.DICT,
        )
    except RuntimeError as exc:  # pytesseract raises RuntimeError on its timeout
        raise OcrFailed(f"Tesseract gave up after {timeout:.0f} s ({exc})") from exc
    except (OSError, pytesseract.TesseractError) as exc:
        raise OcrFailed(f"Tesseract failed ({exc})") from exc
    text, confidences = _lines(data)
    return OcrText(text, _mean(confidences), len(confidences))


def _mean(values: Sequence[float]) -> float:
    return round(sum(values) / len(values), 1) if values else 0.0
