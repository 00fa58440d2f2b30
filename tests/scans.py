"""Scanned test files made on the spot: rendered Vietnamese pages as PDFs, PNGs and TIFFs,
and the broken inputs a scan folder can hold (bombs, locked or broken PDFs, empty images)."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from pathlib import Path

from PIL import Image
from pypdf import PdfReader, PdfWriter

from qa.ingest.scan.render import render_page

DPI = 300


def page_image(lines: Sequence[str], dpi: int = DPI) -> Image.Image:
    """An A4 page with `lines` at the top, cut below the text so OCR stays quick."""
    page = render_page(lines, dpi)
    return page.crop((0, 0, page.width, min(page.height, round(dpi * (1.6 + 0.3 * len(lines))))))


def image_pdf(path: Path, pages: Sequence[Sequence[str]]) -> Path:
    """An image-only PDF (no text layer), one rendered page per item, as a scanner writes."""
    images = [page_image(lines) for lines in pages]
    images[0].save(path, "PDF", resolution=DPI, save_all=True, append_images=images[1:])
    return path


def locked_pdf(path: Path, source: Path) -> Path:
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt("mật-khẩu")
    writer.write(path)
    return path


def broken_image_pdf(path: Path, source: Path) -> Path:
    """`source` with the bytes of its page image overwritten: the stream no longer decodes."""
    data = bytearray(source.read_bytes())
    start = data.index(b"stream\n") + len(b"stream\n") + 2  # keep the JPEG start marker
    end = data.index(b"endstream")
    data[start:end] = b"\x00" * (end - start)
    path.write_bytes(bytes(data))
    return path


def huge_png(path: Path, width: int, height: int) -> Path:
    """A valid white 1-bit PNG of any size, streamed so the test never holds its pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )
    return path


def many_page_tiff(path: Path, pages: int) -> Path:
    frames = [Image.new("L", (16, 16), 255) for _ in range(pages)]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    return path
