"""Link a model's hard-coded numbers to the releases' facts, and audit the ones that differ.

Every number the analyst typed into a period column is compared with the facts of that
period (iijdesk.core.timeline: one series per line item across releases, every printing of a
point kept as an alternative, restatements marked). A number *matches* a fact when it is the
same number, or the same off by a factor of 1,000 / 1,000,000 (a model in millions, facts in
base units), or with the opposite sign, or within the rounding of the precision either side
prints (iijdesk.core.reconcile.tolerance).

A row is linked to the series that match it: a series is accepted for a row when it matches at
least ROW_AGREEMENT of the row's cells for whose periods it has a figure (one figure that
merely happens to be equal does not make a row's identity). Several series may be accepted
(revenue in the income statement and in the segment table): they are all offered as the
row's candidates, never one guessed. The row's scale and sign are the ones most of its cells
match with.

Audit: in a linked row, a cell whose number is not the release's figure at the row's scale
and sign is a finding, with the release's value and the reason: scaled (x1000 against the rest
of the row), sign flipped, a stale figure (the first printing of a number a later release
restated), or simply different (a typo: digits transposed, one digit wrong).
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from iijdesk.core.model_update.labels import ColumnPeriod, FiscalCalendar, calendars, resolve
from iijdesk.core.reconcile.tolerance import FLOAT_SLACK, HALF
from iijdesk.core.timeline import MIN_EVIDENCE_UNITS, build_timeline, normalise_label

# Factors between a model's figure and the fact in base units (a model in thousands,
# millions, billions; or a figure a thousand times too small or large).
FACTORS = (1.0, 1e3, 1e6, 1e9, 1e-3, 1e-6)
FACTOR_WORDS = {1.0: "units", 1e3: "thousands", 1e6: "millions", 1e9: "billions",
                1e-3: "thousandths", 1e-6: "millionths"}
# How far off a mistyped cell may be scaled against its row (typed in thousands in a row of
# millions, or the other way).
SCALE_ERRORS = (1e3, 1e6, 1e-3, 1e-6)
# Share of a row's comparable cells a series must match before the row is linked to it.
ROW_AGREEMENT = 0.5
# A series whose figures are too coarse to be evidence ("0.4" billions) is still accepted for
# a row whose label is this similar to its own (share of common words).
LABEL_SIMILAR = 0.5
# A model's period end may differ from a release's by a few days (52/53-week years).
PERIOD_END_SLACK_DAYS = 7
# Figures per column the fiscal calendar is chosen on (enough to tell calendars apart; a big
# model need not be matched once per calendar tried).
CALENDAR_SAMPLE = 40
# Decimals beyond which a float's digits are binary noise, not typed precision.
MAX_TYPED_DECIMALS = 10

DIFFERS, SCALE, SIGN, STALE, ESTIMATE = "model_differs", "model_scale", "model_sign", "model_stale", "model_estimate"
SEVERITY = {DIFFERS: "error", SCALE: "error", SIGN: "error", STALE: "warning", ESTIMATE: "info"}


# -- the facts, by period ------------------------------------------------------------------
class FactIndex:
    """Every printed value fact of the releases (and the quarters the timeline derives), by
    period, with its series and whether it is the figure that stands."""

    def __init__(self, facts: pd.DataFrame, timeline=None) -> None:
        tl = timeline if timeline is not None else build_timeline(facts)
        self.timeline = tl
        alt = tl.alternatives
        alt = alt[alt["measure"] == "value"]
        kinds = facts["kind"] if "kind" in facts.columns else None
        printed = pd.DataFrame({
            "sid": alt["series_id"].astype(str).to_numpy(),
            "end": alt["period_end"].astype(str).to_numpy(),
            "months": alt["period_months"].astype(int).to_numpy(),
            "value": alt["value"].astype(float).to_numpy(),
            "prec": alt["prec"].astype(float).to_numpy(),
            "doc": alt["doc"].astype(str).to_numpy(),
            "line": alt["line"].astype(int).to_numpy(),
            "table": alt["table"].astype(str).to_numpy(),
            "row_label": alt["row_label"].astype(str).to_numpy(),
            "col_label": alt["col_label"].astype(str).to_numpy(),
            "printed": alt["printed"].astype(str).to_numpy(),
            "unit": alt["unit"].astype(str).to_numpy(),
            "chosen": alt["chosen"].astype(bool).to_numpy(),
            "status": alt["point_status"].astype(str).to_numpy(),
            "release": alt["release"].astype(int).to_numpy(),
            "derived": False,
            "fact_id": alt["fact_id"].to_numpy(),
        })
        s = tl.series
        d = s[s["derived"].astype(bool) & (s["measure"] == "value")]
        derived = pd.DataFrame({
            "sid": d["series_id"].astype(str).to_numpy(), "end": d["period_end"].astype(str).to_numpy(),
            "months": d["period_months"].astype(int).to_numpy(), "value": d["value"].astype(float).to_numpy(),
            "prec": d["prec"].astype(float).to_numpy(), "doc": d["doc"].astype(str).to_numpy(),
            "line": d["line"].astype(int).to_numpy(), "table": "", "row_label": d["label"].astype(str).to_numpy(),
            "col_label": "", "printed": "", "unit": d["unit"].astype(str).to_numpy(), "chosen": True,
            "status": "derived", "release": -1, "derived": True, "fact_id": d["fact_id"].to_numpy()})
        src = pd.concat([printed, derived], ignore_index=True) if len(derived) else printed
        self.src = src.reset_index(drop=True)
        self._v = self.src["value"].to_numpy(float)
        self._p = self.src["prec"].to_numpy(float)
        self._sid = self.src["sid"].to_numpy(object)
        self._chosen = self.src["chosen"].to_numpy(bool)
        self._derived = self.src["derived"].to_numpy(bool)
        self._rec = self.src.to_dict("records")       # plain rows: per-cell lookups stay cheap
        self._by_period: dict[tuple[str, int], np.ndarray] = {
            k: np.asarray(v, dtype=int) for k, v in self.src.groupby(["end", "months"]).indices.items()}
        self._ends: dict[int, list[date]] = defaultdict(list)
        for end, months in self._by_period:
            self._ends[int(months)].append(date.fromisoformat(end))
        self._standing: dict[tuple[str, str, int], int] = {}
        for i in np.flatnonzero(self._chosen):
            key = (self._sid[i], self.src.at[i, "end"], int(self.src.at[i, "months"]))
            if key not in self._standing or not self._derived[i]:
                self._standing[key] = int(i)
        info = tl.info.set_index("series_id") if len(tl.info) else None
        self.labels: dict[str, str] = dict(info["label"]) if info is not None else {}
        self.norm_labels: dict[str, tuple] = dict(info["norm_labels"]) if info is not None else {}
        self.units: dict[str, str] = dict(info["unit"]) if info is not None else {}
        self.kinds: dict[str, tuple] = dict(info["kinds"]) if info is not None else {}
        months_of = self.src.groupby("sid")["months"].agg(lambda m: set(int(x) for x in m))
        self.instant: dict[str, bool] = {sid: ms == {0} for sid, ms in months_of.items()}
        ends12 = self.src[(self.src["months"] == 12) & ~self.src["derived"]]["end"]
        self.fy_end_months = [m for m, _ in Counter(int(e[5:7]) for e in ends12).most_common()]
        del kinds

    def describe_series(self, sid: str) -> str:
        """"Total revenues (income, summary)": a series' label and the statements printing it."""
        label = self.labels.get(sid, sid)
        kinds = self.kinds.get(sid, ())
        return f"{label} ({', '.join(kinds)})" if kinds else label

    def __len__(self) -> int:
        return len(self.src)

    def canonical_end(self, end: date, months: int) -> str | None:
        """The release's own date for a model period end (a few days' slack for 52-week years)."""
        best = None
        for e in self._ends.get(int(months), ()):
            gap = abs((e - end).days)
            if gap <= PERIOD_END_SLACK_DAYS and (best is None or gap < best[0]):
                best = (gap, e)
        return best[1].isoformat() if best else None

    def at(self, end: date, months: int) -> tuple[str | None, np.ndarray]:
        iso = self.canonical_end(end, months)
        if iso is None:
            return None, np.zeros(0, dtype=int)
        return iso, self._by_period.get((iso, int(months)), np.zeros(0, dtype=int))

    def standing(self, sid: str, end: date, months: int, printed_only: bool = False) -> int | None:
        iso = self.canonical_end(end, months)
        i = None if iso is None else self._standing.get((sid, iso, int(months)))
        return None if i is None or (printed_only and self._derived[i]) else i

    def alternatives(self, sid: str, end: date, months: int) -> list[int]:
        iso, idx = self.at(end, months)
        return [int(i) for i in idx if self._sid[i] == sid]

    def months_for(self, sid: str, months: int) -> int:
        return 0 if self.instant.get(sid) else months

    def row(self, i: int) -> dict:
        return self._rec[i]


