"""What a question asks for: its kind, its weighted key terms, the unit a number must carry.

Used to judge whether a sentence answers it: `diện tích KCN Hải Long bao nhiêu ha` wants a
sentence that speaks of `diện tích`, `KCN`, `Hải Long` and gives a number in `ha`.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, reduce
from itertools import pairwise

from qa.answer.kinds_of_things import KindsAsked, KindTable
from qa.answer.members import asked_members
from qa.answer.periods import UNTIL_MONTH, Period, period_of
from qa.answer.places import provinces_named
from qa.index.segment import Segmenter
from qa.search.question_form import QUESTION_WORDS
from qa.text.normalize import clean_text, fold_diacritics, has_diacritics, lost_marks
from qa.text.numbers import unsupported_numbers
from qa.text.provinces import province_names
from qa.text.syllable import normalize_tone_marks, spelling_form

NAMED_WEIGHT = 2.5  # names, abbreviations: `Hải Long`, `KCN`, `Nam Định`
NUMBER_WEIGHT = 2.0  # years, periods, codes: `2023`, `3/2024`, `29-NQ/TW`
FOLDED_CREDIT = 0.6  # a term found only without diacritics (OCR text lost them)
OPENING_WORDS = 6  # a year among a sentence's first words is the year it is about
MISSING_KEY_FACTOR = 0.5  # per name or figure of the question that the evidence never mentions
# a name the sentence before states (`KCN Hải Long`) is the sentence's too, but counts less than
# its own: `… đẩy nhanh tiến độ … Dự án KCN Hải Long` answers before `… dự án trong KKT`
LENT_CREDIT = 0.5
OPENING_NAME_WORDS = 3  # the longest name a question may open with (`Tập đoàn Điện lực`)
UNITS = (
    "nghìn tỷ đồng", "tỷ đồng", "triệu đồng", "triệu usd", "usd", "nghìn tấn", "tấn", "ha", "km",
    "mw", "kw", "người", "lao động", "dự án", "doanh nghiệp", "xã", "lần", "%", "sao", "con",
    "phần trăm", "tiền", "huy chương vàng", "huy chương bạc", "huy chương đồng", "huy chương",
    # a prize's grade asks its own (`mấy giải nhất` is not answered by `02 giải nhì`)
    "giải nhất", "giải nhì", "giải ba", "giải tư", "giải khuyến khích", "giải", "tàu",
    "sản phẩm", "khu công nghiệp", "cụm công nghiệp", "hộ", "vụ", "lượt", "cây", "gian hàng",
)  # fmt: skip
_ASKS_HOW = re.compile(r"\b(ra sao|như thế nào|(?<!cao )thế nào)\b")  # not `điện cao thế nào`
_FIGURE_WORDS = "bao nhiêu|nhiêu|mấy"  # a figure asked outright
_ASKS_FIGURE = re.compile(rf"\b({_FIGURE_WORDS})\b")
_ASKS_NUMBER = re.compile(rf"\b({_FIGURE_WORDS}|tỷ lệ|tỉ lệ|số lượng|tổng số|đạt)\b")
# an indicator named with its period asks for its figure: `thu ngân sách năm 2023`, `lượng
# khách du lịch tháng 1/2024` (a count of visits, `lượt khách`, too)
_INDICATOR = re.compile(
    r"^(?:lũy kế |tổng )*(?:thu ngân sách|chi ngân sách|thu nội địa|sản lượng|kim ngạch"
    r"|doanh thu|giá trị sản xuất|giá trị tăng thêm|tổng mức|dư nợ|vốn|grdp|tốc độ tăng"
    r"|chỉ số|năng suất|diện tích|lượng|lượt"
    r"|số (?!liệu|hóa|hoá|mấy)\w+)\b"  # `số ca sốt xuất huyết 9 tháng năm 2023`: a count
)


# `đến hết tháng 9/2023`, `tới tháng 9 năm 2023`: the end of a span from January with its
# year (folded text)
_UNTIL_WITH_YEAR = re.compile(UNTIL_MONTH.pattern + r"(?:\s*(?:/|nam\s+)(?:19|20)\d\d)?")
# `từ đầu năm đến hết tháng 9/2023`: a span from January, which `period_of` reads as `9 tháng`;
# as words it would favour any line that says `đến` or `tháng` (folded text)
_CUMULATIVE_SCOPE = re.compile(
    rf"(?:\btu dau nam\s*)?(?:\btinh\s+)?{_UNTIL_WITH_YEAR.pattern}|\btu dau nam\b"
)
# `so với cùng kỳ (năm trước)`, `so với cùng tháng năm ngoái`: the base every growth figure of a
# report's sentence shares, though the sentence names it once, at its end; as words it
# favoured that last clause (folded text)
_SAME_PERIOD_BASE = re.compile(
    r"\bso voi\s+(?:cung\s+(?:ky|thoi (?:diem|ky)|thang|quy)|nam\s+(?:truoc|ngoai))"
    r"(?:\s+(?:nam\s+)?(?:truoc|ngoai|(?:19|20)\d\d))?\b"
)
# what a question says of its period, not of its topic (group 1: the month a span ends)
_NOT_TOPIC = re.compile(f"{_CUMULATIVE_SCOPE.pattern}|{_SAME_PERIOD_BASE.pattern}")
_PERIOD_NAMED = re.compile(r"\b(?:năm|tháng|quý)\s*\d|\b(?:19|20)\d\d\b")
_ASKS_STATUS = re.compile(r"\b(tiến độ|tình hình|kết quả|đến đâu|thực hiện ra sao|đã\b.*\bchưa)\b")
_ASKS_PLAN = re.compile(r"\b(mục tiêu|kế hoạch|chỉ tiêu|phấn đấu|đến năm|định hướng|tầm nhìn)\b")
# everyday words for a target, whatever else the question asks (`muốn … bao nhiêu`)
_ASKS_INTENT = re.compile(r"\b(dự kiến|dự tính|muốn|đặt ra|đặt mục tiêu|sẽ|hướng tới)\b")
_DAY_ASKED = r"(?:ngày|hôm|tháng|quý|năm) nào"  # the day itself, not `khi nào`
_ASKS_DAY = re.compile(rf"\b{_DAY_ASKED}\b")
_ASKS_DATE = re.compile(  # with `hồi nào`, `lúc nào` as people ask it
    rf"\b(khi nào|bao giờ|thời gian nào|thời điểm nào|hồi nào|lúc nào|{_DAY_ASKED})\b"
)
# `ai`, not `không ai đốt pháo` (nobody) or `ai cũng` (everybody)
_WHO = r"(?<!không )(?<!chẳng )(?<!chưa )ai(?! cũng)"
_ASKS_WHO = re.compile(
    rf"\b({_WHO}|cơ quan nào|đơn vị nào|sở nào|ban nào|bộ nào|bên nào|chủ trì)\b"
)
_ASKS_LIST = re.compile(r"\b(gồm những|bao gồm|gồm các|(?:những|các) (?:\w+ ){1,6}nào|gồm gì)\b")
# `tên là gì`, `mang tên gì`: a name (`Đình Quán`, `“Thắp sáng đường quê”`) answers it
_ASKS_NAME = re.compile(r"\b(tên (?:là )?gì|mang tên)\b")
# `Chủ tịch UBND tỉnh là ai`: a person, named (`đồng chí Nguyễn Khắc Thịnh`), answers it
_ASKS_PERSON = re.compile(r"\blà ai\W*$")
# `GRDP năm 2024 tăng bao nhiêu`: a change answers it (`tăng trưởng … 8,5-9,0%`), not a level
_ASKS_CHANGE = re.compile(r"\b(tăng|giảm)(?: thêm)? (bao nhiêu|mấy)\b")
# what states a change: `tăng 7,72%`, `tốc độ tăng trưởng`, `giảm 1,5%`, `gấp 1,2 lần`, `vượt`,
# `bằng 131,9% so với cùng kỳ`; with their marks, or with marks lost (`tang 3%`), never another
# word of the same letters (`tặng quà`, `giám sát`, `gặp mặt`)
_CHANGE_WORDS = ("tăng", "giảm", "gấp", "vượt", "cao hơn", "thấp hơn", "so với")
_STATES_CHANGE = re.compile(rf"\b(?:{'|'.join(_CHANGE_WORDS)})\b")
_STATES_CHANGE_FOLDED = re.compile(rf"\b(?:{'|'.join(map(fold_diacritics, _CHANGE_WORDS))})\b")
# asked with another question word, `mấy` before a noun is the everyday plural (`các`), not a
# count: `kêu gọi mấy công ty thi đua chuyện gì`, `ưu tiên mấy loại nào`, `có … mấy người bán
# hàng trên mạng không?`; `gấp mấy lần`, `mấy giờ` stay counts
_OTHER_QUESTION = re.compile(
    rf"\b(?:gì|nào|{_WHO}|đâu|thế nào|ra sao)\b|(?<!mấy )\bsao\b|\b(?:không|chưa)\W*$"
)
_PLURAL_MAY = re.compile(r"\bmấy\s+(?!lần\b|giờ\b)(?=[^\W\d_])", re.IGNORECASE)
# a document's number (`kế hoạch số mấy` → `105/KH-UBND`): a code, not a figure or a target
_ASKS_CODE = re.compile(r"\b(số mấy|số hiệu|ký hiệu)\b")
_KINDS = (
    ("code", _ASKS_CODE),
    ("plan", _ASKS_PLAN),
    ("status", _ASKS_STATUS),
    ("number", _ASKS_NUMBER),
    ("date", _ASKS_DATE),
    ("who", _ASKS_WHO),
    ("list", _ASKS_LIST),
)
# units as people say them (folded patterns) → the unit reports write
_SPOKEN_UNITS = (
    *(("hec[- ]?ta", "ha"), ("cay so", "km"), ("ki[- ]?lo[- ]?met", "km")),
    *(("cong ty", "doanh nghiệp"), ("thanh nien", "người"), ("cong nhan", "người")),
    *(("kcn", "khu công nghiệp"), ("ccn", "cụm công nghiệp")),
    *(("quay", "gian hàng"), ("sap", "gian hàng")),
)
# the head of an indicator: the word after it says which one (`tỷ lệ thất nghiệp`, not
# `tỷ lệ tốt nghiệp`; `tổng đàn dê`, not `tổng đàn lợn`; `số ca sốt xuất huyết`; `giá
# vàng`, not `giá cả nguyên vật liệu`), as after a measure of area or weight (`bao nhiêu
# ha khoai tây`, not the season's `cây màu`) and after an output (`sản lượng lúa`, not the
# fish farms' `sản lượng nuôi trồng`)
_INDICATOR_HEADS = frozenset(
    {"tỷ_lệ", "đàn", "ca", "giá", "ha", "tấn", "sản_lượng"}
)  # terms: `tỉ` → `tỷ`
_FOLDED_HEADS = frozenset({"ty_le"})  # typed bare, `ca` and `dan` are also `cá`, `dân`
# a rate is named as such: `100% hộ nghèo … được nhận quà Tết` is no `tỷ lệ hộ nghèo`; and a
# price: `diện tích cấy lúa` is no `giá lúa` (`giá trị` is one word, never this head)
_RATE_HEADS = frozenset({"tỷ_lệ", "ty_le", "giá"})
# how much (`giá rẻ`, `sản lượng đạt`) or when (`sản lượng năm 2023`), not which
_LEVEL_WORDS = frozenset(
    {"rẻ", "cao", "thấp", "tăng", "giảm", "đạt", "ước", "năm", "tháng", "quý", "nghìn", "triệu"}
)
# `đàn` heads a herd (`đàn lợn`); before anything else it is the instrument (`chơi đàn dân tộc`)
_HERDS = frozenset(
    {"lợn", "heo", "gà", "vịt", "ngan", "ngỗng", "trâu", "bò", "dê", "ong", "gia_súc", "gia_cầm"}
    | {"trâu_bò", "gà_vịt", "lợn_nái"}
)
# a quantity the question names with its unit (`tàu cá dài từ 24 mét trở lên`, `Bệnh viện
# 1.500 giường`): what it asks about, which evidence that never states it is not about
_QUANTITY = re.compile(
    r"(?<![\w/.,-])(\d+(?:[.,]\d+)*)\s*(?:m|mét|tuổi|giường|ha|héc-ta|km|cây số|tấn|mw|kv|tầng)"
    r"(?!\w)",
    re.IGNORECASE,
)
# `lần thứ mấy`, `xếp hạng mấy`: a rank or a round is answered by the number after its word
# (`năm thứ 11 liên tiếp`, `xếp thứ 43/63`, `lần 4`, `đợt 2`, `lần thứ XI`, `Kỳ họp thứ
# Bảy`); typed with diacritics, `thu mấy tỷ` (collected) is no rank. Evidence is read with
# its marks, lower-cased (`SentenceJudge.gives_number`): `thu 9.878 tỷ` states no rank
ORDINAL = "thứ"
_ASKS_ORDINAL = re.compile(r"\b(?:thứ|hạng) mấy\b")
_ORDINAL_STATED = re.compile(
    r"\b(?:thứ|hạng|lần|đợt|khóa|khoá)\s+(?:\d+(?![.,]\d)|[ivxlc]+)\b"
    r"|\bthứ\s+(?:nhất|nhì|hai|ba|tư|bốn|năm|sáu|bảy|tám|chín|mười)\b"
)
_ASKED_UNIT = re.compile(r"\b(?:bao nhiêu|mấy)\s+(?=(.{1,20}))")
_ASKED_UNIT_BARE = re.compile(fold_diacritics(_ASKED_UNIT.pattern))  # as `_asks` folds
_MEDALS = (("vàng", "hcv"), ("bạc", "hcb"), ("đồng", "hcđ"))
UNIT_SYNONYMS = {
    "người": ("người", "lao động", "công dân", "học sinh", "ca", "lượt"),  # `354 ca mắc`
    "ha": ("ha", "héc-ta"),
    # `đạt 01 HCV, 01 HCB`; `mấy huy chương đồng` is not answered by `02 HCV`
    "huy chương": ("huy chương", "hcv", "hcb", "hcđ"),
    **{f"huy chương {metal}": (f"huy chương {metal}", abbr) for metal, abbr in _MEDALS},
    "phần trăm": ("%", "phần trăm"),  # `bao nhiêu phần trăm` is answered by `đạt 36%`
    "khu công nghiệp": ("khu công nghiệp", "kcn"),
    "cụm công nghiệp": ("cụm công nghiệp", "ccn"),
    "tiền": tuple(
        f"{scale}{currency}"
        for scale in ("", "nghìn ", "triệu ", "tỷ ")
        for currency in ("đồng", "usd")
    ),  # `bao nhiêu tiền`: `1.020,7 tỷ đồng`
}


Prepared = tuple[str, str]  # canonical lower-case text and its folded form
REMEMBERED_QUESTIONS = 256  # recent questions whose `asks_how` is remembered
PREPARED_KEPT = 8192  # texts whose prepared forms a segmenter's judges share


@lru_cache(maxsize=PREPARED_KEPT)
def _prepared(segmenter: Segmenter, text: str) -> Prepared:
    """`SentenceJudge.prepare`, remembered per segmenter (identity: its abbreviations)."""
    normalized = spelling_form(clean_text(text))  # once for both forms
    # one space between words: an abbreviated long form comes back padded (`Tổng  GTSX`)
    canonical = " ".join(segmenter.abbreviated(normalized).lower().split())
    both = f"{canonical}\n{normalized.lower()}"
    return both, fold_diacritics(both)


@dataclass(frozen=True)
class Credits:
    """Credit (0, `FOLDED_CREDIT` or 1) of each question phrase in one text, in the order of
    `SentenceJudge.phrases`, and the asked months it mentions. A tuple, not a dict: the
    composer `|`s and weighs these for every clause window of every sentence it reads."""

    phrases: tuple[float, ...]
    months: frozenset[int]

    def __or__(self, other: Credits) -> Credits:
        """What either text holds: the better credit of each phrase, both texts' months."""
        return Credits(tuple(map(max, self.phrases, other.phrases)), self.months | other.months)


