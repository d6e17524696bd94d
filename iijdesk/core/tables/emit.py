"""Tables -> the facts frame (one row per printed number)."""
from __future__ import annotations

import re

import pandas as pd

from iijdesk.core import facts as F
from iijdesk.core.periods import DocPeriods
from iijdesk.core.tables import classify
from iijdesk.core.tables.model import Table
from iijdesk.core.tables import flattened, label_numbers
from iijdesk.core.tables.finder import DURATION_HEADING
from iijdesk.core.tables.resolve import SHARES_SCALE_RE, THREE_MONTHS_RE, resolve, scale_of, share_scale_of

# Counts whose table may state them in thousands or millions ("in millions, except per share data").
SCALED_COUNTS = ("shares", "ADS")
from iijdesk.core.tables.rows import finish_rows
from iijdesk.core.units import DocUnits


# How far above a flattened line its heading and duration heading are looked for.
FLAT_CONTEXT_LINES = 200


def _flattened_records(doc, tables: list[Table], dp: DocPeriods, next_id: int, currency: str) -> list[dict]:
    """Facts of tables the conversion ran onto one line (see flattened.py), each flagged."""
    taken = {r.line.no for t in tables for r in t.rows}
    out: list[dict] = []
    for no, text in enumerate(doc.lines, start=1):
        if no in taken or not flattened.is_flattened(text):
            continue
        above = doc.lines[max(0, no - 1 - FLAT_CONTEXT_LINES): no - 1]
        heading = next((a.strip() for a in reversed(above) if a.strip() and len(a.strip()) < 120), "")
        duration = next((a for a in reversed(above) if DURATION_HEADING.search(a) and len(a) < 200), "")
        cumulative = False if THREE_MONTHS_RE.search(duration) else None
        table_id = f"{doc.name}#{next_id}"
        for i, r in enumerate(flattened.read_flattened(text, dp, cumulative, currency)):
            out.append({
                "doc": doc.name, "line": no, "table": heading, "table_id": table_id, "kind": "other",
                "parent": "", "row_label": "", "row": 0, "level": 0, "is_total": False,
                "col_label": "(flattened line)", "col": i, "_rescale": False, **r,
            })
        next_id += 1
    return out


# "Balance as of March 31", "Balance at June 30": a balance on a day of the column's period.
BALANCE_DAY_RE = re.compile(r"\b(?:at|as\s+of)\s+(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
                            r"\s+(?P<day>\d{1,2})\s*,?\s*$", re.I)


def _balance_day(label: str) -> tuple[int, int] | None:
    m = BALANCE_DAY_RE.search(label)
    if not m:
        return None
    from iijdesk.core.periods import MONTHS
    return MONTHS[m.group("mon").lower()[:3]], int(m.group("day"))


def _day_instant(end: str, month_day: tuple[int, int]) -> str:
    """The latest date on that month and day not after the column's end (the opening balance
    of a quarter ending June 30 'as of March 31' is the March 31 of the same year)."""
    from datetime import date
    e = date.fromisoformat(end)
    for year in (e.year, e.year - 1):
        try:
            d = date(year, *month_day)
        except ValueError:
            return end
        if d <= e:
            return d.isoformat()
    return end


def _edge_instant(end: str, months: int, edge: str) -> str:
    """Cash at the beginning of a period is the instant the day before the period starts."""
    if edge == "end":
        return end
    from datetime import date
    from iijdesk.core.periods import add_months
    d = date.fromisoformat(end)
    start_prev = add_months(d, -int(months))
    return start_prev.isoformat()


