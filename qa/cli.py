"""`qa` command line: a thin face over the library (index, search, ask, corpus, eval, bench).

Every user-caused failure ends as one line on stderr and a non-zero exit status.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict
from functools import partial
from pathlib import Path
from typing import Any, TextIO, TypeVar

from qa.cli_options import add_settings_option, settings_from_args
from qa.config import DEFAULT_CORPUS, DEFAULT_EMBEDDER, DEFAULT_INDEX, Settings
from qa.errors import QAError, QueryError

log = logging.getLogger("qa")
T = TypeVar("T")


def _out(text: str = "", stream: TextIO | None = None) -> None:
    (stream or sys.stdout).write(text + "\n")


def _add_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--index", type=Path, default=DEFAULT_INDEX, help="index folder (default: %(default)s)"
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        default=None,
        help="corpus folder (default: corpus/, or the one the index was built from)",
    )
    add_settings_option(parser)


def _add_query_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("question", nargs="?", help='the question, e.g. "tiến độ KCN Hải Long?"')
    parser.add_argument(
        "--k", type=int, default=10, help="number of passages (default: %(default)s)"
    )
    parser.add_argument(
        "--mode", default="hybrid", help="bm25 | dense | hybrid (default: %(default)s)"
    )
    parser.add_argument(
        "--doc", action="append", default=[], metavar="ID", help="only this document (repeatable)"
    )
    parser.add_argument(
        "--kind", action="append", default=[], help="only documents of this kind (repeatable)"
    )
    parser.add_argument("--after", help="only documents dated on/after this ISO date")
    parser.add_argument("--before", help="only documents dated on/before this ISO date")
    parser.add_argument("--json", action="store_true", help="print the JSON contract object")
    parser.add_argument(
        "--batch", metavar="FILE", help="one question per line ('-' = stdin); JSON Lines out"
    )
    _add_paths(parser)


def _add_ocr_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ocr",
        choices=("auto", "always", "never"),
        default=None,
        help="read pages with Tesseract: auto = scans and junk text layers (default: setting ocr)",
    )


def _searcher(args: argparse.Namespace) -> Any:
    from qa.retrieve import Searcher

    searcher = Searcher(args.index, settings=settings_from_args(args))
    corpus = args.corpus or Path(searcher.manifest.get("corpus", DEFAULT_CORPUS))
    searcher.check_corpus(corpus)
    failed = sorted(searcher.manifest.get("failed", {}))
    if failed:
        _out(
            f"note: {len(failed)} file(s) could not be indexed ({', '.join(failed[:3])}"
            f"{'…' if len(failed) > 3 else ''}); see: qa corpus list --corpus {corpus}",
            sys.stderr,
        )
    return searcher


def _filters(args: argparse.Namespace) -> Any:
    from qa.retrieve import Filters

    doc_ids = tuple(unicodedata.normalize("NFC", doc) for doc in args.doc)  # ids are NFC
    return Filters(doc_ids, tuple(args.kind), args.after, args.before)


def _questions(args: argparse.Namespace) -> Iterator[str]:
    if args.batch:
        if args.question:
            raise QueryError("give either a question or --batch FILE, not both")
        yield from _batch_lines(args.batch)
        return
    if args.question is None:
        raise QueryError('missing question, e.g. qa search "tiến độ KCN Hải Long?"')
    yield args.question


def _batch_lines(name: str) -> Iterator[str]:
    """Non-blank lines of a batch file, read as bytes and decoded one line at a time, so the
    questions before an undecodable (binary) line are answered before its error stops the run."""
    try:
        handle = sys.stdin.buffer if name == "-" else open(name, "rb")  # noqa: SIM115
    except OSError as exc:
        raise QueryError(f"cannot read batch file {name}: {exc.strerror}") from exc
    with handle:
        try:
            for number, raw in enumerate(handle, start=1):
                try:
                    line = raw.decode("utf-8-sig" if number == 1 else "utf-8").strip()
                except UnicodeDecodeError as exc:
                    raise QueryError(
                        f"batch file {name}, line {number}: not UTF-8 text (byte {exc.start + 1})"
                    ) from exc
                if line:
                    yield line
        except OSError as exc:
            raise QueryError(f"cannot read batch file {name}: {exc.strerror}") from exc


def _each(
    args: argparse.Namespace, searcher: Any, run: Callable[[str], T]
) -> Iterator[tuple[str, T]]:
    """Each question with `run(question)`, a long one cut to its key words with a note on
    stderr; in batch mode a bad question becomes an error line
    (`{"query", "error"}`) and the batch goes on."""
    for question in _questions(args):
        try:
            query = searcher.prepare_query(question)
            if query.notice:
                _out(f"note: {query.notice}", sys.stderr)
            yield question, run(query.text)
        except QueryError as exc:
            if not args.batch:
                raise
            _out(json.dumps({"query": question, "error": str(exc)}, ensure_ascii=False))


def _settings(args: argparse.Namespace) -> Settings:
    """`--settings` with `--ocr` applied on top."""
    settings = settings_from_args(args) or Settings()
    return settings.updated({"ocr": args.ocr}) if getattr(args, "ocr", None) else settings


def _scanner(args: argparse.Namespace) -> Any:
    """OCR for `qa corpus`: pages already read into the index's OCR cache are not read again."""
    from qa.scan import Scanner
    from qa.scan.cache import OcrCache

    return Scanner(_settings(args), OcrCache.load(args.index))