@dataclass(frozen=True)
class Question:
    """A question analysed once, then matched against many sentences."""

    text: str
    kind: str  # "code", "plan", "status", "number", "date", "who", "list" or "fact"
    terms: dict[str, float]  # canonical lower-case phrase → weight
    typed_folded: bool  # typed without diacritics
    unit: str | None = None
    keys: tuple[str, ...] = ()  # names, abbreviations and codes the evidence must mention
    months: tuple[int, ...] = ()  # `tháng 3/2024` → 3: the month the evidence must be about
    wants_number: bool = False  # `bao nhiêu`, `tỷ lệ`: a figure answers it, whatever the kind
    period: Period = field(default_factory=Period)  # `9 tháng năm 2023`: the figure's period
    alternatives: dict[str, float] = field(default_factory=dict)  # `bắp` → {"ngô": 0.5}
    # asks for a target: a plan question, or a figure the province means to reach (`năm 2024
    # tỉnh muốn …`, `dự kiến tăng bao nhiêu`), which a plan document states
    targets: bool = False
    wants_name: bool = False  # `tên là gì`: a name the question does not hold answers it
    topics: tuple[str, ...] = ()  # `tỷ lệ thất nghiệp` → ("thất nghiệp",): which indicator
    quantities: tuple[str, ...] = ()  # `dài từ 24 mét trở lên` → ("24",)
    provinces: tuple[str, ...] = ()  # `tỉnh Hà Nam`: the evidence must name it (`places`)
    opening_name: int = 0  # `Thái Bình có mấy …` → 2: first words that are a name (`opening_name`)
    wants_change: bool = False  # `tăng bao nhiêu`: a line stating a change answers it
    wants_person: bool = False  # `… là ai`: a line naming a person answers it
    # `ngày nào`, `năm nào`: a line stating a date answers it; `khi nào` may also be answered
    # by a line saying it was done, in a dated report (`Tổ chức Lễ khởi công … KCN Hải Long`)
    wants_date: bool = False
    # `kim ngạch xuất khẩu và nhập khẩu`: a figure question about both, which the line names
    members: tuple[str, str] | None = None