# -- one cell against the facts -----------------------------------------------------------
@dataclass(frozen=True)
class Match:
    idx: int            # position in FactIndex.src
    sid: str
    factor: float       # model figure x factor x sign = fact value
    sign: int
    exact: bool         # the same number (else within rounding)
    strong: bool        # enough digits on both sides to count as evidence
    months: int


def typed_decimals(x: float) -> int:
    """Decimals of a number as typed (48313 -> 0, 18485.89 -> 2)."""
    if float(x).is_integer():
        return 0
    s = format(float(x), ".15g")
    if "e" in s or "." not in s:
        return 0
    return min(len(s.split(".")[1].rstrip("0")), MAX_TYPED_DECIMALS)


_FS = np.array([f * sg for f in FACTORS for sg in (1, -1)], dtype=float)     # factor x sign
_F = np.abs(_FS)
_S = np.sign(_FS).astype(int)


def match_value(index: FactIndex, x: float, end: date, months: int) -> list[Match]:
    """Facts of the period (and of the instant at its end) that the figure `x` matches."""
    if x is None or not math.isfinite(x):
        return []
    dec = typed_decimals(x)
    u_x = 10.0 ** -dec
    cell_strong = abs(x) >= MIN_EVIDENCE_UNITS * u_x and x != 0
    out = []
    for m in dict.fromkeys((int(months), 0)):
        _, idx = index.at(end, m)
        if not len(idx):
            continue
        v, p = index._v[idx], index._p[idx]
        y = x * _FS[:, None]                                  # every factor and sign at once
        diff = np.abs(y - v[None, :])
        slack = FLOAT_SLACK * np.maximum(np.abs(v), 1.0)[None, :]
        tol = HALF * (p[None, :] + u_x * _F[:, None]) + slack
        ok = diff <= tol
        if x != 0:
            ok &= v[None, :] != 0
        else:
            ok &= (_FS == 1.0)[:, None]
        if not ok.any():
            continue
        fact_strong = np.abs(v) >= MIN_EVIDENCE_UNITS * p
        exact = diff <= slack + FLOAT_SLACK * np.abs(y)
        for k, j in zip(*np.nonzero(ok)):
            out.append(Match(int(idx[j]), index._sid[idx[j]], float(_F[k]), int(_S[k]), bool(exact[k, j]),
                             bool(cell_strong and fact_strong[j]), m))
    return out


