"""Optional generative answers from an OpenAI-compatible endpoint, grounded in the passages.

Enabled only when `QA_LLM_URL` and `QA_LLM_MODEL` are set. The model must answer from the
numbered passages with `[n]` markers; sentences whose markers point nowhere are dropped.
Any failure (no endpoint, timeout, bad reply) falls back to the extractive answer with a notice.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace

from qa.answer import Answer, Citation
from qa.chunk import sentence_spans
from qa.config import Settings
from qa.http_deadline import post_json
from qa.normalize import fold_diacritics

PASSAGES = 5
SYSTEM_PROMPT = (
    "Bạn trả lời câu hỏi CHỈ dựa trên các đoạn văn được đánh số. Mỗi câu trả lời phải kết thúc "
    "bằng dấu trích dẫn [n] chỉ đoạn văn chứa thông tin. Nếu các đoạn văn không có thông tin, "
    "trả lời: Không tìm thấy thông tin đủ tin cậy trong tài liệu."
)
_MARKER = re.compile(r"\[(\d+)\]")


def _post(url: str, payload: dict[str, object], timeout: float) -> str:
    """The reply's text; `timeout` bounds the whole call (a trickling server cannot hold it)."""
    body = post_json(url.rstrip("/") + "/chat/completions", payload, _auth(), timeout)
    return str(body["choices"][0]["message"]["content"])


def _auth() -> dict[str, str]:
    key = os.environ.get("QA_LLM_KEY")
    return {"Authorization": f"Bearer {key}"} if key else {}


def _best_quote(sentence: str, passage: str) -> str:
    """The passage sentence sharing most words with a generated sentence: a real substring."""
    wanted = set(fold_diacritics(sentence).lower().split())
    spans = sentence_spans(passage) or [(0, len(passage))]
    start, end = max(
        spans,
        key=lambda s: len(wanted & set(fold_diacritics(passage[s[0] : s[1]]).lower().split())),
    )
    return passage[start:end].strip()


def generate_answer(extractive: Answer, timeout: float = Settings.llm_deadline_seconds) -> Answer:
    """A grounded generated answer, or `extractive` (with a notice when the call failed).

    `timeout` is a total deadline in seconds (`Settings.llm_deadline_seconds`)."""
    url, model = os.environ.get("QA_LLM_URL"), os.environ.get("QA_LLM_MODEL")
    if not url or not model or not extractive.hits:
        return extractive
    hits = extractive.hits[:PASSAGES]
    numbered = "\n\n".join(f"[{i}] {hit.chunk.text}" for i, hit in enumerate(hits, start=1))
    payload: dict[str, object] = {
        "model": model,
        "temperature": 0,
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": f"Đoạn văn:\n{numbered}\n\nCâu hỏi: {extractive.query}"},
        ],
    }
    try:
        content = _post(url, payload, timeout)
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        return replace(
            extractive,
            notice=f"Không gọi được mô hình ngôn ngữ ({exc}); hiển thị câu trả lời trích xuất.",
        )
    sentences: list[str] = []
    citations: dict[int, Citation] = {}
    for sentence in re.split(r"(?<=[.!?\]])\s+", content.strip()):
        markers = [int(n) for n in _MARKER.findall(sentence) if 1 <= int(n) <= len(hits)]
        if not markers:
            continue  # ungrounded or pointing nowhere: dropped
        text = re.sub(r"\s+([.,;:!?])", r"\1", _MARKER.sub("", sentence)).strip()
        for n in markers:
            hit = hits[n - 1]
            citations.setdefault(
                n,
                Citation(
                    n,
                    hit.chunk.chunk_id,
                    hit.doc.doc_id,
                    hit.doc.title,
                    hit.doc.date,
                    hit.chunk.section,
                    hit.chunk.page,
                    _best_quote(text, hit.chunk.text),
                ),
            )
        sentences.append(text + " " + " ".join(f"[{n}]" for n in markers))
    if not sentences:
        return replace(
            extractive,
            notice="Mô hình ngôn ngữ không trả lời có trích dẫn; hiển thị câu trả lời trích xuất.",
        )
    return replace(
        extractive,
        text="\n".join(sentences),
        abstained=False,
        citations=tuple(citations[n] for n in sorted(citations)),
        notice=f"Câu trả lời do mô hình {model} viết từ các đoạn văn được trích dẫn.",
    )