def facts_from_tables(doc, tables: list[Table], dp: DocPeriods | None = None,
                      normalised: bool = True) -> pd.DataFrame:
    if not tables:
        return F.empty_facts()
    dp = dp or DocPeriods.read(doc.text)
    du = DocUnits.read(doc.text)
    recs = []
    for ti, t in enumerate(tables):
        resolve(t, dp, du)
        t.kind = classify.table_kind(t.title, " ".join(t.context))
        finish_rows(t, dp)
        table_id = f"{doc.name}#{ti}"
        is_target_table = t.kind == "targets"
        col_info = {slot: (bool(scale_of(c.header)), classify.period_edge(c.header),
                           bool(classify.RATIO_RE.search(c.header)), bool(classify.COMPOSITION_RE.search(c.header)),
                           c.header or "")
                    for slot, c in t.columns.items()}
        for ri, r in enumerate(t.rows):
            units = classify.unit_list(r.label)
            label = classify.clean_label(r.label)
            unit_label = r.label + (" [" + r.section + "]" if r.section and r.period is not None else "")
            instant_row = bool(classify.INSTANT_ROW_RE.search(r.label))
            average_row = bool(classify.PERIOD_AVERAGE_ROW_RE.search(f"{r.parent} {r.label}"))
            row_edge = classify.period_edge(r.label)
            row_day = _balance_day(r.label)
            row_share_scale = share_scale_of([r.label], None) if SHARES_SCALE_RE.search(r.label) else None
            n_cells = len(r.line.cells)
            row_periods: list[tuple[str, int | None, object]] = []   # (end, months, column) of its amounts
            for ci, (cell, slot) in enumerate(zip(r.line.cells, r.slots)):
                col = t.columns[slot]
                scaled, col_edge, ratio, composition, header = col_info[slot]
                n = cell.num
                list_unit = units[ci] if len(units) == n_cells else None
                cell_unit, cell_scale = classify.cell_words(cell.field_text, n)
                unit, per_unit = classify.row_unit(unit_label, t.title, col.unit, col.translation, n.unit or cell_unit,
                                                   n.percent, col.measure, list_unit, t.kind, header, scaled,
                                                   du.currency, r.section)
                if unit in SCALED_COUNTS:
                    scale = cell_scale or row_share_scale or t.share_scale
                else:
                    scale = 1 if per_unit or unit == "percent" else (cell_scale or col.scale or 1)
                end, months = col.period_end, col.period_months
                measure = col.measure
                if r.period is not None and measure in ("value", "target") or (r.period is not None and not end):
                    rp = r.cell_periods.get(slot, r.period)
                    end = rp.end.isoformat() if rp.end else ""
                    months = rp.months
                elif r.period is not None and measure in ("yoy_pct", "share_pct", "change"):
                    end = r.period.end.isoformat() if r.period.end else ""
                    months = r.period.months
                if measure == "share_pct" and ratio and not (months == 0 and composition):
                    measure = "value"   # a flow over a stock ("Payout Ratio", "Income to Total Assets")
                if measure == "value" and (r.target or (is_target_table and not col.from_header)):
                    measure = "target"
                if measure in ("value", "target") and cell.field_text != n.printed:
                    # a cell's own word beats its row's: "JPY8.75 (Paid)" in a forecast row
                    if classify.ACTUAL_CELL_RE.search(cell.field_text):
                        measure = "value"
                    elif classify.FORECAST_CELL_RE.search(cell.field_text):
                        measure = "target"
                if instant_row and months:
                    months = 0
                elif average_row and not months and dp.is_fiscal_year_end(end):
                    months = 12
                edge = row_edge or col_edge
                if edge and end and months:
                    end, months = _edge_instant(end, months, edge), 0
                elif row_day and end and months:
                    end, months = _day_instant(end, row_day), 0
                value = None if n.value is None else n.value * scale
                flag, note = "", ""
                if n.damage:
                    flag, note = "suspect", n.damage
                elif col.suspect:
                    flag, note = "suspect", col.suspect
                recs.append((doc.name, r.line.no, t.title, table_id, t.kind, r.parent, label, ri, r.level,
                             r.is_total, header, ci, end, months, measure, unit, scale, n.printed, value,
                             n.decimals, flag, note, n.start, n.end, col.false_share))
                if measure == "value" and not col.translation and end and \
                        not any(p[:2] == (end, months) for p in row_periods):
                    row_periods.append((end, months, col))
            if row_periods:
                for k, rec in enumerate(_label_records(doc, t, r, row_periods, du.currency)):
                    recs.append((doc.name, rec["line"], t.title, table_id, t.kind, r.parent, label, ri, r.level,
                                 r.is_total, label_numbers.COL_LABEL, n_cells + k, rec["end"], rec["months"],
                                 "value", rec["unit"], rec["scale"], rec["printed"], rec["value"], rec["decimals"],
                                 "", "", rec["start"], rec["stop"], False))
    recs += [tuple(r[c] for c in F.TABLE_COLUMNS + ["_rescale"])
             for r in _flattened_records(doc, tables, dp, len(tables), du.currency)]
    if not recs:
        return F.empty_facts()
    df = pd.DataFrame.from_records(recs, columns=F.TABLE_COLUMNS + ["_rescale"])   # tuples in contract order
    _rescale_from_other_tables(df)
    _share_components(df)
    df = df.drop(columns="_rescale")
    return F.normalise(df) if normalised else df


def _label_records(doc, t: Table, r, row_periods, currency: str) -> list[dict]:
    """Facts of the numbers printed inside a row's label (label_numbers.py), on the lines where
    they stand: the label part of the row's own line and any wrapped label lines above it."""
    out = []
    periods = [(e, m) for e, m, _ in row_periods]
    money_scale = row_periods[0][2].scale or 1
    for no in r.label_lines or [r.line.no]:
        if no == r.line.no:
            ln = r.line
            if ln.tabbed and any(c.field == 0 for c in ln.cells):
                continue        # the first field is a cell of the row, not a label
            text = ln.fields[0] if ln.tabbed else ln.text[:ln.label_end or 0]
        elif 0 < no <= len(doc.lines):
            text = doc.lines[no - 1]
            if "\t" in text:
                text = text.split("\t")[0]
        else:
            continue
        for x, end, months in label_numbers.assign_periods(label_numbers.label_numbers(text), periods):
            n = x.num
            if x.kind == "percent":
                unit, scale = "percent", 1
            elif x.kind == "per_share":
                unit, scale = f"{n.currency or currency}_per_share", 1
            elif x.kind == "shares":
                unit, scale = "shares", x.scale or t.share_scale or 1
            else:
                unit, scale = n.currency or currency, x.scale or money_scale
            out.append({"line": no, "end": end, "months": months, "unit": unit, "scale": scale,
                        "printed": n.printed, "value": n.value * scale, "decimals": n.decimals,
                        "start": n.start, "stop": n.end})
    return out