# -- calendar --------------------------------------------------------------------------
def choose_calendar(layout, numbers: dict[int, list[float]], index: FactIndex):
    """The fiscal calendar under which the most of the model's numbers meet a fact of their
    column's period; sets layout.calendar and layout.periods and returns the score."""
    fiscal = any(t.kind != "date" for t in layout.tokens.values())
    cals = calendars(index.fy_end_months) if fiscal else [FiscalCalendar()]
    best = None
    cache: dict = {}
    for cal in cals:
        periods = {}
        for c, tok in layout.tokens.items():
            p = resolve(tok, cal, layout.date_months)
            if p is not None:
                periods[c] = p
        score = 0
        for c, xs in numbers.items():
            p = periods.get(c)
            if p is None:
                continue
            for x in xs[:CALENDAR_SAMPLE]:
                key = (x, p)
                if key not in cache:
                    cache[key] = any(m.strong for m in match_value(index, x, p.end, p.months))
                score += cache[key]
        if best is None or score > best[0]:
            best = (score, cal, periods)
    score, cal, periods = best
    layout.calendar, layout.periods = cal, periods
    return score


# -- rows ------------------------------------------------------------------------------
@dataclass
class Source:
    doc: str
    line: int
    table: str
    row_label: str
    col_label: str
    printed: str
    value: float
    standing: bool
    derived: bool

    def describe(self) -> str:
        if self.derived:
            return f"{self.doc}: derived from the cumulative figures (line {self.line})"
        return f"{self.doc} · {self.table} · line {self.line}: {self.row_label} = {self.printed}"


