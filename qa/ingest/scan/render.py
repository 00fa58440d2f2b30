"""Render Vietnamese text as a page image, for the OCR benchmark and tests.

Why: scans of the seed documents do not exist, so they are made: the text is typeset on an A4
page with a font that has every Vietnamese glyph (DejaVu Sans, Debian `fonts-dejavu-core`),
then `qa.bench.ocr` degrades it as a scanner would.
"""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from qa.errors import ConfigError

FONT_PATHS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
)
PAGE_INCHES = (8.27, 11.69)  # A4
MARGIN_INCHES = 0.8
FONT_POINTS = 12
LINE_SPACING = 1.5
LINE_CHARS = 72  # what fits between the margins at 12 pt
LINES_PER_PAGE = 38


def font_path() -> Path:
    """DejaVu Sans, or ConfigError naming the package that has it."""
    for path in FONT_PATHS:
        if path.is_file():
            return path
    raise ConfigError("no DejaVu Sans font; install it (Debian: apt-get install fonts-dejavu-core)")


def paginate(text: str, pages: int) -> list[list[str]]:
    """The first `pages` pages of `text`, wrapped to page-wide lines (paragraphs kept apart)."""
    lines: list[str] = []
    for paragraph in unicodedata.normalize("NFC", text).split("\n"):
        if paragraph.strip():
            lines.extend(textwrap.wrap(" ".join(paragraph.split()), LINE_CHARS))
    return [
        lines[first : first + LINES_PER_PAGE]
        for first in range(0, len(lines), LINES_PER_PAGE)
        if first < pages * LINES_PER_PAGE
    ]


def render_page(lines: Sequence[str], dpi: int) -> Image.Image:
    """A white grayscale A4 page at `dpi` with `lines` typeset in black from the top margin."""
    width, height = (round(inches * dpi) for inches in PAGE_INCHES)
    page = Image.new("L", (width, height), 255)
    size = round(FONT_POINTS / 72 * dpi)
    font = ImageFont.truetype(str(font_path()), size)
    draw = ImageDraw.Draw(page)
    margin = round(MARGIN_INCHES * dpi)
    for row, line in enumerate(lines):
        draw.text((margin, margin + round(row * size * LINE_SPACING)), line, fill=0, font=font)
    return page
