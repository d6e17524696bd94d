"""Releases -> one series per line item across releases, on one period axis.

`build_timeline(facts, choices=None) -> Timeline` combines the facts of every loaded release
(facts-frame contract, iijdesk.core.facts) into series:

* Line-item identity. Labels and parents are normalised (case, punctuation, footnote marks,
  plural endings); spellings one small edit apart (OCR damage such as a letter doubled or
  dropped) are folded together. A label starts as its own identity; only where one release
  prints two different values for the same label and period is the identity refined, first
  by the parent row (or, where none is printed, the total row above), then the label's
  first/second printing in its table, the statement kind, the table title. So "Total" under
  two sections becomes two series, while "Total revenues" from a summary table and from the
  income statement stay one. A contradiction that survives all that stays inside one series
  as a conflicting point for the user to settle.
* Renames. Two series are proposed as one line item when the values say so: the same figure
  for the same period, or a discrete quarter that only comes out right when one series'
  cumulative figure is combined with the other's (9M of the old name - 6M of the new name =
  the printed 3M of the old name). A proposal is accepted automatically only when the two
  never appear in the same release, agree wherever both exist, and share their parent or
  their label (a rename changes one of the two); otherwise it waits for the user.
* Periods. Every point carries (period_end, period_months): 3 for quarters, 6/9/12 for
  cumulative year-to-date, 12 for fiscal years, 0 for instants. Discrete quarters are derived
  as 6M-3M, 9M-6M, 12M-9M, marked `derived`, and compared with any printed 3M figure
  (`Timeline.checks`).
* The same fact in several releases: equal within rounding ("equal"), a later release
  differs ("restated": the latest release stands by default, every value is kept in
  `Timeline.alternatives`), or one release prints two values ("conflict"). The user can
  choose the value that stands.

The user's decisions live in `Timeline.choices`, a plain dict the workspace can save:
``{"merges": {merge_id: "accepted" | "rejected"}, "values": {point_key: {"doc", "line"}}}``.
"""
from __future__ import annotations

import calendar
import re
from collections import defaultdict, namedtuple
from functools import lru_cache
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np
import pandas as pd

# -- named thresholds ------------------------------------------------------------------
#: A figure must carry at least this many units of its last printed digit before an equal
#: figure elsewhere counts as evidence that two labels are one line item (so "0", "5" or
#: "1.2" never match by accident).
MIN_EVIDENCE_UNITS = 100
#: Matching figures needed before two labels that one release prints side by side are
#: proposed as one line item (a single match between them is too often a coincidence).
MIN_MATCHES_SIDE_BY_SIDE = 2
#: Edit distance (per token) tolerated between two spellings of one label, by token length.
OCR_EDITS_SHORT = 1          # tokens of up to OCR_LONG_TOKEN characters
OCR_EDITS_LONG = 2
OCR_LONG_TOKEN = 9
#: Tokens shorter than this are never fuzzily matched unless made of capital letters
#: (abbreviations such as a company's initials, which OCR likes to damage).
OCR_MIN_TOKEN = 4
#: Relative slack added to every rounding tolerance (floating point only).
REL_EPS = 1e-9
#: Figures that do not add up over time, so no quarter is derived from them: averages,
#: ratios and per-share amounts.
NON_ADDITIVE_LABEL = re.compile(r"(?i)\baverage|\bratio\b|\bmargin\s*%|\brate\b")
NON_ADDITIVE_UNITS = ("percent",)
#: Quarter derivations: (cumulative months, earlier cumulative months).
DERIVATIONS = ((6, 3), (9, 6), (12, 9))
#: Refinement levels of a line item's identity, tried in order when a release contradicts.
#: "occurrence" tells apart the same label printed twice in one table without a usable
#: parent (the revenue block's "SI" and the cost block's "SI"): first, second ... printing.
KEY_LEVELS = ("parent", "occurrence", "kind", "table")

# Line items the charts and the workbook's charts look for, matched on normalised labels, in
# plain accounting vocabulary (no company names). One definition for both.
TOTAL_REVENUE = re.compile(r"^(total )?(net )?(operating )?(revenue|sale)s?$")
OPERATING_INCOME = re.compile(r"^operating (income|profit)( loss)?$|^operating (loss|income) income$"
                              r"|^income loss from operations?$|^income from operations?$")
CASH_SECTIONS = (
    ("Operating", re.compile(r"^net cash .*operating activit")),
    ("Investing", re.compile(r"^net cash .*investing activit")),
    ("Financing", re.compile(r"^net cash .*financing activit")),
)


SERIES_COLUMNS = [
    "series_id", "label", "unit", "measure", "period_end", "period_months", "value", "doc",
    "line", "fact_id", "derived", "status", "n_values", "prec",
]

_SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹⁰*†‡§"
_FOOTNOTE_PAREN = re.compile(r"\(\s*(?:\d{1,2}|[a-z]|\*+)\s*\)")
_GLUED_DIGIT = re.compile(r"(?<=[a-z]{3})[1-9]\b")
_NON_WORD = re.compile(r"[^0-9a-z%]+")
_DIGITS = re.compile(r"\d+")