def cmd_index(args: argparse.Namespace) -> int:
    from qa.index import build_index

    corpus = args.corpus or DEFAULT_CORPUS
    report = build_index(corpus, args.index, args.embedder, _settings(args), not args.quiet)
    for failed in report.errors:
        _out(f"warning: skipped {corpus / failed.path}: {failed.reason}", sys.stderr)
    for warning in report.warnings:
        _out(f"warning: {warning}", sys.stderr)
    if report.ocr_pages:
        rate = report.ocr_pages / report.ocr_seconds if report.ocr_seconds > 0 else 0.0
        _out(f"OCR: {report.ocr_pages} pages in {report.ocr_seconds:.1f} s ({rate:.2f} pages/s)")
    rate = report.embedded / report.embed_seconds if report.embed_seconds > 0 else 0.0
    _out(
        f"indexed {report.documents} documents, {report.chunks} passages into {args.index} "
        f"in {report.seconds:.1f} s (embedded {report.embedded} new, reused {report.reused}"
        + (f", {rate:.1f} passages/s" if report.embedded else "")
        + ")"
    )
    return 1 if report.errors else 0


def cmd_search(args: argparse.Namespace) -> int:
    from qa.highlight import mark, snippet
    from qa.serialize import search_to_dict

    searcher = _searcher(args)
    filters = _filters(args)
    search = partial(searcher.search, k=args.k, mode=args.mode, filters=filters)
    for question, hits in _each(args, searcher, search):
        if args.json or args.batch:
            _out(json.dumps(search_to_dict(question, args.mode, hits), ensure_ascii=False))
            continue
        if not hits:
            _out("Không tìm thấy đoạn văn nào phù hợp.")
        for hit in hits:
            text = snippet(hit.chunk.text.replace("\n", " "), hit.terms)
            shown = mark(text, hit.terms, lambda s: f"«{s}»")
            page = f" tr.{hit.chunk.page}" if hit.chunk.page else ""
            _out(
                f"{hit.rank:>2}. [{hit.score:.3f}] {hit.doc.doc_id} ({hit.doc.date or '?'}){page}"
                f" — {hit.chunk.section or '(đầu văn bản)'}"
            )
            _out(f"    {shown}")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from qa.ask import ask
    from qa.llm import LLMConfig
    from qa.serialize import answer_to_dict

    searcher = _searcher(args)
    deadline = searcher.settings.llm_deadline_seconds
    llm = None if args.no_llm else LLMConfig.from_env(timeout=deadline)
    filters = _filters(args)

    def run(question: str) -> Any:
        return ask(searcher, question, k=args.k, mode=args.mode, filters=filters, llm=llm)

    for _, answer in _each(args, searcher, run):
        if args.json or args.batch:
            _out(json.dumps(answer_to_dict(answer), ensure_ascii=False))
            continue
        _print_answer(answer)
    return 0


