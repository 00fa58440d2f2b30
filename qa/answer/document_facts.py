"""Questions about a document itself: who signed it, when it was issued.

`Ai ký Nghị quyết … năm 2024?` is answered by the document's signature block (`CHỦ TỊCH` /
`Nguyễn Tiến Thành` at its end), `Chương trình hành động … ban hành ngày nào?` by its dateline
(`Thái Bình, ngày 19 tháng 5 năm 2023`). Neither is a sentence the search ranks: the
signature sits after the list of recipients, the dateline above the title. The document is
the one among the retrieved passages' documents whose title (with kind and issuer) covers the
question best; the quote is the block or line itself, cited from the passage that holds it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from qa.answer.compose import Answer, AnswerLine, Citation
from qa.answer.question import SentenceJudge, analyse
from qa.index.segment import Segmenter
from qa.models import Chunk, Hit
from qa.text.dates import FULL_DATE, full_date
from qa.text.normalize import fold_diacritics

TITLE_COVERAGE = 0.6  # share of the question's terms the document's title must cover
SIGNATURE_LINES = 12  # the signature block is among a document's last lines
_ASKS_SIGNER = re.compile(r"\b(ai ky|nguoi ky|ky boi ai|do ai ky)\b")
_ASKS_ISSUED = re.compile(
    r"\b(?:ban hanh|ky)\s+(?:vao\s+)?(?:ngay nao|khi nao|bao gio|thoi gian nao)\b|\bngay ban hanh\b"
)
_NAME = re.compile(r"^\**\s*((?:[A-ZĐ][^\W\d_]*\s+){1,4}[A-ZĐ][^\W\d_]*)\s*\**$")
_ROLE = re.compile(r"^[\W\d_]*[A-ZĐÀ-Ỹ][A-ZĐÀ-Ỹ .,/-]+$")  # `KT. CHỦ TỊCH`, `TM. ỦY BAN…`
# what a question calls the document it asks about: the first of these it names
_KINDS = re.compile(
    r"\b(chuong trinh hanh dong|nghi quyet|bao cao|ke hoach|quyet dinh|chi thi|thong bao"
    r"|cong van|to trinh|chuong trinh|bai bao)\b"
)


@dataclass(frozen=True)
class Fact:
    """A verbatim span of a document that answers, and the short line to show; a passage
    must hold `core` onward (a signature's role lines may have become its section heading)."""

    start: int
    end: int
    line: str
    core: int


def asked_fact(question: str) -> str | None:
    """`signer`, `issued` or None.

    >>> asked_fact("Ai ký Nghị quyết của HĐND tỉnh năm 2024"), asked_fact("ngày ban hành?")
    ('signer', 'issued')
    >>> asked_fact("Chương trình hành động ban hành ngày nào"), asked_fact("ai chủ trì")
    ('issued', None)
    """
    folded = fold_diacritics(question.lower())
    if _ASKS_SIGNER.search(folded):
        return "signer"
    if _ASKS_ISSUED.search(folded):
        return "issued"
    return None


def named_kind(question: str) -> str | None:
    """The kind of document the question names first, folded.

    >>> named_kind("Nghị quyết số 29-NQ/TW ban hành ngày nào")
    'nghi quyet'
    >>> named_kind("Chương trình hành động thực hiện Nghị quyết 29"), named_kind("ai ký?")
    ('chuong trinh hanh dong', None)
    """
    match = _KINDS.search(fold_diacritics(question.lower()))
    return match.group(1) if match else None


def signature(text: str) -> Fact | None:
    """The signer's name among a document's last lines, with the role lines above it.

    >>> doc = "Nơi nhận:\\n- Lưu: VT.\\n\\nKT. CHỦ TỊCH\\nPHÓ CHỦ TỊCH\\n\\nNguyễn Quang Hưng\\n"
    >>> fact = signature(doc)
    >>> fact.line
    'Nguyễn Quang Hưng (KT. CHỦ TỊCH, PHÓ CHỦ TỊCH)'
    >>> doc[fact.start : fact.end]
    'KT. CHỦ TỊCH\\nPHÓ CHỦ TỊCH\\n\\nNguyễn Quang Hưng'
    >>> signature("- Các đồng chí Tỉnh ủy viên,\\n\\n**Ngô Đông Hải**").line
    'Ngô Đông Hải'
    >>> signature("TM. ỦY BAN NHÂN DÂN\\nKT. CHỦ TỊCH") is None
    True
    """
    lines = [(m.start(), m.group(0).strip()) for m in re.finditer(r"[^\n]+", text)]
    lines = [(start, line) for start, line in lines if line][-SIGNATURE_LINES:]
    for index in range(len(lines) - 1, -1, -1):
        start, line = lines[index]
        name = _NAME.match(line)
        if name is None or line.startswith("-"):
            continue
        roles: list[tuple[int, str]] = []
        for role_start, role in reversed(lines[max(0, index - 3) : index]):
            if not _ROLE.match(role):
                break
            roles.insert(0, (role_start, role))
        core = start + line.index(name.group(1))
        shown = name.group(1)
        if roles:
            shown += f" ({', '.join(role for _, role in roles)})"
        return Fact(roles[0][0] if roles else core, core + len(name.group(1)), shown, core)
    return None


def dateline(text: str, iso_date: str | None) -> Fact | None:
    """The first `ngày … tháng … năm …` of a document that is its catalogued date.

    >>> dateline("Thái Bình, ngày 19 tháng 5 năm 2023\\nCHƯƠNG TRÌNH", "2023-05-19").line
    'ngày 19 tháng 5 năm 2023'
    >>> dateline("Căn cứ Luật ngày 19 tháng 6 năm 2015", "2023-12-08") is None
    True
    """
    if not iso_date or len(iso_date) < 10:
        return None
    for match in FULL_DATE.finditer(text):
        if full_date(match) == iso_date[:10]:
            return Fact(match.start(), match.end(), match.group(0), match.start())
    return None


def document_fact_answer(
    question: str,
    kind: str,
    hits: Sequence[Hit],
    chunks_of: Mapping[str, Sequence[Chunk]],
    texts: Mapping[str, str],
    segmenter: Segmenter,
) -> Answer | None:
    """The answer to a signer or issue-date question (`kind`, from `asked_fact`) from the
    document it names; an abstention saying so when the named document's signature block has
    no name; None when no document is named well enough or no dateline is found."""
    if not hits:
        return None
    judge = SentenceJudge(analyse(question, segmenter), segmenter)
    named = named_kind(question)
    documents = {
        hit.doc.doc_id: hit.doc
        for hit in hits
        if named is None or fold_diacritics(hit.doc.kind.lower()).startswith(named)
    }  # `Nghị quyết 29-NQ/TW ban hành ngày nào` is not about the programme implementing it
    if not documents:
        return None
    # the best-covered title; ties (a question naming no document) go to the better-ranked
    coverage, doc = max(
        ((judge.coverage(f"{d.kind} {d.title}", d.issuer), d) for d in documents.values()),
        key=lambda pair: pair[0],
    )
    if coverage < TITLE_COVERAGE or doc.doc_id not in texts:
        return None
    text = texts[doc.doc_id]
    fact = signature(text) if kind == "signer" else dateline(text, doc.date)
    if fact is None and kind == "signer":  # `TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH`, no name
        notice = f"Văn bản «{doc.title}» không ghi tên người ký."
        return Answer(question, (), True, (), tuple(hits), 0.0, notice, "who")
    if fact is None:
        return None
    chunk = next(
        (c for c in chunks_of.get(doc.doc_id, ()) if c.start <= fact.core and fact.end <= c.end),
        None,
    )
    if chunk is None:
        return None
    source = next((h for h in hits if h.chunk.chunk_id == chunk.chunk_id), None)
    if source is None:
        source = Hit(len(hits) + 1, 0.0, chunk, doc)
    quote = " ".join(text[max(fact.start, chunk.start) : fact.end].replace("*", " ").split())
    citation = Citation.of(1, source, quote)
    line = AnswerLine(fact.line, (1,), doc.date)
    shown = tuple(hits) if source in hits else (*hits, source)
    asked = "who" if kind == "signer" else "date"
    return Answer(question, (line,), False, (citation,), shown, coverage, question_type=asked)
