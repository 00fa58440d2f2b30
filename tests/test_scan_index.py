"""End to end: a folder of scans (an image-only PDF, a photo of a page) is indexed with
`qa index`, searched, and cited with the right page; `qa corpus` shows what OCR did."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import CountingEmbedder
from PIL import Image
from scans import image_pdf, page_image

import qa.index.build
import qa.search.searcher
from qa.cli.main import main
from qa.ingest.scan.cache import CACHE_FILE
from qa.ingest.scan.tesseract import engine_id

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(engine_id() is None, reason="no Tesseract with Vietnamese"),
]

COVER = ["BÁO CÁO", "Kết quả thực hiện nhiệm vụ phát triển kinh tế - xã hội năm 2023"]
INDUSTRY = [
    "II. PHÁT TRIỂN CÔNG NGHIỆP",
    "Khu công nghiệp Liên Hà Thái đã thu hút thêm 12 dự án đầu tư mới,",
    "tổng vốn đăng ký đạt 5.400 tỷ đồng, giải quyết việc làm cho 3.000 lao động.",
]
HARVEST = [
    "Sản xuất nông nghiệp: năng suất lúa vụ mùa ước đạt 62 tạ/ha,",
    "sản lượng thóc cả năm đạt trên 980 nghìn tấn.",
]


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scans")
    corpus = folder / "corpus"
    corpus.mkdir()
    image_pdf(corpus / "bao_cao_quet.pdf", [COVER, INDUSTRY])
    photo = page_image(HARVEST).rotate(0.7, expand=True, fillcolor=255)  # held a little askew
    Image.Image.save(photo, corpus / "anh_chup.png")
    # pages of two lines: passages short enough that each page is its own
    (folder / "settings.toml").write_text(
        "chunk_min_words = 5\nchunk_max_words = 30\nchunk_overlap_words = 0\n", encoding="utf-8"
    )
    return folder


@pytest.fixture(autouse=True)
def fake_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(qa.index.build, "load_embedder", lambda spec: CountingEmbedder())
    monkeypatch.setattr(qa.search.searcher, "load_embedder", lambda spec: CountingEmbedder())


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_scans_are_indexed_searched_and_cited_by_page(
    scans: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index, corpus = scans / "index", scans / "corpus"
    build = (
        "index",
        "--corpus",
        str(corpus),
        "--index",
        str(index),
        "--quiet",
        "--settings",
        str(scans / "settings.toml"),
    )
    code, out, err = _run(capsys, *build)
    assert code == 0, err
    assert "OCR: 3 pages" in out
    assert (index / CACHE_FILE).is_file()

    def top_hit(question: str) -> dict[str, Any]:
        code, out, err = _run(
            capsys, "search", question, "--index", str(index), "--corpus", str(corpus),
            "--json", "--k", "1",
        )  # fmt: skip
        assert code == 0, err
        (hit,) = json.loads(out)["hits"]
        return dict(hit)

    hit = top_hit("Liên Hà Thái thu hút bao nhiêu dự án")
    assert hit["doc_id"] == "bao_cao_quet" and hit["page"] == 2 and "12 dự án" in hit["text"]
    hit = top_hit("sản lượng thóc cả năm")
    assert hit["doc_id"] == "anh_chup" and hit["page"] == 1 and "980 nghìn tấn" in hit["text"]

    code, out, _ = _run(capsys, *build)
    assert code == 0 and "OCR:" not in out  # every page came from the cache


def test_corpus_list_and_inspect_show_the_ocr(
    scans: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus, index = str(scans / "corpus"), str(scans / "index")
    code, out, _ = _run(capsys, "corpus", "list", "--corpus", corpus, "--index", index)
    assert code == 0
    assert "bao_cao_quet" in out and "[bản quét OCR: 2 tr.]" in out
    code, out, _ = _run(
        capsys, "corpus", "inspect", "bao_cao_quet", "--corpus", corpus, "--index", index, "--json"
    )
    pages = json.loads(out)["ocr"]["pages"]
    assert [p["number"] for p in pages] == [1, 2]
    assert all(p["confidence"] > 80 and p["invalid_after"] <= p["invalid_before"] for p in pages)
    code, out, _ = _run(
        capsys, "corpus", "inspect", "anh_chup", "--corpus", corpus, "--index", index
    )
    assert "tr. 1 (OCR): độ tin cậy" in out
