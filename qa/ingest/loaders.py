"""Load documents from a corpus folder: files → raw pages + catalog metadata.

Supported: .txt, .md (UTF-8/16/32 or a legacy Vietnamese encoding, see `qa.ingest.encodings`), .pdf
(pypdf, page numbers kept), .docx (python-docx), and scans: PDF pages without a good text layer
and .png/.jpg/.tif images go through `qa.ingest.scan`. Which files and which ids:
`qa.ingest.corpus_files`.
Metadata comes from `catalog.toml`; where a document has no entry, title and date are
derived from its text (`derive_title`, `derive_date`) and flagged as derived. A file over the
size limits of `Settings` is refused before it is read, so memory stays bounded.
"""

from __future__ import annotations

import hashlib
import logging
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.config import Settings
from qa.errors import CorpusError
from qa.ingest.corpus_files import CorpusFile, scan_corpus
from qa.ingest.encodings import UndecodableText, decode_text
from qa.ingest.scan import SCAN_SUFFIXES, Scanner
from qa.models import DocumentMeta, RawPage
from qa.text.dates import DATELINE, FULL_DATE, full_date

log = logging.getLogger(__name__)

CATALOG_NAME = "catalog.toml"
TEXT_SUFFIXES = (".txt", ".md")
MB = 1_000_000
_HASH_BLOCK = 1 << 20


@dataclass(frozen=True)
class LoadedFile:
    """A file's pages and metadata, plus a fingerprint of its bytes for incremental indexing."""

    meta: DocumentMeta
    pages: tuple[RawPage, ...]
    fingerprint: str


@dataclass(frozen=True)
class Extracted:
    """What a loader read: the pages, and for a text file the encoding it was decoded from."""

    pages: tuple[RawPage, ...]
    encoding: str = ""


def file_fingerprint(path: Path) -> str:
    """SHA-256 of the file's bytes (16 hex digits), read in 1 MB blocks: flat memory."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(_HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()[:16]


def check_size(path: Path, settings: Settings) -> None:
    """CorpusError naming the file and the setting when it is over the limit; reads nothing.

    Why: a 30 MB text file once ran 20 minutes at 4 GB before anyone noticed.
    """
    text = path.suffix.lower() in TEXT_SUFFIXES
    name = "max_text_mb" if text else "max_pdf_docx_mb"
    limit: float = getattr(settings, name)
    size = path.stat().st_size
    if size > limit * MB:
        kind = "text" if text else path.suffix.lower().lstrip(".").upper()
        raise CorpusError(
            f"{path}: {size / MB:.1f} MB, over the {limit:g} MB limit for {kind} files "
            f"(setting {name}; raise it with --settings)"
        )


def _check_text_length(path: Path, chars: int, max_chars: int | None) -> None:
    """The text taken out of a PDF/DOCX is held to the text limit too."""
    if max_chars is not None and chars > max_chars:
        raise CorpusError(
            f"{path}: more than {max_chars / MB:g} MB of text extracted "
            "(setting max_text_mb; raise it with --settings)"
        )


def load_text_file(path: Path, max_chars: int | None = None) -> Extracted:
    """UTF-8/16/32 or Windows-1258/TCVN3/VNI, detected and converted to NFC (`qa.ingest.encodings`).

    `max_chars` is there for the common loader signature: `check_size` already held the
    file's bytes, hence its characters, to the text limit.
    """
    try:
        decoded = decode_text(path.read_bytes())
    except UndecodableText as exc:
        raise CorpusError(f"{path}: {exc}") from exc
    if decoded.converted:
        log.info("%s: converted from %s", path, decoded.encoding)
    return Extracted((RawPage(decoded.text),), decoded.encoding)


def load_pdf(path: Path, max_chars: int | None = None) -> Extracted:
    """One RawPage per PDF page so citations can name the page."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    pages: list[RawPage] = []
    chars = 0
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise CorpusError(f"{path}: password-protected PDF; save it without a password")
        for number, page in enumerate(reader.pages, start=1):
            pages.append(RawPage(page.extract_text() or "", number))
            chars += len(pages[-1].text)
            _check_text_length(path, chars, max_chars)
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise CorpusError(f"{path}: corrupt or unreadable PDF ({exc})") from exc
    return Extracted(tuple(pages))


