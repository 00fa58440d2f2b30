"""Load documents from a corpus folder: files → raw pages + catalog metadata.

Supported: .txt, .md (UTF-8), .pdf (pypdf, page numbers kept), .docx (python-docx).
Metadata comes from `catalog.toml`; where a document has no entry, title and date are
derived from its text (`derive_title`, `derive_date`) and flagged as derived.
"""

from __future__ import annotations

import hashlib
import logging
import re
import tomllib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.errors import CorpusError
from qa.models import DocumentMeta, RawPage

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx")
CATALOG_NAME = "catalog.toml"


@dataclass(frozen=True)
class LoadedFile:
    """A file's pages and metadata, plus a fingerprint of its bytes for incremental indexing."""

    meta: DocumentMeta
    pages: tuple[RawPage, ...]
    fingerprint: str


def load_text_file(path: Path) -> tuple[RawPage, ...]:
    """UTF-8 only: a legacy-encoded file (TCVN3, VNI, cp1258) is refused, not silently garbled."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"{path}: not UTF-8 (byte {exc.start}); convert it, e.g. iconv -f CP1258 -t UTF-8"
        ) from exc
    return (RawPage(text),)


def load_pdf(path: Path) -> tuple[RawPage, ...]:
    """One RawPage per PDF page so citations can name the page."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path)
        return tuple(
            RawPage(page.extract_text() or "", number)
            for number, page in enumerate(reader.pages, start=1)
        )
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise CorpusError(f"{path}: corrupt or unreadable PDF ({exc})") from exc


def load_docx(path: Path) -> tuple[RawPage, ...]:
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
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        style = paragraph.style.name if paragraph.style is not None else ""
        level = re.match(r"Heading (\d)", style or "")
        blocks.append(f"{'#' * int(level.group(1))} {text}" if level else text)
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells if cell.text.strip()]
            if cells:
                blocks.append(" | ".join(cells))
    return (RawPage("\n\n".join(blocks)),)


LOADERS = {".txt": load_text_file, ".md": load_text_file, ".pdf": load_pdf, ".docx": load_docx}

_DATE_FULL = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_DATE_SIGNED = re.compile(r"^[^\S\n]*[\w .]{2,40},\s*" + _DATE_FULL.pattern, re.IGNORECASE | re.M)
_DATE_ADOPTED = re.compile(r"thông\s+qua\s+" + _DATE_FULL.pattern, re.IGNORECASE)
_DATE_MONTH = re.compile(r"tháng\s+(\d{1,2})(?:\s*[,;]?[^.\n]{0,40}?)?\s+năm\s+(\d{4})", re.I)
_DATE_MONTHS_OF_YEAR = re.compile(r"(\d{1,2})\s+tháng\s+(?:đầu\s+)?năm\s+(\d{4})", re.I)
_DATE_LINE = re.compile(r"ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}\s*$", re.I)
TITLE_MIN_CHARS = 60  # a shorter first line (`NGHỊ QUYẾT`) is joined with the next ones


def _full_date(match: re.Match[str]) -> str | None:
    day, month, year = (int(g) for g in match.groups()[-3:])
    if 1 <= month <= 12 and 1 <= day <= 31:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return None


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
        if found and (date := _full_date(found)):
            return date
    head = _DATE_FULL.sub(" ", head)  # `tháng 6 năm 2015` of a full date is no period
    if match := _DATE_MONTHS_OF_YEAR.search(head[:400]):
        months, year = int(match.group(1)), int(match.group(2))
        if 1 <= months <= 12:
            return f"{year:04d}-{months:02d}"
    if match := _DATE_MONTH.search(head[:400]):
        month, year = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12:
            return f"{year:04d}-{month:02d}"
    dates = [date for m in _DATE_FULL.finditer(text[:3000]) if (date := _full_date(m))]
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


def corpus_files(folder: Path) -> list[Path]:
    """Supported files directly in `folder`, sorted by name."""
    if not folder.is_dir():
        raise CorpusError(f"corpus folder not found: {folder}")
    return sorted(
        p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
    )


def load_file(path: Path, catalog: dict[str, dict[str, Any]]) -> LoadedFile:
    """Read one file and attach its metadata; raises CorpusError naming the file."""
    try:
        pages = LOADERS[path.suffix.lower()](path)
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror})") from exc
    text = "\n".join(page.text for page in pages)
    if not text.strip():
        raise CorpusError(f"{path}: empty document (no text found)")
    doc_id = path.stem
    entry = catalog.get(doc_id, {})
    title = str(entry.get("title") or derive_title(text, doc_id))
    date = entry.get("date")
    derived_date = derive_date(text) if not date else None
    meta = DocumentMeta(
        doc_id=doc_id,
        title=title,
        date=str(date) if date else derived_date,
        kind=str(entry.get("kind", "tài liệu")),
        issuer=str(entry.get("issuer", "")),
        source_path=str(path),
        title_derived="title" not in entry,
        date_derived=not date,
    )
    return LoadedFile(meta, pages, hashlib.sha256(data).hexdigest()[:16])


def iter_corpus(folder: Path) -> Iterator[LoadedFile | CorpusError]:
    """Every supported file, as a LoadedFile or the CorpusError that names what went wrong."""
    catalog = read_catalog(folder)
    files = corpus_files(folder)
    if not files:
        raise CorpusError(f"no .txt, .md, .pdf or .docx files in {folder}")
    for path in files:
        try:
            yield load_file(path, catalog)
        except CorpusError as exc:
            log.warning("%s", exc)
            exc.path = path
            yield exc
