"""When a page needs OCR: it has no text layer, or the layer it has is junk.

Why: a scanned decision often carries an invisible text layer from a poor OCR engine or a
legacy-font export ("Quy Õt ®Þnh"): its words are mostly not Vietnamese syllables, which the
syllable model sees at once, so the page is read again from its image.
"""

from __future__ import annotations

from qa.ingest.ocr import count_invalid_syllables

OCR_MODES = ("auto", "always", "never")
MIN_LAYER_SYLLABLES = 10  # fewer syllables than this on a page: no real text layer


def needs_ocr(layer: str, mode: str, junk_share: float) -> bool:
    """Should this page be read from its image? `layer` is its text layer ("" if none).

    >>> needs_ocr("", "auto", 0.05)
    True
    >>> needs_ocr("Ủy ban nhân dân tỉnh Thái Bình báo cáo kết quả thực hiện nhiệm vụ", "auto", 0.05)
    False
    """
    if mode == "never":
        return False
    if mode == "always":
        return True
    total, invalid = count_invalid_syllables(layer)
    return total < MIN_LAYER_SYLLABLES or invalid / total > junk_share