def load_docx(path: Path, max_chars: int | None = None) -> Extracted:
    """Paragraphs become blank-line separated blocks; Word headings become markdown headings.

    A file that is no zip (`PackageNotFoundError`) or holds broken XML (lxml's
    `XMLSyntaxError`, a `SyntaxError`) is a CorpusError too, so one bad file never stops a build.
    """
    import zipfile

    import docx
    from docx.opc.exceptions import OpcError

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, OpcError, SyntaxError, KeyError, ValueError, OSError) as exc:
        raise CorpusError(f"{path}: corrupt or unreadable DOCX ({exc})") from exc
    blocks: list[str] = []
    chars = 0
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        style = paragraph.style.name if paragraph.style is not None else ""
        level = re.match(r"Heading (\d)", style or "")
        blocks.append(f"{'#' * int(level.group(1))} {text}" if level else text)
        chars += len(text)
        _check_text_length(path, chars, max_chars)
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells if cell.text.strip()]
            if cells:
                blocks.append(" | ".join(cells))
                chars += len(blocks[-1])
                _check_text_length(path, chars, max_chars)
    return Extracted((RawPage("\n\n".join(blocks)),))


LOADERS = {".txt": load_text_file, ".md": load_text_file, ".pdf": load_pdf, ".docx": load_docx}

_DATE_SIGNED = re.compile(r"^[^\S\n]*" + DATELINE.pattern, re.IGNORECASE | re.MULTILINE)
_DATE_ADOPTED = re.compile(r"thông\s+qua\s+" + FULL_DATE.pattern, re.IGNORECASE)
_DATE_MONTH = re.compile(r"tháng\s+(\d{1,2})(?:\s*[,;]?[^.\n]{0,40}?)?\s+năm\s+(\d{4})", re.I)
_DATE_MONTHS_OF_YEAR = re.compile(r"(\d{1,2})\s+tháng\s+(?:đầu\s+)?năm\s+(\d{4})", re.I)
_DATE_LINE = re.compile(r"ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}\s*$", re.I)
TITLE_MIN_CHARS = 60  # a shorter first line (`NGHỊ QUYẾT`) is joined with the next ones


def derive_date(text: str) -> str | None:
    """The document's date: its signing line, else its adoption, else its reporting period.

    "Thái Bình, ngày 19 tháng 5 năm 2023" → "2023-05-19"; "tháng 01, … năm 2024" → "2024-01";
    "9 tháng năm 2023" (a nine-month report) → "2023-09". A resolution states its adoption
    at the end (`… thông qua ngày 08 tháng 12 năm 2023`); its first full dates are the laws
    it cites (`Luật … ngày 19 tháng 6 năm 2015`), so a bare full date is the last resort,
    and then the latest one: a document is never older than what it cites.
    """
    text = unicodedata.normalize("NFC", text)
    head = text[:3000]
    for found in (_DATE_SIGNED.search(head), _DATE_ADOPTED.search(text[-3000:])):
        if found and (date := full_date(found)):
            return date
    head = FULL_DATE.sub(" ", head)  # `tháng 6 năm 2015` of a full date is no period
    if match := _DATE_MONTHS_OF_YEAR.search(head[:400]):
        months, year = int(match.group(1)), int(match.group(2))
        if 1 <= months <= 12:
            return f"{year:04d}-{months:02d}"
    if match := _DATE_MONTH.search(head[:400]):
        month, year = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12:
            return f"{year:04d}-{month:02d}"
    dates = [date for m in FULL_DATE.finditer(text[:3000]) if (date := full_date(m))]
    return max(dates) if dates else None