def _print_answer(answer: Any) -> None:
    """The short answer (dated, newest marked, when several documents speak), then the
    citations with their full quoted sentence as the proof."""
    from qa.dates import date_label

    if answer.notice:
        _out(f"({answer.notice})")
    dated = len({line.doc_date for line in answer.lines}) > 1
    for line in answer.lines:
        when = f"({date_label(line.doc_date)}{', mới nhất' if line.latest else ''}) "
        _out(f"{when if dated else ''}{line.render()}")
    if answer.abstained:
        _out(answer.text)
    if answer.citations:
        _out("\nNguồn:")
    for c in answer.citations:
        page = f" — trang {c.page}" if c.page else ""
        latest = " (mới nhất)" if c.latest else ""
        _out(
            f"[{c.n}] {c.doc_title} — {date_label(c.doc_date)}{latest}"
            f" — {c.section or '(đầu văn bản)'}{page}"
        )
        _out(f"    “{c.quote}”")
    if answer.abstained and answer.hits:
        _out("\nĐoạn văn gần nhất:")
        for hit in answer.hits[:3]:
            _out(
                f" - {hit.doc.doc_id} ({hit.doc.date})"
                f" {hit.chunk.text[:200].replace(chr(10), ' ')}…"
            )


def cmd_corpus_list(args: argparse.Namespace) -> int:
    from qa.chunk import chunk_documents
    from qa.index import load_corpus

    scanner = _scanner(args)
    docs, errors = load_corpus(args.corpus or DEFAULT_CORPUS, _settings(args), scanner=scanner)
    for warning in scanner.warnings:
        _out(f"warning: {warning}", sys.stderr)
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
        _out(json.dumps(listing, ensure_ascii=False, indent=1))
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
            _out(
                f"{row['doc_id']}  {row['date'] or '?':<10}  {row['kind']:<22}  {row['chunks']:>4}"
                f" đoạn  {row['footnotes']:>3} chú thích{scan}{ocr}{derived}"
            )
            _out(f"    {row['title']}")
            for note in _file_notes(row):
                _out(f"    ({note})")
        if failed:
            _out(f"\nKhông đọc được ({len(failed)} tệp, không có trong chỉ mục):")
        for skipped in failed:
            _out(f"  {skipped['path']} — {skipped['reason']}")
        for error in errors:
            _out(f"error: {args.corpus or DEFAULT_CORPUS}/{error}", sys.stderr)
    return 1 if errors else 0


def _file_notes(row: dict[str, Any]) -> list[str]:
    """What the user should know about how a file was read: its id and its encoding."""
    notes = [row["id_note"]] if row["id_note"] else []
    if row["encoding"] not in ("", "utf-8", "utf-8-sig"):
        notes.append(f"converted from {row['encoding']} to Unicode")
    return notes