def question_kind(question: str) -> str:
    """What kind of clause answers it: `code` (a document's number), `plan` (the planning
    document's figure), `status`
    (what was done), `number`, `date`, `who` (a person or body), `list` or `fact`."""
    how = asks_how(question)  # `tỷ lệ … ra sao`: words answer it, not a figure
    found = (k for k, pattern in _KINDS if _asks(pattern, question) and not (how and k == "number"))
    return next(found, "fact")


def asks_number(question: str) -> bool:
    """`bao nhiêu`, `mấy`, `tỷ lệ`, … anywhere in the question, or an indicator asked for a
    period (`thu ngân sách năm 2023`, `sản lượng thủy sản tháng 01/2024`)."""
    if _asks(_ASKS_CODE, question) or asks_how(question):
        return False
    indicator = _asks(_INDICATOR, question.strip()) and _asks(_PERIOD_NAMED, question)
    return indicator or _asks(_ASKS_NUMBER, question)


@lru_cache(maxsize=REMEMBERED_QUESTIONS)
def asks_how(question: str) -> bool:
    """`tỷ lệ giải ngân so với cả nước ra sao`: how it stands, which words answer (`cao hơn
    bình quân của cả nước`), unless a figure is asked outright (`bao nhiêu`, `mấy`).
    Remembered: the kind, the number test and the unit of one analysis all ask it."""
    return _asks(_ASKS_HOW, question) and not _asks(_ASKS_FIGURE, question)


