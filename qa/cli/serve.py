"""`qa serve`: the HTTP API (qa.api) under uvicorn, with the checks a public address needs.

The environment (`QA_API_KEY`, `QA_LLM_URL`) is read here, once, and handed to the library.
"""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

from qa.cli.options import add_index_options, backend_token, settings_from_args
from qa.config import DEFAULT_CORPUS
from qa.errors import ConfigError

log = logging.getLogger(__name__)


def register_serve(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Add `qa serve`: `/search`, `/ask`, `/documents`, `/health`, OpenAPI at `/docs`."""
    parser = subparsers.add_parser(
        "serve",
        help="HTTP API: /search, /ask, /documents, /health (OpenAPI at /docs)",
        description=(
            "Serve the index over HTTP; bodies are exactly the JSON of `qa search --json` and "
            "`qa ask --json`. Binds 127.0.0.1 unless told otherwise; any other address needs a "
            "bearer token in QA_API_KEY."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address (default: %(default)s)")
    parser.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")
    add_index_options(parser)
    parser.add_argument(
        "--max-concurrent",
        type=int,
        default=4,
        help="requests served at once; more get 503 (default: %(default)s)",
    )
    parser.add_argument("--no-llm", action="store_true", help="never call QA_LLM_URL even if set")
    parser.set_defaults(func=cmd_serve)
    return parser


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from qa.api import ApiOptions, create_app, is_loopback
    from qa.index.freshness import check_corpus
    from qa.search.searcher import Searcher

    api_key = os.environ.get("QA_API_KEY") or None
    if not is_loopback(args.host) and api_key is None:
        raise ConfigError(
            f"--host {args.host} is reachable from other machines: set QA_API_KEY to a secret "
            "bearer token, or serve on 127.0.0.1"
        )
    if not 0 < args.port < 65536:
        raise ConfigError(f"--port must be 1–65535, got {args.port}")
    if args.max_concurrent < 1:
        raise ConfigError("--max-concurrent must be at least 1")
    searcher = Searcher(
        args.index, settings=settings_from_args(args), backend_token=backend_token()
    )
    corpus = args.corpus or Path(searcher.manifest.get("corpus", DEFAULT_CORPUS))
    check_corpus(searcher.index_dir, searcher.manifest, corpus)
    searcher.embedder  # noqa: B018 - load the model before the first request, not during it
    from qa.answer.llm import LLMConfig

    deadline = searcher.settings.llm_deadline_seconds
    llm = None if args.no_llm else LLMConfig.from_env(timeout=deadline)
    app = create_app(searcher, ApiOptions(api_key, args.max_concurrent, llm))
    log.info("serving %s on http://%s:%d", args.index, args.host, args.port)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
