"""Put a filing's inline-XBRL tags back into its untagged page, from the gold tagging.

The real 10-Qs in tests/data/real (copies of ../shared/real) are stored as a reader sees them: the `ix:` tags were taken
out, and NAME.facts.csv keeps what they said (concept, context, period, dimensions, unit, scale,
sign, format, printed text, the row's first cell). To exercise ingest/ixbrl.py on real markup,
`rebuild` wraps each tagged table number in an `ix:nonFraction` again and writes the contexts
and units into a hidden `ix:header`.

Where a tag stood is found again, not known: the gold rows are in document order, so each is
looked for in the next table rows (`<tr>`) whose first cell is the gold's row text, left to
right within a row. A row that cannot be found is left untagged (`rebuild` says how many were
placed). Numbers in prose are not placed. Test helper only: nothing in iijdesk uses it.
"""
from __future__ import annotations

import csv
import html as _html
import re
from pathlib import Path

# How many table rows past the last placed one the next gold row is looked for in.
ROW_WINDOW = 3000

_TR = re.compile(r"<tr\b.*?</tr\s*>", re.S | re.I)
_CELL = re.compile(r"<t[dh]\b.*?</t[dh]\s*>", re.S | re.I)
_TAGS = re.compile(r"<[^>]+>")
_WS = re.compile(r"[\s\u00a0]+")


def _norm(s: str) -> str:
    return _WS.sub(" ", _html.unescape(s)).strip()


def _label(tr_html: str) -> str:
    for m in _CELL.finditer(tr_html):
        text = _norm(_TAGS.sub(" ", m.group(0)))
        if text:
            return text
    return ""


def _spellings(printed: str) -> list[str]:
    out = [_html.escape(printed, quote=False)]
    if any(ord(ch) > 127 for ch in printed):
        out.append("".join(f"&#{ord(ch)};" if ord(ch) > 127 else ch for ch in printed))
        out.append("".join(f"&#x{ord(ch):x};" if ord(ch) > 127 else ch for ch in printed))
    return out


def _find_number(tr_html: str, printed: str, after: int, used=frozenset()) -> int:
    """Offset (in the row's markup) of `printed` standing alone in a text node, from `after`,
    skipping the offsets in `used`."""
    best = -1
    for sp in _spellings(printed):
        pat = re.compile(r"(?<![\w.,&#])" + re.escape(sp) + r"(?![\w]|[.,]\d)")
        for m in pat.finditer(tr_html, after):
            # inside a text node: the last '<' or '>' before it is a '>'
            lt, gt = tr_html.rfind("<", 0, m.start()), tr_html.rfind(">", 0, m.start())
            if gt > lt and m.start() not in used:
                if best < 0 or m.start() < best:
                    best = m.start()
                break
    return best


def _decimals(printed: str, scale: int) -> str:
    frac = printed.split(".", 1)[1] if "." in printed else ""
    return str(len(re.sub(r"\D", "", frac)) - scale)


_UNIT_XML = {
    "USD": "<xbrli:measure>iso4217:USD</xbrli:measure>",
    "EUR": "<xbrli:measure>iso4217:EUR</xbrli:measure>",
    "shares": "<xbrli:measure>xbrli:shares</xbrli:measure>",
    "pure": "<xbrli:measure>xbrli:pure</xbrli:measure>",
    "USD_per_share": ("<xbrli:divide><xbrli:unitNumerator><xbrli:measure>iso4217:USD</xbrli:measure>"
                      "</xbrli:unitNumerator><xbrli:unitDenominator><xbrli:measure>xbrli:shares"
                      "</xbrli:measure></xbrli:unitDenominator></xbrli:divide>"),
}