def _asks(pattern: re.Pattern[str], question: str) -> bool:
    """Accented patterns on accented questions (`đạt` is not `đất`); folded ones otherwise."""
    lowered = normalize_tone_marks(question.lower())
    if has_diacritics(question):
        return bool(pattern.search(lowered))
    return bool(re.search(fold_diacritics(pattern.pattern), lowered))


def analyse(
    question: str,
    segmenter: Segmenter,
    alternatives: Sequence[str] = (),
    alternative_weight: float = 0.0,
    names: Container[str] = frozenset(),
) -> Question:
    """Kind, weighted key terms and the asked unit of `question`; `names`: lower-case names
    the corpus always writes with capitals (`qa.search.truecase`), which tell whether the
    question opens with one; `alternatives` are the
    documents' words for the user's (`công ty` → `doanh nghiệp`, from `qa.search.register`), each
    weighing `alternative_weight` × a plain term of the question."""
    topic = _without_scope(question)  # the period reads it: `period_of`
    terms = [t for t in segmenter.terms(topic) if t not in QUESTION_WORDS]
    terms = terms or segmenter.terms(question)
    canonical = segmenter.canonical_text(question)
    opening = opening_name(canonical, names)
    named = {
        w.lower() for i, w in enumerate(_WORD.findall(canonical)) if _named_word(i, w, opening)
    }
    weights: dict[str, float] = {}
    for term in terms:
        phrase = term.replace("_", " ")
        if any(ch.isdigit() for ch in phrase):
            weights[phrase] = NUMBER_WEIGHT
        elif all(part in named for part in phrase.split()):
            weights[phrase] = NAMED_WEIGHT
        else:
            weights.setdefault(phrase, 1.0)
    counted = _plural_read(question)
    kind = question_kind(counted)
    wants_number = asks_number(counted)
    if kind == "fact" and wants_number:  # `thu ngân sách năm 2023`: an indicator and a period
        kind = "number"
    return Question(
        question,
        kind,
        weights,
        not has_diacritics(question),
        None if asks_how(counted) else _asked_unit(counted) or _measured_in(counted, wants_number),
        key_phrases(canonical, opening),
        asked_months(question),
        wants_number,
        period_of(question),
        {
            segmenter.canonical_text(phrase).lower().strip(): alternative_weight
            for phrase in alternatives
            if alternative_weight > 0
        },
        kind == "plan" or _asks(_ASKS_INTENT, question),
        _asks(_ASKS_NAME, question),
        indicator_topics(terms, not has_diacritics(question)),
        tuple(m.group(1) for m in _QUANTITY.finditer(question)),
        provinces_named(question),
        opening,
        _asks(_ASKS_CHANGE, question),
        _asks(_ASKS_PERSON, question),
        _asks(_ASKS_DAY, question),
        asked_members(question, segmenter.lexicon.stopwords | QUESTION_WORDS)
        if wants_number
        else None,
    )


def indicator_topics(terms: Sequence[str], typed_folded: bool = False) -> tuple[str, ...]:
    """The term after each indicator head of a question's segmented terms: what the evidence
    must name for a figure to be the asked indicator's; a rate's or a price's head too
    (`tỷ lệ`, `giá`). Heads compare with their diacritics (`tàu cá` has no `ca`); typed
    without any, only the unambiguous ones count.

    >>> indicator_topics(["tỷ_lệ", "thất_nghiệp", "năm"]), indicator_topics(["tàu", "cá", "gì"])
    (('tỷ lệ', 'thất nghiệp'), ())
    >>> indicator_topics(["ty_le", "that_nghiep"], True), indicator_topics(["tau", "ca", "x"], True)
    (('ty le', 'that nghiep'), ())
    >>> indicator_topics(["giá", "vàng", "thế_giới"]), indicator_topics(["nhà", "giá", "rẻ"])
    (('giá', 'vàng'), ())
    >>> indicator_topics(["đàn", "lợn"]), indicator_topics(["chơi", "đàn", "dân_tộc"])
    (('lợn',), ())
    >>> indicator_topics(["sản_lượng", "lúa"]), indicator_topics(["sản_lượng", "đạt", "tấn"])
    (('lúa',), ())
    """
    heads = _FOLDED_HEADS if typed_folded else _INDICATOR_HEADS
    return tuple(
        dict.fromkeys(
            topic.replace("_", " ").lower()
            for head, term in pairwise(terms)
            if head.lower() in heads
            and term.lower() not in _LEVEL_WORDS
            and (head.lower() != "đàn" or term.lower() in _HERDS)
            and not any(ch.isdigit() for ch in term)
            for topic in ((head, term) if head.lower() in _RATE_HEADS else (term,))
        )
    )


