"""Mutations of real release text for fuzzing the extraction core (used by the hypothesis tests
here and by benchmarks/fuzz_extract.py). Every mutation takes a random.Random and lines, and
returns new lines; nothing here knows the sample company's figures."""
from __future__ import annotations

import random
import re
from pathlib import Path

RELEASE_DIR = Path(__file__).resolve().parent.parent / "data" / "releases"

_NUM = re.compile(r"\(?-?\d[\d,]*(?:\.\d+)?%?\)?")
_YEAR = re.compile(r"(?:19|20)\d{2}")
_CELL_SPLIT = re.compile(r"(\t| {2,})")

# Characters that break naive parsers: full-width digits and signs, zero-width and bidi marks,
# NUL and other controls, odd dashes and minus signs, combining marks, surrogate-free emoji.
ODD_CHARS = ["１", "２", "０", "，", "．", "（", "）", "－", "−", "–", "—", "―", "\u200b", "\u200e",
             "\u202e", "\ufeff", "\x00", "\x0c", "\x0b", "\r", "\t", "\u3000", "\u0301", "€",
             "¥", "%", "％", "△", "▲", "*", "†", "¹", "²", "³", "😀", "\\", "|", "<", "&#", "'"]

NUMBER_FORMS = [
    "{n:,}", "({n:,})", "-{n:,}", "{n}", "{x:,.1f}%", "({x:.1f}%)", "{x:.2f}", "-{x:.1f}",
    "+{n}", "{n:,}.", "{n:,},", ",{n}", "{n:,}0000000000000000000000", "0.{n}", "{x:.1f} %",
    "JPY{n:,}", "${x:,.2f}", "(({n}))", "{n:,})", "({n:,}", "-", "--", "—", "n/a", "1e309",
    "{n:,}{n:,}", "9" * 400, "{x:,.1f}%%", "(-{n:,})", "{x:.1f}Gbps", "{n:_}",
]

HEADER_FORMS = [
    "Three months ended {mon} {d}, {y}", "Nine months ended {mon} {d}, {y}", "As of {mon} {d}, {y}",
    "{q}Q{yy}", "{q}Q{y}", "{h}H{yy}", "FY{y}", "FY{yy}", "{yy}/{m}~{yy}/{m2}", "{mon} {d}, {yy}",
    "Fiscal year ended {mon} {d}, {y}", "({q}Q{yy})", "{q}Q FY{y}", "{mon} {d}",
    "BALANCE, {MON} {d}, {y}", "{y}年{m}月期 第{q}四半期",
]
MONTH_NAMES = ["January", "Feb", "Mar", "April", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov",
               "December", "Decem", "Febuary", "Smarch"]


def release_lines() -> list[list[str]]:
    return [p.read_text(encoding="utf-8").split("\n") for p in sorted(RELEASE_DIR.glob("*.txt"))]


def random_number(rnd: random.Random) -> str:
    n = rnd.choice([0, 1, 7, 42, 999, 1000, 12345, 10 ** 6, 10 ** 12, 2 ** 63, 10 ** 30,
                    rnd.randrange(10 ** rnd.randrange(1, 19))])
    x = rnd.choice([0.0, 0.05, 4.9, 99.95, 1012.6, 1e-7, 1e21, rnd.uniform(-1e6, 1e6)])
    return rnd.choice(NUMBER_FORMS).format(n=n, x=x)


def random_header(rnd: random.Random) -> str:
    y = rnd.choice([0, 1899, 1999, 2000, 2009, 2010, 2012, 2099, 9999, rnd.randrange(1900, 2100)])
    return rnd.choice(HEADER_FORMS).format(
        mon=rnd.choice(MONTH_NAMES), MON=rnd.choice(MONTH_NAMES).upper(),
        d=rnd.choice([0, 1, 28, 29, 30, 31, 32, 99]), y=y, yy=f"{y % 100:02d}",
        q=rnd.choice([0, 1, 2, 3, 4, 5, 9]), h=rnd.choice([0, 1, 2, 3]),
        m=rnd.choice([0, 1, 4, 6, 12, 13]), m2=rnd.choice([1, 3, 9, 12, 13, 99]))


# -- one mutation per function ------------------------------------------------------------

def byte_flip(rnd, lines):
    i = rnd.randrange(len(lines))
    b = bytearray(lines[i].encode("utf-8", errors="surrogatepass"))
    for _ in range(rnd.randint(1, 4)):
        if b:
            b[rnd.randrange(len(b))] ^= 1 << rnd.randrange(8)
    lines[i] = b.decode("utf-8", errors=rnd.choice(["replace", "ignore", "surrogateescape"]))
    return lines