def source_of(index: FactIndex, i: int) -> Source:
    r = index._rec[i]
    return Source(str(r["doc"]), int(r["line"]), str(r["table"]), str(r["row_label"]),
                  str(r["col_label"]), str(r["printed"]), float(r["value"]), bool(r["chosen"]),
                  bool(r["derived"]))


@dataclass
class CellLink:
    sheet: str
    cell: str
    row: int
    col: int
    label: str
    period: str                  # the column's label
    model_value: float
    series: list[str]            # the series it matches (the row's candidates)
    sources: list[Source]        # every printing it matches
    factor: float
    sign: int
    exact: bool


@dataclass
class AuditFinding:
    sheet: str
    cell: str
    row: int
    col: int
    label: str
    period: str
    kind: str
    severity: str
    model_value: float
    release_value: float | None  # in the model's units and sign
    message: str
    sources: list[Source] = field(default_factory=list)   # the release figures compared with

    @property
    def doc(self) -> str:
        return self.sources[0].doc if self.sources else ""

    @property
    def line(self) -> int:
        return self.sources[0].line if self.sources else 0


@dataclass
class RowAnalysis:
    row: int
    label: str
    level: int
    series: list[str]                       # accepted series, best first (none: not linked)
    factor: float = 1.0
    sign: int = 1
    n_numbers: int = 0
    links: list[CellLink] = field(default_factory=list)
    findings: list[AuditFinding] = field(default_factory=list)
    tiers: list[list[str]] = field(default_factory=list)     # series by strength of evidence
    _tier_ev: list = field(default_factory=list, repr=False)
    candidate_labels: list[str] = field(default_factory=list)
    unit: float = 1.0            # the finest last digit the row's linked cells are typed to (base units)

    @property
    def candidates(self) -> list[str]:
        """The series offered side by side (the top tier)."""
        return self.tiers[0] if self.tiers else []

    @property
    def linked(self) -> bool:
        return bool(self.series)


def _label_similarity(label: str, norm_labels) -> float:
    a = set(normalise_label(label).split())
    best = 0.0
    for n in norm_labels or ():
        b = set(str(n).split())
        if a and b:
            best = max(best, len(a & b) / len(a | b))
    return best


def fmt_number(x: float | None, decimals: int | None = None) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return ""
    if decimals is None:
        decimals = min(typed_decimals(round(x, 6)), 6)
    return f"{x:,.{decimals}f}"


def _digits_reason(x: float, expected: float) -> str:
    """What kind of typo turns `expected` into `x`."""
    dec = max(typed_decimals(x), 0)
    a = f"{abs(x):.{dec}f}".replace(".", "")
    b = f"{abs(expected):.{dec}f}".replace(".", "")
    if len(a) == len(b) and a != b:
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]:
            return "two digits transposed"
        if len(diff) == 1:
            return "one digit differs"
    return ""