def cmd_corpus_inspect(args: argparse.Namespace) -> int:
    from qa.chunk import chunk_document
    from qa.corpus_scan import scan_corpus
    from qa.document import parse_document
    from qa.ingest import load_file, read_catalog
    from qa.structure import format_section

    corpus = args.corpus or DEFAULT_CORPUS
    doc_id = unicodedata.normalize("NFC", args.doc_id)  # ids are NFC; a pasted name may not be
    file = next((f for f in scan_corpus(corpus).files if f.doc_id == doc_id), None)
    if file is None:
        raise QueryError(f"unknown document id {args.doc_id!r}; see: qa corpus list")
    doc = parse_document(load_file(file, read_catalog(corpus), _settings(args), _scanner(args)))
    chunks = chunk_document(doc)
    if args.json:
        _out(
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
    _out(
        f"{meta.doc_id}: {meta.title}\n"
        f"  ngày {meta.date}, {meta.kind}, {meta.issuer}, nguồn {meta.source_path}"
    )
    for note in _file_notes(asdict(meta)):
        _out(f"  ({note})")
    if doc.ocr.invalid_before:
        _out(
            f"  OCR: {doc.ocr.syllables} âm tiết; không hợp lệ {doc.ocr.invalid_before}"
            f" → {doc.ocr.invalid_after} sau sửa ({doc.ocr.repaired} đã sửa)"
        )
        _out("  còn lại: " + ", ".join(doc.ocr.remaining))
    for page in doc.ocr.pages:
        _out(
            f"  tr. {page.number} (OCR): độ tin cậy {page.confidence:.1f}; âm tiết không hợp lệ"
            f" {page.invalid_before} → {page.invalid_after} / {page.syllables}"
        )
    _out("\nMục:")
    for p in doc.paragraphs:
        if p.role == "heading":
            _out("  " * (len(p.section) - 1) + f"- {p.section[-1]}")
    _out(f"\nChú thích ({len(doc.footnotes)}):")
    for f in doc.footnotes:
        _out(f"  [{f.number}] {f.text[:150]}{'…' if len(f.text) > 150 else ''}")
    _out(f"\nĐoạn ({len(chunks)}):")
    for c in chunks:
        kind = f" chú thích {c.footnote}" if c.footnote else ""
        _out(f"  {c.chunk_id} [{c.start}:{c.end}] {len(c.text.split())} từ{kind} — {c.section}")
        if args.chunks:
            _out("    " + c.text.replace("\n", "\n    "))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qa",
        description="Hỏi-đáp văn bản: tìm kiếm và hỏi đáp trên văn bản hành chính tiếng Việt.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", required=True)

    index = sub.add_parser("index", help="build or update the index from a corpus folder")
    _add_paths(index)
    index.add_argument(
        "--embedder",
        default=DEFAULT_EMBEDDER,
        help="e5-small | sentence-transformers:<name-or-path> (default: %(default)s)",
    )
    index.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_ocr_option(index)
    index.set_defaults(func=cmd_index)

    search = sub.add_parser("search", help="ranked passages for a question")
    _add_query_options(search)
    search.set_defaults(func=cmd_search)

    ask = sub.add_parser("ask", help="an extractive answer with citations")
    _add_query_options(ask)
    ask.set_defaults(k=5)
    ask.add_argument("--no-llm", action="store_true", help="never call QA_LLM_URL even if set")
    ask.set_defaults(func=cmd_ask)

    corpus = sub.add_parser("corpus", help="what was parsed from the corpus")
    corpus_sub = corpus.add_subparsers(dest="corpus_command", required=True)
    listing = corpus_sub.add_parser(
        "list", help="documents, dates, chunk counts, OCR repair counts"
    )
    listing.add_argument("--corpus", type=Path, default=None)
    _add_ocr_option(listing)
    listing.add_argument(
        "--index", type=Path, default=DEFAULT_INDEX, help="index whose OCR cache is reused"
    )
    listing.add_argument("--json", action="store_true")
    add_settings_option(listing)
    listing.set_defaults(func=cmd_corpus_list)
    inspect = corpus_sub.add_parser(
        "inspect", help="sections, footnotes and chunks of one document"
    )
    inspect.add_argument("doc_id")
    inspect.add_argument("--corpus", type=Path, default=None)
    _add_ocr_option(inspect)
    inspect.add_argument(
        "--index", type=Path, default=DEFAULT_INDEX, help="index whose OCR cache is reused"
    )
    inspect.add_argument("--chunks", action="store_true", help="print chunk texts too")
    inspect.add_argument("--json", action="store_true")
    add_settings_option(inspect)
    inspect.set_defaults(func=cmd_corpus_inspect)

    from qa.cli_eval import register_bench, register_eval
    from qa.cli_serve import register_serve

    register_eval(sub)
    register_bench(sub)
    register_serve(sub)
    return parser


def help_text() -> str:
    """`qa --help` and every subcommand's help at a fixed width: the README quotes this."""
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "100"
    try:
        return "\n".join(p.format_help() for p in _parsers(build_parser()))
    finally:
        if previous is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = previous


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                yield from _parsers(child)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `qa` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(  # force: an imported library already set a bare "%(message)s" handler
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        force=True,
    )
    if not args.verbose:
        logging.getLogger("bm25s").setLevel(logging.ERROR)
    if getattr(args, "k", 1) is not None and getattr(args, "k", 1) < 1:
        _out("error: --k must be at least 1", sys.stderr)
        return 2
    try:
        code: int = args.func(args)
        return code
    except QAError as exc:
        _out(f"error: {exc}", sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        _out("interrupted", sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if os.environ.get("QA_DEBUG"):
            raise
        _out(
            f"internal error: {type(exc).__name__}: {exc} (set QA_DEBUG=1 for details)", sys.stderr
        )
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
