"""How well scans are read: seed pages rendered, degraded as a scanner does, OCR'd, repaired.

Each page is typeset from the body text of a clean seed document (`qa.ingest.scan.render`), then
rotated slightly, blurred and speckled (fixed random seed), at 200 and 300 dpi. Tesseract reads
it; `qa.ingest.ocr.repair_ocr` repairs it with the *other* clean documents (and the dictionary
that marks their word pairs) as evidence (the page's own document is left out, so the repair
never sees the answer).
Reported per resolution: character
error rate against the typeset text (Levenshtein distance / reference length, whitespace
collapsed, from `rapidfuzz`), the share of invalid syllables before and after repair, and
pages per second with all cores reading in parallel.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageFilter
from rapidfuzz.distance import Levenshtein

from qa.config import Settings
from qa.errors import ConfigError
from qa.index.build import load_corpus
from qa.ingest.loaders import CATALOG_NAME
from qa.ingest.ocr import PairEvidence, count_invalid_syllables, looks_ocr_damaged, repair_ocr
from qa.ingest.ocr.evidence_file import dictionary_words
from qa.ingest.scan.render import paginate, render_page
from qa.ingest.scan.tesseract import engine_id, missing_message, read_page
from qa.models import ParsedDocument

RESOLUTIONS = (200, 300)
MAX_ROTATION = 1.0  # degrees either way
BLUR_AT_300 = 0.7  # Gaussian radius in pixels at 300 dpi, scaled with the resolution
SPECKLE = 0.002  # share of pixels flipped to black or white
SEED = 12
_SUPERSCRIPTS = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹]")


@dataclass(frozen=True)
class ResolutionResult:
    """Figures for the pages read at one resolution."""

    dpi: int
    pages: int
    characters: int
    cer_ocr: float
    cer_repaired: float
    invalid_source: float
    invalid_ocr: float
    invalid_repaired: float
    pages_per_second: float


def degrade(page: Image.Image, dpi: int, rng: np.random.Generator) -> Image.Image:
    """A slightly rotated, blurred, speckled copy, as a flatbed scan of a printed page."""
    angle = float(rng.uniform(-MAX_ROTATION, MAX_ROTATION))
    tilted = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    blurred = tilted.filter(ImageFilter.GaussianBlur(BLUR_AT_300 * dpi / 300))
    pixels = np.asarray(blurred).copy()
    flipped = rng.random(pixels.shape) < SPECKLE
    pixels[flipped] = rng.choice(np.array([0, 255], dtype=np.uint8), size=int(flipped.sum()))
    return Image.fromarray(pixels)


def write_scanned_corpus(corpus: Path, out: Path, dpi: int = 300) -> int:
    """Every text file of `corpus` typeset, degraded and saved as an image-only PDF of the same
    name in `out` (with the catalog), for comparing search on scans with search on the text.
    Returns the number of pages written."""
    out.mkdir(parents=True, exist_ok=True)
    if (corpus / CATALOG_NAME).is_file():
        shutil.copy(corpus / CATALOG_NAME, out / CATALOG_NAME)
    rng = np.random.default_rng(SEED)
    written = 0
    for path in sorted(corpus.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        pages = [degrade(render_page(lines, dpi), dpi, rng) for lines in paginate(text, 10**6)]
        pages[0].save(
            out / f"{path.stem}.pdf", "PDF", resolution=dpi, save_all=True, append_images=pages[1:]
        )
        written += len(pages)
    return written


def _body(doc: ParsedDocument) -> str:
    paragraphs = (p.text for p in doc.paragraphs if p.role != "footnote")
    return "\n".join(_SUPERSCRIPTS.sub("", text) for text in paragraphs)


def _source_pages(docs: Sequence[ParsedDocument], pages: int) -> list[tuple[str, list[str]]]:
    """(doc_id, lines) for `pages` pages taken in turn from each clean document's body."""
    paginated = [(d.meta.doc_id, paginate(_body(d), pages)) for d in docs]
    chosen: list[tuple[str, list[str]]] = []
    for turn in range(pages):
        for doc_id, doc_pages in paginated:
            if turn < len(doc_pages) and len(chosen) < pages:
                chosen.append((doc_id, doc_pages[turn]))
    return chosen


