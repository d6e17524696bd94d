"""Header text + the release's own definitions -> (end date, months).

A release says what its labels mean: `fiscal year ended March 31, 2009 ("FY2008")` fixes the
fiscal year end and how FY labels are numbered; `(from April 1 to December 31, 2012, "3Q12")`
makes quarter labels cumulative (nine months) in that release; `(3 months)` in a section heading
makes them discrete again for the tables under it; `(10/04~10/6)` is a month range. Nothing here
assumes a particular fiscal year end: `DocPeriods.read(text)` learns it from the document.
"""
from __future__ import annotations

import calendar
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9

# A month name damaged by conversion still matches on its first letters (Decem, Dec, Mar).
_MONTH_RE = r"(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
DATE_RE = re.compile(_MONTH_RE + r"\s*(?P<day>\d{1,2})\s*,?\s*(?P<year>(?:19|20)\d{2})(?!\d)", re.I)
MONTH_DAY_RE = re.compile(_MONTH_RE + r"\s*(?P<day>\d{1,2})(?!\d)(?!\s*,?\s*\d)", re.I)
MONTH_YEAR_RE = re.compile(_MONTH_RE + r"\s*,?\s*(?P<year>(?:19|20)\d{2})(?!\d)", re.I)
PARTIAL_DATE_RE = re.compile(_MONTH_RE + r"\s*(?P<day>\d{1,2})\s*,\s*\d{1,3}(?!\d)", re.I)
LONE_YEAR_RE = re.compile(r"(?<![\d/])(?:19|20)\d{2}(?![\d/])")
FY_RE = re.compile(r"(?<![A-Za-z])FY\s?'?(?P<year>(?:19|20)\d{2}|\d{2})(?!\d)", re.I)
QUARTER_RE = re.compile(
    r"(?<![\w])(?P<q>[1-4])\s?Q\s?(?:FY\s?)?'?(?P<year>(?:19|20)\d{2}|\d{2})(?!\d)", re.I)
# US style: "Q2 2025", "Q2 FY25", "Q2 YTD 2025" (year to date: the quarters so far)
US_QUARTER_RE = re.compile(
    r"(?<![\w])Q(?P<q>[1-4])\s*(?P<ytd>YTD\s*)?(?:FY\s?|fiscal\s+)?'?(?P<year>(?:19|20)\d{2}|\d{2})(?!\d)", re.I)
# "Fiscal 2024", "Fiscal Year 2024" (a four-digit year only: "fiscal 24" is too often something else)
FISCAL_YEAR_RE = re.compile(r"\bfiscal\s+(?:year\s+)?(?P<year>(?:19|20)\d{2})(?!\d)", re.I)
QUARTER_WORD_RE = re.compile(
    r"(?P<q>1st|2nd|3rd|4th|first|second|third|fourth)\s+quarter\s+(?:of\s+)?(?:FY\s?|fiscal\s+(?:year\s+)?)?(?P<year>(?:19|20)\d{2})", re.I)