# -- labels ----------------------------------------------------------------------------
@lru_cache(maxsize=65536)
def normalise_label(text: str) -> str:
    """Case, punctuation, footnote marks, plural endings and spacing folded away."""
    if not text:
        return ""
    s = unicodedata.normalize("NFKC", str(text))
    s = "".join(ch for ch in s if ch not in _SUPERSCRIPTS)
    s = s.lower().replace("&", " and ")
    s = _FOOTNOTE_PAREN.sub(" ", s)
    s = _GLUED_DIGIT.sub("", s)
    s = s.rstrip(":").strip()
    tokens = [_singular(t) for t in _NON_WORD.sub(" ", s).split()]
    return " ".join(tokens)


def _singular(t: str) -> str:
    if len(t) <= 3 or not t.isalpha():
        return t
    if t.endswith("ies"):
        return t[:-3] + "y"
    if t.endswith("sses"):
        return t[:-2]
    if t.endswith("s") and not t.endswith(("ss", "us", "is")):
        return t[:-1]
    return t


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (returning limit + 1) beyond `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        best = cur[0]
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            best = min(best, cur[j])
        if best > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def _tokens_close(a: str, b: str, raw_upper: bool) -> bool:
    if a == b:
        return True
    if _DIGITS.findall(a) != _DIGITS.findall(b):
        return False
    n = max(len(a), len(b))
    if n < OCR_MIN_TOKEN and not raw_upper:
        return False
    limit = OCR_EDITS_LONG if n >= OCR_LONG_TOKEN else OCR_EDITS_SHORT
    return _edit_distance(a, b, limit) <= limit


def spelling_groups(strings: dict[str, int], upper: set[str] | None = None,
                    rejected: set[frozenset] | None = None) -> dict[str, str]:
    """Map each normalised string to its canonical spelling (the most frequent variant).

    Two strings are one spelling when they have the same number of tokens and differ in
    exactly one token by a small edit (`_tokens_close`). `upper` holds the normalised tokens
    that were printed in capitals (abbreviations), `rejected` pairs the user kept apart."""
    upper = upper or set()
    rejected = rejected or set()
    parent = {s: s for s in strings}

    def find(s):
        while parent[s] != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    buckets: dict[tuple, list[str]] = {}
    for s in strings:
        toks = s.split()
        if not toks or len(s) < 4:
            continue
        for i in range(len(toks)):
            sig = (len(toks), i, tuple(toks[:i]), tuple(toks[i + 1:]))
            buckets.setdefault(sig, []).append(s)
    for (n, i, _, _), members in buckets.items():
        if len(members) < 2:
            continue
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                a, b = members[x], members[y]
                if frozenset((a, b)) in rejected:
                    continue
                ta, tb = a.split()[i], b.split()[i]
                if _tokens_close(ta, tb, ta in upper or tb in upper):
                    ra, rb = find(a), find(b)
                    if ra != rb:
                        parent[rb] = ra
    groups: dict[str, list[str]] = {}
    for s in strings:
        groups.setdefault(find(s), []).append(s)
    out = {}
    for members in groups.values():
        canon = max(members, key=lambda m: (strings[m], m))
        for m in members:
            out[m] = canon
    return out


# -- statement kinds -------------------------------------------------------------------
_KIND_WORDS = (
    ("cashflow", re.compile(r"cash\s*flow", re.I)),
    ("balance", re.compile(r"balance\s*sheet|financial position", re.I)),
    ("equity", re.compile(r"shareholders'?\s*equity|stockholders'?\s*equity|changes in equity", re.I)),
    ("segment", re.compile(r"segment", re.I)),
    ("dividends", re.compile(r"dividend", re.I)),
    ("targets", re.compile(r"target|forecast|outlook|guidance", re.I)),
    ("kpi", re.compile(r"number of|subscri|contracts|customers|employees|headcount", re.I)),
    ("nongaap", re.compile(r"non-?gaap|ebitda", re.I)),
    ("income", re.compile(r"statements? of (?:income|operations)|income statement|"
                          r"comprehensive income", re.I)),
    ("summary", re.compile(r"summary|highlights|results", re.I)),
    ("breakdown", re.compile(r"breakdown|revenues?\b|costs?\b", re.I)),
)


def infer_kind(title: str) -> str:
    """A statement kind from a table title, for facts whose extractor left kind 'other'."""
    for kind, rx in _KIND_WORDS:
        if rx.search(title or ""):
            return kind
    return "other"


# -- precision -------------------------------------------------------------------------
_PRINTED_DEC = re.compile(r"\d[.](\d+)")


def _precision(printed: pd.Series, decimals: pd.Series, scale: pd.Series) -> np.ndarray:
    """The value of one unit of the last printed digit, in base units."""
    dec = pd.to_numeric(decimals, errors="coerce")
    from_printed = printed.astype(str).str.extract(_PRINTED_DEC, expand=False).str.len()
    dec = dec.fillna(from_printed).fillna(0).astype(float).to_numpy()
    return scale.astype(float).to_numpy() * np.power(10.0, -dec)


def _tol(p1, p2, v1=0.0, v2=0.0):
    return 0.5 * (p1 + p2) + REL_EPS * (abs(v1) + abs(v2))


def _non_additive_unit(unit: str) -> bool:
    return unit in NON_ADDITIVE_UNITS or "_per_" in str(unit)


@lru_cache(maxsize=4096)
def _month_end_back(end: str, months: int) -> str:
    """The end of the month `months` before the month of ISO date `end` ("2009-12-31", 3 ->
    "2009-09-30"), as `Timestamp(end) - MonthEnd(months)` gives it."""
    y, m = int(end[:4]), int(end[5:7])
    total = y * 12 + (m - 1) - months
    y2, m2 = divmod(total, 12)
    return f"{y2:04d}-{m2 + 1:02d}-{calendar.monthrange(y2, m2 + 1)[1]:02d}"


def period_label(end: str, months) -> str:
    """'3M Dec-2009', '9M Dec-2009', '12M Mar-2010', 'at Mar-2010'."""
    ts = pd.Timestamp(end)
    m = ts.strftime("%b-%Y")
    return f"at {m}" if int(months) == 0 else f"{int(months)}M {m}"


def point_key(series_id: str, period_end: str, period_months) -> str:
    return f"{series_id}@{period_end}/{int(period_months)}"


# -- the timeline ----------------------------------------------------------------------
@dataclass
class Timeline:
    series: pd.DataFrame          # one row per (series, period): the value that stands
    alternatives: pd.DataFrame    # every fact behind a point, `chosen` marks the standing one
    checks: pd.DataFrame          # derived quarters against printed three-month figures
    merges: pd.DataFrame          # spelling folds and rename proposals, with evidence
    info: pd.DataFrame            # one row per series: label, parent, kinds, docs, labels seen
    choices: dict = field(default_factory=dict)
    fact_series: dict = field(default_factory=dict)   # fact id -> series id

    # .. queries ......................................................................
    def series_for(self, label: str, unit: str | None = None, measure: str = "value",
                   months: Iterable[int] | None = None) -> pd.DataFrame:
        """Points of the series best matching `label` (any label it was printed under)."""
        sid = self.find_series(label, unit=unit, measure=measure)
        return self.points(sid, months) if sid else self.series.iloc[0:0]

    def find_series(self, label: str, unit: str | None = None, measure: str = "value",
                    parent: str | None = None) -> str | None:
        """The id of the series printed under `label` with the most points, or None."""
        want = normalise_label(label)
        inf = self.info[self.info["measure"] == measure]
        if unit:
            inf = inf[inf["unit"] == unit]
        hit = inf[inf["norm_labels"].map(lambda s: want in s)]
        if parent is not None:
            p = normalise_label(parent)
            hit = hit[hit["norm_parents"].map(lambda s: p in s)]
        if hit.empty:
            return None
        return str(hit.sort_values(["n_points", "series_id"], ascending=[False, True])
                   ["series_id"].iloc[0])

    def points(self, series_id: str, months: Iterable[int] | None = None) -> pd.DataFrame:
        s = self.series[self.series["series_id"] == series_id]
        if months is not None:
            s = s[s["period_months"].isin(list(months))]
        return s.sort_values(["period_end", "period_months"]).reset_index(drop=True)

    def series_of_fact(self, fact_id) -> str | None:
        return self.fact_series.get(fact_id)

    def proposals(self) -> pd.DataFrame:
        """Merges waiting for the user (decision 'proposed')."""
        return self.merges[self.merges["decision"] == "proposed"]

    # .. choices ......................................................................
    def decide_merge(self, merge_id: str, accept: bool) -> None:
        self.choices.setdefault("merges", {})[merge_id] = "accepted" if accept else "rejected"

    def choose_value(self, series_id: str, period_end: str, period_months, fact_id) -> None:
        alt = self.alternatives
        row = alt[(alt["fact_id"] == fact_id)].iloc[0]
        self.choices.setdefault("values", {})[point_key(series_id, period_end, period_months)] = {
            "doc": str(row["doc"]), "line": int(row["line"]), "value": float(row["value"])}

    def rebuilt(self, facts: pd.DataFrame) -> "Timeline":
        """The timeline of `facts` with this one's choices applied."""
        return build_timeline(facts, self.choices)

    def to_dict(self) -> dict:
        return {"version": 1, "merges": dict(self.choices.get("merges", {})),
                "values": dict(self.choices.get("values", {}))}


def empty_series() -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in SERIES_COLUMNS})


def _tuples(df: pd.DataFrame, cols: list[str]) -> list:
    """The rows of df's cols as named tuples. DataFrame.itertuples walks pandas string arrays
    item by item (most of the timeline's time); the columns' numpy arrays are zipped instead."""
    Row = namedtuple("Row", cols, rename=True)
    arrays = [df[c].to_numpy(dtype=object) if df[c].dtype == object or str(df[c].dtype) in ("str", "string")
              else df[c].to_numpy() for c in cols]
    return [Row._make(vals) for vals in zip(*(a.tolist() for a in arrays))]


def build_timeline(facts: pd.DataFrame, choices: dict | None = None) -> Timeline:
    """Combine every release's facts into series (see the module docstring)."""
    choices = {"merges": dict((choices or {}).get("merges", {})),
               "values": dict((choices or {}).get("values", {}))}
    f = _prepare(facts)
    merges: list[dict] = []
    if f.empty:
        return Timeline(empty_series(), f, _empty_checks(), _empty_merges(),
                        pd.DataFrame(columns=["series_id", "label", "parent", "unit", "measure",
                                              "kinds", "docs", "labels", "norm_labels",
                                              "norm_parents", "n_points"]), choices, {})
    _fold_spellings(f, choices, merges)
    _assign_keys(f)
    _detect_renames(f, choices, merges)
    info = _series_info(f)
    points, alternatives = _combine(f, choices)
    lab = info.set_index("series_id")["label"]
    points["label"] = points["series_id"].map(lab)
    derived, checks = _derive_quarters(points)
    series = pd.concat([points, derived], ignore_index=True) if len(derived) else points
    lab = info.set_index("series_id")["label"]
    series["label"] = series["series_id"].map(lab)
    series = series[SERIES_COLUMNS].sort_values(
        ["series_id", "period_end", "period_months"]).reset_index(drop=True)
    counts = series.groupby("series_id").size()
    info["n_points"] = info["series_id"].map(counts).fillna(0).astype(int)
    merges_df = pd.DataFrame(merges, columns=_MERGE_COLUMNS) if merges else _empty_merges()
    fact_series = dict(zip(f["fact_id"], f["series_id"]))
    return Timeline(series, alternatives, checks, merges_df, info, choices, fact_series)


# -- steps -----------------------------------------------------------------------------
def _prepare(facts: pd.DataFrame) -> pd.DataFrame:
    f = facts[(facts["period_end"].astype(str) != "") & facts["period_months"].notna()
              & facts["value"].notna()].copy()
    if f.empty:
        return f.assign(fact_id=pd.Series(dtype=object))
    f["fact_id"] = f.index
    f = f.reset_index(drop=True)
    f["period_months"] = f["period_months"].astype(int)
    f["prec"] = _precision(f["printed"], f["decimals"], f["scale"])
    f["suspect"] = f["flag"].astype(str).str.strip() != ""
    kinds = f["kind"].astype(str)
    unknown = kinds.isin(["", "other"])
    f["kind_"] = kinds.where(~unknown, f["table"].map(infer_kind))
    f["nlabel"] = f["row_label"].map(normalise_label)
    f["nparent"] = f["parent"].map(normalise_label)
    f["ntable"] = f["table"].map(normalise_label)
    f["nparent"] = f["nparent"].where(f["nparent"] != "", _sections(f))
    f["ncol"] = f["col_label"].map(normalise_label)
    # Release order: the later the latest period a release reports, the later the release.
    actual = f[f["measure"] != "target"]
    latest = actual.groupby("doc")["period_end"].max()
    order = sorted(f["doc"].unique(), key=lambda d: (latest.get(d, ""), d))
    f["release"] = f["doc"].map({d: i for i, d in enumerate(order)})
    return f


def _sections(f: pd.DataFrame) -> pd.Series:
    """For rows without a printed parent: the nearest total row above them in their table
    ("Total Revenues" over the revenue lines, "Total Costs" over the cost lines)."""
    rows = f[["table_id", "row", "is_total", "nlabel"]].drop_duplicates(["table_id", "row"])
    rows = rows.sort_values(["table_id", "row"])
    sec = rows["nlabel"].where(rows["is_total"].astype(bool))
    rows = rows.assign(sec=sec.groupby(rows["table_id"]).shift().groupby(rows["table_id"]).ffill())
    m = f[["table_id", "row"]].merge(rows[["table_id", "row", "sec"]], how="left",
                                     on=["table_id", "row"])
    return pd.Series(m["sec"].fillna("").to_numpy(), index=f.index)


_ABBREVIATED = re.compile(r"^\s*(.+?)\s*\(([A-Za-z&]{2,6})\)\s*$")
_STOPWORDS = {"and", "of", "the", "for", "in"}


def _fold_spellings(f: pd.DataFrame, choices: dict, merges: list) -> None:
    counts: dict[str, int] = {}
    upper: set[str] = set()
    for col, raw in (("nlabel", "row_label"), ("nparent", "parent")):
        for s, n in f[col].value_counts().items():
            counts[s] = counts.get(s, 0) + int(n)
    for raw in pd.concat([f["row_label"], f["parent"]]).unique():
        for tok in re.findall(r"\b[A-Z]{2,5}\b", str(raw)):
            upper.add(tok.lower())
    rejected = {frozenset(k.split(" ~ ", 1)) for k, v in choices["merges"].items()
                if k.startswith("spelling:") is False and " ~ " in k and v == "rejected"}
    rejected |= {frozenset(k[len("spelling:"):].split(" ~ ", 1))
                 for k, v in choices["merges"].items()
                 if k.startswith("spelling:") and v == "rejected"}
    canon = spelling_groups(counts, upper, rejected)
    why = {s: f"'{s}' differs from '{c}' by a small edit (OCR)" for s, c in canon.items()}
    # "Systems Integration (SI)" is "SI" where the abbreviation is printed on its own
    for raw in f["row_label"].unique():
        m = _ABBREVIATED.match(str(raw))
        if not m:
            continue
        words = [w for w in re.findall(r"[A-Za-z]+", m.group(1)) if w.lower() not in _STOPWORDS]
        abbr = m.group(2).replace("&", "")
        if "".join(w[0] for w in words).upper() != abbr.upper():
            continue
        s_, a_ = normalise_label(raw), normalise_label(abbr)
        if a_ in counts and s_ != a_ and frozenset((s_, a_)) not in rejected:
            target = canon.get(a_, a_)
            for k, v in list(canon.items()):
                if v == canon.get(s_, s_):
                    canon[k] = target
            why[s_] = f"'{raw}' is spelled out for '{abbr}'"
    for s, c in canon.items():
        if s != c and s:
            mid = f"spelling:{s} ~ {c}"
            merges.append({"merge_id": mid, "kind": "spelling", "a": s, "b": c,
                           "a_label": s, "b_label": c,
                           "evidence": why.get(s, f"'{s}' differs from '{c}' by a small edit"),
                           "n_match": 0, "n_mismatch": 0, "same_release": False,
                           "decision": choices["merges"].get(mid, "auto")})
    f["nlabel"] = f["nlabel"].map(canon).fillna(f["nlabel"])
    f["nparent"] = f["nparent"].map(lambda p: canon.get(p, p))


def _conflicting_keys(f: pd.DataFrame, key: pd.Series) -> set:
    """Keys under which one release prints two different values for one period."""
    ok = ~f["suspect"] & (f["measure"] != "target")
    g = f[ok].assign(_k=key[ok], absval=f["value"].abs()).groupby(["_k", "doc", "period_end", "period_months"],
                                         sort=False)
    agg = g.agg(lo=("value", "min"), hi=("value", "max"), p=("prec", "max"),
                a=("absval", "max"))
    bad = agg[(agg["hi"] - agg["lo"]) > agg["p"] + REL_EPS * agg["a"] * 2]
    return set(bad.index.get_level_values(0))


def _assign_keys(f: pd.DataFrame) -> None:
    """Each fact's line-item key: the label, refined only where a release contradicts it."""
    occ = f.groupby(["table_id", "nlabel"])["row"].rank(method="dense").fillna(1).astype(int)
    parts = {"parent": f["nparent"], "occurrence": "#" + occ.astype(str), "kind": f["kind_"],
             "table": f["ntable"], "column": f["ncol"]}
    key = f["unit"].astype(str) + "|" + f["measure"].astype(str) + "|" + f["nlabel"].astype(str)
    level = pd.Series(0, index=f.index)
    for i, name in enumerate(KEY_LEVELS, 1):
        bad = _conflicting_keys(f, key)
        if not bad:
            break
        hit = key.isin(bad)
        key = key.where(~hit, key + " | " + parts[name].astype(str))
        level = level.where(~hit, i)
    f["key_level"] = level
    f["series_id"] = key


_MERGE_COLUMNS = ["merge_id", "kind", "a", "b", "a_label", "b_label", "evidence", "n_match",
                  "n_mismatch", "same_release", "decision"]


def _empty_merges() -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in _MERGE_COLUMNS})


def _release_values(f: pd.DataFrame) -> pd.DataFrame:
    """One value per (series, release, period): the most precise non-suspect fact."""
    g = f.sort_values(["suspect", "prec", "line"]).drop_duplicates(
        ["series_id", "release", "period_end", "period_months"])
    return g


def _rename_link(ma, mb) -> str:
    """How two series could be one renamed item: 'strong' when they share the label (the
    parent was renamed) or a printed parent (the label was renamed), 'prefix' when one label
    extends the other ("Net income" / "Net income attributable to ..."), else ''."""
    if not (ma["kinds"] & mb["kinds"]):
        return ""
    if ma["nlabel"] == mb["nlabel"] or (ma["nparent"] and ma["nparent"] == mb["nparent"]):
        return "strong"
    la, lb = ma["nlabel"].split(), mb["nlabel"].split()
    short, long_ = (la, lb) if len(la) <= len(lb) else (lb, la)
    if short and long_[:len(short)] == short and ma["nparent"] == mb["nparent"]:
        return "prefix"
    return ""


def _detect_renames(f: pd.DataFrame, choices: dict, merges: list) -> None:
    """Propose (and where safe, apply) merges of series the values show to be one item.

    Evidence always spans two releases: a figure printed under one label in one release and
    under the other label in another, or a quarter derived across the two labels matching
    the printed quarter. Pairs printed side by side in one release with equal values are
    duplicates or identities (assets = liabilities + equity), not renames, and are skipped."""
    base = f[~f["suspect"] & (f["measure"] == "value") & (f["unit"] != "percent")]
    rv = _release_values(base)
    if rv.empty:
        return
    meta_rows: dict[str, dict] = {}
    for r in _tuples(rv, ["series_id", "nlabel", "nparent", "release", "kind_", "row_label"]):
        m = meta_rows.get(r.series_id)
        if m is None:
            meta_rows[r.series_id] = {"nlabel": r.nlabel, "nparent": r.nparent,
                                      "docs": {r.release}, "kinds": {r.kind_},
                                      "label": r.row_label}
        else:
            m["docs"].add(r.release)
            m["kinds"].add(r.kind_)
            m["label"] = r.row_label
    link_cache: dict[tuple, str] = {}

    def link(a, b) -> str:
        k = (a, b) if a < b else (b, a)
        if k not in link_cache:
            link_cache[k] = _rename_link(meta_rows[a], meta_rows[b])
        return link_cache[k]

    sig = rv["value"].abs() >= MIN_EVIDENCE_UNITS * rv["prec"]
    evidence: dict[tuple, dict] = {}

    def note(a, b, text):
        k = (a, b) if a < b else (b, a)
        e = evidence.setdefault(k, {"match": 0, "texts": []})
        e["match"] += 1
        if len(e["texts"]) < 3:
            e["texts"].append(text)

    def where(r) -> str:
        return f"{r['row_label']} ({r['doc']} line {r['line']})"

    # 1) the same figure for the same period under two labels, in two releases
    sub = rv[sig]
    v_all = sub["value"].to_numpy(float)
    p_all = sub["prec"].to_numpy(float)
    ids_all = sub["series_id"].to_numpy()
    rel_all = sub["release"].to_numpy()
    lab_all, doc_all = sub["row_label"].tolist(), sub["doc"].tolist()
    line_all, printed_all = sub["line"].tolist(), sub["printed"].tolist()
    groups: dict[tuple, list[int]] = defaultdict(list)
    for k, key in enumerate(zip(sub["unit"].tolist(), sub["measure"].tolist(),
                                sub["period_end"].tolist(), sub["period_months"].tolist())):
        groups[key].append(k)
    for (_, _, pe, pm), idx in groups.items():
        if len(idx) < 2 or len(set(ids_all[idx])) < 2 or len(set(rel_all[idx])) < 2:
            continue
        v, p, ids, rel = v_all[idx], p_all[idx], ids_all[idx], rel_all[idx]
        close = np.abs(v[:, None] - v[None, :]) <= _tol(p[:, None], p[None, :],
                                                          v[:, None], v[None, :])
        close &= (rel[:, None] != rel[None, :]) & (ids[:, None] != ids[None, :])
        for i, j in zip(*np.nonzero(np.triu(close, 1))):
            if link(ids[i], ids[j]):
                a, b = idx[i], idx[j]
                note(ids[i], ids[j], f"{period_label(pe, pm)}: {lab_all[a]} ({doc_all[a]} line {line_all[a]}) = "
                     f"{lab_all[b]} ({doc_all[b]} line {line_all[b]}) = {printed_all[a]}")
    # 2) a quarter that only derives across the two labels
    best = rv.sort_values("prec").drop_duplicates(["series_id", "period_end", "period_months"])
    # only what the comparisons read: records of every column cost most of this step
    best = best[["series_id", "value", "prec", "doc", "line", "row_label", "printed", "period_end",
                 "unit", "measure", "period_months"]]
    by = {k: g for k, g in best.groupby(["unit", "measure", "period_end", "period_months"])}
    for (unit, meas, pe, pm), cum in by.items():
        m0 = dict(DERIVATIONS).get(pm)
        if m0 is None:
            continue
        prior = by.get((unit, meas, _month_end_back(pe, 3), m0))
        quarter = by.get((unit, meas, pe, 3))
        if prior is None or quarter is None:
            continue
        q = {r["series_id"]: r for r in quarter.to_dict("records")}
        pri = [r for r in prior.to_dict("records")
               if abs(r["value"]) >= MIN_EVIDENCE_UNITS * r["prec"]]
        for c in cum.to_dict("records"):
            for p0 in pri:
                a, b = c["series_id"], p0["series_id"]
                if a == b or c["doc"] == p0["doc"] or not link(a, b):
                    continue
                d = c["value"] - p0["value"]
                for s in (a, b):
                    r3 = q.get(s)
                    if r3 is None or abs(r3["value"]) < MIN_EVIDENCE_UNITS * r3["prec"]:
                        continue
                    if abs(d - r3["value"]) <= _tol(c["prec"] + p0["prec"], r3["prec"], d,
                                                    r3["value"]):
                        note(a, b, f"{period_label(pe, pm)} {where(c)} - "
                             f"{period_label(p0['period_end'], m0)} {where(p0)} = printed "
                             f"{period_label(pe, 3)} {where(r3)} = {r3['printed']}")
                        break
    if not evidence:
        return
    # plain dicts, not pandas lookups, for the pairwise comparisons below
    per_rel: dict[str, dict] = defaultdict(dict)
    for r in _tuples(rv, ["series_id", "release", "period_end", "period_months", "value", "prec"]):
        per_rel[r.series_id][(r.release, r.period_end, r.period_months)] = (r.value, r.prec)
    pts: dict[str, dict] = defaultdict(dict)
    for r in _tuples(best, ["series_id", "period_end", "period_months", "value", "prec"]):
        pts[r.series_id][(r.period_end, r.period_months)] = (r.value, r.prec)
    parent: dict[str, str] = {}
    group_docs = {sid: set(m["docs"]) for sid, m in meta_rows.items()}

    def find(s):
        while parent.get(s, s) != s:
            s = parent[s]
        return s

    for (a, b), e in sorted(evidence.items(), key=lambda kv: (-kv[1]["match"], kv[0])):
        ma, mb = meta_rows[a], meta_rows[b]
        together = ma["docs"] & mb["docs"]
        if together:
            # side by side in one release: equal there means duplicate, not rename
            sa, sb_ = per_rel[a], per_rel[b]
            shared = sa.keys() & sb_.keys()
            if shared and all(abs(sa[i][0] - sb_[i][0]) <= _tol(sa[i][1], sb_[i][1]) for i in shared):
                continue
        pa, pb = pts[a], pts[b]
        mism = sum(1 for i in pa.keys() & pb.keys()
                   if abs(pa[i][0] - pb[i][0]) > _tol(pa[i][1], pb[i][1], pa[i][0], pb[i][0]))
        if mism > e["match"]:
            continue
        if together and e["match"] < MIN_MATCHES_SIDE_BY_SIDE:
            continue        # labels printed side by side need more than one coincidence
        older, newer = sorted((a, b), key=lambda s: (max(meta_rows[s]["docs"]), s))
        mid = f"rename:{older} ~ {newer}"
        ra, rb = find(older), find(newer)
        # a merge never joins two series that one release prints side by side
        apart = ra == rb or not (group_docs[ra] & group_docs[rb])
        auto = not together and apart and mism == 0 and link(a, b) == "strong"
        decision = choices["merges"].get(mid, "auto" if auto else "proposed")
        merges.append({"merge_id": mid, "kind": "rename", "a": older, "b": newer,
                       "a_label": _display(meta_rows[older]), "b_label": _display(meta_rows[newer]),
                       "evidence": "; ".join(e["texts"]), "n_match": e["match"],
                       "n_mismatch": mism, "same_release": bool(together),
                       "decision": decision})
        if decision in ("auto", "accepted") and ra != rb:
            parent[ra] = rb
            group_docs[rb] |= group_docs[ra]
    if parent:
        f["series_id"] = f["series_id"].map(find)


def _display(m) -> str:
    return f"{m['label']}" + (f" ({m['nparent']})" if m["nparent"] else "")


def _series_info(f: pd.DataFrame) -> pd.DataFrame:
    last = f.sort_values(["release", "suspect", "line"], ascending=[True, False, True])
    acc: dict[str, dict] = {}
    cols = ["series_id", "row_label", "parent", "unit", "measure", "key_level", "kind_", "doc",
            "nlabel", "nparent"]
    for r in _tuples(last, cols):
        a = acc.get(r.series_id)
        if a is None:
            a = acc[r.series_id] = {"unit": r.unit, "measure": r.measure, "key_level": r.key_level,
                                    "kinds": set(), "docs": set(), "labels": {}, "norm_labels": set(),
                                    "norm_parents": set()}
        a["label"], a["parent"] = r.row_label, r.parent           # the last printing wins
        a["key_level"] = max(a["key_level"], r.key_level)
        a["kinds"].add(r.kind_)
        a["docs"].add(r.doc)
        a["labels"].setdefault(r.row_label, None)
        a["norm_labels"].add(r.nlabel)
        a["norm_parents"].add(r.nparent)
    rows = [{"series_id": sid, "label": a["label"], "parent": a["parent"], "unit": a["unit"],
             "measure": a["measure"], "key_level": a["key_level"],
             "kinds": tuple(sorted(a["kinds"])), "docs": tuple(sorted(a["docs"])),
             "labels": tuple(a["labels"]), "norm_labels": tuple(sorted(a["norm_labels"])),
             "norm_parents": tuple(sorted(a["norm_parents"]))} for sid, a in sorted(acc.items())]
    return pd.DataFrame(rows, columns=["series_id", "label", "parent", "unit", "measure", "key_level",
                                       "kinds", "docs", "labels", "norm_labels", "norm_parents"])


def _combine(f: pd.DataFrame, choices: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One standing value per (series, period); every fact kept as an alternative."""
    chosen_by_user = choices.get("values", {})
    alts = f.sort_values(["series_id", "period_end", "period_months", "release", "suspect",
                          "prec", "line"]).reset_index(drop=True)
    n = len(alts)
    sid_a = alts["series_id"].to_numpy()
    pe_a = alts["period_end"].to_numpy()
    pm_a = alts["period_months"].to_numpy()
    v_all = alts["value"].to_numpy(float)
    p_all = alts["prec"].to_numpy(float)
    rel_all = alts["release"].to_numpy()
    sus_all = alts["suspect"].to_numpy(bool)
    doc_all = alts["doc"].to_numpy()
    line_all = alts["line"].to_numpy()
    meas_all = alts["measure"].to_numpy()
    new_group = np.ones(n, bool)
    new_group[1:] = (sid_a[1:] != sid_a[:-1]) | (pe_a[1:] != pe_a[:-1]) | (pm_a[1:] != pm_a[:-1])
    starts = np.flatnonzero(new_group)
    ends = np.append(starts[1:], n)
    chosen = np.zeros(n, bool)
    pstatus = np.empty(n, object)
    picks, statuses, nvals = [], [], []
    for a, b in zip(starts, ends):
        if b - a == 1 and (not chosen_by_user or
                           point_key(sid_a[a], pe_a[a], pm_a[a]) not in chosen_by_user):
            # most points are printed once: nothing to choose between
            chosen[a] = True
            pstatus[a] = "printed"
            picks.append(a)
            statuses.append("printed")
            nvals.append(1)
            continue
        v, p, rel, sus = v_all[a:b], p_all[a:b], rel_all[a:b], sus_all[a:b]
        good = ~sus if (~sus).any() else np.ones(b - a, bool)
        gi = np.flatnonzero(good)
        status = "printed"
        # the most precise printing; among equals the latest release
        pick = gi[np.lexsort((-rel[gi], p[gi]))[0]]
        releases = np.unique(rel[gi])
        conflict = False
        if len(gi) > len(releases):          # some release prints the point twice
            for r in releases:
                vv = v[gi[rel[gi] == r]]
                pp = p[gi[rel[gi] == r]]
                if len(vv) > 1 and (vv.max() - vv.min()) > pp.max() + REL_EPS * np.abs(vv).max() * 2:
                    conflict = True
        if len(releases) > 1:
            def best_of(r):
                ix = gi[rel[gi] == r]
                return ix[np.argmin(p[ix])]
            li = best_of(releases[-1])
            differs = any(abs(v[ri] - v[li]) > _tol(p[ri], p[li], v[ri], v[li])
                          for ri in (best_of(r) for r in releases[:-1]))
            if differs:
                status, pick = "restated", li
            else:
                status = "equal"
        if conflict and meas_all[a] != "target":    # a revised target is not a conflict
            status = "conflict"
        user = chosen_by_user.get(point_key(sid_a[a], pe_a[a], pm_a[a]))
        if user:
            hit = np.flatnonzero((doc_all[a:b] == user.get("doc")) &
                                 (line_all[a:b] == user.get("line")))
            if len(hit):
                if user.get("value") is not None:
                    hit = hit[[np.argmin(np.abs(v[hit] - float(user["value"])))]]
                pick = hit[0]
                status = "chosen"
        chosen[a + pick] = True
        pstatus[a:b] = status
        picks.append(a + pick)
        statuses.append(status)
        nvals.append(len(np.unique(rel)))
    alts["chosen"] = chosen
    alts["point_status"] = pstatus
    sel = alts.iloc[picks]
    points = pd.DataFrame({
        "series_id": sel["series_id"].to_numpy(), "unit": sel["unit"].to_numpy(),
        "measure": sel["measure"].to_numpy(), "period_end": sel["period_end"].to_numpy(),
        "period_months": sel["period_months"].astype(int).to_numpy(),
        "value": sel["value"].astype(float).to_numpy(), "doc": sel["doc"].to_numpy(),
        "line": sel["line"].astype(int).to_numpy(), "fact_id": sel["fact_id"].to_numpy(),
        "derived": False, "status": statuses, "n_values": nvals,
        "prec": sel["prec"].astype(float).to_numpy()})
    keep = ["fact_id", "series_id", "doc", "line", "table", "row_label", "col_label",
            "period_end", "period_months", "unit", "measure", "printed", "value", "prec",
            "release", "suspect", "chosen", "point_status"]
    return points, alts[keep]


_CHECK_COLUMNS = ["series_id", "period_end", "formula", "derived_value", "printed_value",
                  "difference", "tolerance", "ok", "fact_ids", "printed_fact_id"]


def _empty_checks() -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in _CHECK_COLUMNS})


def _derive_quarters(points: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Discrete quarters from cumulative figures; compared with printed quarters."""
    dur = points[(points["period_months"] > 0) & (points["measure"] == "value")
                 & ~points["unit"].map(_non_additive_unit)
                 & ~points["label"].fillna("").str.contains(NON_ADDITIVE_LABEL)]
    idx = {(r.series_id, r.period_end, r.period_months): r for r in _tuples(dur, list(dur.columns))}
    derived, checks = [], []
    for (sid, pe, pm), r in idx.items():
        for m, m0 in DERIVATIONS:
            if pm != m:
                continue
            pe0 = _month_end_back(pe, 3)
            r0 = idx.get((sid, pe0, m0))
            if r0 is None:
                continue
            val = r.value - r0.value
            tol = _tol(r.prec, r0.prec, r.value, r0.value)
            formula = f"{m}M-{m0}M"
            printed = idx.get((sid, pe, 3))
            if printed is not None and not printed.derived:
                diff = val - printed.value
                ptol = tol + 0.5 * printed.prec
                checks.append((sid, pe, formula, val, printed.value, diff, ptol,
                               bool(abs(diff) <= ptol), (r.fact_id, r0.fact_id),
                               printed.fact_id))
            else:
                derived.append((sid, r.unit, r.measure, pe, 3, val, r.doc, r.line, r.fact_id,
                                True, "derived", 0, tol))
    dcols = ["series_id", "unit", "measure", "period_end", "period_months", "value", "doc",
             "line", "fact_id", "derived", "status", "n_values", "prec"]
    d = pd.DataFrame(derived, columns=dcols)
    # one derived point per quarter (a series may have several routes; keep the first)
    d = d.drop_duplicates(["series_id", "period_end"])
    c = pd.DataFrame(checks, columns=_CHECK_COLUMNS) if checks else _empty_checks()
    return d, c
