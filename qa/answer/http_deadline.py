"""POST a JSON request with a deadline on the whole exchange, not on each socket read.

urllib's `timeout` bounds every single read, so a server that trickles one byte every few
seconds holds the caller for as long as it likes. Here a timer shuts the socket down when the
deadline passes, which wakes a blocked read at once, and the call raises TimeoutError.
Proxy variables (`http_proxy`) are not used: the LLM endpoint is a direct address.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import threading
import urllib.parse
from typing import Any


def post_json(url: str, payload: Any, headers: dict[str, str], deadline: float) -> Any:
    """The decoded JSON reply to a POST of `payload`, or OSError / ValueError.

    TimeoutError when connecting, sending and reading together take longer than `deadline`
    seconds; ConnectionError for an HTTP error status or a broken reply.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname, parts.port, timeout=deadline)
    expired = threading.Event()

    def expire() -> None:
        expired.set()
        if connection.sock is not None:
            with contextlib.suppress(OSError):  # already closed
                connection.sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(deadline, expire)
    timer.daemon = True
    timer.start()
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request(
            "POST",
            target,
            body=json.dumps(payload).encode("utf-8"),
            headers={"Content-Type": "application/json", **headers},
        )
        response = connection.getresponse()
        body = response.read()
    except (OSError, http.client.HTTPException) as exc:
        if expired.is_set():
            raise TimeoutError(f"no complete reply within {deadline:g} s") from exc
        if isinstance(exc, OSError):
            raise
        raise ConnectionError(f"broken HTTP reply ({exc!r})") from exc
    finally:
        timer.cancel()
        connection.close()
    if response.status >= 400:
        raise ConnectionError(f"HTTP {response.status} {response.reason}")
    return json.loads(body.decode("utf-8"))
