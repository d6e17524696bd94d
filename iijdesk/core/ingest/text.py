"""Bytes of a text file -> str, in whatever common encoding it was saved.

Order of evidence, cheapest and surest first:
  1. a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE);
  2. UTF-16 without a BOM, recognised by the zero high bytes of ASCII characters;
  3. strict UTF-8 (nearly every release today; nothing else decodes as UTF-8 by accident);
  4. charset-normalizer for the legacy single/multi-byte code pages (CP932/Shift-JIS,
     EUC-JP, CP1252, Latin-1 ...). It is chosen over chardet because it is pure Python,
     maintained, already a dependency of half the ecosystem, and scores candidates by how
     plausible the decoded text is (mess ratio + language coherence) rather than by byte
     statistics alone, which matters for short, mostly-ASCII releases with a few yen signs;
  5. if all else fails, UTF-8 or CP1252 with replacement characters: never an exception.
"""
from __future__ import annotations

import codecs
import re

# A file whose decoded text has more unprintable characters than this share is not text.
MAX_CONTROL_SHARE = 0.02
# How much of a file charset-normalizer looks at (it samples chunks of this many bytes).
DETECT_CHUNK_SIZE = 4096
DETECT_STEPS = 8
# UTF-16 without BOM: share of zero bytes at the odd (LE) or even (BE) positions that makes it
# certain (mostly ASCII text), the least share at all (spaces, line breaks in Japanese text) and
# the most zero bytes tolerated at the other positions.
UTF16_ZERO_SHARE = 0.3
UTF16_MIN_ZERO_SHARE = 0.02
UTF16_MAX_WRONG_ZERO_SHARE = 0.005
# Invalid UTF-8 sequences tolerated (as replacement characters) in an otherwise UTF-8 file,
# relative to the valid multi-byte sequences, before another encoding is considered.
UTF8_DAMAGE_SHARE = 0.02

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),   # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Candidate names charset-normalizer may return, mapped to the codec we decode with.
# CP932 is a superset of Shift-JIS as Windows writes it (NEC/IBM extensions, ①②, ～);
# CP1252 is what "Latin-1" files from Windows really are (curly quotes, euro sign, dashes).
# The code pages a release is plausibly saved in when it is not Unicode. Restricting the
# detector to these is what makes it reliable on short text: left free, it reads Western text
# as CP1250 and EUC-JP as Thai or Big5.
LEGACY_CANDIDATES = ("cp932", "euc_jp", "iso2022_jp", "cp1252", "latin_1", "cp1251", "gb18030")

_PREFERRED = {
    "shift_jis": "cp932", "shift_jis_2004": "cp932", "shift_jisx0213": "cp932", "sjis": "cp932",
    "cp932": "cp932", "ms932": "cp932",
    "latin_1": "cp1252", "iso8859_1": "cp1252", "iso-8859-1": "cp1252", "cp1252": "cp1252",
    "windows-1252": "cp1252", "ascii": "utf-8",
}


def decode(raw: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Never raises for any bytes."""
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            body = raw[len(bom):]
            codec = "utf-8" if enc == "utf-8-sig" else enc
            return body.decode(codec, errors="replace"), enc
    utf16 = _utf16_without_bom(raw) if b"\x00" in raw[:65536] else None
    if utf16:
        return raw.decode(utf16, errors="replace"), utf16
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(raw):
        return raw.decode("utf-8", errors="replace"), "utf-8"
    enc = _detect_legacy(raw)
    if enc:
        try:
            return raw.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            pass
    return raw.decode("cp1252", errors="replace"), "cp1252"


def _utf16_without_bom(raw: bytes) -> str | None:
    """UTF-16 LE/BE without BOM: ASCII characters (spaces and line breaks at least) leave zero
    bytes at every other position and never at the others; the decoded text must be plausible."""
    n = min(len(raw), 65536)
    n -= n % 2
    if n < 4:
        return None
    sample = raw[:n]
    half = n / 2
    even_zero = sample[0::2].count(0) / half
    odd_zero = sample[1::2].count(0) / half
    for enc, hi, lo in (("utf-16-le", odd_zero, even_zero), ("utf-16-be", even_zero, odd_zero)):
        if hi < UTF16_MIN_ZERO_SHARE or lo > UTF16_MAX_WRONG_ZERO_SHARE:
            continue
        text = None
        for trim in (0, 2):            # the sample may end inside a surrogate pair
            try:
                text = sample[: n - trim].decode(enc)
                break
            except UnicodeDecodeError:
                continue
        if text is None or control_share(text) > MAX_CONTROL_SHARE:
            continue
        if hi >= UTF16_ZERO_SHARE or _plausible_share(text) >= 0.95:
            return enc
    return None


def looks_like_utf16_or_32(head: bytes) -> bool:
    """Zero bytes that are text, not binary: a UTF-16/32 BOM, or UTF-16 without one."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)):
        return True
    return _utf16_without_bom(head) is not None


def _plausible_share(text: str) -> float:
    """Share of characters from scripts a release is written in (ASCII, Latin, CJK, kana)."""
    if not text:
        return 0.0
    ok = 0
    for ch in text:
        o = ord(ch)
        if (o < 0x250 or 0x2000 <= o <= 0x206F or 0x3000 <= o <= 0x30FF or 0x4E00 <= o <= 0x9FFF
                or 0xFF00 <= o <= 0xFFEF or 0x2460 <= o <= 0x25FF):
            ok += 1
    return ok / len(text)


def _mostly_utf8(raw: bytes) -> bool:
    """UTF-8 with a few damaged bytes (a truncated copy, one stray Latin-1 byte)."""
    text = raw.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 0x7F and ch != "\ufffd")
    return good > 0 and bad <= max(1, UTF8_DAMAGE_SHARE * good)


