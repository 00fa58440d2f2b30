"""What every benchmark measures with: timers, percentiles, memory, folder sizes, the machine."""

from __future__ import annotations

import os
import platform
import re
import resource
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from qa.errors import QAError

SEARCH_K = 10


class BenchError(QAError):
    """A benchmark step could not run (its message says which)."""


def percentile_ms(seconds: Sequence[float], q: float) -> float:
    """The q-th percentile of durations in seconds, as milliseconds."""
    return round(float(np.percentile(np.asarray(seconds) * 1000.0, q)), 3) if seconds else 0.0


def timed(call: Callable[[], object], repeat: int = 1) -> list[float]:
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        durations.append(time.perf_counter() - started)
    return durations


def machine() -> dict[str, Any]:
    """nproc, RAM, CPU model and date, for the benchmark record."""
    cpu = platform.processor() or platform.machine()
    ram_gb = 0.0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count() or 1,
        "cpu": cpu,
        "ram_gb": ram_gb,
        "python": platform.python_version(),
        "date": date.today().isoformat(),
    }


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far.

    Linux's VmHWM belongs to this program's own memory; ru_maxrss would carry over the
    parent's peak into a child started from it (it survives fork and exec).
    """
    status = Path("/proc/self/status")
    if status.exists():
        match = re.search(r"^VmHWM:\s+(\d+) kB", status.read_text(), re.MULTILINE)
        if match:
            return round(int(match.group(1)) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def folder_mb(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6, 1)


def top_k(score: Callable[[list[str]], np.ndarray], tokens: list[str]) -> np.ndarray:
    """Score every passage and pick the best SEARCH_K, as a search does."""
    scores = np.asarray(score(tokens))
    k = min(SEARCH_K, len(scores) - 1)
    return np.argpartition(-scores, k)[:k]
