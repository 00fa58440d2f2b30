"""The README opens with the two commands and quotes the CLI help exactly (no drift)."""

from __future__ import annotations

import re
from pathlib import Path

from qa.cli.main import help_text

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_opens_with_the_two_commands() -> None:
    first_block = README.read_text(encoding="utf-8").split("```bash", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in first_block.strip().splitlines()]
    assert commands == ["make app", "make test"]


def test_cli_reference_matches_help() -> None:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- cli-help[^\n]*-->\n```text\n(.*?)```\n<!-- /cli-help -->", text, re.S)
    assert block, "CLI reference block missing: run `make readme`"
    assert block.group(1).rstrip() == help_text().rstrip(), "README out of date: run `make readme`"
