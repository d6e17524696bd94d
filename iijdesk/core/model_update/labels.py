"""Period labels as analysts write them in their models, and what they mean.

A model's header says "1Q25", "Q1 FY2025", "FY2024", "3Q12", "9M09", "1H10", "Dec-09", an
Excel date or "December 31, 2009". Quarter and year labels are fiscal and say nothing of the
calendar: when the fiscal year ends (March? June? December?), whether "FY2008" is the year that
starts or the one that ends in 2008, whether "3Q12" is the third quarter alone or the nine
months to its end. `parse_label` reads what the label says (`PeriodToken`); `resolve` turns it
into (period end, months) under one `FiscalCalendar`. Which calendar is right is decided by the
numbers (iijdesk.core.model_update.link.choose_calendar): the one under which the model's
hard-coded figures meet the releases' facts for those periods most often.

A token remembers how its label was written (`template`) so the next period's label can be
written the same way ("2Q10" -> "3Q10", "Q4 FY2025" -> "Q1 FY2026").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from iijdesk.core.periods import DATE_RE, DURATION_WORDS, add_months, match_date, month_end

# Years a plain number in a header may stand for (a cell holding 2024 is a year, 1234 is not).
YEAR_MIN, YEAR_MAX = 1980, 2099
# Two-digit years: "09" is 2009 (analysts' models do not reach back to the 1900s in two digits
# below this pivot); "95" is 1995.
TWO_DIGIT_PIVOT = 70

# Trailing marks that say a column is actual or an estimate ("1Q25A", "FY2025E", "2025F").
_EST = r"(?:\s*(?P<est>[AEF]|est\.?|estimate|forecast|actual))?"
_YEAR = r"(?P<fy>FY|CY|F)?\s*['’]?\s*(?P<year>(?:19|20)\d{2}|\d{2})"
_Q = r"(?:Q(?P<q1>[1-4])|(?P<q2>[1-4])\s?Q|(?P<q3>[1-4])(?:st|nd|rd|th)\s+Q(?:uarter|tr)?)"
_H = r"(?:H(?P<h1>[12])|(?P<h2>[12])\s?H)"
_SEP = r"\s*[-/'’ ]?\s*"

QUARTER_LABEL = re.compile(r"^" + _Q + _SEP + _YEAR + _EST + r"$", re.I)
QUARTER_LABEL_YEAR_FIRST = re.compile(r"^" + _YEAR + _SEP + _Q + _EST + r"$", re.I)
HALF_LABEL = re.compile(r"^" + _H + _SEP + _YEAR + _EST + r"$", re.I)
HALF_LABEL_YEAR_FIRST = re.compile(r"^" + _YEAR + _SEP + _H + _EST + r"$", re.I)
YEAR_LABEL = re.compile(r"^(?:(?P<fy>FY|CY|F|Fiscal(?:\s+year)?)\s*['’]?\s*(?P<year>(?:19|20)\d{2}|\d{2})"
                        r"|(?P<year4>(?:19|20)\d{2}))" + _EST + r"$", re.I)
YTD_LABEL = re.compile(r"^(?P<n>3|6|9|12)\s?M\s*(?:FY)?\s*['’]?\s*(?P<year>(?:19|20)\d{2}|\d{2})" + _EST + r"$",
                       re.I)
# Labels without a year, for a header of two rows whose upper row names the year.
QUARTER_ONLY = re.compile(r"^" + _Q + _EST + r"$", re.I)
HALF_ONLY = re.compile(r"^" + _H + _EST + r"$", re.I)
YEAR_ONLY = re.compile(r"^(?:FY|full[\s-]?year|year|annual|total(?:\s+year)?|12\s?M)" + _EST + r"$", re.I)
ISO_DATE = re.compile(r"^(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$")
NUMERIC_DATE = re.compile(r"^(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>(?:19|20)\d{2}|\d{2})$")
# Text dates whose label can be written again the same way (strftime patterns).
TEXT_DATE_FORMATS = ("%b-%y", "%b %y", "%b-%Y", "%b %Y", "%B %Y", "%B %d, %Y", "%b %d, %Y",
                     "%d-%b-%y", "%d-%b-%Y", "%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y")


@dataclass(frozen=True)
class PeriodToken:
    """What a header cell says, before the fiscal calendar is known."""
    kind: str                    # "quarter" | "half" | "year" | "ytd" | "date"
    number: int = 0              # quarter 1-4, half 1-2, months for ytd
    year: int | None = None      # the label's (fiscal) year, four digits
    day: date | None = None      # for dates
    months: int | None = None    # months a date label states ("Three months ended ...")
    estimate: bool = False       # "E"/"F"/"est" mark: the analyst's estimate, not an actual
    text: str = ""
    template: str = ""           # the label with {q}/{yy}/{yyyy} placeholders, "" if unknown
    date_format: str = ""        # strftime pattern of a text date; "excel" for a date value
    partial: bool = False        # no year yet (the row above gives it)

    @property
    def display(self) -> str:
        """The label with its year when the cell itself does not print one ("Q2 FY2009")."""
        if self.year is not None and self.kind != "date" and "{yy" not in self.template \
                and not re.search(r"\d{2}", self.text):
            return f"{self.text} FY{self.year}"
        return self.text

    def with_year(self, year: int, template: str = "") -> "PeriodToken":
        return replace(self, year=year, partial=False, template=template or self.template)


@dataclass(frozen=True)
class FiscalCalendar:
    """How a model's fiscal labels map to dates."""
    fy_end_month: int = 12
    named_by_start: bool = False      # "FY2008" = the year that starts in 2008 (ends Mar 2009)
    cumulative_quarters: bool = False  # "3Q12" = the nine months to the quarter's end

    def describe(self) -> str:
        import calendar as _cal
        month = _cal.month_name[self.fy_end_month]
        naming = "named by the year it starts in" if self.named_by_start else "named by the year it ends in"
        q = "; quarter labels are year-to-date (cumulative)" if self.cumulative_quarters else ""
        return f"fiscal year ends in {month}, {naming}{q}" if self.fy_end_month != 12 else \
            f"fiscal year = calendar year{q}"


