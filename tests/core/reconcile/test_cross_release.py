"""Checking releases together: the issue's two cross-release cases, on extracted facts."""
from __future__ import annotations

from iijdesk.core.extract import extract_files
from iijdesk.core.reconcile import Engine
from tests.conftest import release


def _check(*prefixes, documents=None):
    paths = [release(p) for p in prefixes]
    facts = extract_files(paths)
    docs = {k: v for k, v in (documents or {}).items() if any(k.startswith(p) for p in prefixes)}
    return Engine(facts, documents=docs).run()


def test_002_with_004_finds_the_misdated_balance_sheet_column(documents):
    found = _check("002", "004", documents=documents)
    f = found[(found["doc"].str.startswith("004")) & (found["kind"] == "label_error")
              & (found["rule"].isin(["cross_release", "header_date"]))]
    assert len(f) >= 1
    msg = f.iloc[0]["message"]
    assert "2010-03-31" in msg and "2009" in msg
    lines = {int(x) for s in f["lines"] for x in s.split(";")}
    assert {321, 334} <= lines       # cash and total assets rows of slide II-9


def test_004_alone_cannot_tell(documents):
    found = _check("004", documents=documents)
    assert found[(found["rule"] == "cross_release") & (found["kind"] == "label_error")].empty


def test_000_with_001_compares_the_balance_sheet_at_march_31_2009(documents):
    found = _check("000", "001", documents=documents)
    notes = found[(found["rule"] == "cross_release") & (found["kind"] == "cross_release")]
    bs = notes[notes["message"].str.contains("2009-03-31") & notes["message"].str.contains("Balance Sheet", case=False)]
    assert len(bs) >= 1
    assert (bs["severity"] == "info").all()
    assert bs["message"].str.contains("agree").all()
    # both print cash 10,187,724 at March 31, 2009: no restatement of it
    rest = found[(found["kind"] == "restatement") & found["message"].str.contains("Cash and cash equivalents")]
    assert rest.empty


def _copies(n: int, change=None):
    """n copies of release 000 under different names (copy 0 changed by `change`)."""
    import pandas as pd

    from iijdesk.core.extract import extract_document
    from iijdesk.core.ingest import load_bytes
    text = release("000").read_text(encoding="utf-8")
    frames, docs = [], {}
    for i in range(n):
        t = change(text) if change and i == 0 else text
        doc = load_bytes(f"copy_{i:03d}.txt", t.encode("utf-8"))
        docs[doc.name] = doc
        frames.append(extract_document(doc, normalised=False))
    from iijdesk.core import facts as F
    facts = F.normalise(pd.concat(frames, ignore_index=True))
    return Engine(facts, documents=docs).run()


def test_agreement_is_one_note_per_table_and_period_of_a_release_not_one_per_pair():
    """200 copies of one release gave 985,129 findings (an "agree" note for every pair of
    releases and tables): the notes now grow with the number of releases, not its square."""
    few, many = _copies(3), _copies(12)
    notes = lambda f: f[(f["rule"] == "cross_release") & (f["severity"] == "info")]
    n3, n12 = len(notes(few)), len(notes(many))
    assert n3 and n12 == 4 * n3                               # linear: per release, not per pair
    assert (notes(many)["kind"] == "cross_release").all()     # identical copies restate nothing
    per_doc = notes(many).groupby("doc").size()
    assert per_doc.nunique() == 1 and len(per_doc) == 12
    assert notes(many)["message"].str.contains(r"as 11 other releases \(copy_").all()
    assert len(many) == 4 * len(few)                          # every other rule is per release too


def test_a_figure_one_release_prints_differently_is_one_restatement_note():
    import re
    # the balance sheet's cash at March 31, 2009, in one copy only
    change = lambda t: re.sub(r"10,187,724", "10,187,999", t, count=1)
    f = _copies(6, change)
    rest = f[f["kind"] == "restatement"]
    assert len(rest) == 1, rest["message"].tolist()
    (msg,) = rest["message"]
    assert rest["doc"].iat[0] == "copy_000.txt"
    assert "10,187,999" in msg and "10,187,724" in msg and "and so do 4 other releases" in msg
    cols = f[(f["kind"] == "cross_release") & (f["doc"] == "copy_000.txt")]
    assert cols["message"].str.contains("1 differ").any()


def test_filings_of_two_companies_are_never_compared():
    """Two 10-Qs of different companies both print "Interest income" for the quarter to
    June 30, 2024 with other figures: that is no restatement and no cross-release finding."""
    from iijdesk.core import facts as F
    from iijdesk.core.ingest import load
    from tests.conftest import DATA
    import pandas as pd

    from iijdesk.core.extract import extract_document
    paths = [DATA / "real" / "jnj_10q_2025q2.html", DATA / "real" / "tsla_10q_2025q2.html"]
    docs = {p.name: load(p) for p in paths}
    facts = F.normalise(pd.concat([extract_document(d, normalised=False) for d in docs.values()],
                                  ignore_index=True))
    found = Engine(facts, documents=docs).run()
    assert found[found["rule"].isin(["cross_release", "derived_period"])].empty


def test_issuers_read_from_covers_and_letterheads():
    from iijdesk.core.issuer import issuer_of
    cover = ("Commission File Number: 001-00000\n\nExample Widgets, Inc.\n"
             "(Exact name of registrant as specified in its charter)\n")
    assert issuer_of(cover) == "example widgets"
    assert issuer_of("COCA COLA CO\n(Exact name of Registrant as specified in its charter)") == \
        issuer_of("The Coca-Cola Company reports ...\nThe Coca-Cola Company\n")
    assert issuer_of(release("000").read_text(encoding="utf-8")) == \
        issuer_of(release("003").read_text(encoding="utf-8")) != ""
    assert issuer_of("Quarterly figures\nRevenue 100\n") == ""
    # a subsidiary printed as often as the company: the name printed first (the letterhead)
    assert issuer_of("Example Widgets Inc. reports\nNorth Gadgets Inc. results\n"
                     "North Gadgets Inc. and Example Widgets Inc.\n") == "example widgets"
    assert all(issuer_of(release(k).read_text(encoding="utf-8")) for k in ("000", "004"))
