"""Command-line options shared by every `qa` command group (`qa.cli`, `qa.cli_eval`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from qa.config import Settings


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