@dataclass(frozen=True)
class ColumnPeriod:
    """A model column's period, once resolved."""
    end: date
    months: int

    @property
    def iso(self) -> str:
        return self.end.isoformat()


def _year4(s: str) -> int:
    y = int(s)
    if y >= 100:
        return y
    return 2000 + y if y < TWO_DIGIT_PIVOT else 1900 + y


def _template(text: str, m: re.Match, qgroups: tuple[str, ...]) -> str:
    """The label with its quarter digit and year replaced by placeholders."""
    spans = []
    for g in qgroups:
        if m.groupdict().get(g):
            spans.append((m.start(g), m.end(g), "{q}"))
    for g in ("year", "year4"):
        if m.groupdict().get(g):
            width = m.end(g) - m.start(g)
            spans.append((m.start(g), m.end(g), "{yyyy}" if width == 4 else "{yy}"))
    out, last = [], 0
    for a, b, ph in sorted(spans):
        out.append(text[last:a].replace("{", "{{").replace("}", "}}"))
        out.append(ph)
        last = b
    out.append(text[last:].replace("{", "{{").replace("}", "}}"))
    return "".join(out)


def _est(m: re.Match) -> bool:
    e = (m.groupdict().get("est") or "").lower()
    return bool(e) and not e.startswith("a")


