"""Page images of a scan: PDF pages rendered by PDFium, image files (multi-page TIFF) by Pillow.

Why limits: a scanned folder may hold a 20,000 × 20,000 px photo or a PDF page drawn a metre
wide; decoding either takes gigabytes. Sizes are checked from headers before any pixel is
decoded, and a page over `max_pixels` is refused with a message naming the file and page.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from qa.errors import CorpusError

log = logging.getLogger(__name__)
POINTS_PER_INCH = 72


@dataclass(frozen=True)
class PageImage:
    """One page as a grayscale image, or the reason it has none (`problem`)."""

    number: int
    image: Image.Image | None = None
    problem: str = ""


def _open_image(path: Path) -> Image.Image:
    """Pillow's lazy open (headers only); a decompression bomb or a non-image is a CorpusError."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # checked by caller
            return Image.open(path)
    except Image.DecompressionBombError as exc:
        raise CorpusError(f"{path}: image too large to read ({exc})") from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        detail = "empty file" if path.stat().st_size == 0 else str(exc)
        raise CorpusError(f"{path}: not a readable image ({detail})") from exc


def image_page_count(path: Path) -> int:
    """Frames of an image file: 1, or the pages of a multi-page TIFF."""
    with _open_image(path) as image:
        return int(getattr(image, "n_frames", 1))


def _too_large(width: float, height: float, max_pixels: int) -> str:
    if width * height <= max_pixels:
        return ""
    return f"{int(width)} × {int(height)} px is over ocr_max_pixels = {max_pixels:,}"


def image_pages(path: Path, numbers: Sequence[int], max_pixels: int) -> Iterator[PageImage]:
    """Pages `numbers` (1-based) of an image file, EXIF rotation applied, as grayscale."""
    with _open_image(path) as image:
        for number in numbers:
            try:
                image.seek(number - 1)
                problem = _too_large(*image.size, max_pixels)
                if problem:
                    yield PageImage(number, problem=problem)
                    continue
                frame = ImageOps.exif_transpose(image).convert("L")
                yield PageImage(number, frame)
            except (OSError, ValueError, EOFError) as exc:
                yield PageImage(number, problem=f"broken image data ({exc})")


def pdf_pages(path: Path, numbers: Sequence[int], dpi: int, max_pixels: int) -> Iterator[PageImage]:
    """Pages `numbers` (1-based) of a PDF rendered at `dpi` in grayscale."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise CorpusError(
                f"{path}: password-protected PDF; save it without a password"
            ) from exc
        raise CorpusError(f"{path}: corrupt or unreadable PDF ({exc})") from exc
    try:
        scale = dpi / POINTS_PER_INCH
        for number in numbers:
            try:
                page = pdf[number - 1]
                width, height = page.get_size()
                problem = _too_large(width * scale, height * scale, max_pixels)
                if problem:
                    yield PageImage(number, problem=f"at {dpi} dpi {problem}")
                    continue
                bitmap = page.render(scale=scale, grayscale=True)
                yield PageImage(number, bitmap.to_pil().convert("L"))
            except (pdfium.PdfiumError, OSError, ValueError) as exc:
                yield PageImage(number, problem=f"cannot render ({exc})")
    finally:
        pdf.close()
