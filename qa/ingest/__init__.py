"""Stage 1 — files to documents: loaders, encodings, OCR, reflow, footnotes, headings."""
