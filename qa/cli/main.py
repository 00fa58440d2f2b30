"""`qa` command line: a thin face over the library (index, search, ask, corpus, eval, bench).

Every user-caused failure ends as one line on stderr and a non-zero exit status.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from qa.cli.options import (
    add_index_options,
    add_ocr_option,
    backend_token,
    out,
    settings_from_args,
    settings_with_ocr,
)
from qa.config import ASK_PASSAGES, DEFAULT_CORPUS, DEFAULT_EMBEDDER
from qa.errors import QAError, QueryError

log = logging.getLogger("qa")
T = TypeVar("T")


def _add_query_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("question", nargs="?", help='the question, e.g. "tiến độ KCN Hải Long?"')
    parser.add_argument(
        "--k", type=int, default=10, help="number of passages (default: %(default)s)"
    )
    parser.add_argument(
        "--mode", default="hybrid", help="bm25 | dense | hybrid (default: %(default)s)"
    )
    parser.add_argument(
        "--doc",
        action="append",
        default=[],
        metavar="ID",
        help="only this document: its id or a unique start of it, e.g. 004 (repeatable)",
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
    add_index_options(parser)


def _searcher(args: argparse.Namespace) -> Any:
    from qa.index.freshness import check_corpus
    from qa.search.searcher import Searcher

    searcher = Searcher(
        args.index, settings=settings_from_args(args), backend_token=backend_token()
    )
    corpus = args.corpus or Path(searcher.manifest.get("corpus", DEFAULT_CORPUS))
    check_corpus(searcher.index_dir, searcher.manifest, corpus)
    failed = sorted(searcher.manifest.get("failed", {}))
    if failed:
        out(
            f"note: {len(failed)} file(s) could not be indexed ({', '.join(failed[:3])}"
            f"{'…' if len(failed) > 3 else ''}); see: qa corpus list --corpus {corpus}",
            sys.stderr,
        )
    return searcher


def _filters(args: argparse.Namespace) -> Any:
    from qa.search.searcher import Filters

    return Filters(tuple(args.doc), tuple(args.kind), args.after, args.before)


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
    """Each question with `run(question)` (as typed: the answer echoes it), a long one cut to
    its key words with a note on stderr; in batch mode a bad question becomes an error line
    (`{"query", "error"}`) and the batch goes on."""
    for question in _questions(args):
        try:
            query = searcher.prepare_query(question)
            if query.notice:
                out(f"note: {query.notice}", sys.stderr)
            yield question, run(question if query.notice is None else query.text)
        except QueryError as exc:
            if not args.batch:
                raise
            out(json.dumps({"query": question, "error": str(exc)}, ensure_ascii=False))


def cmd_index(args: argparse.Namespace) -> int:
    from qa.index.build import build_index
    from qa.search.backends.publish import target_for

    corpus = args.corpus or DEFAULT_CORPUS
    settings = settings_with_ocr(args)
    target = target_for(
        args.index,
        args.backend,
        args.uri,
        args.collection,
        settings.bm25_k1,
        settings.bm25_b,
        backend_token(),
    )
    report = build_index(
        corpus, args.index, args.embedder, settings, not args.quiet, publisher=target
    )
    for failed in report.errors:
        out(f"warning: skipped {corpus / failed.path}: {failed.reason}", sys.stderr)
    for warning in report.warnings:
        out(f"warning: {warning}", sys.stderr)
    if report.ocr_pages:
        rate = report.ocr_pages / report.ocr_seconds if report.ocr_seconds > 0 else 0.0
        out(f"OCR: {report.ocr_pages} pages in {report.ocr_seconds:.1f} s ({rate:.2f} pages/s)")
    rate = report.embedded / report.embed_seconds if report.embed_seconds > 0 else 0.0
    out(
        f"indexed {report.documents} documents, {report.chunks} passages into {args.index} "
        f"in {report.seconds:.1f} s (embedded {report.embedded} new, reused {report.reused}"
        + (f", {rate:.1f} passages/s" if report.embedded else "")
        + ")"
    )
    if report.backend:
        b, synced = report.backend, report.backend["last_sync"]
        out(
            f"Milvus collection {b['collection']} at {b['uri']}: {b['chunks']} passages "
            f"(upserted {synced['upserted']} document(s), removed {synced['removed']})"
        )
    return 1 if report.errors else 0


def cmd_search(args: argparse.Namespace) -> int:
    from qa.serialize import search_to_dict
    from qa.text.highlight import mark, snippet

    searcher = _searcher(args)
    filters = _filters(args)
    search = partial(searcher.search, k=args.k, mode=args.mode, filters=filters)
    for question, hits in _each(args, searcher, search):
        if args.json or args.batch:
            out(json.dumps(search_to_dict(question, args.mode, hits), ensure_ascii=False))
            continue
        if not hits:
            out("Không tìm thấy đoạn văn nào phù hợp.")
        for hit in hits:
            text = snippet(hit.chunk.text.replace("\n", " "), hit.terms)
            shown = mark(text, hit.terms, lambda s: f"«{s}»")
            page = f" tr.{hit.chunk.page}" if hit.chunk.page else ""
            out(
                f"{hit.rank:>2}. [{hit.score:.3f}] {hit.doc.doc_id} ({hit.doc.date or '?'}){page}"
                f" — {hit.chunk.section or '(đầu văn bản)'}"
            )
            out(f"    {shown}")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from qa.answer.ask import ask
    from qa.answer.llm import LLMConfig
    from qa.serialize import answer_to_dict

    searcher = _searcher(args)
    deadline = searcher.settings.llm_deadline_seconds
    llm = None if args.no_llm else LLMConfig.from_env(timeout=deadline)
    filters = _filters(args)

    def run(question: str) -> Any:
        return ask(searcher, question, k=args.k, mode=args.mode, filters=filters, llm=llm)

    for _, answer in _each(args, searcher, run):
        if args.json or args.batch:
            out(json.dumps(answer_to_dict(answer), ensure_ascii=False))
            continue
        _print_answer(answer)
    return 0


def _print_answer(answer: Any) -> None:
    """The short answer (dated, newest marked, when several documents speak), then the
    citations with their full quoted sentence as the proof."""
    from qa.text.dates import date_label

    if answer.notice:
        out(f"({answer.notice})")
    dated = len({line.doc_date for line in answer.lines}) > 1
    for line in answer.lines:
        when = f"({date_label(line.doc_date)}{', mới nhất' if line.latest else ''}) "
        out(f"{when if dated else ''}{line.render()}")
    if answer.abstained:
        out(answer.text)
    if answer.citations:
        out("\nNguồn:")
    for c in answer.citations:
        page = f" — trang {c.page}" if c.page else ""
        latest = " (mới nhất)" if c.latest else ""
        out(
            f"[{c.n}] {c.doc_title} — {date_label(c.doc_date)}{latest}"
            f" — {c.section or '(đầu văn bản)'}{page}"
        )
        out(f"    “{c.quote}”")
    if answer.abstained and answer.hits:
        out("\nĐoạn văn gần nhất:")
        for hit in answer.hits[:3]:
            out(
                f" - {hit.doc.doc_id} ({hit.doc.date})"
                f" {hit.chunk.text[:200].replace(chr(10), ' ')}…"
            )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qa",
        description="Hỏi-đáp văn bản: tìm kiếm và hỏi đáp trên văn bản hành chính tiếng Việt.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", required=True)

    index = sub.add_parser("index", help="build or update the index from a corpus folder")
    add_index_options(index)
    index.add_argument(
        "--embedder",
        default=DEFAULT_EMBEDDER,
        help="e5-small | sentence-transformers:<name-or-path> (default: %(default)s)",
    )
    index.add_argument("--quiet", action="store_true", help="no progress bar")
    index.add_argument(
        "--backend",
        choices=("local", "milvus"),
        default=None,
        help="where passages are searched: local files, or also a Milvus collection "
        "(default: what the index already uses; local for a new one)",
    )
    index.add_argument(
        "--uri", help="Milvus: a .db file (Milvus Lite, embedded) or http://host:19530"
    )
    index.add_argument(
        "--collection", help="Milvus collection (default: qa_ + the index folder's name)"
    )
    add_ocr_option(index)
    index.set_defaults(func=cmd_index)

    search = sub.add_parser("search", help="ranked passages for a question")
    _add_query_options(search)
    search.set_defaults(func=cmd_search)

    ask = sub.add_parser("ask", help="an extractive answer with citations")
    _add_query_options(ask)
    ask.set_defaults(k=ASK_PASSAGES)
    ask.add_argument("--no-llm", action="store_true", help="never call QA_LLM_URL even if set")
    ask.set_defaults(func=cmd_ask)

    from qa.cli.corpus import register_corpus
    from qa.cli.eval import register_bench, register_eval
    from qa.cli.serve import register_serve

    register_corpus(sub)
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
        # Milvus Lite serves gRPC in this process and logs each call it does not implement
        # (pymilvus probes a few) as an ERROR with a traceback; the calls we make succeed
        logging.getLogger("grpc._server").setLevel(logging.CRITICAL)
    if getattr(args, "k", 1) is not None and getattr(args, "k", 1) < 1:
        out("error: --k must be at least 1", sys.stderr)
        return 2
    try:
        code: int = args.func(args)
        return code
    except QAError as exc:
        out(f"error: {exc}", sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        out("interrupted", sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if os.environ.get("QA_DEBUG"):
            raise
        out(f"internal error: {type(exc).__name__}: {exc} (set QA_DEBUG=1 for details)", sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
