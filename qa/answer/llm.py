"""Optional generative answers from an OpenAI-compatible endpoint, grounded in the passages.

Enabled only when the face passes an `LLMConfig` (the CLI and the page read it once from
`QA_LLM_URL`, `QA_LLM_MODEL`, `QA_LLM_KEY`). The model must answer from the numbered passages
with `[n]` markers; sentences whose markers point nowhere are dropped. Any failure (timeout,
bad reply) falls back to the extractive answer with a notice; `qa.answer.ask` then checks that every
number of the generated answer is in its cited quotes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from qa.answer.compose import Answer, AnswerLine, Citation
from qa.answer.http_deadline import post_json
from qa.config import Settings
from qa.index.chunk import sentence_spans
from qa.text.normalize import fold_diacritics
from qa.text.numbers import numbers, unsupported_numbers

PASSAGES = 5
SYSTEM_PROMPT = (
    "Bạn trả lời câu hỏi CHỈ dựa trên các đoạn văn được đánh số. Mỗi câu trả lời phải kết thúc "
    "bằng dấu trích dẫn [n] chỉ đoạn văn chứa thông tin. Nếu các đoạn văn không có thông tin, "
    "trả lời: Không tìm thấy thông tin đủ tin cậy trong tài liệu."
)
_MARKER = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class LLMConfig:
    """Where and which model to ask; read once by a face, then passed down. `timeout` is a
    total deadline in seconds for the whole call (`Settings.llm_deadline_seconds`)."""

    url: str
    model: str
    key: str | None = None
    timeout: float = Settings.llm_deadline_seconds

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] = os.environ, timeout: float = Settings.llm_deadline_seconds
    ) -> LLMConfig | None:
        """`QA_LLM_URL` + `QA_LLM_MODEL` (+ `QA_LLM_KEY`), or None when either is unset."""
        url, model = environ.get("QA_LLM_URL"), environ.get("QA_LLM_MODEL")
        if not url or not model:
            return None
        return cls(url, model, environ.get("QA_LLM_KEY") or None, timeout)


def _post(config: LLMConfig, payload: dict[str, object]) -> str:
    """The reply's text; the deadline bounds the whole call (a trickling server cannot hold it)."""
    auth = {"Authorization": f"Bearer {config.key}"} if config.key else {}
    url = config.url.rstrip("/") + "/chat/completions"
    body = post_json(url, payload, auth, config.timeout)
    return str(body["choices"][0]["message"]["content"])


def _best_quote(sentence: str, passage: str) -> str:
    """The passage sentence that states most of a generated sentence's numbers, then shares
    most words with it: a real substring, and the proof its figures are checked against."""
    wanted = set(fold_diacritics(sentence).lower().split())
    figures = numbers(sentence)
    spans = sentence_spans(passage) or [(0, len(passage))]

    def support(span: tuple[int, int]) -> tuple[int, int]:
        text = passage[span[0] : span[1]]
        stated = len(figures) - len(unsupported_numbers(" ".join(figures), text))
        return stated, len(wanted & set(fold_diacritics(text).lower().split()))

    start, end = max(spans, key=support)
    return passage[start:end].strip()


def generate_answer(extractive: Answer, config: LLMConfig) -> Answer:
    """A grounded generated answer, or `extractive` (with a notice when the call failed)."""
    if not extractive.hits:
        return extractive
    model = config.model
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
        content = _post(config, payload)
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        return replace(
            extractive,
            notice=f"Không gọi được mô hình ngôn ngữ ({exc}); hiển thị câu trả lời trích xuất.",
        )
    lines: list[AnswerLine] = []
    citations: dict[tuple[int, str], Citation] = {}  # (passage, quote) → its citation
    for sentence in re.split(r"(?<=[.!?\]])\s+", content.strip()):
        markers = [int(n) for n in _MARKER.findall(sentence) if 1 <= int(n) <= len(hits)]
        if not markers:
            continue  # ungrounded or pointing nowhere: dropped
        text = re.sub(r"\s+([.,;:!?])", r"\1", _MARKER.sub("", sentence)).strip()
        cited: list[int] = []
        for passage in dict.fromkeys(markers):
            hit = hits[passage - 1]
            quote = _best_quote(text, hit.chunk.text)
            citation = citations.setdefault(
                (passage, quote),
                Citation.of(len(citations) + 1, hit, quote),
            )
            cited.append(citation.n)
        lines.append(AnswerLine(text, tuple(cited), hits[markers[0] - 1].doc.date))
    if not lines:
        return replace(
            extractive,
            notice="Mô hình ngôn ngữ không trả lời có trích dẫn; hiển thị câu trả lời trích xuất.",
        )
    return replace(
        extractive,
        lines=tuple(lines),
        abstained=False,
        citations=tuple(sorted(citations.values(), key=lambda c: c.n)),
        notice=f"Câu trả lời do mô hình {model} viết từ các đoạn văn được trích dẫn.",
    )
