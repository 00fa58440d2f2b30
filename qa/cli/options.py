"""Command-line options and output shared by every `qa` command group (`qa.cli.main`,
`qa.cli.corpus`, `qa.cli.eval`, `qa.cli.serve`)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO

from qa.config import DEFAULT_INDEX, MILVUS_TOKEN_ENV, Settings


def add_settings_option(parser: argparse.ArgumentParser) -> None:
    """`--settings FILE.toml`: overrides of `qa.config.Settings`."""
    parser.add_argument(
        "--settings",
        type=Path,
        default=None,
        help="TOML file with settings ([tool.qa] or top-level keys), e.g. abstain_below = 0.5",
    )


def settings_from_args(args: argparse.Namespace) -> Settings | None:
    """The settings named by `--settings`, or None for the defaults."""
    path = getattr(args, "settings", None)
    return Settings.from_toml(path) if path else None


def backend_token() -> str:
    """`QA_MILVUS_TOKEN`, for an index kept on a Milvus server that wants credentials."""
    return os.environ.get(MILVUS_TOKEN_ENV, "")


def out(text: str = "", stream: TextIO | None = None) -> None:
    """One line to stdout (or `stream`): the CLI's only way of printing."""
    (stream or sys.stdout).write(text + "\n")


def add_ocr_option(parser: argparse.ArgumentParser) -> None:
    """`--ocr auto|always|never`: when pages are read with Tesseract."""
    parser.add_argument(
        "--ocr",
        choices=("auto", "always", "never"),
        default=None,
        help="read pages with Tesseract: auto = scans and junk text layers (default: setting ocr)",
    )


def settings_with_ocr(args: argparse.Namespace) -> Settings:
    """`--settings` with `--ocr` applied on top."""
    settings = settings_from_args(args) or Settings()
    return settings.updated({"ocr": args.ocr}) if getattr(args, "ocr", None) else settings


def add_index_options(parser: argparse.ArgumentParser) -> None:
    """`--index`, `--corpus` (the one the index must match) and `--settings`."""
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