def parse_label(value) -> PeriodToken | None:
    """The period a header cell names, or None. `value` is what openpyxl reads: text, a
    number (a year such as 2024) or a datetime."""
    if isinstance(value, datetime):
        return PeriodToken("date", day=value.date(), text=value.isoformat(), date_format="excel")
    if isinstance(value, date):
        return PeriodToken("date", day=value, text=value.isoformat(), date_format="excel")
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        if float(value).is_integer() and YEAR_MIN <= int(value) <= YEAR_MAX:
            return PeriodToken("year", year=int(value), text=str(int(value)), template="{yyyy}")
        return None
    text = " ".join(str(value).split())
    if not text or len(text) > 80:
        return None
    for rx, kind in ((QUARTER_LABEL, "quarter"), (QUARTER_LABEL_YEAR_FIRST, "quarter")):
        m = rx.match(text)
        if m:
            q = int(m.group("q1") or m.group("q2") or m.group("q3"))
            return PeriodToken(kind, q, _year4(m.group("year")), estimate=_est(m), text=text,
                               template=_template(text, m, ("q1", "q2", "q3")))
    for rx in (HALF_LABEL, HALF_LABEL_YEAR_FIRST):
        m = rx.match(text)
        if m:
            h = int(m.group("h1") or m.group("h2"))
            return PeriodToken("half", h, _year4(m.group("year")), estimate=_est(m), text=text,
                               template=_template(text, m, ("h1", "h2")))
    m = YTD_LABEL.match(text)
    if m:
        return PeriodToken("ytd", int(m.group("n")), _year4(m.group("year")), estimate=_est(m),
                           text=text, template=_template(text, m, ()))
    m = YEAR_LABEL.match(text)
    if m:
        y = m.group("year") or m.group("year4")
        return PeriodToken("year", 0, _year4(y), estimate=_est(m), text=text,
                           template=_template(text, m, ()))
    for rx, kind, n in ((QUARTER_ONLY, "quarter", None), (HALF_ONLY, "half", None)):
        m = rx.match(text)
        if m:
            num = int(next(g for g in (m.groupdict().get(k) for k in ("q1", "q2", "q3", "h1", "h2")) if g))
            return PeriodToken(kind, num, None, estimate=_est(m), text=text, partial=True,
                               template=_template(text, m, ("q1", "q2", "q3", "h1", "h2")))
    m = YEAR_ONLY.match(text)
    if m:
        return PeriodToken("year", 0, None, estimate=_est(m), text=text, partial=True, template=text)
    return _text_date(text)


MONTH_YEAR_LABEL = re.compile(
    r"^(?:(?P<n>\d{1,2})\s?M\s+|at\s+)?(?P<mon>[A-Za-z]{3,9})\.?[\s,'’-]*(?P<y>(?:19|20)\d{2}|\d{2})$", re.I)


def _text_date(text: str) -> PeriodToken | None:
    """"2009-12-31", "12/31/2009", "Dec-09", "December 2009", "3M Dec-2009", "Three months
    ended December 31, 2009"."""
    from iijdesk.core.periods import MONTHS

    d, months = None, None
    m = ISO_DATE.match(text)
    m2 = NUMERIC_DATE.match(text)
    m3 = MONTH_YEAR_LABEL.match(text)
    try:
        if m:
            d = date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        elif m2:
            a, b, y = int(m2.group("a")), int(m2.group("b")), _year4(m2.group("y"))
            month, day = (b, a) if a > 12 else (a, b)     # 31/12/2009 or 12/31/2009
            d = date(y, month, day)
        elif m3:
            mon = MONTHS.get(m3.group("mon").lower()) or MONTHS.get(m3.group("mon").lower()[:3])
            if not mon:
                return None
            d = month_end(_year4(m3.group("y")), mon)
            if m3.group("n"):
                months = int(m3.group("n"))
            elif text.lower().startswith("at "):
                months = 0
        else:
            m4 = DATE_RE.search(text)
            if not m4 or not re.search(r"(?i)ended|ending|as\s+(?:of|at)|months|weeks|year|quarter|^\W*"
                                       + re.escape(m4.group(0)) + r"\W*$", text):
                return None
            d = match_date(m4)
    except ValueError:
        return None
    if d is None:
        return None
    if months is None:
        for rx, n in DURATION_WORDS:
            if rx.search(text):
                months = n
                break
    fmt = ""
    for f in TEXT_DATE_FORMATS:
        if datetime(d.year, d.month, d.day).strftime(f).lower() == text.lower():
            fmt = f
            break
    return PeriodToken("date", day=d, months=months, text=text, date_format=fmt)


