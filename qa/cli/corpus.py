"""`qa corpus list` and `qa corpus inspect`: what was parsed from a corpus folder, read with the
same loaders, limits and OCR as a build (the index's OCR cache is reused, nothing is written).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from qa.cli.options import add_ocr_option, add_settings_option, out, settings_with_ocr
from qa.config import DEFAULT_CORPUS, DEFAULT_INDEX


def register_corpus(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Add `qa corpus list` and `qa corpus inspect DOC`."""
    corpus = subparsers.add_parser("corpus", help="what was parsed from the corpus")
    corpus_sub = corpus.add_subparsers(dest="corpus_command", required=True)
    listing = corpus_sub.add_parser(
        "list", help="documents, dates, chunk counts, OCR repair counts"
    )
    listing.add_argument("--corpus", type=Path, default=None)
    add_ocr_option(listing)
    listing.add_argument(
        "--index", type=Path, default=DEFAULT_INDEX, help="index whose OCR cache is reused"
    )
    listing.add_argument("--json", action="store_true")
    add_settings_option(listing)
    listing.set_defaults(func=cmd_corpus_list)
    inspect = corpus_sub.add_parser(
        "inspect", help="sections, footnotes and chunks of one document"
    )
    inspect.add_argument("doc_id", help="a document id or a unique start of it, e.g. 002")
    inspect.add_argument("--corpus", type=Path, default=None)
    add_ocr_option(inspect)
    inspect.add_argument(
        "--index", type=Path, default=DEFAULT_INDEX, help="index whose OCR cache is reused"
    )
    inspect.add_argument("--chunks", action="store_true", help="print chunk texts too")
    inspect.add_argument("--json", action="store_true")
    add_settings_option(inspect)
    inspect.set_defaults(func=cmd_corpus_inspect)
    return corpus


def _scanner(args: argparse.Namespace) -> Any:
    """OCR for `qa corpus`: pages already read into the index's OCR cache are not read again."""
    from qa.ingest.scan import Scanner
    from qa.ingest.scan.cache import OcrCache

    return Scanner(settings_with_ocr(args), OcrCache.load(args.index))


def cmd_corpus_list(args: argparse.Namespace) -> int:
    from qa.index.build import load_corpus
    from qa.index.chunk import chunk_documents

    scanner = _scanner(args)
    docs, errors = load_corpus(
        args.corpus or DEFAULT_CORPUS, settings_with_ocr(args), scanner=scanner
    )
    for warning in scanner.warnings:
        out(f"warning: {warning}", sys.stderr)
    chunks = chunk_documents(docs)
    rows = []
    for doc in docs:
        meta = doc.meta
        rows.append(
            {
                "doc_id": meta.doc_id,
                "title": meta.title,
                "date": meta.date,
                "kind": meta.kind,
                "issuer": meta.issuer,
                "chunks": sum(1 for c in chunks if c.doc_id == meta.doc_id),
                "footnotes": len(doc.footnotes),
                "title_derived": meta.title_derived,
                "date_derived": meta.date_derived,
                "invalid_syllables_before": doc.ocr.invalid_before,
                "invalid_syllables_after": doc.ocr.invalid_after,
                "encoding": meta.encoding,
                "id_note": meta.id_note,
                "scanned_pages": len(doc.ocr.pages),
            }
        )
    failed = [{"path": f.path, "reason": f.reason} for f in errors]
    if args.json:
        listing = {"documents": rows, "failed": failed, "errors": [str(f) for f in errors]}
        out(json.dumps(listing, ensure_ascii=False, indent=1))
    else:
        for row in rows:
            derived = (
                " (tự suy ra: "
                + ", ".join(k for k in ("title", "date") if row[f"{k}_derived"])
                + ")"
                if row["title_derived"] or row["date_derived"]
                else ""
            )
            ocr = (
                f"; OCR: {row['invalid_syllables_before']} → {row['invalid_syllables_after']}"
                " âm tiết lỗi"
                if row["invalid_syllables_before"]
                else ""
            )
            scan = f" [bản quét OCR: {row['scanned_pages']} tr.]" if row["scanned_pages"] else ""
            out(
                f"{row['doc_id']}  {row['date'] or '?':<10}  {row['kind']:<22}  {row['chunks']:>4}"
                f" đoạn  {row['footnotes']:>3} chú thích{scan}{ocr}{derived}"
            )
            out(f"    {row['title']}")
            for note in _file_notes(row):
                out(f"    ({note})")
        if failed:
            out(f"\nKhông đọc được ({len(failed)} tệp, không có trong chỉ mục):")
        for skipped in failed:
            out(f"  {skipped['path']} — {skipped['reason']}")
        for error in errors:
            out(f"error: {args.corpus or DEFAULT_CORPUS}/{error}", sys.stderr)
    return 1 if errors else 0