SCALES = (1000, 1_000_000, 1_000_000_000)
SCALE_NAMES = {1000: "thousand", 1_000_000: "million", 1_000_000_000: "billion"}
# How many rows must agree with amounts printed elsewhere before a column's scale is replaced.
RESCALE_MIN_MATCHES = 2


def _label_key(label: str) -> str:
    s = re.sub(r"\btotal\b", "", label.lower())
    s = re.sub(r"[^a-z0-9]", "", s)
    return s[:-1] if s.endswith("s") else s


# Share counts whose rows are named by what they do ("Effect of dilutive securities",
# "Stock-based awards" under "Add:"): between two share-count rows of which the lower is the
# upper plus them, column by column; at most this many rows between.
SHARE_COMPONENT_MAX_ROWS = 5


def _share_components(df: pd.DataFrame) -> None:
    """Basic shares + "Effect of dilutive securities" = diluted shares: the rows between such
    a sum's ends are share counts too, whatever their labels, when every column adds up."""
    counts = df["unit"].isin(list(SCALED_COUNTS))
    if not counts.any():
        return
    with_counts = df.loc[counts, "table_id"].unique()
    sub = df[(df["measure"] == "value") & df["table_id"].isin(with_counts)]
    for _, grp in sub.groupby("table_id", sort=False):
        rows = {ri: g for ri, g in grp.groupby("row", sort=True)}
        order = sorted(rows)
        is_count = {ri: bool(counts[g.index].all()) for ri, g in rows.items()}
        for k, top in enumerate(order):
            if not is_count[top]:
                continue
            mids = []
            for ri in order[k + 1: k + 2 + SHARE_COMPONENT_MAX_ROWS]:
                if not is_count[ri]:
                    mids.append(ri)
                    continue
                if mids and _adds_up(rows[top], [rows[m] for m in mids], rows[ri]):
                    unit, scale = rows[top]["unit"].iloc[0], int(rows[top]["scale"].iloc[0] or 1)
                    for m in mids:
                        for i in rows[m].index:
                            printed = df.at[i, "value"] / (df.at[i, "scale"] or 1)
                            df.at[i, "unit"], df.at[i, "scale"], df.at[i, "value"] = unit, scale, printed * scale
                        is_count[m] = True
                break


def _adds_up(top: pd.DataFrame, mids: list[pd.DataFrame], bottom: pd.DataFrame) -> bool:
    if len({*top["unit"], *bottom["unit"]}) != 1 or set(top["scale"]) != set(bottom["scale"]):
        return False
    scale = int(top["scale"].iloc[0] or 1)
    a = {c: v for c, v in zip(top["col"], top["value"]) if pd.notna(v)}
    b = {c: v for c, v in zip(bottom["col"], bottom["value"]) if pd.notna(v)}
    if not a or set(a) != set(b):
        return False
    total = dict.fromkeys(a, 0.0)
    for m in mids:
        for c, v, sc in zip(m["col"], m["value"], m["scale"]):
            if c not in total:
                return False
            if pd.notna(v):
                total[c] += v / (sc or 1) * scale
    return all(abs(a[c] + total[c] - b[c]) <= scale for c in a)


def _rescale_from_other_tables(df: pd.DataFrame) -> None:
    """Cells whose header misstates what they hold (a "% of revenues" column of amounts) take
    the scale at which they match the same items printed elsewhere in the release."""
    flagged = df[df["_rescale"].astype(bool)]
    if flagged.empty:
        return
    others = df[(~df["_rescale"].astype(bool)) & (df["measure"] == "value") & df["value"].notna()]
    index: dict = {}
    for r in others.itertuples():
        index.setdefault((_label_key(r.row_label), r.period_end, r.period_months, r.unit), []).append(r)
    for table_id, grp in flagged.groupby("table_id"):   # one unit governs a table
        best, best_hits, example = None, 0, None
        for scale in SCALES:
            hits, ex = 0, None
            for r in grp.itertuples():
                if pd.isna(r.value):
                    continue
                printed = r.value / (r.scale or 1)
                for o in index.get((_label_key(r.row_label), r.period_end, r.period_months, r.unit), []):
                    if abs(printed * scale - o.value) <= 0.5 * scale:
                        hits += 1
                        ex = ex or (r.printed, o.printed, o.line)
                        break
            if hits > best_hits:
                best, best_hits, example = scale, hits, ex
        for i in grp.index:
            note = df.at[i, "note"]
            if best and best_hits >= RESCALE_MIN_MATCHES:
                old = df.at[i, "scale"]
                df.at[i, "value"] = df.at[i, "value"] / (old or 1) * best
                df.at[i, "scale"] = best
                note += (f"; the figures are JPY {SCALE_NAMES[best]}s: {example[0]} matches {example[1]} "
                         f"printed on line {example[2]}")
            df.at[i, "flag"], df.at[i, "note"] = "suspect", note