def column_shuffle(rnd, lines):
    i = rnd.randrange(len(lines))
    parts = _CELL_SPLIT.split(lines[i])
    cells, seps = parts[::2], parts[1::2]
    rnd.shuffle(cells)
    out = [cells[0]] if cells else []
    for k, c in enumerate(cells[1:]):
        out += [seps[k] if k < len(seps) else "\t", c]
    lines[i] = "".join(out)
    return lines


def random_numbers(rnd, lines):
    i = rnd.randrange(len(lines))
    lines[i] = _NUM.sub(lambda m: random_number(rnd) if rnd.random() < 0.7 else m.group(0),
                        lines[i])
    return lines


def random_years(rnd, lines):
    i = rnd.randrange(len(lines))
    lines[i] = _YEAR.sub(lambda m: str(rnd.choice([0, 1899, 2000, 2099, 9999, 10 ** 9])), lines[i])
    return lines


def insert_header(rnd, lines):
    k = rnd.randint(1, 5)
    row = rnd.choice(["\t", "  ", "      "]).join(random_header(rnd) for _ in range(k))
    lines.insert(rnd.randrange(len(lines) + 1), row)
    return lines


def truncate_line(rnd, lines):
    i = rnd.randrange(len(lines))
    lines[i] = lines[i][: rnd.randrange(len(lines[i]) + 1)]
    return lines


def truncate_block(rnd, lines):
    return lines[: rnd.randrange(1, len(lines) + 1)]


def odd_chars(rnd, lines):
    i = rnd.randrange(len(lines))
    s = lines[i]
    for _ in range(rnd.randint(1, 5)):
        k = rnd.randrange(len(s) + 1)
        s = s[:k] + rnd.choice(ODD_CHARS) + s[k:]
    lines[i] = s
    return lines


def whitespace(rnd, lines):
    i = rnd.randrange(len(lines))
    lines[i] = rnd.choice([
        lambda s: s.replace("\t", " " * rnd.randint(1, 12)),
        lambda s: re.sub(r" {2,}", "\t", s),
        lambda s: " " * rnd.randint(1, 80) + s,
        lambda s: s.replace(" ", ""),
        lambda s: s + " " * rnd.randint(1, 500),
        lambda s: "\t".join(s.split()),
    ])(lines[i])
    return lines


def duplicate_or_drop(rnd, lines):
    i = rnd.randrange(len(lines))
    r = rnd.random()
    if r < 0.4:
        lines.insert(i, lines[i])
    elif r < 0.7 and len(lines) > 1:
        del lines[i]
    else:
        j = rnd.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    return lines


def huge_line(rnd, lines):
    i = rnd.randrange(len(lines))
    lines[i] = rnd.choice(["\t".join(random_number(rnd) for _ in range(rnd.randint(50, 400))),
                           lines[i] * rnd.randint(5, 40), "(" * 5000, "-" * 5000])
    return lines


MUTATIONS = [byte_flip, column_shuffle, random_numbers, random_years, insert_header,
             truncate_line, truncate_block, odd_chars, whitespace, duplicate_or_drop, huge_line]
# huge lines are rarer: they are slow to build and do not need many repeats
WEIGHTS = [10, 10, 14, 6, 6, 8, 3, 10, 8, 6, 1]


def snippet(rnd: random.Random, corpus: list[list[str]], max_lines: int = 40) -> list[str]:
    """Consecutive lines of a real release, biased towards lines with numbers (the tables)."""
    lines = rnd.choice(corpus)
    for _ in range(8):
        start = rnd.randrange(len(lines))
        if _NUM.search(lines[start]):
            break
    start = max(0, start - rnd.randint(0, 6))          # often include the title and header
    return lines[start: start + rnd.randint(1, max_lines)]


def mutate(rnd: random.Random, lines: list[str], n: int | None = None) -> list[str]:
    lines = list(lines) or [""]
    for _ in range(rnd.randint(1, 4) if n is None else n):
        if not lines:
            lines = [""]
        lines = rnd.choices(MUTATIONS, WEIGHTS)[0](rnd, lines)
    return lines


def fuzz_input(rnd: random.Random, corpus: list[list[str]], max_lines: int = 40) -> str:
    """One fuzz input: a mutated snippet of a real release (or, rarely, pure noise)."""
    r = rnd.random()
    if r < 0.03:
        return "".join(rnd.choice(ODD_CHARS + list("0123456789,.()-% \t\nabcQFYH")) for _ in
                       range(rnd.randint(0, 300)))
    if r < 0.06:
        return "\n".join(random_header(rnd) + "\t" + "\t".join(random_number(rnd) for _ in range(3))
                         for _ in range(rnd.randint(1, 10)))
    return "\n".join(mutate(rnd, snippet(rnd, corpus, max_lines)))