def _file_notes(row: dict[str, Any]) -> list[str]:
    """What the user should know about how a file was read: its id and its encoding."""
    notes = [row["id_note"]] if row["id_note"] else []
    if row["encoding"] not in ("", "utf-8", "utf-8-sig"):
        notes.append(f"converted from {row['encoding']} to Unicode")
    return notes


def cmd_corpus_inspect(args: argparse.Namespace) -> int:
    from qa.index.chunk import chunk_document
    from qa.ingest.corpus_files import scan_corpus
    from qa.ingest.document import parse_document
    from qa.ingest.loaders import load_file, read_catalog
    from qa.ingest.structure import format_section
    from qa.search.doc_ids import resolve_doc_id

    corpus = args.corpus or DEFAULT_CORPUS
    files = scan_corpus(corpus).files
    doc_id = resolve_doc_id(args.doc_id, (f.doc_id for f in files))  # `002` will do
    file = next(f for f in files if f.doc_id == doc_id)
    doc = parse_document(
        load_file(file, read_catalog(corpus), settings_with_ocr(args), _scanner(args))
    )
    chunks = chunk_document(doc)
    if args.json:
        out(
            json.dumps(
                {
                    "meta": asdict(doc.meta),
                    "ocr": asdict(doc.ocr),
                    "sections": sorted(
                        {format_section(p.section) for p in doc.paragraphs if p.role == "heading"}
                    ),
                    "footnotes": [asdict(f) for f in doc.footnotes],
                    "chunks": [asdict(c) for c in chunks],
                },
                ensure_ascii=False,
                indent=1,
            )
        )
        return 0
    meta = doc.meta
    out(
        f"{meta.doc_id}: {meta.title}\n"
        f"  ngày {meta.date}, {meta.kind}, {meta.issuer}, nguồn {meta.source_path}"
    )
    for note in _file_notes(asdict(meta)):
        out(f"  ({note})")
    if doc.ocr.invalid_before:
        out(
            f"  OCR: {doc.ocr.syllables} âm tiết; không hợp lệ {doc.ocr.invalid_before}"
            f" → {doc.ocr.invalid_after} sau sửa ({doc.ocr.repaired} đã sửa)"
        )
        out("  còn lại: " + ", ".join(doc.ocr.remaining))
    for page in doc.ocr.pages:
        out(
            f"  tr. {page.number} (OCR): độ tin cậy {page.confidence:.1f}; âm tiết không hợp lệ"
            f" {page.invalid_before} → {page.invalid_after} / {page.syllables}"
        )
    out("\nMục:")
    for p in doc.paragraphs:
        if p.role == "heading":
            out("  " * (len(p.section) - 1) + f"- {p.section[-1]}")
    out(f"\nChú thích ({len(doc.footnotes)}):")
    for f in doc.footnotes:
        out(f"  [{f.number}] {f.text[:150]}{'…' if len(f.text) > 150 else ''}")
    out(f"\nĐoạn ({len(chunks)}):")
    for c in chunks:
        kind = f" chú thích {c.footnote}" if c.footnote else ""
        out(f"  {c.chunk_id} [{c.start}:{c.end}] {len(c.text.split())} từ{kind} — {c.section}")
        if args.chunks:
            out("    " + c.text.replace("\n", "\n    "))
    return 0
