"""`ask`: the one library verb behind `qa ask`, the page, `qa eval` and `qa bench`.

search → extractive answer (short lines, quotes, calibrated abstention; a question about a
document itself, its signer or issue date, from its signature block or dateline) → optional
generated answer → number check: a generated answer stating a figure its cited quotes do
not state is replaced by the extractive answer, with a notice saying so.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from qa.answer.compose import Answer, compose_answer
from qa.answer.document_facts import asked_fact, document_fact_answer
from qa.config import ASK_PASSAGES, Settings
from qa.models import Chunk, Hit
from qa.text.numbers import unsupported_numbers

if TYPE_CHECKING:
    from qa.answer.abstention import AbstentionModel
    from qa.answer.llm import LLMConfig
    from qa.search.searcher import Filters, Searcher

log = logging.getLogger(__name__)


def ask(
    searcher: Searcher,
    question: str,
    *,
    k: int = ASK_PASSAGES,
    mode: str = "hybrid",
    filters: Filters | None = None,
    settings: Settings | None = None,
    llm: LLMConfig | None = None,
    model: AbstentionModel | None = None,
) -> Answer:
    """Answer `question` from the `k` best passages; with `llm`, let a model phrase it.
    `model`: the abstention model (default: `settings.abstention_model`)."""
    query = searcher.prepare_query(question)  # a long question is cut to its key words
    hits = searcher.search(query.text, k, mode, filters, clause_meanings=True)
    alternatives = searcher.alternatives(query.text)
    settings = settings or searcher.settings
    read = searcher.read_question(question)  # whole, as search read it (`TIẾN ĐỘ` → `Tiến độ`)
    fact = None
    if (kind := asked_fact(read)) is not None:  # document texts are loaded only for these
        texts, chunks = searcher.doc_texts, searcher.chunks_of
        fact = document_fact_answer(read, kind, hits, chunks, texts, searcher.segmenter)
    extractive = fact or compose_answer(
        read,
        hits,
        searcher.segmenter,
        settings,
        model,
        alternatives,
        footnotes_of(hits[: settings.answer_passages_read], searcher.chunks_of),
        searcher.cases.names,  # `Thái Bình có mấy …` opens with a name
        searcher.districts,
        searcher.kinds,
    )
    extractive = replace(extractive, query=question)  # the faces echo what was typed
    if query.notice:
        extractive = replace(extractive, notice=query.notice)
    if llm is None:
        return extractive
    from qa.answer.llm import generate_answer

    return faithful(generate_answer(extractive, llm), extractive)


def footnotes_of(hits: Sequence[Hit], chunks_of: Mapping[str, Sequence[Chunk]]) -> list[Hit]:
    """The footnotes the passages mark (`… để thực hiện 03 dự án⁴`), each as a hit of the
    passage that marks it: a footnote often holds the figure its sentence only announces
    (`⁴ … trong đó đất trồng lúa 178,21 ha`)."""
    notes: list[Hit] = []
    seen = {hit.chunk.chunk_id for hit in hits}
    for hit in hits:
        for number in hit.chunk.footnotes:
            for chunk in chunks_of.get(hit.chunk.doc_id, ()):
                if chunk.footnote == number and chunk.chunk_id not in seen:
                    seen.add(chunk.chunk_id)
                    notes.append(Hit(hit.rank, hit.score, chunk, hit.doc))
    return notes


def unsupported(answer: Answer) -> list[str]:
    """Numbers of the answer lines that none of their cited quotes states.

    `1.234,5` and `1234.5` are the same figure (`qa.text.numbers`)."""
    quotes = {c.n: c.quote for c in answer.citations}
    missing: list[str] = []
    for line in answer.lines:
        sources = "\n".join(quotes.get(n, "") for n in line.citations)
        missing += unsupported_numbers(line.text, sources)
    return missing


def faithful(generated: Answer, extractive: Answer) -> Answer:
    """`generated` when every number it states is in its cited quotes, else `extractive`
    with a notice naming the figures the sources do not contain."""
    missing = unsupported(generated)
    if generated is extractive or not missing:
        return generated
    log.warning("generated answer states figures not in its sources: %s", ", ".join(missing))
    return replace(
        extractive,
        notice=(
            f"Câu trả lời của mô hình ngôn ngữ nêu số liệu không có trong nguồn trích dẫn "
            f"({', '.join(missing)}); hiển thị câu trả lời trích xuất."
        ),
    )
