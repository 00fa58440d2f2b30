"""Read a PDF or an image file page by page: the text layer where it is good, OCR elsewhere.

Pages needing OCR are rendered one after another and read by Tesseract processes in parallel
(at most `ocr_workers`, default all cores, with twice that many images in memory); a page
whose image was read before is taken from the cache. The pages of a folder's image files are
read together beforehand (`prefetch`), so one-page photos use every core too. Problems with one
page (too large, broken image data, Tesseract timeout) become one warning naming the file and
page; the other pages and files go on.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from qa.config import Settings
from qa.errors import CorpusError
from qa.ingest.scan.cache import OcrCache, page_key
from qa.ingest.scan.decide import needs_ocr
from qa.ingest.scan.images import PageImage, image_page_count, image_pages, pdf_pages
from qa.ingest.scan.tesseract import OcrFailed, OcrText, engine_id, missing_message, read_page
from qa.models import RawPage

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
SCAN_SUFFIXES = (".pdf", *IMAGE_SUFFIXES)

_Pending = dict[Future[OcrText], tuple[Path, int, str]]


@dataclass
class Scanner:
    """OCR for one build: its settings, the page cache, and the warnings it collected."""

    settings: Settings = field(default_factory=Settings)
    cache: OcrCache = field(default_factory=OcrCache)
    progress: bool = False
    warnings: list[str] = field(default_factory=list)
    pages_read: int = 0  # pages Tesseract read in this run (cache hits not counted)
    ocr_seconds: float = 0.0
    _failed: dict[str, str] = field(default_factory=dict)  # page key → why Tesseract failed

    def read(self, path: Path, layer: tuple[RawPage, ...]) -> tuple[RawPage, ...]:
        """Every page of `path`; `layer` is a PDF's text layer, () for an image file.

        An OCR'd page carries Tesseract's mean word confidence; a file with nothing readable
        left raises CorpusError naming it.
        """
        settings = self.settings
        if path.suffix.lower() == ".pdf":
            wanted = [
                page.number or i
                for i, page in enumerate(layer, start=1)
                if needs_ocr(page.text, settings.ocr, settings.ocr_junk_share)
            ]
        elif settings.ocr == "never":
            raise CorpusError(f"{path}: an image, not read with --ocr never")
        else:
            wanted = list(range(1, image_page_count(path) + 1))
        if not wanted:
            return layer
        if len(wanted) > settings.ocr_max_pages:
            raise CorpusError(
                f"{path}: {len(wanted)} pages to OCR, over ocr_max_pages = "
                f"{settings.ocr_max_pages}; split the file or raise the setting"
            )
        engine = engine_id()
        if engine is None:
            skipped = f"{len(wanted)} scanned page(s) skipped: {missing_message()}"
            if not any(page.text.strip() for page in layer):
                raise CorpusError(f"{path}: {skipped}")
            self.warnings.append(f"{path}: {skipped}")
            return layer
        if path.suffix.lower() == ".pdf":
            images = pdf_pages(path, wanted, settings.ocr_dpi, settings.ocr_max_pixels)
        else:
            images = image_pages(path, wanted, settings.ocr_max_pixels)
        outcome = self._ocr(((path, i) for i in images), engine, f"OCR {path.name}", len(wanted))
        problems = outcome.problems.get(path, [])
        read = {number: text for (_, number), text in outcome.read.items()}
        by_number = {page.number or i: page for i, page in enumerate(layer, start=1)}
        pages = tuple(
            RawPage(read[n].text, n, read[n].confidence)
            if n in read
            else by_number.get(n, RawPage("", n))
            for n in sorted(set(by_number) | set(wanted))
        )
        if not any(page.text.strip() for page in pages):
            detail = "; ".join(problems) or f"OCR found no text on {len(wanted)} page(s)"
            raise CorpusError(f"{path}: nothing readable; {detail}")
        self.warnings.extend(f"{path} {problem}" for problem in problems)
        return pages

    def prefetch(self, paths: Sequence[Path]) -> None:
        """Read the pages of all image files together, so that a folder of one-page photos
        keeps every core busy too; `read` then finds them in the cache. Problems are left for
        `read` to report (a page Tesseract failed on is not tried again)."""
        files = [p for p in paths if p.suffix.lower() in IMAGE_SUFFIXES]
        engine = engine_id()
        if len(files) < 2 or self.settings.ocr == "never" or engine is None:
            return
        self._ocr(self._image_files(files), engine, "OCR", total=None)

    def _image_files(self, files: Sequence[Path]) -> Iterator[tuple[Path, PageImage]]:
        for path in files:
            try:
                count = image_page_count(path)
                if count <= self.settings.ocr_max_pages:
                    numbers = range(1, count + 1)
                    pages = image_pages(path, numbers, self.settings.ocr_max_pixels)
                    yield from ((path, page) for page in pages)
            except CorpusError:
                continue  # `read` names the file

    def _ocr(
        self,
        images: Iterable[tuple[Path, PageImage]],
        engine: str,
        label: str,
        total: int | None,
    ) -> _Outcome:
        """Pages read from the cache or by Tesseract in parallel, and the pages that failed."""
        workers = max(1, self.settings.ocr_workers or os.cpu_count() or 1)
        started = time.perf_counter()
        outcome = _Outcome()
        bar = tqdm(total=total, desc=label, unit="tr", disable=not self.progress)
        with bar, ThreadPoolExecutor(max_workers=workers) as pool:
            pending: _Pending = {}
            for path, page in images:
                if page.image is None:
                    outcome.fail(path, page.number, page.problem, bar)
                    continue
                key = page_key(page.image, engine)
                cached = self.cache.get(key)
                if cached is not None or key in self._failed:
                    outcome.done(path, page.number, cached, self._failed.get(key, ""), bar)
                    continue
                timeout = self.settings.ocr_page_seconds
                pending[pool.submit(read_page, page.image, timeout)] = (path, page.number, key)
                if len(pending) >= 2 * workers:
                    self._collect(pending, outcome, bar, every=False)
            self._collect(pending, outcome, bar, every=True)
        self.ocr_seconds += time.perf_counter() - started
        return outcome

    def _collect(self, pending: _Pending, outcome: _Outcome, bar: tqdm, every: bool) -> None:
        """Take finished pages out of `pending` (all of them when `every`)."""
        done, _ = wait(pending, return_when="ALL_COMPLETED" if every else FIRST_COMPLETED)
        for future in done:
            path, number, key = pending.pop(future)
            try:
                result = future.result()
            except OcrFailed as exc:
                self._failed[key] = str(exc)
                outcome.fail(path, number, str(exc), bar)
                continue
            self.cache.put(key, result)
            self.pages_read += 1
            outcome.done(path, number, result, "", bar)
            log.info("OCR %s page %d: confidence %.1f", path, number, result.confidence)


@dataclass
class _Outcome:
    """What one round of OCR produced: text by (file, page), and problems by file."""

    read: dict[tuple[Path, int], OcrText] = field(default_factory=dict)
    problems: dict[Path, list[str]] = field(default_factory=dict)

    def done(
        self, path: Path, number: int, result: OcrText | None, failure: str, bar: tqdm
    ) -> None:
        if result is None:
            self.fail(path, number, failure, bar)
            return
        self.read[(path, number)] = result
        bar.update()

    def fail(self, path: Path, number: int, problem: str, bar: tqdm) -> None:
        self.problems.setdefault(path, []).append(f"page {number}: skipped, {problem}")
        bar.update()
