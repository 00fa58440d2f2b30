"""Test doubles shared by several test modules."""

from __future__ import annotations

import hashlib
import re
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from qa.text.normalize import fold_diacritics


class CountingEmbedder:
    """Deterministic bag-of-syllables vectors; counts what it was asked to embed."""

    id = "fake-hash-256"
    dim = 256

    def __init__(self) -> None:
        self.passages_embedded = 0

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, np.float32)
        for word in re.findall(r"\w+", fold_diacritics(text).lower()):
            vector[int(hashlib.md5(word.encode()).hexdigest()[:6], 16) % self.dim] += 1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.passages_embedded += len(texts)
        return self.embed_queries(texts)


def write_small_corpus(folder: Path) -> Path:
    """Two one-line documents: enough for a build with the hashing embedder."""
    folder.mkdir()
    (folder / "a.txt").write_text("Khu công nghiệp Hải Long đẩy nhanh tiến độ.\n", "utf-8")
    (folder / "b.txt").write_text("Sản lượng lúa vụ Xuân năm 2023 đạt khá.\n", "utf-8")
    return folder


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(
    command: Sequence[str],
    env: dict[str, str],
    log: Path,
    health: str,
    seconds: float,
    cwd: Path | None = None,
) -> Iterator[None]:
    """Run `command` (a server) for the `with` block; first wait until `health`
    answers 200, failing the test with the log's tail if the process dies or stays silent.
    Always terminated (killed after 10 s)."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + seconds
        while True:
            if process.poll() is not None:
                pytest.fail(f"{command[2]} exited {process.returncode}:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(health, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
            if time.monotonic() > deadline:
                pytest.fail(
                    f"{health} did not answer in {seconds:.0f} s:\n{log.read_text()[-3000:]}"
                )
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