def _without_scope(question: str) -> str:
    """`question` without the words of a span from January (`từ đầu năm`, `tới cuối tháng
    9/2023`) or of a same-period base (`so với cùng kỳ`); `đến tháng 1/2024` stays, one month
    as a January report names it; so does a base that is not last year's (`so với kế hoạch`).

    >>> _without_scope("Tính tới cuối tháng 9/2023, dư nợ bao nhiêu?")
    ', dư nợ bao nhiêu?'
    >>> _without_scope("điện tăng mấy % so với cùng tháng năm ngoái, so với kế hoạch?")
    'điện tăng mấy %  , so với kế hoạch?'
    """
    text = unicodedata.normalize("NFC", question)
    folded = fold_diacritics(text.lower())
    if len(folded) != len(text):  # folding moved the offsets (another script): words kept
        return text
    kept, cursor = [], 0
    for match in _NOT_TOPIC.finditer(folded):
        if match.group(1) is None or int(match.group(1)) > 1:
            kept.append(text[cursor : match.start()])
            cursor = match.end()
    return " ".join([*kept, text[cursor:]]).strip()


def asked_months(question: str) -> tuple[int, ...]:
    """Months named with their year: `tháng 3/2024`, `01/2024`, `tháng 3 năm 2024` → (3,).
    Not a quarter (`quý 4/2023`) nor the end of a span from January (`đến tháng 9/2023`, which
    `period_of` reads as `9 tháng`).

    >>> asked_months("tháng 3/2024"), asked_months("đến tháng 9/2023"), asked_months("đến 1/2024")
    ((3,), (), (1,))
    """
    text = fold_diacritics(question.lower())
    text = re.sub(r"quy\s*\w+\s*/\s*\d{4}", " ", text)
    text = _UNTIL_WITH_YEAR.sub(lambda m: " " if int(m.group(1)) > 1 else m.group(0), text)
    found = re.findall(r"(?:thang\s*)?(?<![\d/])(\d{1,2})\s*(?:/|nam\s+)(?:19|20)\d\d", text)
    return tuple(dict.fromkeys(int(m) for m in found if 1 <= int(m) <= 12))


def opening_name(canonical: str, names: Container[str]) -> int:
    """How many of a question's first words are a name the corpus always writes with capitals:
    a question's first word is capitalised for its place, so only the corpus can tell that it
    opens a name (`Thái Bình có mấy …` → 2; `Ở Thái Bình …`, `Tiến độ …` → 0). Runs of two or
    three capitalised words, the question going on after them.

    >>> opening_name("Thái Bình có mấy điểm?", {"thái bình"}), opening_name("Tiến độ KCN", {})
    (2, 0)
    """
    words = _WORD.findall(canonical)
    for count in range(min(OPENING_NAME_WORDS, len(words) - 1), 1, -1):
        run = words[:count]
        if all(w[:1].isupper() for w in run) and " ".join(run).lower() in names:
            return count
    return 0


def key_phrases(canonical: str, opening: int = 0) -> tuple[str, ...]:
    """Runs of capitalised words after the first (`Liên Hà Thái`), or from the first when the
    question opens with a name (`opening` words, `opening_name`), abbreviations (`KCN`) and
    codes with letters (`CT.08`, `29-NQ/TW`), lower-cased: what an answer must be about."""
    words = re.findall(r"[^\W_]+(?:[./-][^\W_]+)*", canonical)
    keys: list[str] = []
    run: list[str] = []
    for index, word in enumerate(words):
        letters = sum(ch.isalpha() for ch in word)
        is_code = letters >= 2 and any(ch.isdigit() for ch in word)
        is_abbreviation = word.isalpha() and word.isupper() and len(word) > 1
        if word.isalpha() and not is_abbreviation and _named_word(index, word, opening):
            run.append(word)
            continue
        if run:
            keys.append(" ".join(run).lower())
            run = []
        if is_abbreviation or is_code:
            keys.append(word.lower())
    if run:
        keys.append(" ".join(run).lower())
    return tuple(dict.fromkeys(keys))


def _plural_read(question: str) -> str:
    """`question` with an everyday plural `mấy` read as `các` (typed with diacritics only:
    bare, `may` is also `máy`).

    >>> _plural_read("Tháng 2/2024 tỉnh kêu gọi mấy công ty thi đua chuyện gì?")
    'Tháng 2/2024 tỉnh kêu gọi các công ty thi đua chuyện gì?'
    >>> _plural_read("được mấy giải nhất?"), _plural_read("doanh thu tăng gấp mấy lần là gì")
    ('được mấy giải nhất?', 'doanh thu tăng gấp mấy lần là gì')
    """
    lowered = normalize_tone_marks(question.lower())
    if not has_diacritics(question) or not _OTHER_QUESTION.search(lowered):
        return question
    return _PLURAL_MAY.sub("các ", normalize_tone_marks(question))


# an output is weighed: `sản lượng lúa cả năm` is not answered by the hectares sown (electricity's
# output is in kWh, its own)
_OUTPUT = re.compile(r"\b(?:sản lượng|san luong)\b(?! (?:điện|dien)\b)")


# a count named by what it counts: `số vụ tai nạn giao thông 9 tháng 2023`
_COUNT_OF = re.compile(r"^(?:tổng\s+)?số\s+(?=(.{1,20}))")
_COUNT_OF_BARE = re.compile(fold_diacritics(_COUNT_OF.pattern))


def _measured_in(question: str, wants_number: bool) -> str | None:
    """The unit a figure question's measure implies when no unit is asked: an output is
    weighed (`sản lượng` → `tấn`), a count opening the question counts its unit (`số vụ tai
    nạn` → `vụ`, not `02/9`).

    >>> _measured_in("sản lượng lúa cả năm 2023", True), _measured_in("sản lượng điện", True)
    ('tấn', None)
    >>> _measured_in("số vụ tai nạn giao thông 9 tháng 2023", True)
    'vụ'
    >>> _measured_in("so ho ngheo cuoi nam 2023", True), _measured_in("số liệu năm 2023", True)
    ('hộ', None)
    """
    if not wants_number:
        return None
    lowered = question.lower().strip()
    if _OUTPUT.search(lowered):
        return "tấn"
    count = (_COUNT_OF if has_diacritics(question) else _COUNT_OF_BARE).match(lowered)
    return _unit_named(count.group(1)) if count else None