def derive_title(text: str, fallback: str) -> str:
    """The first heading-like line, markdown `#`/bold stripped, skipping the place-and-date line;
    a short one is joined with the next lines (`NGHỊ QUYẾT` + `Về mục tiêu, nhiệm vụ …`).
    """
    title = ""
    for raw in unicodedata.normalize("NFC", text).splitlines():
        line = re.sub(r"^#+\s*|\*+", "", raw).strip()
        if not line or re.match(r"^[\d\s./-]+$", line) or _DATE_LINE.search(line):
            continue
        if title and (line.endswith(".") or re.match(r"^(?:\d|[IVX]+\.|Phần)", line)):
            break  # the body or the first section has started
        title = f"{title} {line}".strip()
        if len(title) >= TITLE_MIN_CHARS or title.endswith("."):
            break
    if len(title) < 8:
        return fallback
    title = title.rstrip(" ;:")
    return title if len(title) <= 200 else title[:200].rsplit(" ", 1)[0] + "…"


def read_catalog(folder: Path) -> dict[str, dict[str, Any]]:
    """`catalog.toml`: one table per document id. A broken catalog is an error, not ignored."""
    path = folder / CATALOG_NAME
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path}: invalid TOML ({exc})") from exc
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror})") from exc
    return {str(key): value for key, value in data.items() if isinstance(value, dict)}


def load_file(
    path: Path | CorpusFile,
    catalog: dict[str, dict[str, Any]],
    settings: Settings | None = None,
    scanner: Scanner | None = None,
) -> LoadedFile:
    """Read one file (a bare path gets its stem as id) and attach its metadata.

    Raises CorpusError naming the file: too big, unreadable, undecodable, corrupt or empty.
    """
    file = path if isinstance(path, CorpusFile) else CorpusFile(path, path.stem)
    path = file.path
    settings = settings or Settings()
    suffix = path.suffix.lower()
    try:
        check_size(path, settings)
        extracted = (
            LOADERS[suffix](path, int(settings.max_text_mb * MB))
            if suffix in LOADERS
            else Extracted(())
        )
        if suffix in SCAN_SUFFIXES:
            scanned = (scanner or Scanner(settings)).read(path, extracted.pages)
            extracted = Extracted(scanned, extracted.encoding)
        fingerprint = file_fingerprint(path)
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror})") from exc
    text = "\n".join(page.text for page in extracted.pages)
    if not text.strip():
        raise CorpusError(f"{path}: empty document (no text found)")
    entry = catalog.get(file.doc_id, {})
    title = str(entry.get("title") or derive_title(text, file.doc_id))
    date = entry.get("date")
    derived_date = derive_date(text) if not date else None
    meta = DocumentMeta(
        doc_id=file.doc_id,
        title=title,
        date=str(date) if date else derived_date,
        kind=str(entry.get("kind", "tài liệu")),
        issuer=str(entry.get("issuer", "")),
        source_path=str(path),
        title_derived="title" not in entry,
        date_derived=not date,
        encoding=extracted.encoding,
        id_note=file.id_note,
    )
    return LoadedFile(meta, extracted.pages, fingerprint)


def iter_corpus(
    folder: Path,
    settings: Settings | None = None,
    on_file: Callable[[CorpusFile, int, int], None] | None = None,
    scanner: Scanner | None = None,
) -> Iterator[LoadedFile | CorpusError]:
    """Every document file, as a LoadedFile or the CorpusError that names what went wrong.

    Files are read one at a time, after `on_file(file, position, total)` (progress with the
    file's name); image files are OCR'd together first (`Scanner.prefetch`). Skipped files and
    links are logged once here; errors are returned, for the caller to report once.
    """
    catalog = read_catalog(folder)
    scan = scan_corpus(folder)
    for warning in scan.warnings:
        log.warning("%s", warning)
    if not scan.files:
        raise CorpusError(f"no .txt, .md, .pdf, .docx or scanned image files in {folder}")
    if scanner is not None:
        scanner.prefetch([file.path for file in scan.files])
    for position, file in enumerate(scan.files):
        if on_file is not None:
            on_file(file, position, len(scan.files))
        try:
            yield load_file(file, catalog, settings, scanner)
        except CorpusError as exc:
            exc.path = file.path
            yield exc
