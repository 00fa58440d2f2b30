"""The period a question asks about and the period a figure is for: `9 tháng` vs `cả năm`,
`tháng 1/2024` vs `năm 2024`, plan (`kế hoạch`, `mục tiêu`) vs what was done.

Why: a report of the first nine months and the year's resolution both give a `thu ngân sách`
figure; answering `thu ngân sách cả năm 2024` with the nine-month one, or a 2024 target with
January's actual figure, is wrong unless the answer says what it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from qa.text.normalize import fold_diacritics

OPENING_WORDS = 6  # a year among a sentence's first words is the year it is about
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
# two consecutive years joined: a school year or a crop season (`năm học 2023-2024`, `vụ Đông
# 2022 - 2023`), one period that shares a year with the one before it
_SEASON = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)(?!\d)")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_DAY = re.compile(r"(?<![\d/])\d{1,2}/(\d{1,2})/((?:19|20)\d\d)(?!\d)")  # `31/12/2023`
# a count of months in words (`Chín tháng năm 2023`, `sáu tháng đầu năm`), folded; not `năm`
# (folded, the year) nor `một`. `sau tháng 9` ("after September") still reads as a month: a
# count followed by a number is a date
_COUNTS = {
    "hai": 2, "ba": 3, "bon": 4, "sau": 6, "bay": 7, "tam": 8, "chin": 9, "muoi": 10,
    "muoi mot": 11, "muoi hai": 12,
}  # fmt: skip
_MONTH_COUNT = re.compile(rf"(?<!\w)({'|'.join(sorted(_COUNTS, key=len, reverse=True))}) thang\b")
# `(tính) đến (hết) tháng 9/2023`, `tới cuối tháng 9`: from January to that month, the span
# of a 9-month report (folded text; `qa.answer.question` reads a question's scope with it)
UNTIL_MONTH = re.compile(r"\b(?:den|toi)\s+(?:het\s+|cuoi\s+)?thang\s*0?(\d{1,2})(?!\d)")
_SPANS = (
    # `3 tháng cuối năm`: the months left, not the first three
    (
        re.compile(r"(?<![\d/])(\d{1,2}) thang cuoi nam\b"),
        lambda m: f"{int(m.group(1))} tháng cuối năm",
    ),
    (re.compile(r"\bca nam\b"), lambda m: "cả năm"),
    # `9 tháng 2023` is a span of a year; `ngày 9 tháng 10` is a date
    (
        re.compile(r"(?<![\d/])(\d{1,2}) thang(?! \d{1,2}(?!\d))"),
        lambda m: f"{int(m.group(1))} tháng",
    ),
    # `9T/2023`, the reports' short form of `9 tháng năm 2023`
    (re.compile(r"(?<![\w/])(\d{1,2})t(?=/(?:19|20)\d\d)"), lambda m: f"{int(m.group(1))} tháng"),
    (re.compile(r"\bquy (iv|iii|ii|i|[1-4])\b"), lambda m: f"quý {_quarter(m.group(1))}"),
    (UNTIL_MONTH, lambda m: _months(m.group(1))),
    (re.compile(r"\bthang 0?(\d{1,2})(?!\d)"), lambda m: f"tháng {int(m.group(1))}"),
    # the first and last months by their everyday names (`tháng Giêng 2024`)
    (re.compile(r"\bthang gieng\b"), lambda m: "tháng 1"),
    (re.compile(r"\bthang chap\b"), lambda m: "tháng 12"),
)
# one span, two names: the reports write `3 tháng cuối năm` and `quý IV` for the same months
_SAME_SPAN = {"3 tháng cuối năm": "quý 4", "3 tháng": "quý 1", "12 tháng": "cả năm"}
# `tăng 7,72% so với cùng kỳ năm 2022`: a base of comparison, not what the figure is for
_COMPARED_YEAR = re.compile(
    r"\bso voi\b(?:\s+\S+){0,4}?\s+\(?(?:\d{1,2}/){0,2}((?:19|20)\d\d)(?!\d)"
)  # `so với năm 2022`, `so với 31/12/2023`
_COMPARISON = re.compile(r"\b(?:so voi|cung ky)\b")  # what a figure is measured against
_HORIZON = re.compile(r"\b(?:den nam|tam nhin)\b")
_PLAN = re.compile(r"\b(ke hoach|muc tieu|chi tieu|phan dau|du toan|dinh huong)\b")
# an occasion within a year (folded): a crop season, Tết, an exam or contest, a festival or
# fair, a week, a day (`dịp 27/7`). Not a session (`kỳ họp cuối năm`): what stands at it
# comes after a 9-month report
_OCCASION = re.compile(
    r"\b(?:vu (?:lua )?(?:xuan|mua|dong|chiem|he thu)|tet|ky thi|thi tot nghiep|tot nghiep thpt"
    r"|hoi thi|cuoc thi|le hoi|hoi cho|tuan|dau xuan|mua xuan)\b|(?<![\d/])\d{1,2}/\d{1,2}(?![\d/])"
)
# `đạt 8,1% dự toán`, `so với kế hoạch`: an actual figure measured against the plan
_PLAN_AS_BASE = re.compile(r"(?:%|\bso voi)\s+(?:ke hoach|du toan|chi tieu)\b")


def _lunar_names() -> dict[str, str]:
    """A lunar year's name (its stem and branch, `giáp thìn`) → the year within 1984–2043,
    one sixty-year cycle from Giáp Tý, with the spellings in use (`tỵ`/`tị`, `kỷ`/`kỉ`,
    `mão`/`mẹo`)."""
    stems = ("giáp", "ất", "bính", "đinh", "mậu", "kỷ", "canh", "tân", "nhâm", "quý")
    branches = ("tý", "sửu", "dần", "mão", "thìn", "tỵ", "ngọ", "mùi", "thân", "dậu", "tuất", "hợi")
    spellings = {"tỵ": ("tỵ", "tị"), "kỷ": ("kỷ", "kỉ"), "mão": ("mão", "mẹo")}
    names = {}
    for year in range(1984, 2044):
        stem, branch = stems[(year - 4) % 10], branches[(year - 4) % 12]
        for s in spellings.get(stem, (stem,)):
            for b in spellings.get(branch, (branch,)):
                names[f"{s} {b}"] = str(year)
    return names


_LUNAR_YEARS = _lunar_names()
# with its marks the name is unmistakable (`kỷ dậu` is no `kỳ đầu`, `bính dần` no `bình dân`);
# typed without them only after `Tết` or `năm` (`tet giap thin`)
_LUNAR = re.compile(rf"\b({'|'.join(_LUNAR_YEARS)})\b")
_LUNAR_FOLDED_YEARS = {fold_diacritics(name): year for name, year in _LUNAR_YEARS.items()}
_LUNAR_FOLDED = re.compile(rf"\b(?:tet|nam) ({'|'.join(_LUNAR_FOLDED_YEARS)})\b")


def _lunar_years(lower: str, folded: str) -> frozenset[str]:
    """The years a text names by their lunar names (`Tết Giáp Thìn` is 2024), read in the
    text lower-cased and folded (as `period_of` has them).

    >>> text = "dịp tết quý mão, tặng quà; tết nguyên đán giáp thìn"
    >>> sorted(_lunar_years(text, fold_diacritics(text)))
    ['2023', '2024']
    >>> _lunar_years("tet giap thin", "tet giap thin")
    frozenset({'2024'})
    >>> _lunar_years("nhiệm kỳ đầu; bình dân", fold_diacritics("nhiệm kỳ đầu; bình dân"))
    frozenset()
    """
    found = {_LUNAR_YEARS[m.group(1)] for m in _LUNAR.finditer(lower)}
    found |= {_LUNAR_FOLDED_YEARS[m.group(1)] for m in _LUNAR_FOLDED.finditer(folded)}
    return frozenset(found)


@dataclass(frozen=True)
class Period:
    """Years, a span within the year (`9 tháng`, `quý 4`, `tháng 1`, `cả năm`) and whether
    the text speaks of a plan."""

    years: frozenset[str] = frozenset()
    span: str | None = None
    plan: bool = False
    seasons: frozenset[str] = frozenset()  # `2023-2024`: school years, crop seasons

    def label(self) -> str:
        """`9 tháng năm 2023`, `tháng 1 năm 2024`, `năm 2023`.

        >>> Period(frozenset({"2023"}), "9 tháng").label(), period_of("năm học 2022-2023").label()
        ('9 tháng năm 2023', 'năm 2022-2023')
        """
        seasonal = {y for season in self.seasons for y in season.split("-")}
        named = sorted(self.seasons) if self.years <= seasonal else sorted(self.years)
        years = ", ".join(named)
        year = "" if not years else years if (self.span or "").endswith("năm") else f"năm {years}"
        return " ".join(part for part in (self.span, year) if part)


@lru_cache(maxsize=8192)
def period_of(text: str) -> Period:
    """The period `text` names first.

    >>> period_of("GRDP 9 tháng năm 2023 tăng bao nhiêu?")
    Period(years=frozenset({'2023'}), span='9 tháng', plan=False, seasons=frozenset())
    >>> period_of("Tình hình kinh tế - xã hội tháng 01, nhiệm vụ trọng tâm tháng 02 năm 2024").span
    'tháng 1'
    >>> period_of("chỉ tiêu thu ngân sách cả năm 2024").plan
    True
    >>> period_of("thu tiền sử dụng đất 300 tỷ đồng, đạt 8,1% dự toán").plan  # measured against
    False
    >>> period_of("khách sạn, nhà nghỉ 9 tháng 2023 thu tăng bao nhiêu").label()
    '9 tháng năm 2023'
    >>> period_of("ngày 9 tháng 10 năm 2023").span
    'tháng 10'
    >>> period_of("số DN thành lập mới 9T/2023").label()
    '9 tháng năm 2023'
    >>> period_of("tính đến tháng 9/2023 có bao nhiêu km đê").span, period_of("đến tháng 1").span
    ('9 tháng', 'tháng 1')
    >>> period_of("tới cuối tháng 9/2023").span, period_of("đến hết tháng 9 năm 2023").span
    ('9 tháng', '9 tháng')
    >>> period_of("tháng Giêng 2024 thu được nhiêu").label()
    'tháng 1 năm 2024'
    >>> period_of("Chín tháng năm 2023, thu hút vốn").label(), period_of("sau tháng 9").span
    ('9 tháng năm 2023', 'tháng 9')
    """
    lower = text.lower()
    folded = _MONTH_COUNT.sub(lambda m: f"{_COUNTS[m.group(1)]} thang", fold_diacritics(lower))
    span = None
    first = len(folded) + 1
    for pattern, name in _SPANS:
        match = pattern.search(folded)
        if match is not None and match.start() < first:
            span, first = name(match), match.start()
    plan = bool(_PLAN.search(_PLAN_AS_BASE.sub(" ", folded)))
    span = _SAME_SPAN.get(span, span) if span is not None else None
    years = frozenset(_YEAR.findall(folded)) | _lunar_years(lower, folded)  # `Tết Giáp Thìn`
    return Period(years, span, plan, _seasons(folded))


def _seasons(text: str) -> frozenset[str]:
    """`năm học 2022 - 2023` → {"2022-2023"}; `giai đoạn 2021-2025` is no season."""
    pairs = ((int(a), int(b)) for a, b in _SEASON.findall(text))
    return frozenset(f"{a}-{b}" for a, b in pairs if b == a + 1)


def evidence_period(
    sentence: str,
    title: str,
    asked: Period | None = None,
    section: str = "",
    date: str = "",
    line: str = "",
) -> Period:
    """The period a sentence's figures are for: its own opening (`Năm 2022, …`, `9 tháng, …`)
    when it names one, else the asked years it states (`giai đoạn 2016 - 2020 đạt 8,7%/năm`,
    not as a base of comparison), else its section's heading when that names a period (`Phần
    thứ hai NHIỆM VỤ … 3 THÁNG CUỐI NĂM 2023` of a nine-month report) or one of the title's
    horizons (`Tầm nhìn đến năm 2045`), else its document's title
    (a programme's horizon, `đến năm 2030`, only for its targets; else its `date`). An answer
    `line` cut from further on in the sentence that opens with a span of its own (`dự kiến cả
    năm 2023 …`) is for that span.

    >>> evidence_period("Thu ngân sách ước đạt 5.120 tỷ đồng", "Báo cáo 9 tháng năm 2023").label()
    '9 tháng năm 2023'
    >>> evidence_period("Năm 2022, GRDP tăng 9,6%", "Báo cáo 9 tháng năm 2023").label()
    'năm 2022'
    >>> plan, asked = "Nghị quyết đến năm 2030, tầm nhìn đến năm 2045", period_of("2016-2020")
    >>> evidence_period("GRDP giai đoạn 2016 - 2020 đạt 8,7%/năm", plan, asked).label()
    'năm 2016, 2020'
    >>> evidence_period("thưởng cho xã đạt chuẩn giai đoạn 2019-2022", "Báo cáo tháng 1 năm 2024",
    ...                 period_of("giai đoạn 2019, 2022")).label()
    'năm 2019, 2022'
    >>> evidence_period("diện tích cây vụ Đông năm 2022-2023 đạt 37.000 ha", "9 tháng năm 2023",
    ...                 period_of("vụ Đông 2022-2023")).label()
    'năm 2022-2023'
    >>> title = "Báo cáo 9 tháng; nhiệm vụ 3 tháng cuối năm 2023"
    >>> heading = "Phần thứ hai NHIỆM VỤ 3 THÁNG CUỐI NĂM 2023"
    >>> evidence_period("Đăng cai giải Yoga toàn quốc", title, section=heading).label()
    'quý 4 năm 2023'
    >>> evidence_period("GRDP tăng 7,72% so với cùng kỳ năm 2022", "9 tháng năm 2023",
    ...                 period_of("GRDP năm 2022")).label()
    '9 tháng năm 2023'
    >>> programme = "Chương trình hành động … đến năm 2030, tầm nhìn đến năm 2045"
    >>> evidence_period("chưa có chợ đầu mối", programme, date="2023-05-19").label()
    'năm 2023'
    >>> evidence_period("đô thị hóa đạt 40%", programme, None, "Mục tiêu", "2023-05-19").label()
    'năm 2030, 2045'
    >>> vision = "1.3. Tầm nhìn đến năm 2045"
    >>> evidence_period("đô thị hóa đạt 60%", programme, None, vision, "2023-05-19")
    Period(years=frozenset({'2045'}), span=None, plan=True, seasons=frozenset())
    """
    own = period_of(" ".join(sentence.split()[:OPENING_WORDS]))
    whole = period_of(sentence)
    # the answer line, a clause further on, may open with its own span: `(dự kiến cả năm
    # 2023 thu hút trên 1,17 tỷ USD vốn FDI)` inside `Chín tháng năm 2023, thu hút vốn …`
    opens = _opening(line)
    if opens.span is not None and not sentence.startswith(line):
        own = Period(opens.years or own.years, opens.span, own.plan, own.seasons)
    doc = period_of(title)
    heading = period_of(section)
    if heading.span is not None:
        doc = Period(heading.years or doc.years, heading.span, heading.plan or doc.plan)
    # a programme's title names two horizons, a section one of them (`1.3. Tầm nhìn đến năm
    # 2045`): its figures are targets for that one
    horizon = heading.span is None and bool(heading.years) and heading.years < doc.years
    if horizon:
        doc = Period(heading.years, doc.span, True)
    named = (asked.years if asked else frozenset()) & stated_years(sentence)
    # a programme's title names its horizon (`đến năm 2030, tầm nhìn đến năm 2045`): what it
    # says of the present (`chưa có chợ đầu mối`) is as of its date, its targets for the horizon
    present = not (whole.plan or heading.plan or horizon)  # not a target, nor under a `Mục tiêu`
    if _HORIZON.search(fold_diacritics(title.lower())) and present and date[:4].isdigit():
        doc = Period(frozenset({date[:4]}), doc.span, doc.plan)
    years = own.years or named or doc.years
    # the title's span (`tháng 1`) is not that of other years the sentence states, nor of a
    # season across years (`vụ Đông năm 2022-2023`, `năm học 2022-2023` in a 9-month report)
    elsewhere = (bool(named) and not named <= doc.years) or bool(whole.seasons)
    span = own.span or (None if own.years or elsewhere else doc.span)
    return Period(years, span, whole.plan or doc.plan, whole.seasons)


def _opening(clause: str) -> Period:
    """The period a clause opens with, before any base of comparison: `tăng 5% so với 9
    tháng năm 2022` opens with none.

    >>> _opening("(dự kiến cả năm 2023 thu hút 1,17 tỷ USD)").label()
    'cả năm 2023'
    >>> _opening("tăng 5% so với 9 tháng năm 2022").span is None
    True
    """
    opening = fold_diacritics(" ".join(clause.split()[:OPENING_WORDS]).lower())
    return period_of(_COMPARISON.split(opening, maxsplit=1)[0])


def stated_years(sentence: str) -> frozenset[str]:
    """Years a sentence names, less those it compares with (`so với cùng kỳ năm 2022`).

    >>> sorted(stated_years("Năm 2023 tăng 8% so với năm 2022; giai đoạn 2016-2020"))
    ['2016', '2020', '2023']
    >>> sorted(stated_years("dư nợ ước đạt 94.570 tỷ đồng, tăng 0,5% so với 31/12/2023"))
    []
    """
    folded = fold_diacritics(sentence.lower())
    compared = {m.group(1) for m in _COMPARED_YEAR.finditer(folded)}
    return frozenset(_YEAR.findall(folded)) - compared


def neighbour(asked: Period, found: Period) -> bool:
    """The figure is for another year or span than the one asked (either unknown: no).

    >>> neighbour(period_of("thu ngân sách cả năm 2023"), period_of("9 tháng năm 2023"))
    True
    >>> neighbour(period_of("GRDP năm 2023"), period_of("9 tháng năm 2023"))
    False
    >>> neighbour(period_of("thu nội địa tháng 1/2024"), period_of("chỉ tiêu thu năm 2024"))
    True
    >>> neighbour(period_of("mục tiêu vốn FDI năm 2024"), period_of("FDI tháng 1/2024"))
    True
    >>> neighbour(period_of("quý IV/2023 phấn đấu"), period_of("nhiệm vụ 3 tháng cuối năm 2023"))
    False
    """
    if other_year(asked, found):
        return True
    # a target is set for a year: a month's or nine months' figure is not it, either way
    if _target_and_part(asked, found) or _target_and_part(found, asked):
        return True
    return asked.span is not None and found.span is not None and asked.span != found.span


def _target_and_part(target: Period, actual: Period) -> bool:
    """`target` is a plan for a whole year, `actual` a figure for part of one."""
    whole_year_plan = target.plan and target.span is None
    return whole_year_plan and not actual.plan and actual.span not in (None, "cả năm")


def other_year(asked: Period, found: Period) -> bool:
    """The evidence is for another year than the one asked (either unknown: no).

    >>> other_year(period_of("mưa lớn cuối tháng 9/2023"), period_of("3 tháng cuối năm 2023"))
    False
    >>> other_year(period_of("năm học 2023-2024"), period_of("năm học 2022 - 2023"))
    True
    """
    if asked.seasons and found.seasons and not asked.seasons & found.seasons:
        return True  # `2023-2024` is not `2022-2023`, though both name 2023
    return bool(asked.years and found.years and not asked.years & found.years)


def day_after_span(question: str, found: Period) -> str | None:
    """A day of a year the question names (`tại thời điểm 31/12/2023`) after the end of the
    span the figure covers (`9 tháng năm 2023`), or None: the figure cannot be the state at
    that day.

    >>> nine = period_of("Chín tháng năm 2023")
    >>> day_after_span("nợ xấu tại 31/12/2023", nine), day_after_span("đến 30/9/2023", nine)
    ('31/12/2023', None)
    >>> day_after_span("nợ xấu tại thời điểm 31/12/2022", nine) is None  # another year
    True
    """
    end = _span_end(found.span)
    if end is None:
        return None
    for match in _DAY.finditer(question):
        if match.group(2) in found.years and int(match.group(1)) > end:
            return match.group(0)
    return None


def named_day(question: str) -> str | None:
    """The first day of a year the question names (`tại thời điểm 31/12/2023` → `31/12/2023`).

    >>> named_day("nợ xấu tại thời điểm 31/12/2023"), named_day("nợ xấu năm 2023")
    ('31/12/2023', None)
    """
    match = _DAY.search(question)
    return match.group(0) if match else None


def _span_end(span: str | None) -> int | None:
    """The last month of a span (`9 tháng` → 9, `quý 2` → 6, `tháng 1` → 1); None when
    unknown or the year's end."""
    if span is None or span.endswith("năm"):
        return None
    number = int(span.split()[-1] if span.startswith(("tháng", "quý")) else span.split()[0])
    return 3 * number if span.startswith("quý") else number


def part_of_year(asked: Period, found: Period) -> bool:
    """The question names a year only and the figure covers part of it: worth saying, not
    a mismatch (`thu ngân sách năm 2023` answered from the 9-month report).

    >>> part_of_year(period_of("thu ngân sách năm 2023"), period_of("9 tháng năm 2023"))
    True
    >>> part_of_year(period_of("GRDP 9 tháng năm 2023"), period_of("9 tháng năm 2023"))
    False
    """
    if asked.span is not None or found.span in (None, "cả năm"):
        return False
    return bool(asked.years) and bool(found.years) and found.years <= asked.years


def names_occasion(text: str) -> bool:
    """`text` asks about an occasion within its year: a season, a festival, an exam, a
    contest, a day. A report of part of the year gives its whole figure, so a yearly
    question about it is not answered by a partial one.

    >>> names_occasion("Tết Quý Mão 2023 có bao nhiêu cụ già được mừng thọ")
    True
    >>> names_occasion("dịp 27/7 năm 2023"), names_occasion("thu ngân sách đến 30/9/2023")
    (True, False)
    >>> names_occasion("vụ lúa xuân năm 2023 cấy bằng máy bao nhiêu ha")
    True
    >>> names_occasion("đầu xuân năm 2023 cả tỉnh trồng được bao nhiêu cây xanh")
    True
    """
    return bool(_OCCASION.search(fold_diacritics(text.lower())))


def _months(count: str) -> str:
    """`9` → `9 tháng` (from January); one month is `tháng 1`, as a January report says
    (twelve, `cả năm`, and three, `quý 1`, are `_SAME_SPAN`'s)."""
    return "tháng 1" if int(count) == 1 else f"{int(count)} tháng"


def _quarter(text: str) -> int:
    return _ROMAN.get(text) or int(text)