def _asked_unit(question: str) -> str | None:
    lowered = question.lower()
    if re.search(r"\b(tỷ lệ|tỉ lệ|ty le|ti le)\b", lowered):
        return "%"
    if _asks(_ASKS_ORDINAL, question):
        return ORDINAL
    # typed bare, `may` may be `mấy`; typed with diacritics it is `máy` (`bộ máy còn`). The
    # last figure word asks: `mấy nhà máy … tăng bao nhiêu phần trăm` (the first is a plural)
    pattern = _ASKED_UNIT if has_diacritics(question) else _ASKED_UNIT_BARE
    matches = list(pattern.finditer(lowered))
    if not matches:
        return None
    return _unit_named(matches[-1].group(1))


def _unit_named(following: str) -> str | None:
    """The unit the words after a figure word name (`cái`, `chiếc` skipped; as spoken or as
    reports write it), if any."""
    following = re.sub(r"^(?:cai|chiec)\s+", "", fold_diacritics(following))
    spoken = next((u for s, u in _SPOKEN_UNITS if re.match(rf"{s}(?!\w)", following)), None)
    return spoken or next(
        (u for u in UNITS if re.match(rf"{re.escape(fold_diacritics(u))}(?!\w)", following)), None
    )


class SentenceJudge:
    """Scores how well a sentence (with its passage context) answers one question."""

    def __init__(
        self,
        question: Question,
        segmenter: Segmenter,
        districts: tuple[str, ...] = (),
        kinds: KindTable | None = None,
    ) -> None:
        """`districts`: the corpus's district names (`qa.text.districts`), which exclude each
        other as the `kinds` of `qa.answer.kinds_of_things` do (default: the bundled ones)."""
        self.question = question
        self.segmenter = segmenter
        # an abbreviation also shows as its long form inside a longer one's: `Chỉ số cải
        # cách hành chính` is canonically `PAR`, and still says `CCHC` (`cải cách hành chính`)
        forms = {
            phrase: (phrase, *segmenter.long_forms(phrase))
            for phrase in (*question.terms, *question.keys, *question.alternatives)
        }
        self._folded = {p: tuple(fold_diacritics(f) for f in fs) for p, fs in forms.items()}
        self._patterns = {
            phrase: (_phrase_re(forms[phrase]), _phrase_re(self._folded[phrase]))
            for phrase in forms
        }
        self.phrases = tuple(forms)  # the order of every `Credits.phrases`
        position = {phrase: index for index, phrase in enumerate(self.phrases)}
        self._years = {phrase for phrase in question.terms if _YEAR.fullmatch(phrase)}
        # what a sentence lends the next: its scope (`KCN`, `Hải Long`, `29-NQ/TW`), never the
        # indicator its own figure measures (`GRDP` is not the next line's `thu nhập`)
        indicators = {abbr.lower() for abbr in segmenter.lexicon.indicators}
        self._lent = frozenset(position[key] for key in question.keys if key not in indicators)
        # the indicators the question names (`BHXH`) and a pattern for the others (`BHYT`)
        self._asked_indicators = tuple(position[k] for k in question.keys if k in indicators)
        others = sorted(indicators - set(question.keys), key=len, reverse=True)
        self._other_indicator = (
            re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, others))})(?!\w)")
            if self._asked_indicators and others
            else None
        )
        self._kinds = KindsAsked(question.text, question.alternatives, districts, kinds)
        self._places = {p.lower() for p in (*province_names(), *districts)}
        self._question_words = frozenset(_WORD.findall(fold_diacritics(question.text.lower())))
        self._weights = tuple(
            (position[phrase], weight)
            for phrase, weight in (*question.terms.items(), *question.alternatives.items())
        )
        self._keys = tuple(position[key] for key in question.keys)
        self._topics = tuple(position[topic] for topic in question.topics)
        self._alternatives = tuple(position[phrase] for phrase in question.alternatives)
        self._total = sum(question.terms.values()) or 1.0
        self._pairs = _word_pairs(
            segmenter.canonical_text(question.text),
            segmenter.lexicon.stopwords,
            question.opening_name,
        )
        units = UNIT_SYNONYMS.get(question.unit, (question.unit,)) if question.unit else ()
        alternatives = "|".join(re.escape(fold_diacritics(u)) for u in units)
        # a scale word may sit between the figure and its unit: `712,6 nghìn con`; a figure
        # starts a number (`1/2000 Khu công nghiệp`, a map's scale, counts no park)
        scaled = (
            rf"(?<![\d/.,])\d[\d.,]*\s*(?:(?:nghin|ngan|trieu|ty|van)\s+)?(?:{alternatives})(?!\w)"
        )
        self._rank = question.unit == ORDINAL
        self._unit = re.compile(scaled) if units and not self._rank else None

    @property
    def asks_pairs(self) -> bool:
        """The question has adjacent word pairs for `phrase_share` to look for."""
        return bool(self._pairs)

    def phrase_share(self, folded: str) -> float:
        """Share of the question's adjacent word pairs (`nợ xấu`, `tỷ lệ`) that a folded
        lower-case text holds as such: the indicator asked about, not its scaffolding (`các
        tổ chức tín dụng đến 30/9/2023`) scattered over another clause."""
        if not self._pairs:
            return 0.0
        words = " ".join(["", *_WORD.findall(folded), ""])
        return sum(1 for pair in self._pairs if f" {pair} " in words) / len(self._pairs)

    def prefix_phrase_share(self, folded: str) -> Callable[[int], float]:
        """`phrase_share(folded[:end])` for every `end` at the end of a word, from one pass:
        the composer asks it of the text before each of a sentence's clause windows.

        >>> judge = SentenceJudge(Question("tỷ lệ nợ xấu", "fact", {}, False), Segmenter())
        >>> share = judge.prefix_phrase_share("ty le no xau la 0,85%")
        >>> share(5), share(12), judge.phrase_share("ty le no xau")
        (0.3333333333333333, 1.0, 1.0)
        """
        if not self._pairs:
            return lambda end: 0.0
        first_end: dict[str, int] = {}
        previous = ""
        for match in _WORD.finditer(folded):
            first_end.setdefault(f"{previous} {match.group()}", match.end())
            previous = match.group()
        ends = sorted(first_end[pair] for pair in self._pairs if pair in first_end)
        return lambda end: bisect_right(ends, end) / len(self._pairs)

    def coverage(self, sentence: str, context: str = "") -> float:
        """Weighted share of the question's terms found in the sentence or its context
        (document title, issuer, section); a term found only without diacritics counts less.

        Each name or figure of the question that neither mentions halves the result
        (`GRDP … của tỉnh Nam Định` is not answered by a sentence about Thái Bình), and so
        does a year the sentence contradicts (`PCI năm 2023` vs. a sentence on `Năm 2022`).
        """
        return self.coverage_of([self.prepare(sentence), self.prepare(context)], sentence)

    def prepare(self, text: str) -> Prepared:
        """`text` canonicalised once (lower-case, and folded) for many `coverage_of` calls.

        The plain text rides along: a long form swallowed by a longer one (`chỉ số cải cách
        hành chính` → `PAR`) still shows its own words (`chỉ số`). The same passages answer
        many questions: the forms of the last `PREPARED_KEPT` texts are remembered per
        segmenter (they depend on its abbreviations, not on the question)."""
        return _prepared(self.segmenter, text)

    def coverage_of(self, parts: Sequence[Prepared], sentence: str) -> float:
        """`coverage` over prepared parts (clauses of a sentence, its context): a term counts
        when one part holds it; `sentence` is what a contradicted year is read from."""
        return self.coverage_from([self.credits(part) for part in parts], sentence)

    def credits(self, part: Prepared) -> Credits:
        """What one prepared part holds of the question: reused by every window over it."""
        phrases = tuple(self._credit(p, *part) for p in self.phrases)
        months = frozenset(m for m in self.question.months if _mentions_month(part[1], m))
        return Credits(phrases, months)

    def keys_of(self, held: Credits) -> Credits:
        """Only the names, abbreviations and codes of what a text holds, at `LENT_CREDIT`: what
        a sentence lends the next one of its passage. Not an indicator's abbreviation.

        >>> judge = SentenceJudge(analyse("GRDP của KCN Hải Long", Segmenter()), Segmenter())
        >>> lent = judge.keys_of(judge.credits(judge.prepare("GRDP của KCN Hải Long tăng")))
        >>> sorted(p for p, c in zip(judge.phrases, lent.phrases, strict=True) if c)
        ['hải long', 'kcn']
        """
        keys = self._lent
        lent = tuple(LENT_CREDIT * c if i in keys else 0.0 for i, c in enumerate(held.phrases))
        return Credits(lent, frozenset())

    def coverage_from(self, parts: Sequence[Credits], sentence: str) -> float:
        """`coverage_of` from the parts' credits."""
        return self.coverage_held(reduce(operator.or_, parts), self.contradicted(sentence))

    def coverage_held(self, held: Credits, contradicted: int) -> float:
        """Coverage from what a set of texts holds together (their credits `|`-ed) and the
        number of question years their sentence contradicts. A register alternative found
        stands in for user's words the sentence lacks (`có mấy trường cấp 3` ↔ `39 trường
        THPT`): it adds its weight, and the share is capped at 1."""
        credit = held.phrases
        found = sum(weight * credit[index] for index, weight in self._weights)
        found = min(found, self._total)
        missing = sum(1 for index in self._keys if not credit[index])
        missing += contradicted
        missing += sum(1 for month in self.question.months if month not in held.months)
        return found / self._total * MISSING_KEY_FACTOR**missing

    def _credit(self, phrase: str, text: str, folded: str) -> float:
        if not any(form in folded for form in self._folded[phrase]):  # most are not: cheap no
            return 0.0
        accented, plain = self._patterns[phrase]
        if not self.question.typed_folded and accented.search(text):
            return 1.0
        if self.question.typed_folded:
            return 1.0 if plain.search(folded) else 0.0
        aligned = len(text) == len(folded)
        lost = (
            m
            for m in plain.finditer(folded)
            if not aligned or lost_marks(text[m.start() : m.end()], phrase)
        )
        return FOLDED_CREDIT if next(lost, None) is not None else 0.0

    def contradicted(self, sentence: str) -> int:
        """How many question years a sentence contradicts: it opens on another year, its
        topic (`Năm 2022, nhiều chỉ số…`); years further in are often comparisons or bases.
        Opening on another span of the year counts once more (`(dự kiến cả năm 2023 thu hút
        …)` for a `9 tháng năm 2023` question)."""
        opening = " ".join(sentence.split()[:OPENING_WORDS])
        asked_span = self.question.period.span
        found_span = period_of(opening).span if asked_span is not None else None
        other_span = int(found_span is not None and found_span != asked_span)
        if not self._years:
            return other_span
        stated = set(_YEAR.findall(opening))
        if not stated or stated & self._years:
            return other_span
        return len(self._years - stated) + other_span

    def gives_number(self, sentence: str, folded: str | None = None) -> bool:
        """For `bao nhiêu` questions: a number, in the asked unit when one was asked; for
        `thứ mấy`, a rank. `folded`: the sentence folded and lower-cased, when the caller
        has it (the composer folds each sentence once and asks this of every clause)."""
        if self._rank:  # `thứ` is not `thu` (collect): a rank is read with its marks
            return bool(_ORDINAL_STATED.search(sentence.lower()))
        folded = fold_diacritics(sentence.lower()) if folded is None else folded
        if self._unit is not None:
            return bool(self._unit.search(folded))
        return any(ch.isdecimal() for ch in _NOT_QUANTITIES.sub(" ", folded))

    def names_topic(self, held: Credits) -> bool:
        """The evidence names the asked indicator (`thất nghiệp` of `tỷ lệ thất nghiệp`), or
        holds the documents' word for the user's (`đàn heo` ↔ `tổng đàn lợn`)."""
        return all(held.phrases[index] for index in self._topics) or any(
            held.phrases[index] for index in self._alternatives
        )

    def names_other_indicator(self, held: Credits, text: str) -> bool:
        """The evidence `text` (whose credits are `held`) never names an indicator the question
        names and names another one: `tham gia BHYT đạt 88,5%` is no figure for `tỷ lệ tham
        gia bảo hiểm xã hội`, nor `PCI xếp hạng 28/63` for the DTI."""
        if self._other_indicator is None or any(held.phrases[i] for i in self._asked_indicators):
            return False
        return self._other_indicator.search(self.prepare(text)[0]) is not None

    def names_another_kind(self, text: str) -> bool:
        """The evidence `text` never names a disease, crop, herd… the question names, and
        names another of its kind (`qa.answer.kinds_of_things`)."""
        return bool(self._kinds) and self._kinds.names_another(text)

    def states_quantities(self, text: str) -> bool:
        """`text` states every quantity the question names (`24 mét`: 24), in any written
        form (`1.500` = `1500`)."""
        asked = self.question.quantities
        return not asked or not unsupported_numbers(" ".join(asked), text)

    def states_change(self, line: str) -> bool:
        """For a question asking how much something rose or fell: `line` states a change."""
        if not self.question.wants_change:
            return True
        lower = line.lower()
        if _STATES_CHANGE.search(lower):
            return True
        folded = fold_diacritics(lower)
        if len(folded) != len(lower):  # spans cannot be compared: any change word will do
            return _STATES_CHANGE_FOLDED.search(folded) is not None
        return any(
            lost_marks(lower[m.start() : m.end()]) for m in _STATES_CHANGE_FOLDED.finditer(folded)
        )

    def gives_name(self, line: str) -> bool:
        """The line names something the question does not: a capitalised word past its first
        (`Đình Quán`), not an abbreviation (`VĐV`), or a quoted title (`“Khúc hát Xuân”`)."""
        if _QUOTED.search(line):
            return True
        return any(
            index > 0 and word[0].isupper() and not word.isupper()
            and fold_diacritics(word.lower()) not in self._question_words
            for index, word in enumerate(_WORD.findall(line))
        )  # fmt: skip

    def gives_person(self, line: str) -> bool:
        """For a question asking who holds a post: the line names a person, a common family
        name and the capitalised given names after it (`Nguyễn Khắc Thịnh`), which are no
        province or district (`Vũ Thư`, `Hà Nam`) nor a name the question already holds."""
        return not self.question.wants_person or any(
            name.lower() not in self._places
            and not set(_WORD.findall(fold_diacritics(name.lower()))) <= self._question_words
            for name in _people(line)
        )


