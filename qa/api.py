"""HTTP API over the library: the JSON of `qa search --json` and `qa ask --json` over GET.

One loaded index serves every request. Bad parameters are 422 with a message, a busy server is
503, a missing or wrong bearer token is 401; no response ever carries a traceback.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline

from qa.answer.llm import LLMConfig
from qa.config import ASK_PASSAGES, MAX_QUERY_CHARS
from qa.errors import QAError
from qa.search.searcher import Filters, Searcher

log = logging.getLogger(__name__)

MAX_K = 100
Mode = Literal["bm25", "dense", "hybrid"]
Question = Annotated[
    str, Query(min_length=1, max_length=MAX_QUERY_CHARS, description="the question")
]
Count = Annotated[int | None, Query(ge=1, le=MAX_K, description="number of passages")]
DocIds = Annotated[list[str], Query(description="only these documents (ids or their starts)")]
Kinds = Annotated[list[str], Query(description="only documents of these kinds")]
IsoDate = Annotated[str | None, Query(description="ISO date or prefix, e.g. 2023-09")]


@dataclass(frozen=True)
class ApiOptions:
    """What the face decided once at start-up (environment read there, not here)."""

    api_key: str | None = None
    max_concurrent: int = 4
    llm: LLMConfig | None = None  # from QA_LLM_URL, as `qa ask` without --no-llm


@dataclass(frozen=True)
class Asked:
    """The query parameters `/search` and `/ask` share (`k` None: the endpoint's default)."""

    q: str
    k: int | None
    mode: Mode
    filters: Filters


def asked_from_query(
    q: Question,
    k: Count = None,
    mode: Mode = "hybrid",
    doc: DocIds = [],  # noqa: B006 - FastAPI builds a fresh list per request
    kind: Kinds = [],  # noqa: B006
    after: IsoDate = None,
    before: IsoDate = None,
) -> Asked:
    """Query string → `Asked`; FastAPI validates types and bounds (422 otherwise)."""
    return Asked(q, k, mode, Filters(tuple(doc), tuple(kind), after, before))


class Busy(Exception):
    """More requests in flight than `max_concurrent` allows."""


class Unauthorised(Exception):
    """A token is required and the request did not carry the right one."""


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("::1")
    (True, True, True)
    >>> is_loopback("0.0.0.0"), is_loopback("192.168.1.5")
    (False, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class RequestSlots:
    """At most `size` requests in flight; one more is refused at once (503), not queued,
    so a burst cannot pile up minutes of embedding work."""

    def __init__(self, size: int) -> None:
        self._free = threading.BoundedSemaphore(size)

    @contextmanager
    def taken(self) -> Iterator[None]:
        if not self._free.acquire(blocking=False):
            raise Busy
        try:
            yield
        finally:
            self._free.release()


def bearer_check(api_key: str | None) -> Callable[[Request], None]:
    """A dependency refusing requests without `Authorization: Bearer <api_key>` (if set)."""

    def check(request: Request) -> None:
        if api_key is None:
            return
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {api_key}".encode()):
            raise Unauthorised

    return check


def add_error_handlers(app: FastAPI) -> None:
    """Every failure becomes `{"detail": message}` with its status; never a traceback."""

    def user_error(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    def busy(_: Request, __: Exception) -> JSONResponse:
        return JSONResponse({"detail": "server busy; try again"}, status_code=503)

    def unauthorised(_: Request, __: Exception) -> JSONResponse:
        return JSONResponse(
            {"detail": "missing or wrong bearer token (Authorization: Bearer …)"},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )

    def internal(_: Request, exc: Exception) -> JSONResponse:
        log.exception("request failed")
        return JSONResponse({"detail": f"internal error: {type(exc).__name__}"}, status_code=500)

    app.add_exception_handler(QAError, user_error)
    app.add_exception_handler(Busy, busy)
    app.add_exception_handler(Unauthorised, unauthorised)
    app.add_exception_handler(Exception, internal)


def create_app(searcher: Searcher, options: ApiOptions) -> FastAPI:
    """A FastAPI app answering `/search`, `/ask`, `/documents` and `/health` from `searcher`.

    Swagger UI at `/docs` is served from the package's own files (fastapi-offline), so it
    works on a machine without internet.
    """
    app = FastAPIOffline(
        title="hỏi-đáp văn bản",
        description="Tìm kiếm và hỏi đáp trên văn bản hành chính tiếng Việt.",
        version="1",
    )
    add_error_handlers(app)
    slots = RequestSlots(options.max_concurrent)
    guarded = [Depends(bearer_check(options.api_key))]

    @app.get("/health")
    def health() -> dict[str, Any]:
        """Liveness plus what is loaded: a load balancer can poll it without a token."""
        return {
            "status": "ok",
            "documents": len(searcher.docs),
            "passages": len(searcher.chunks),
            "embedder": searcher.manifest["embedder"]["id"],
        }

    @app.get("/documents", dependencies=guarded)
    def documents() -> dict[str, Any]:
        """The indexed documents, as `qa corpus list --json` names them."""
        per_doc: dict[str, int] = {}
        for chunk in searcher.chunks:
            per_doc[chunk.doc_id] = per_doc.get(chunk.doc_id, 0) + 1
        return {
            "documents": [
                {
                    "doc_id": meta.doc_id,
                    "title": meta.title,
                    "date": meta.date,
                    "kind": meta.kind,
                    "issuer": meta.issuer,
                    "chunks": per_doc.get(meta.doc_id, 0),
                }
                for meta in sorted(searcher.docs.values(), key=lambda m: m.doc_id)
            ]
        }

    @app.get("/search", dependencies=guarded)
    def search(asked: Annotated[Asked, Depends(asked_from_query)]) -> dict[str, Any]:
        """Ranked passages: exactly `qa search --json`."""
        from qa.serialize import search_to_dict

        with slots.taken():
            hits = searcher.search(asked.q, asked.k or 10, asked.mode, asked.filters)
        return search_to_dict(asked.q, asked.mode, hits)

    @app.get("/ask", dependencies=guarded)
    def ask(asked: Annotated[Asked, Depends(asked_from_query)]) -> dict[str, Any]:
        """A short cited answer: exactly `qa ask --json`."""
        from qa.answer.ask import ask as ask_question
        from qa.serialize import answer_to_dict

        with slots.taken():
            answer = ask_question(
                searcher, asked.q, k=asked.k or ASK_PASSAGES, mode=asked.mode,
                filters=asked.filters, llm=options.llm,
            )  # fmt: skip
        return answer_to_dict(answer)

    return app