def combine(upper: PeriodToken | None, lower: PeriodToken) -> PeriodToken | None:
    """A header of two rows: "FY2009" above "Q1" is the first quarter of FY2009."""
    if not lower.partial or upper is None or upper.kind != "year" or upper.year is None:
        return None
    return replace(lower, year=upper.year, partial=False)


# -- resolution ------------------------------------------------------------------------
def fiscal_year_end(year: int, cal: FiscalCalendar) -> date:
    """The last day of fiscal year `year` (the label's year) under `cal`."""
    end_year = year + 1 if (cal.named_by_start and cal.fy_end_month != 12) else year
    return month_end(end_year, cal.fy_end_month)


def resolve(tok: PeriodToken, cal: FiscalCalendar, date_months: int | None = None) -> ColumnPeriod | None:
    """(end, months) of a token under a calendar; `date_months` is what a date column covers
    when its label does not say (the spacing of the model's date columns)."""
    if tok.partial:
        return None
    if tok.kind == "date":
        d = tok.day
        if d.day == 1:                      # "Dec-09" typed into Excel is 2009-12-01
            d = month_end(d.year, d.month)
        months = tok.months if tok.months is not None else date_months
        if months is None:
            return None
        return ColumnPeriod(d, months)
    fy_end = fiscal_year_end(tok.year, cal)
    if tok.kind == "year":
        return ColumnPeriod(fy_end, 12)
    if tok.kind == "quarter":
        end = add_months(fy_end, -3 * (4 - tok.number))
        return ColumnPeriod(end, 3 * tok.number if cal.cumulative_quarters else 3)
    if tok.kind == "half":
        return ColumnPeriod(add_months(fy_end, -6 * (2 - tok.number)), 6)
    if tok.kind == "ytd":
        return ColumnPeriod(add_months(fy_end, tok.number - 12), tok.number)
    return None


def calendars(fy_end_months) -> list[FiscalCalendar]:
    """Every calendar worth trying, for the fiscal year ends the releases show."""
    out = []
    for m in dict.fromkeys(list(fy_end_months) + [12]):
        for by_start in ((False, True) if m != 12 else (False,)):
            for cum in (False, True):
                out.append(FiscalCalendar(m, by_start, cum))
    return out


# -- the next period ---------------------------------------------------------------------
def next_token(tok: PeriodToken, step_months: int) -> PeriodToken:
    """The token of the period `step_months` after `tok`'s, written the same way."""
    if tok.kind == "date":
        d = add_months(month_end(tok.day.year, tok.day.month), step_months)
        text = datetime(d.year, d.month, d.day).strftime(tok.date_format) \
            if tok.date_format and tok.date_format != "excel" else d.isoformat()
        return replace(tok, day=d, text=text, estimate=False)
    if tok.kind == "quarter":
        q, y = tok.number + step_months // 3, tok.year
        while q > 4:
            q, y = q - 4, y + 1
        return _render(replace(tok, number=q, year=y, estimate=False))
    if tok.kind == "half":
        h, y = tok.number + step_months // 6, tok.year
        while h > 2:
            h, y = h - 2, y + 1
        return _render(replace(tok, number=h, year=y, estimate=False))
    if tok.kind in ("year", "ytd"):
        return _render(replace(tok, year=tok.year + max(1, step_months // 12), estimate=False))
    return tok


def _render(tok: PeriodToken) -> PeriodToken:
    if not tok.template:
        return tok
    y = tok.year or 0
    text = tok.template.format(q=tok.number, yy=f"{y % 100:02d}", yyyy=f"{y:04d}")
    return replace(tok, text=_strip_estimate(text))


def _strip_estimate(text: str) -> str:
    """"3Q10E" rolled forward is an actual: "4Q10"."""
    return re.sub(r"(?i)(\d)\s*(?:E|F|est\.?|estimate|forecast)$", r"\1", text)


def year_label_like(tok: PeriodToken, year: int) -> str:
    """A year-row label for `year` written like `tok` ("FY2009" -> "FY2010")."""
    return _render(replace(tok, year=year)).text if tok.template else str(year)


def days_apart(a: date, b: date) -> int:
    return abs((a - b) // timedelta(days=1))