# the commonest Vietnamese family names, then up to three words that may be given names
_FAMILY_NAME = re.compile(
    r"(?<!\w)(?:Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Hồ|Ngô|Dương|Lý|Đinh"
    r"|Đào|Trịnh)((?: [^\W\d_]+){1,3})"
)


def _people(line: str) -> list[str]:
    """A family name and the capitalised given names after it.

    >>> _people("Đồng chí Nguyễn Khắc Thịnh, Phó Bí thư; Ngô Đông Hải ký; Nguyễn kiến nghị")
    ['Nguyễn Khắc Thịnh', 'Ngô Đông Hải']
    """
    people = []
    for match in _FAMILY_NAME.finditer(line):
        given = []
        for word in match.group(1).split():
            if not word[0].isupper():
                break
            given.append(word)
        if given:
            people.append(" ".join([match.group(0).split()[0], *given]))
    return people


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_WORD = re.compile(r"[^\W_]+")
_QUOTED = re.compile(r"“[^”]+”|\"[^\"]+\"")
# numbers that answer no `bao nhiêu`: codes (`552/QĐ-UBND`, `140-KH/TU`), names (`Covid-19`),
# dates, years, list marks
_NOT_QUANTITIES = re.compile(
    r"\d+[/-][^\W\d_][\w/-]*|[^\W\d_]+-\d+|\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}/(?:19|20)\d\d"
    r"|(?<![\d.,])(?:19|20)\d\d(?![\d.,%])|^\s*\(?\d{1,2}[).]"
    # which one, not how many: `học kỳ 1`, `lần thứ 5`, `kỳ họp thứ 17`, `đợt 2`, `tháng 9`
    r"|\b(?:hoc ky|lan thu|ky hop thu|xep thu|dot|vong|thang|quy|ngay) \d+(?![\d.,%])"
)