def _flat(text: str) -> str:
    return " ".join(text.split())


def _invalid_share(texts: Sequence[str]) -> float:
    total, invalid = count_invalid_syllables("\n".join(texts))
    return invalid / total if total else 0.0


def _cer(references: Sequence[str], hypotheses: Sequence[str]) -> float:
    edits = sum(
        Levenshtein.distance(_flat(r), _flat(h))
        for r, h in zip(references, hypotheses, strict=True)
    )
    return edits / max(1, sum(len(_flat(r)) for r in references))


def _read_all(images: Sequence[Image.Image], settings: Settings) -> tuple[list[str], float]:
    workers = max(1, settings.ocr_workers or len(images))
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=min(workers, len(images))) as pool:
        texts = [
            r.text for r in pool.map(lambda i: read_page(i, settings.ocr_page_seconds), images)
        ]
    return texts, time.perf_counter() - started


def run_ocr_bench(corpus: Path, pages: int = 6, settings: Settings | None = None) -> dict[str, Any]:
    """Render, degrade, OCR and repair `pages` seed pages at each resolution; return figures."""
    settings = settings or Settings()
    engine = engine_id()
    if engine is None:
        raise ConfigError(missing_message())
    docs, _ = load_corpus(corpus)
    clean = [d for d in docs if not looks_ocr_damaged(d.text)]
    sources = _source_pages(clean, pages)
    if not sources:
        raise ConfigError(f"no clean document text in {corpus} to render")
    references = ["\n".join(lines) for _, lines in sources]
    dictionary = dictionary_words()
    evidence = {
        d.meta.doc_id: PairEvidence.from_texts((o.text for o in clean if o is not d), dictionary)
        for d in clean
    }
    results = []
    for dpi in RESOLUTIONS:
        rng = np.random.default_rng(SEED)
        images = [degrade(render_page(lines, dpi), dpi, rng) for _, lines in sources]
        read, seconds = _read_all(images, settings)
        repaired = [
            repair_ocr(text, evidence[doc_id])[0]
            for text, (doc_id, _) in zip(read, sources, strict=True)
        ]
        results.append(
            ResolutionResult(
                dpi=dpi,
                pages=len(images),
                characters=sum(len(_flat(r)) for r in references),
                cer_ocr=round(_cer(references, read), 4),
                cer_repaired=round(_cer(references, repaired), 4),
                invalid_source=round(_invalid_share(references), 4),
                invalid_ocr=round(_invalid_share(read), 4),
                invalid_repaired=round(_invalid_share(repaired), 4),
                pages_per_second=round(len(images) / seconds, 3),
            )
        )
    return {
        "engine": engine,
        "documents": sorted({doc_id for doc_id, _ in sources}),
        "degradation": {
            "rotation_degrees": MAX_ROTATION,
            "blur_radius_at_300dpi": BLUR_AT_300,
            "speckle": SPECKLE,
            "seed": SEED,
        },
        "resolutions": [asdict(r) for r in results],
    }


def ocr_bench_text(result: dict[str, Any]) -> str:
    """The figures as a small table for the terminal (and eval/BENCHMARKS.md)."""
    lines = [
        f"OCR quality ({result['engine']}; pages from {', '.join(result['documents'])})",
        "| dpi | pages | CER OCR | CER repaired | invalid syllables source / OCR / repaired "
        "| pages/s |",
        "|---:|---:|---:|---:|---|---:|",
    ]
    for r in result["resolutions"]:
        lines.append(
            f"| {r['dpi']} | {r['pages']} | {r['cer_ocr']:.2%} | {r['cer_repaired']:.2%} "
            f"| {r['invalid_source']:.2%} / {r['invalid_ocr']:.2%} / {r['invalid_repaired']:.2%} "
            f"| {r['pages_per_second']:.2f} |"
        )
    return "\n".join(lines) + "\n"
