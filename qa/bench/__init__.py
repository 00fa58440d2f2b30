"""Speed and memory: the seed-corpus and synthetic benchmarks, and OCR quality."""