def _word_pairs(
    canonical: str, stopwords: frozenset[str] = frozenset(), opening: int = 0
) -> tuple[str, ...]:
    """Adjacent folded word pairs of a question: neither a question word, a stopword, a
    figure, a name (names weigh as keys already) or a cue of a status, date, who or list
    question (`tiến độ`, `ngày nào`): those say what kind of answer is wanted, and an urging
    line repeats them.

    >>> _word_pairs("tỷ lệ nợ xấu của các TCTD đến 30/9/2023 là bao nhiêu", frozenset({"của"}))
    ('ty le', 'le no', 'no xau')
    >>> _word_pairs("tiến độ KCN Hải Long")
    ()
    """
    text = canonical
    for kind, pattern in _KINDS:
        if kind in ("code", "status", "date", "who", "list"):
            text = re.sub(pattern.pattern, " 0 ", text, flags=re.IGNORECASE)
    stop = {w for q in (*QUESTION_WORDS, *stopwords) for w in fold_diacritics(q).split("_")}
    words = []
    for index, word in enumerate(_WORD.findall(text)):
        folded = fold_diacritics(word.lower())
        named = _named_word(index, word, opening)
        breaks = named or folded in stop or any(ch.isdigit() for ch in word)
        words.append("" if breaks else folded)
    pairs = (f"{a} {b}" for a, b in pairwise(words) if a and b)
    return tuple(dict.fromkeys(pairs))


def _named_word(index: int, word: str, opening: int = 0) -> bool:
    """A word of a question that is part of a name: capitalised after the first word (or in
    the `opening` name), or an abbreviation (`KCN`)."""
    return ((index > 0 or index < opening) and word[:1].isupper()) or (
        word.isupper() and len(word) > 1
    )


def _mentions_month(folded: str, month: int) -> bool:
    """`tháng 9`, `30/9/2023` or `09/2023`."""
    pattern = rf"thang\s*0?{month}(?!\d)|(?<!\d)(?:\d{{1,2}}/)?0?{month}/(?:19|20)\d\d"
    return bool(re.search(pattern, folded))


def _phrase_re(forms: Sequence[str]) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, forms))})(?!\w)")
