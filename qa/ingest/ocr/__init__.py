"""Repair OCR damage in Vietnamese text, using the syllable model and clean text as evidence.

`tokens` judges words (syllable, abbreviation, damage), `evidence` counts clean syllables and
pairs, `candidates` proposes what a damaged word may have been, `repair` decodes the best
reading; `evidence_file` is the bundled table of counts that makes repair corpus-independent.
"""

from qa.ingest.ocr.evidence import PairEvidence
from qa.ingest.ocr.repair import repair_ocr
from qa.ingest.ocr.tokens import DAMAGE_THRESHOLD, count_invalid_syllables, looks_ocr_damaged

__all__ = [
    "DAMAGE_THRESHOLD",
    "PairEvidence",
    "count_invalid_syllables",
    "looks_ocr_damaged",
    "repair_ocr",
]
