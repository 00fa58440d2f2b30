"""The bundled OCR evidence: syllable and syllable-pair counts of clean Vietnamese text.

Why: OCR repair (`qa.ingest.ocr`) chooses between candidate spellings by how often each syllable and
each pair of neighbouring syllables occurs in clean text ("cấp tỉnh", never "cấp tinh"). When
those counts came from the other documents of the corpus, removing one document changed the
repaired text of another and re-embedded 29 of its 30 passages. The counts are now made once
from reference text and shipped in `qa/data/ocr_evidence.tsv.gz`, so a document's normalised
text depends only on itself and this file.

Reference text: the four clean documents of the seed corpus (public government text of Thái
Bình province, 2023–2024; 000, 001, 003 and 004), counted after the same reflow the documents
get; the pairs among them that are also neighbours inside a word of underthesea's 74,000-word
dictionary (Hồ Ngọc Đức's) are marked as words. Rebuild (a document that looks OCR-damaged is
refused as reference):

    .venv/bin/python -m qa.ingest.ocr.evidence_file corpus/000_*.txt corpus/001_*.txt \\
        corpus/003_*.txt corpus/004_*.txt

Format: gzip-compressed UTF-8 TSV, one record a line, "#" lines are comments:
`s syllable count`, `p left right count`, `a abbreviation`, `l loanword` (a word of the clean
text that is no syllable, such as "logistics": never taken for damage), `w left right` (a
counted pair that is a dictionary word).
"""

from __future__ import annotations

import gzip
import logging
import sys
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from qa import DATA_DIR
from qa.ingest.ocr import PairEvidence, looks_ocr_damaged

log = logging.getLogger(__name__)

EVIDENCE_FILE = DATA_DIR / "ocr_evidence.tsv.gz"
_HEADER = (
    "# OCR evidence for qa.ingest.ocr: s=syllable count, p=pair count, a=abbreviation, l=loanword,"
    " w=pair that is a dictionary word\n"
    "# rebuild: python -m qa.ingest.ocr.evidence_file FILE...\n"
)


def write_evidence(evidence: PairEvidence, path: Path, sources: Sequence[str]) -> None:
    """Save counts as sorted TSV records (byte-identical for the same evidence)."""
    lines = [_HEADER, *(f"# source: {name}\n" for name in sources)]
    lines += [f"s\t{key}\t{count}\n" for key, count in sorted(evidence.syllables.items())]
    lines += [f"p\t{a}\t{b}\t{count}\n" for (a, b), count in sorted(evidence.pairs.items())]
    lines += [f"a\t{key}\n" for key in sorted(evidence.abbreviations)]
    lines += [f"l\t{key}\n" for key in sorted(evidence.loanwords)]
    lines += [f"w\t{a}\t{b}\n" for a, b in sorted(evidence.words)]
    with path.open("wb") as raw, gzip.GzipFile("", "wb", fileobj=raw, mtime=0) as stream:
        stream.write("".join(lines).encode("utf-8"))


def read_evidence(path: Path) -> PairEvidence:
    """Evidence from a file written by `write_evidence`."""
    syllables: dict[str, int] = {}
    pairs: dict[tuple[str, str], int] = {}
    abbreviations: list[str] = []
    loanwords: list[str] = []
    words: list[tuple[str, str]] = []
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        for line in stream:
            fields = line.rstrip("\n").split("\t")
            kind = fields[0]
            if kind == "s":
                syllables[fields[1]] = int(fields[2])
            elif kind == "p":
                pairs[(fields[1], fields[2])] = int(fields[3])
            elif kind == "a":
                abbreviations.append(fields[1])
            elif kind == "l":
                loanwords.append(fields[1])
            elif kind == "w":
                words.append((fields[1], fields[2]))
    return PairEvidence.from_counts(syllables, pairs, abbreviations, loanwords, words)


@lru_cache(maxsize=1)
def bundled_evidence() -> PairEvidence:
    """The shipped evidence, read once per process."""
    return read_evidence(EVIDENCE_FILE)


def dictionary_words() -> list[str]:
    """underthesea's 74,000-word dictionary, one word a string ("tài liệu"): which pairs of
    the reference text are words (`PairEvidence.words`)."""
    from qa.index.vi_tokenizers import viet_dict_74K

    return list(viet_dict_74K.words)


def build_evidence_file(paths: Sequence[Path], out: Path = EVIDENCE_FILE) -> PairEvidence:
    """Count clean reference documents into `out`; an OCR-damaged one is refused."""
    from qa.ingest.document import reference_text  # the document stage uses this module
    from qa.ingest.loaders import load_file

    texts = []
    for path in paths:
        text = reference_text(load_file(path, {}))
        if looks_ocr_damaged(text):
            raise ValueError(f"{path}: looks OCR-damaged, not clean reference text")
        texts.append(text)
    evidence = PairEvidence.from_texts(texts, dictionary_words())
    write_evidence(evidence, out, [path.name for path in paths])
    return evidence


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m qa.ingest.ocr.evidence_file FILE...`: rebuild the bundled table."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    paths = [Path(arg) for arg in (sys.argv[1:] if argv is None else argv)]
    if not paths:
        log.error("usage: python -m qa.ingest.ocr.evidence_file CLEAN_DOCUMENT...")
        return 2
    evidence = build_evidence_file(paths)
    log.info(
        "%s: %d syllable types, %d pairs (%d words), %d syllables counted",
        EVIDENCE_FILE,
        len(evidence.syllables),
        len(evidence.pairs),
        len(evidence.words),
        evidence.total,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
