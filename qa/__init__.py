"""hỏi-đáp văn bản: Vietnamese semantic search and extractive question answering."""

from pathlib import Path

__version__ = "0.1.0"

DATA_DIR = Path(__file__).parent / "data"  # bundled lexicons, tables and model weights