def _header(rows: list[dict]) -> str:
    parts = ['<div style="display:none"><ix:header><ix:resources>']
    seen = set()
    for r in rows:
        c = r["context"]
        if c in seen:
            continue
        seen.add(c)
        period = (f"<xbrli:instant>{r['period_end']}</xbrli:instant>" if r["period_months"] == "0"
                  else f"<xbrli:startDate>{r['period_start']}</xbrli:startDate>"
                       f"<xbrli:endDate>{r['period_end']}</xbrli:endDate>")
        seg = ""
        if r["dims"]:
            seg = "<xbrli:segment>" + "".join(
                f'<xbrldi:explicitMember dimension="{d.split("=", 1)[0]}">{d.split("=", 1)[1]}</xbrldi:explicitMember>'
                for d in r["dims"].split(";") if "=" in d) + "</xbrli:segment>"
        parts.append(f'<xbrli:context id="{c}"><xbrli:entity><xbrli:identifier scheme="x">0</xbrli:identifier>'
                     f"{seg}</xbrli:entity><xbrli:period>{period}</xbrli:period></xbrli:context>")
    for u in sorted({r["unit"] for r in rows}):
        xml = _UNIT_XML.get(u, f"<xbrli:measure>u:{u}</xbrli:measure>")
        parts.append(f'<xbrli:unit id="{u}">{xml}</xbrli:unit>')
    parts.append("</ix:resources></ix:header></div>")
    return "".join(parts)


def _open_tag(r: dict) -> str:
    scale = int(r["scale"] or 0)
    attrs = [f'name="{r["concept"]}"', f'contextRef="{r["context"]}"', f'unitRef="{r["unit"]}"',
             f'id="{r["fact_id"]}"', f'decimals="{_decimals(r["printed"], scale)}"', f'scale="{scale}"']
    if r["format"]:
        attrs.append(f'format="{r["format"]}"')
    if r["sign_attr"] == "-":
        attrs.append('sign="-"')
    return "<ix:nonFraction " + " ".join(attrs) + ">"


def rebuild(page: str, gold_rows: list[dict]) -> tuple[str, int, int]:
    """(tagged page, table tags placed, table tags in the gold)."""
    rows = [r for r in gold_rows if r["in_table"] == "1" and r["printed"]]
    trs = [(m.start(), m.end(), None) for m in _TR.finditer(page)]
    labels: dict[int, str] = {}
    inserts: list[tuple[int, int, str]] = []     # (start, end, open tag) in page offsets
    cur, cur_after = -1, 0                       # current row index, offset within it
    used: dict[int, set] = {}                    # row index -> offsets already tagged
    for r in rows:
        want = _norm(r["row_text"])
        if not want:
            continue
        found = False
        # the next rows first; rows before the last placed one too (the gold's order is the
        # tags' ids, which a filing agent may number out of the page's order here and there)
        order = ([cur] if cur >= 0 else []) + list(range(cur + 1, min(len(trs), cur + 1 + ROW_WINDOW))) \
            + list(range(cur - 1, max(-1, cur - 1 - ROW_WINDOW), -1))
        for k in order:
            if k not in labels:
                labels[k] = _label(page[trs[k][0]:trs[k][1]])
            if not labels[k].startswith(want):      # the gold keeps the first 100 characters
                continue
            s, e, _ = trs[k]
            after = cur_after if k == cur else 0
            at = _find_number(page[s:e], r["printed"], after, used.get(k, ()))
            if at < 0 and k == cur:
                at = _find_number(page[s:e], r["printed"], 0, used.get(k, ()))
            if at < 0:
                continue
            used.setdefault(k, set()).add(at)
            sp = next(x for x in _spellings(r["printed"]) if page.startswith(x, s + at))
            inserts.append((s + at, s + at + len(sp), _open_tag(r)))
            cur, cur_after, found = k, at + len(sp), True
            break
        if not found:
            continue
    out, last = [], 0
    for s, e, tag in sorted(inserts):
        out += [page[last:s], tag, page[s:e], "</ix:nonFraction>"]
        last = e
    out.append(page[last:])
    tagged = "".join(out)
    body = re.search(r"<body\b[^>]*>", tagged, re.I)
    at = body.end() if body else 0
    tagged = tagged[:at] + _header(gold_rows) + tagged[at:]
    if "xmlns:ix=" not in tagged[:5000]:
        tagged = tagged.replace("<html", '<html xmlns:ix="http://www.xbrl.org/2013/inlineXBRL"', 1)
    return tagged, len(inserts), len(rows)


def rebuild_file(html_path: str | Path) -> tuple[str, int, int]:
    html_path = Path(html_path)
    gold = html_path.with_name(html_path.name[:-len(".html")] + ".facts.csv")
    with open(gold, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return rebuild(html_path.read_text(encoding="utf-8"), rows)