def _detect_legacy(raw: bytes) -> str | None:
    """The most plausible legacy code page, by charset-normalizer among LEGACY_CANDIDATES."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    try:
        best = from_bytes(raw, steps=DETECT_STEPS, chunk_size=DETECT_CHUNK_SIZE,
                          cp_isolation=list(LEGACY_CANDIDATES)).best()
    except Exception:  # the detector must never take the import down with it
        best = None
    if best is None:
        return "cp932" if _looks_cp932(raw) else None
    name = best.encoding.lower()
    enc = _PREFERRED.get(name, name)
    if enc == "cp932" and not _looks_cp932(raw):
        enc = "cp1252"             # a lone "¥" or "é" read as half-width katakana
    elif enc in ("cp1252", "latin_1", "latin-1") and _looks_cp932(raw) and _western_mojibake(raw):
        # A mostly-English release with a few Japanese labels: the detector's samples may
        # miss them all (or score the few bytes as Western); read as CP932 they are Japanese
        # words, read as CP1252 they are runs of symbols and control characters.
        enc = "cp932"
    if enc == "cp1252":
        try:
            raw.decode("cp1252")
        except UnicodeDecodeError:  # 0x81/0x8D/0x8F/0x90/0x9D are holes in CP1252
            enc = "latin-1"
    return enc


def _looks_cp932(raw: bytes) -> bool:
    try:
        text = raw.decode("cp932")
    except UnicodeDecodeError:
        return False
    high = [ch for ch in text if ord(ch) > 0x7F]
    if not high:
        return False
    jp = sum(1 for ch in high if _is_japanese(ch))
    halfwidth_kana = sum(1 for ch in high if 0xFF61 <= ord(ch) <= 0xFF9F)
    return jp / len(high) >= 0.8 and halfwidth_kana < jp


# Non-ASCII characters that Western text has on their own between ASCII ones: Latin letters
# with accents, and the punctuation and signs of CP1252 (quotes, dashes, currency, degrees ...).
_WESTERN_LONE = re.compile("[\u00c0-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
                           "\u2018-\u201e\u2013\u2014\u2022\u2026\u20ac\u2122"
                           "\u00a0-\u00bf]")
_NON_ASCII_RUN = re.compile("[^\x00-\x7f]+")
# Share of a text's non-ASCII runs that are not what Western text has for it to be mojibake.
MOJIBAKE_SHARE = 0.5


def _western_mojibake(raw: bytes) -> bool:
    """Read as CP1252 (Latin-1 for its holes), do the non-ASCII characters look like
    mojibake? Western text has lone accented letters and signs; CP932 text read so has runs
    of two and more symbols, often with C1 control characters among them."""
    text = raw.decode("cp1252", errors="ignore") if _cp1252_ok(raw) else raw.decode("latin-1")
    runs = _NON_ASCII_RUN.findall(text)
    if not runs:
        return False
    odd = 0
    for run in runs:
        if len(run) > 2 or not all(_WESTERN_LONE.match(ch) for ch in run):
            odd += 1
        elif len(run) == 2 and not (run[0].isalpha() and run[1].isalpha()):
            odd += 1                           # "œu" is a word; "”„" is not
    return odd >= MOJIBAKE_SHARE * len(runs)


def _cp1252_ok(raw: bytes) -> bool:
    try:
        raw.decode("cp1252")
        return True
    except UnicodeDecodeError:
        return False


def _is_japanese(ch: str) -> bool:
    o = ord(ch)
    return (0x3000 <= o <= 0x30FF or 0x4E00 <= o <= 0x9FFF or 0xFF00 <= o <= 0xFFEF
            or 0xFF61 <= o <= 0xFF9F or 0x2460 <= o <= 0x24FF or 0x2500 <= o <= 0x257F or 0x3400 <= o <= 0x4DBF)


# Characters that do not occur in text files: C0 controls other than whitespace/ESC/SUB, DEL,
# C1 controls, lone surrogates, private-use-free noncharacters and the replacement character.
_NOT_TEXT = re.compile("[\x00-\x08\x0e-\x19\x1c-\x1f\x7f-\x9f\ud800-\udfff\ufffd\ufffe\uffff]")


def control_share(text: str) -> float:
    """Share of characters that do not occur in text files (controls, replacement chars)."""
    if not text:
        return 0.0
    return len(_NOT_TEXT.findall(text)) / len(text)