def analyse_row(index: FactIndex, sheet: str, row: int, label: str, level: int,
                numbers: dict[int, float], layout, coord) -> RowAnalysis:
    """Link one row's numbers (`numbers`: column -> figure) and audit them."""
    ra = RowAnalysis(row, label, level, [], n_numbers=len(numbers))
    periods = layout.periods
    matches: dict[int, list[Match]] = {}
    for c, x in numbers.items():
        p = periods.get(c)
        if p is not None:
            matches[c] = match_value(index, x, p.end, p.months)
    by_series: dict[str, dict[int, list[Match]]] = defaultdict(lambda: defaultdict(list))
    for c, ms in matches.items():
        for m in ms:
            by_series[m.sid][c].append(m)
    accepted = []
    for sid, cols in by_series.items():
        strong = sum(any(m.strong for m in ms) for ms in cols.values())
        sim = _label_similarity(label, index.norm_labels.get(sid, ()))
        if not strong and sim < LABEL_SIMILAR:
            continue        # few digits ("0.4" billions) and another name: a coincidence
        covered = [c for c in matches
                   if index.standing(sid, periods[c].end, index.months_for(sid, periods[c].months)) is not None]
        if not covered or len(cols) / len(covered) < ROW_AGREEMENT:
            continue
        exact = sum(any(m.exact for m in ms) for ms in cols.values())
        accepted.append(((strong > 0, len(cols), exact), sim, sid))
    accepted.sort(key=lambda t: (t[0], t[1], t[2]), reverse=True)
    ra.series = [sid for _, _, sid in accepted]
    if not ra.series:
        return ra
    # Tiers of evidence: the series matching as many cells, as many of them exactly, are one
    # tier (candidates offered side by side); a lower tier is consulted only for periods the
    # higher ones do not print.
    for ev, _, sid in accepted:
        if ra.tiers and ra._tier_ev[-1] == ev:
            ra.tiers[-1].append(sid)
        else:
            ra.tiers.append([sid])
            ra._tier_ev.append(ev)
    ra.candidate_labels = [index.describe_series(sid) for sid in ra.candidates]
    rank = {sid: i for i, sid in enumerate(ra.series)}
    # the row's scale and sign: what most of its cells match the standing figures with
    votes = Counter()
    for c, ms in matches.items():
        own = [m for m in ms if m.sid in rank and m.strong]
        if own:
            m = min(own, key=lambda m: (not index._chosen[m.idx], not m.exact, rank[m.sid]))
            votes[(m.factor, m.sign)] += 1
    if votes:
        (ra.factor, ra.sign), _ = max(votes.items(), key=lambda kv: (kv[1], kv[0][1] > 0, kv[0][0] == 1e6))
    typed = [ra.factor * 10.0 ** -typed_decimals(numbers[c]) for c, ms in matches.items()
             if any(m.sid in rank and m.factor == ra.factor for m in ms)]
    ra.unit = min(typed) if typed else ra.factor
    for c, x in numbers.items():
        p = periods.get(c)
        if p is None:
            continue
        _audit_cell(index, ra, sheet, c, x, p, layout.tokens[c], matches.get(c, []), rank, coord(row, c))
    return ra


def expected_points(index: FactIndex, ra_or_series, p: ColumnPeriod) -> list[int]:
    """The printed standing figures for period `p` of the strongest tier of the row's series
    that prints the period (one per series). Quarters the timeline only derives are evidence
    for a link, never a figure to audit against or to write."""
    tiers = ra_or_series.tiers if isinstance(ra_or_series, RowAnalysis) else [list(ra_or_series)]
    for tier in tiers:
        out = []
        for sid in tier:
            i = index.standing(sid, p.end, index.months_for(sid, p.months), printed_only=True)
            if i is not None:
                out.append(i)
        if out:
            return out
    return []


def distinct_values(index: FactIndex, idxs: list[int]) -> list[list[int]]:
    """The figures grouped by value (equal within their rounding)."""
    groups: list[list[int]] = []
    for i in idxs:
        for g in groups:
            j = g[0]
            if abs(index._v[i] - index._v[j]) <= HALF * (index._p[i] + index._p[j]) + \
                    FLOAT_SLACK * max(abs(index._v[i]), 1.0):
                g.append(i)
                break
        else:
            groups.append([i])
    return groups


def _scaled(index: FactIndex, ra: RowAnalysis, x: float, exp: list[int]):
    """(fact, K) when `x` is K times a release figure at the row's scale and sign (a cell
    typed in thousands in a row of millions: K = 1000). The cell stands for the figure at the
    row's precision (16,441 millions typed as 16,441,000 is 1000 x 16,440.514 millions)."""
    for k in SCALE_ERRORS:
        for i in exp:
            v = index._v[i]
            tol = HALF * (index._p[i] + ra.unit) + FLOAT_SLACK * max(abs(v), 1.0)
            if v != 0 and abs(x / k * ra.factor * ra.sign - v) <= tol:
                return i, k
    return None


def _same_release_as_standing(index: FactIndex, m: Match) -> bool:
    r = index._rec[m.idx]
    i = index._standing.get((m.sid, r["end"], int(r["months"])))
    return i is not None and int(index._rec[i]["release"]) == int(r["release"]) and not index._derived[i]


