"""Which company a document is about, as far as the document says: the registrant's name on
a filing's cover ("Tesla, Inc." above "(Exact name of registrant as specified in its charter)"),
else the company name it prints most often ("Internet Initiative Japan Inc.").

An analyst's workspace holds releases of many companies; figures of two companies are never
"the same line item in two releases". The key is the name without punctuation, case and legal
suffix ("COCA COLA CO" and "The Coca-Cola Company" are one issuer); "" when the document
names no company clearly.
"""
from __future__ import annotations

import re
from collections import Counter

# How much of a document is read (covers and letterheads come first).
ISSUER_SCAN_CHARS = 60_000
ISSUER_MEMO_SIZE = 100_000          # letterheads remembered (a key and a name each)
_MEMO: dict[tuple[int, int], str] = {}
# A name printed this many times (or on a filing's cover) identifies the issuer.
ISSUER_MIN_MENTIONS = 2

_REGISTRANT_RE = re.compile(r"^[ \t]*(?P<name>[^\n]{2,120}?)[ \t]*\n(?:[ \t]*\n)*[ \t]*\(\s*exact\s+name\s+of\s+registrant",
                            re.I | re.M)
_SUFFIX = (r"Inc\.?|Incorporated|Corporation|Corp\.|Company|Co\.,?\s*Ltd\.?|Co\.|Ltd\.?|Limited|plc|PLC|N\.V\.|"
           r"AG|SE|S\.A\.|K\.K\.|LLC|L\.P\.|Holdings")
_NAME_RE = re.compile(r"(?P<name>(?:[A-Z][\w&'.-]*,?[ \t]+){1,5}(?:" + _SUFFIX + r"))(?![\w])")
_LEADING_NOISE = re.compile(r"^(?:(?:the|about|of|for|immediate|release|contact|and|by)\s+)+", re.I)
_LEGAL_WORDS = {"inc", "incorporated", "corporation", "corp", "company", "co", "ltd", "limited", "plc",
                "nv", "ag", "se", "sa", "kk", "llc", "lp", "holdings", "the"}


def normalise(name: str) -> str:
    words = re.findall(r"[a-z0-9]+", name.lower().replace("&", " "))
    words = [w for w in words if w not in _LEGAL_WORDS]
    return " ".join(words)


def issuer_of(text: str) -> str:
    """The company the text is about (normalised name), or "" when it names none clearly.
    Kept per letterhead (the checks ask once per part they build; the answer depends on the
    head of the text only), by the head's hash, so the memo holds no text."""
    head = text[:ISSUER_SCAN_CHARS]
    key = (len(head), hash(head))
    found = _MEMO.get(key)
    if found is None:
        if len(_MEMO) >= ISSUER_MEMO_SIZE:
            _MEMO.clear()
        found = _MEMO[key] = _read_issuer(head)
    return found


def _read_issuer(head: str) -> str:
    m = _REGISTRANT_RE.search(head)
    if m:
        key = normalise(m.group("name"))
        if key:
            return key
    names: Counter = Counter()
    for line in head.split("\n"):
        for n in _NAME_RE.finditer(line):
            key = normalise(_LEADING_NOISE.sub("", n.group("name").strip()))
            if key:
                names[key] += 1
    if not names:
        return ""
    # most_common keeps ties in the order first printed: a subsidiary named as often as its
    # parent loses to the name on the letterhead
    best, count = names.most_common(1)[0]
    return best if count >= ISSUER_MIN_MENTIONS else ""


def issuer_groups(docs, documents: dict) -> dict[str, str]:
    """doc name -> the company it is about, for the releases `docs` checked together:
    releases of two companies are never compared; a document naming none goes with the only
    company the others name, if there is one (else with the other documents naming none)."""
    found = {d: (issuer_of(doc.text) if doc is not None and getattr(doc, "text", None) else "")
             for d, doc in ((d, documents.get(d)) for d in docs)}
    known = set(found.values()) - {""}
    if len(known) == 1:
        only = next(iter(known))
        found = {d: only for d in found}
    return found