HALF_RE = re.compile(r"(?<![\w])(?P<h>[12])\s?H\s?(?:FY\s?)?'?(?P<year>(?:19|20)\d{2}|\d{2})(?!\d)", re.I)
RANGE_RE = re.compile(r"(?P<y1>\d{2}|\d{4})/(?P<m1>\d{1,2})\s*[~〜\-–]\s*(?P<y2>\d{2}|\d{4})/(?P<m2>\d{1,2})")
ORDINAL = {"1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "first": 1, "second": 2, "third": 3, "fourth": 4}

# Retailers' fiscal periods run in weeks: "Thirteen Weeks Ended", "39 weeks ended", 52/53-week years.
_WEEK_NUMBERS = {"twelve": 12, "thirteen": 13, "fourteen": 14, "sixteen": 16, "twenty-four": 24,
                 "twenty-six": 26, "twenty-seven": 27, "twenty-eight": 28, "thirty-six": 36,
                 "thirty-nine": 39, "forty": 40, "forty-eight": 48, "fifty-two": 52, "fifty-three": 53}
_WEEK_COUNT = "|".join(w.replace("-", r"[\s-]?") for w in _WEEK_NUMBERS) + r"|\d{1,2}"
WEEKS_RE = re.compile(r"\b(?P<n>" + _WEEK_COUNT + r")[\s-]*weeks?\b", re.I)
DAYS_PER_MONTH = 365.25 / 12


def weeks_to_months(m: re.Match) -> int | None:
    """The months a "Thirteen Weeks" / "39-week" phrase stands for (13 -> 3, 26 -> 6, 53 -> 12)."""
    w = m.group("n").lower()
    n = int(w) if w.isdigit() else _WEEK_NUMBERS.get(re.sub(r"[\s-]+", "-", w))
    if not n or n > 60:
        return None
    return max(1, round(n * 7 / DAYS_PER_MONTH))


# A row that only names a period ("Three Months Ended June 30, 2024", "Six months ended June 30",
# "As of December 31, 2024", "Thirteen Weeks Ended November 2, 2024"): the rows under it are that
# period's, in a table whose columns are something else (segments, components, levels).
_MON = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
PERIOD_HEADING_RE = re.compile(
    r"^(?:for\s+the\s+)?(?:fiscal\s+)?(?:(?:three|six|nine|twelve|\d{1,2})\s+months|(?:" + _WEEK_COUNT +
    r")[\s-]*weeks?|(?:year|quarter|(?:first|second|third|fourth)\s+quarter))"
    r"\s+end(?:ed|ing)(?:\s+" + _MON + r"\s*\d{1,2}(?:\s*,?\s*(?:19|20)\d{2})?)?\s*[,:.]?$"
    r"|^(?:as\s+(?:of|at)|at)\s+" + _MON + r"\s*\d{1,2}\s*,?\s*(?:19|20)\d{2}\s*[,:.]?$"
    r"|^" + _MON + r"\s*\d{1,2}\s*,\s*(?:19|20)\d{2}\s*:?$", re.I)

DURATION_WORDS = [
    (re.compile(r"\b(three|3)[\s-]*mon|\bquarters?\s+end(?:ed|ing)\b", re.I), 3),
    (re.compile(r"\b(six|6)[\s-]*mon|first\s+(six\s+months|half)|\binterim\b", re.I), 6),
    (re.compile(r"\b(nine|9)[\s-]*mon|\bine\s+mon", re.I), 9),
    (re.compile(r"\b(twelve|12)[\s-]*mon|fiscal\s+year|full[\s-]+year|year\s+end(?:ed|ing)|\bannual\b", re.I), 12),
    (re.compile(r"\bas\s+of\b|\bbalance\b|\bas\s+at\b", re.I), 0),
]


def match_date(m: re.Match) -> date | None:
    """The date a DATE_RE match names, or None for an impossible one ("April 31")."""
    try:
        return date(int(m.group("year")), MONTHS[m.group("mon").lower()[:3]], int(m.group("day")))
    except (ValueError, KeyError):
        return None


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(d: date, months: int) -> date:
    """Month-end arithmetic: the end of the month `months` after d's month."""
    y, m = divmod(d.month - 1 + months, 12)
    return month_end(d.year + y, m + 1)


def _year(s: str) -> int:
    y = int(s)
    return y + 2000 if y < 100 else y     # two-digit labels ("FY10", "3Q09") are this century


def _clamped(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


@dataclass
class Period:
    end: date | None = None
    months: int | None = None
    source: str = ""          # what text gave it
    guessed: bool = False     # inferred rather than read
    # what a damaged date still shows ("As of March 31, 2" -> month 3, day 31, no year)
    year: int | None = None
    month: int | None = None
    day: int | None = None

    def fits(self, other: "Period") -> bool:
        """A partial period is compatible with a complete one."""
        if other.end is None:
            return False
        if self.end is not None:
            return self.end == other.end and (self.months is None or other.months is None or self.months == other.months)
        if self.year is not None and other.end.year != self.year:
            return False
        if self.month is not None and other.end.month != self.month:
            return False
        if self.day is not None and other.end.day != self.day:
            return False
        if self.months is not None and other.months is not None and self.months != other.months:
            return False
        return self.year is not None or self.month is not None

    def complete(self) -> bool:
        return self.end is not None and self.months is not None

    def shifted(self, years: int) -> "Period":
        end = None
        if self.end:
            end = month_end(self.end.year + years, self.end.month) if self.end.day >= 28 else \
                _clamped(self.end.year + years, self.end.month, self.end.day)
        return Period(end, self.months, self.source, True)


# "YoY = 1Q10 compared to 1Q09", "QoQ: 1Q10 vs. 4Q09"
COMPARISON_RE = re.compile(
    r"\b(?:YoY|QoQ|HoH)\s*[=:]\s*(?P<a>[1-4]Q\s?\d{2}|[12]H\s?\d{2}|FY\s?\d{2,4})\s+"
    r"(?:compared\s+(?:to|with)|vs\.?|versus)\s+(?P<b>[1-4]Q\s?\d{2}|[12]H\s?\d{2}|FY\s?\d{2,4})", re.I)


# "(fiscal) year ended December 31(, 2024)": how a filing names its fiscal years.
YEAR_ENDED_RE = re.compile(r"\byears?\s+end(?:ed|ing)\s+" + _MONTH_RE + r"\s*(?P<day>\d{1,2})(?!\d)", re.I)
YEAR_ENDED_SCAN_CHARS = 400_000
YEAR_ENDED_MIN_COUNT = 2
# A fiscal quarter computed from month ends within this many days of the report's own end date
# (52/53-week years end on a weekday, June 29 rather than June 30) is the report's quarter.
REPORT_SNAP_DAYS = 7


@dataclass
class DocPeriods:
    """What the document itself says its period labels mean."""
    fy_end_month: int = 3
    fy_end_day: int = 31
    fy_offset: int = 1            # FY label year + offset = calendar year the fiscal year ends in
    fy_read: bool = False         # False: the two above are defaults, not read
    quarter_cumulative: bool = False
    defined: dict[str, Period] = field(default_factory=dict)   # "3Q12" -> Period
    report: Period | None = None  # the release's own reporting period
    # Periods named by the release's comparison definitions ("YoY = 1Q10 compared to 1Q09",
    # "QoQ = 1Q10 compared to 4Q09"), in time order: the columns of its headerless charts.
    compared: list[Period] = field(default_factory=list)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    # -- reading the document ------------------------------------------------------------
    @classmethod
    def read(cls, text: str) -> "DocPeriods":
        dp = cls()
        head = text[:20000]
        m = next((m for m in re.finditer(r"fiscal\s+year\s+end(?:ed|ing)\s+" + DATE_RE.pattern, head, re.I)
                  if match_date(m)), None)      # an impossible date ("Feb 0") defines nothing
        if m:
            dp.fy_end_month = MONTHS[m.group("mon").lower()[:3]]
            dp.fy_end_day = int(m.group("day"))
            fy_end_year = int(m.group("year"))
            dp.fy_read = True
            # an FY label defined next to it: ... March 31, 2009 ("FY2008")
            tail = head[m.end(): m.end() + 80]
            f = FY_RE.search(tail)
            if f:
                dp.fy_offset = fy_end_year - _year(f.group("year"))
            else:
                dp.fy_offset = dp._guess_offset(head, fy_end_year)
        # explicit definitions: (from April 1 to December 31, 2012, "3Q12")
        for d in re.finditer(
                r"from\s+(?P<m1>[A-Z][a-z]+)\.?\s*(?P<d1>\d{1,2}),?\s*(?P<y1>\d{4})?\s+(?:to|through)\s+"
                + DATE_RE.pattern + r"[,\s]*[\"“”']+(?P<label>[^\"“”']{2,12})[\"“”']", head, re.I):
            m1 = MONTHS.get(d.group("m1").lower()[:3])
            if not m1:
                continue
            end = match_date(d)
            if end is None:
                continue
            months = (end.year * 12 + end.month) - ((int(d.group("y1")) if d.group("y1") else end.year if m1 <= end.month else end.year - 1) * 12 + m1) + 1
            label = d.group("label").strip()
            dp.defined[label.upper()] = Period(end, months, d.group(0))
            q = QUARTER_RE.fullmatch(label)
            if q and months > 3:
                dp.quarter_cumulative = True
            if dp.report is None:
                dp.report = Period(end, months, d.group(0))
        if not dp.fy_read:
            dp._fiscal_year_from_year_ends(text)
        if dp.report is None:
            dp.report = dp._read_report_period(head)
        if dp.report is None:
            dp.report = dp._heading_period(head)
        dp.compared = dp._comparison_periods(text)
        return dp

    def _fiscal_year_from_year_ends(self, text: str) -> None:
        """A filing that never says "fiscal year ended" still names its years: "Annual Report
        on Form 10-K for the year ended December 31, 2024", "Year Ended December 31,". The day
        most often printed after "year ended" is the fiscal year's end (labels name the year it
        ends in: "Fiscal 2024", "Q2 2025")."""
        ends = Counter()
        for m in YEAR_ENDED_RE.finditer(text[:YEAR_ENDED_SCAN_CHARS]):
            mon = MONTHS.get(m.group("mon").lower()[:3])
            if mon:
                ends[(mon, int(m.group("day")))] += 1
        if not ends:
            return
        (mon, day), n = ends.most_common(1)[0]
        if n < YEAR_ENDED_MIN_COUNT or not 1 <= day <= 31:
            return
        self.fy_end_month, self.fy_end_day, self.fy_offset, self.fy_read = mon, day, 0, True

    def _comparison_periods(self, text: str) -> list[Period]:
        found: dict[tuple, Period] = {}
        for m in COMPARISON_RE.finditer(text):
            for label in (m.group("a"), m.group("b")):
                p = self.parse(label)
                if p.end is not None and p.months:
                    found.setdefault((p.end, p.months), p)
        return sorted(found.values(), key=lambda p: (p.end, p.months))

    def _heading_period(self, head: str) -> Period | None:
        """A slide deck names its period in its first headings: "1st Quarter FY2010 ..."."""
        for line in head.split("\n")[:40]:
            s = line.strip()
            if not s or len(s) > 120:
                continue
            for rx in (QUARTER_WORD_RE, QUARTER_RE, HALF_RE):
                m = rx.search(s)
                if m:
                    p = self.parse(m.group(0))
                    if p.end:
                        return p
        return None

    def _guess_offset(self, head: str, fy_end_year: int) -> int:
        # a label printed with its month range tells the numbering: "FY09 (09/4~10/3)", "1Q10 (10/04~10/6)"
        for r in RANGE_RE.finditer(head):
            before = head[max(0, r.start() - 40): r.start()]
            end_y, end_m = _year(r.group("y2")), int(r.group("m2"))
            f = list(FY_RE.finditer(before))
            q = list(QUARTER_RE.finditer(before))
            if f and end_m == self.fy_end_month:
                return end_y - _year(f[-1].group("year"))
            if q:
                quarters_left = 4 - int(q[-1].group("q"))
                fy_end_y = end_y + (end_m + 3 * quarters_left - 1) // 12
                return fy_end_y - _year(q[-1].group("year"))
        # any "FYyyyy" printed near a fiscal-year date tells the numbering
        for f in FY_RE.finditer(head[:6000]):
            y = _year(f.group("year"))
            if y in (fy_end_year, fy_end_year - 1):
                return fy_end_year - y if abs(fy_end_year - y) <= 1 else 1
        return 1 if self.fy_end_month <= 6 else 0

    def _read_report_period(self, head: str) -> Period | None:
        for m in re.finditer(r"(three|six|nine|twelve|3|6|9|12)\s+months?\s+ended\s+" + DATE_RE.pattern, head[:8000], re.I):
            months = {"three": 3, "six": 6, "nine": 9, "twelve": 12}.get(m.group(1).lower(), None) or int(m.group(1))
            if match_date(m):
                return Period(match_date(m), months, m.group(0))
        for m in re.finditer(WEEKS_RE.pattern + r"\s+ended\s+" + DATE_RE.pattern, head[:8000], re.I):
            w = WEEKS_RE.match(m.group(0))
            if match_date(m) and w and weeks_to_months(w):
                return Period(match_date(m), weeks_to_months(w), m.group(0))
        m = re.search(r"(?:fiscal\s+)?year\s+ended\s+" + DATE_RE.pattern, head[:8000], re.I)
        if m:
            if match_date(m):
                return Period(match_date(m), 12, m.group(0))
        return None

    # -- label arithmetic ------------------------------------------------------------------
    def fy_end(self, fy_label_year: int) -> date:
        y = fy_label_year + self.fy_offset
        if self.fy_end_day >= 28:
            return month_end(y, self.fy_end_month)   # "February 28" is the month's end, 29 in a leap year
        return date(y, self.fy_end_month, max(1, min(self.fy_end_day, calendar.monthrange(y, self.fy_end_month)[1])))

    def is_fiscal_year_end(self, iso: str) -> bool:
        """Whether an ISO date is the last day of one of this release's fiscal years."""
        try:
            d = date.fromisoformat(iso)
        except (TypeError, ValueError):
            return False
        return d == self.fy_end(d.year - self.fy_offset)

    def quarter(self, q: int, fy_label_year: int, cumulative: bool | None = None) -> Period:
        end = add_months(self.fy_end(fy_label_year), -3 * (4 - q))
        if self.report is not None and self.report.end is not None and \
                0 < abs((end - self.report.end).days) <= REPORT_SNAP_DAYS:
            end = self.report.end      # a 52/53-week year: the quarter ends on the report's date
        cum = self.quarter_cumulative if cumulative is None else cumulative
        return Period(end, 3 * q if cum else 3)

    def half(self, h: int, fy_label_year: int) -> Period:
        return Period(add_months(self.fy_end(fy_label_year), -6 * (2 - h)), 6)

    # -- parsing header text ---------------------------------------------------------------
    def parse(self, text: str, cumulative: bool | None = None) -> Period:
        """The period a header phrase names; parts it does not name stay None."""
        key = (text, cumulative)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = self._parse(text, cumulative)
        return replace(hit)        # callers may complete the copy they get

    def _parse(self, text: str, cumulative: bool | None = None) -> Period:
        t = " ".join(text.split())
        p = Period(source=t)
        key = t.upper().strip(" ()")
        if key in self.defined and (cumulative is None or cumulative == self.quarter_cumulative):
            d = self.defined[key]
            return Period(d.end, d.months, t)
        r = RANGE_RE.search(t)
        if r:
            start_y, start_m = _year(r.group("y1")), int(r.group("m1"))
            end_y, end_m = _year(r.group("y2")), int(r.group("m2"))
            if 1 <= start_m <= 12 and 1 <= end_m <= 12:
                months = (end_y * 12 + end_m) - (start_y * 12 + start_m) + 1
                if 0 < months <= 24:
                    return Period(month_end(end_y, end_m), months, t)
        q = QUARTER_RE.search(t)
        if q:
            qp = self.quarter(int(q.group("q")), _year(q.group("year")), cumulative)
            qp.source = t
            return qp
        q = US_QUARTER_RE.search(t)
        if q:
            qp = self.quarter(int(q.group("q")), _year(q.group("year")), True if q.group("ytd") else cumulative)
            qp.source = t
            return qp
        q = QUARTER_WORD_RE.search(t)
        if q:
            qp = self.quarter(ORDINAL[q.group("q").lower()], _year(q.group("year")), cumulative)
            qp.source = t
            return qp
        h = HALF_RE.search(t)
        if h:
            hp = self.half(int(h.group("h")), _year(h.group("year")))
            hp.source = t
            return hp
        d = DATE_RE.search(t)
        if d:
            p.end = match_date(d)
        else:
            my = MONTH_YEAR_RE.search(t)
            if my:
                p.end = month_end(int(my.group("year")), MONTHS[my.group("mon").lower()[:3]])
            else:
                md = MONTH_DAY_RE.search(t) or PARTIAL_DATE_RE.search(t)
                if md:
                    p.month = MONTHS[md.group("mon").lower()[:3]]
                    p.day = int(md.group("day"))
                y = LONE_YEAR_RE.search(t)
                if y:
                    p.year = int(y.group(0))
        w = WEEKS_RE.search(t)
        if w and weeks_to_months(w):
            p.months = weeks_to_months(w)
        else:
            for rx, months in DURATION_WORDS:
                if rx.search(t):
                    p.months = months
                    break
        f = FY_RE.search(t) or FISCAL_YEAR_RE.search(t)
        if f and p.end is None:
            p.end = self.fy_end(_year(f.group("year")))
            if p.months is None:
                p.months = 12
        if p.end is None and p.months == 12:
            # "Fiscal year ending March 31, 2010" is caught above; "Fiscal year ended March 31" with
            # the year lost stays incomplete
            pass
        return p

    def find_all(self, text: str, cumulative: bool | None = None, unique: bool = True) -> list[Period]:
        """Every complete period printed in `text`, in reading order, without repeats. A date
        takes the duration words printed just before it ("Nine months ended Dec 31, 2009")."""
        found: list[tuple[int, Period]] = []
        taken: list[tuple[int, int]] = []
        for rx in (RANGE_RE, QUARTER_RE, US_QUARTER_RE, QUARTER_WORD_RE, HALF_RE, DATE_RE, FY_RE, FISCAL_YEAR_RE):
            for m in rx.finditer(text):
                if any(a <= m.start() < b or a < m.end() <= b for a, b in taken):
                    continue
                if rx is DATE_RE:
                    before = text[max(0, m.start() - 45): m.start()]
                    before = re.split(r"(?:19|20)\d{2}|\band\b", before)[-1]
                    p = self.parse(before + " " + m.group(0), cumulative)
                    p.end = self.parse(m.group(0)).end
                elif rx is RANGE_RE:
                    before = text[max(0, m.start() - 20): m.start()]
                    p = self.parse(m.group(0), cumulative)
                else:
                    p = self.parse(m.group(0), cumulative)
                if p.end is None:
                    continue
                taken.append(m.span())
                found.append((m.start(), p))
        found.sort(key=lambda x: x[0])
        out: list[Period] = []
        last_months = None
        for _, p in found:
            if p.months is None:
                p.months = last_months          # "... ended Dec 31, 2008 and Dec 31, 2009"
            last_months = p.months
            if not unique or not any(p.end == q.end and p.months == q.months for q in out):
                out.append(p)
        return out

    def balance_date(self, text: str) -> date | None:
        """`BALANCE, APRIL 1, 2007` is the instant the day before: 2007-03-31."""
        d = DATE_RE.search(text)
        if not d:
            return None
        day = match_date(d)
        if day is None:
            return None
        if day.day == 1:
            return date.fromordinal(day.toordinal() - 1)
        return day