def _audit_cell(index, ra: RowAnalysis, sheet, c, x, p, tok, ms, rank, cell) -> None:
    own = [m for m in ms if m.sid in rank]
    right = [m for m in own if m.factor == ra.factor and m.sign == ra.sign]
    # the standing figure, or another printing of it by the release the standing one is
    # from (a release printing a point twice, in millions and in billions, say)
    standing_right = [m for m in right if index._chosen[m.idx] or _same_release_as_standing(index, m)]
    exp = expected_points(index, ra, p)
    base = dict(sheet=sheet, cell=cell, row=ra.row, col=c, label=ra.label, period=tok.display, model_value=x)
    if standing_right:
        sids = list(dict.fromkeys(m.sid for m in sorted(standing_right, key=lambda m: rank[m.sid])))
        # every printing of the figure, in the row's series and any other (the candidates)
        same = [m for m in ms if m.factor == ra.factor and m.sign == ra.sign]
        srcs, seen = [], set()
        for m in sorted(same, key=lambda m: (m.sid not in rank, rank.get(m.sid, 0), not index._chosen[m.idx])):
            if m.idx not in seen:
                seen.add(m.idx)
                srcs.append(source_of(index, m.idx))
        ra.links.append(CellLink(sheet, cell, ra.row, c, ra.label, tok.display, x, sids, srcs,
                                 ra.factor, ra.sign, any(m.exact for m in standing_right)))
        return
    if not exp:
        return                 # no release prints this period for the row: nothing to say
    groups = distinct_values(index, exp)
    rel = [index._v[g[0]] / ra.factor * ra.sign for g in groups]
    srcs = [source_of(index, g[0]) for g in groups]
    shown = " or ".join(f"{fmt_number(v)} ({s.doc}, line {s.line})" for v, s in zip(rel, srcs))
    if tok.estimate:
        ra.findings.append(AuditFinding(**base, kind=ESTIMATE, severity=SEVERITY[ESTIMATE],
                                        release_value=rel[0], sources=srcs,
                                        message=f"estimate {fmt_number(x)}; the release now prints {shown}"))
        return
    scaled = _scaled(index, ra, x, exp)
    if scaled is not None:
        i, k = scaled
        times = f"{k:,.0f} times" if k >= 1 else f"1/{1 / k:,.0f} of"
        ra.findings.append(AuditFinding(
            **base, kind=SCALE, severity=SEVERITY[SCALE], release_value=index._v[i] / ra.factor * ra.sign,
            sources=[source_of(index, i)],
            message=(f"{fmt_number(x)} is {times} the release's {fmt_number(index._v[i] / ra.factor * ra.sign)}"
                     f" (the rest of the row is in {FACTOR_WORDS.get(ra.factor, f'x{ra.factor:g}')})")))
        return
    flipped = [m for m in own if index._chosen[m.idx] and m.sign != ra.sign and m.factor == ra.factor]
    if flipped:
        m = flipped[0]
        ra.findings.append(AuditFinding(
            **base, kind=SIGN, severity=SEVERITY[SIGN], release_value=index._v[m.idx] / ra.factor * ra.sign,
            sources=[source_of(index, m.idx)],
            message=(f"sign flipped: {fmt_number(x)}, the release prints "
                     f"{fmt_number(index._v[m.idx] / ra.factor * ra.sign)} (the row's other cells keep its sign)")))
        return
    stale = [m for m in right if not index._chosen[m.idx]]
    if stale:
        m = stale[0]
        old = source_of(index, m.idx)
        ra.findings.append(AuditFinding(
            **base, kind=STALE, severity=SEVERITY[STALE], release_value=rel[0], sources=srcs + [old],
            message=(f"stale: {fmt_number(x)} as first printed in {old.doc} (line {old.line}); "
                     f"restated to {shown}")))
        return
    reason = _digits_reason(x, rel[0]) if len(rel) == 1 else ""
    other = [m for m in ms if m.sid not in rank and m.strong and m.factor == ra.factor and m.sign == ra.sign]
    instead = ""
    if other:
        o = source_of(index, other[0].idx)
        instead = f"; it equals {o.row_label} ({o.doc}, line {o.line}) instead"
    diff = x - rel[0]
    pct = f", {diff / rel[0]:+.1%}" if rel[0] else ""
    cands = " (several candidates)" if len(groups) > 1 else ""
    ra.findings.append(AuditFinding(
        **base, kind=DIFFERS, severity=SEVERITY[DIFFERS], release_value=rel[0], sources=srcs,
        message=(f"{fmt_number(x)} differs from the release{cands}: {shown}"
                 f" ({(reason + '; ') if reason else ''}off by {fmt_number(diff)}{pct}){instead}")))
