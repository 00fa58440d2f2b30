"""Scanned documents: which pages need OCR, their images, Tesseract, and a cache of its output.

`Scanner.read(path, text_pages)` is the one entry point `qa.ingest.loaders` calls for PDFs and
images; it returns one `RawPage` per page, OCR'd pages carrying Tesseract's mean word confidence.
"""

from qa.ingest.scan.reader import IMAGE_SUFFIXES, SCAN_SUFFIXES, Scanner

__all__ = ["IMAGE_SUFFIXES", "SCAN_SUFFIXES", "Scanner"]
