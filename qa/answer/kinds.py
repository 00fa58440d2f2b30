"""What a clause must show to answer each kind of question (see `qa.answer.question.question_kind`).

Why: `tiến độ KCN Hải Long?` is answered by what was done (`đã khởi công`, `đang hoàn thiện
thủ tục`), not by what was urged (`chỉ đạo đẩy nhanh tiến độ…`); `khi nào` by a date;
`cơ quan nào` by a body; `bao nhiêu` by a figure in the asked unit.
"""

from __future__ import annotations

import re

from qa.text.normalize import fold_diacritics

PLAN_DOCUMENT_KINDS = ("nghị quyết", "kế hoạch", "chương trình", "đề án", "quy hoạch", "chiến lược")
_DONE = re.compile(
    r"\b(đã|hoàn thành|hoàn thiện|khởi công|động thổ|được phê duyệt|chấp thuận|thành lập|"
    r"đưa vào|bàn giao|giải ngân được|đang triển khai|đang thực hiện|đang hoàn thiện|cấp giấy|"
    r"thu hút được|xong|đạt)\b"
)
_URGING = re.compile(
    r"^\W*(chỉ đạo|đề nghị|yêu cầu|đẩy nhanh|tập trung|tiếp tục|đôn đốc|khẩn trương|tăng cường|"
    r"phấn đấu|quyết liệt|chủ động|kiến nghị|giao)\b"
)
_PLAN = re.compile(r"\b(phấn đấu|mục tiêu|chỉ tiêu|kế hoạch|đến năm|dự toán|định hướng|dự kiến)\b")
_CODE = re.compile(r"\d+[/-][A-ZĐƯ]")  # `05/CĐ-UBND`, `29-NQ/TW`
_FULL_CODE = re.compile(r"\d+(?:/\d+)*[/-][A-ZĐƯ][\w/&.-]*")  # the whole code, to compare
# a date: `24/6/2023`, a day of the year (`ngày Quốc tế người cao tuổi (01/10)`), a day, month,
# quarter or year named
_DATE = re.compile(
    r"(?<!\d)\d{1,2}/\d{1,2}/(?:19|20)\d\d|\bngày \d|\btháng \d|\bquý [IV\d]|\bnăm (?:19|20)\d\d"
    r"|(?<![\d/])(?:0?[1-9]|[12]\d|3[01])/(?:0?[1-9]|1[0-2])(?![\d/])"
)
_BODY = re.compile(
    r"\b(UBND|HĐND|Ủy ban|Uỷ ban|Sở|Ban|Bộ|Tỉnh ủy|Tỉnh uỷ|Chính phủ|Thủ tướng|Chủ tịch|Cục|"
    r"Chi cục|Trung tâm|Công ty|Tập đoàn|Hội đồng|Văn phòng|Thanh tra|Kho bạc|Ngân hàng)\b"
)


def urges(clause: str) -> bool:
    """The clause asks for something to be done rather than saying it was.

    >>> urges("Chỉ đạo đẩy nhanh tiến độ triển khai KCN Hải Long")
    True
    >>> urges("KCN Hải Long đã tổ chức lễ khởi công ngày 24/6/2023")
    False

    A clause window is urging when any of its clauses is (`…; chỉ đạo đẩy nhanh tiến độ…`):

    >>> urges("tháo gỡ khó khăn cho dự án KCN Thaco; chỉ đạo đẩy nhanh tiến độ KCN Hải Long")
    True
    """
    return any(_URGING.search(part) for part in re.split(r"[;:]\s*", clause.lower()))


def states_done(clause: str) -> bool:
    """Says what was (or is being) done.

    >>> states_done("đã hoàn thành giải phóng mặt bằng 120 ha")
    True
    >>> states_done("đề nghị các sở hoàn thành thủ tục")
    False
    """
    return not urges(clause) and bool(_DONE.search(clause.lower()))


def fulfils(kind: str, clause: str, gives_number: bool) -> bool:
    """The clause has what a question of `kind` asks for; `gives_number` says it carries a
    figure in the asked unit (judged by `SentenceJudge.gives_number`).

    >>> fulfils("date", "Lễ khởi công được tổ chức ngày 24/6/2023", False)
    True
    >>> fulfils("who", "Sở Kế hoạch và Đầu tư chủ trì, phối hợp", False)
    True
    >>> fulfils("status", "Chỉ đạo đẩy nhanh tiến độ", False)
    False
    >>> fulfils("code", "thực hiện Công điện số 05/CĐ-UBND của UBND tỉnh", False)
    True
    """
    lowered = clause.lower()
    if kind == "number":
        return gives_number
    if kind == "code":
        return bool(_CODE.search(clause))
    if kind == "plan":
        return bool(_PLAN.search(lowered)) or gives_number
    if kind == "status":
        return states_done(clause)
    if kind == "date":
        return bool(_DATE.search(clause))
    if kind == "who":
        return bool(_BODY.search(clause))
    if kind == "list":
        return clause.count(",") + clause.count(";") >= 2
    return True


def names_new_code(clause: str, question: str) -> bool:
    """The clause names a document's number the question does not (`kế hoạch số mấy` is
    answered by `Kế hoạch số 176/KH-UBND`, not by a line about the plan without its number,
    nor by the `43/NQ-HĐND` the question already names).

    >>> names_new_code("theo Kế hoạch số 176/KH-UBND ngày 29/12/2023", "kế hoạch số mấy?")
    True
    >>> names_new_code("Hoàn thành Đề án sắp xếp đơn vị hành chính", "kế hoạch số mấy?")
    False
    >>> names_new_code("theo Nghị quyết 43/NQ-HĐND", "Nghị quyết 43/NQ-HĐND theo văn bản số mấy")
    False
    """
    asked = {m.group(0).lower() for m in _FULL_CODE.finditer(question)}
    return any(m.group(0).lower() not in asked for m in _FULL_CODE.finditer(clause))


def plan_document(kind: str) -> bool:
    """A document that sets targets (`nghị quyết`, `kế hoạch`, `chương trình hành động`).

    >>> plan_document("Nghị quyết"), plan_document("báo cáo")
    (True, False)
    """
    folded = fold_diacritics(kind.lower())
    return any(fold_diacritics(k) in folded for k in PLAN_DOCUMENT_KINDS)
