"""hỏi-đáp văn bản: Vietnamese semantic search and extractive question answering."""

from pathlib import Path

__version__ = "0.1.0"

DATA_DIR = Path(__file__).parent / "data"  # bundled lexicons, tables and model weights


def data_lines(name: str) -> list[str]:
    """The entries of a bundled list in `DATA_DIR` (stopwords, provinces, word pairs …): one a
    line, stripped, without blank lines and `#` comments."""
    lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]
