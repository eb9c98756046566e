"""Turkish text rules in one place: case folding for search, the alphabet's
sort order, and the formats a Turkish office expects (dd.MM.yyyy, 1.234,56 ₺).

Python's ``str.lower`` turns ``İ`` into ``i̇`` (two code points) and ``I`` into
``i``; SQLite's ``lower()`` and ``LIKE`` fold ASCII only. We fold explicitly:
``I → ı``, ``İ → i``, then lower-case, then drop the circumflex (``â → a``) so
that ``nikah`` finds ``nikâh``.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

_UPPER = "ABCÇDEFGĞHIİJKLMNOÖPQRSŞTUÜVWXYZÂÎÛ"
_LOWER = "abcçdefgğhıijklmnoöpqrsştuüvwxyzâîû"
_FOLD_TABLE = str.maketrans({"I": "ı", "İ": "i", "Â": "a", "Î": "i", "Û": "u",
                             "â": "a", "î": "i", "û": "u", "\u0307": None})

# The same fold expressed for SQL ``translate()`` (PostgreSQL); SQLite gets the
# Python function registered on each connection (see app.core.db).
SQL_FOLD_FROM = _UPPER + "âîû"
SQL_FOLD_TO = "abcçdefgğhıijklmnoöpqrsştuüvwxyzaiu" + "aiu"


def fold(text) -> str:
    """Case- and circumflex-insensitive Turkish fold used for search keys."""
    if text is None:
        return ""
    return str(text).translate(_FOLD_TABLE).lower()


def upper(text) -> str:
    """Turkish upper case: ``i → İ``, ``ı → I``."""
    if text is None:
        return ""
    return str(text).replace("i", "İ").replace("ı", "I").upper()


_ALPHABET = "0123456789aâbcçdefgğhıiîjklmnoöpqrsştuüûvwxyz"
_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}


def sort_key(text) -> tuple:
    """Key that orders strings by the Turkish alphabet (c < ç < d, ı < i …)."""
    folded = str(text or "").replace("I", "ı").replace("İ", "i").lower()
    return tuple(_RANK.get(ch, 1000 + ord(ch)) for ch in folded), str(text or "")


# ``sort_key`` as a plain string whose binary order (SQLite's default, memcmp
# of UTF-8 = code point order) is the key's order, so that it can be stored
# and indexed: a letter of the alphabet is one character of rank 0x21…0x4E,
# any other character is 0x4F followed by itself (after every letter, among
# themselves by code point), then 0x01 and the original text (the tie-break).
_SORT_CHAR = {ch: chr(0x21 + rank) for ch, rank in _RANK.items()}
_SORT_OTHER = "\x4f"


def sort_text(text):
    """The stored Turkish sort key of ``text`` (None stays None): comparing two
    of them as plain strings gives the order of ``sort_key``/``collate``."""
    if text is None:
        return None
    text = str(text)
    folded = text.replace("I", "ı").replace("İ", "i").lower()
    return "".join(_SORT_CHAR.get(ch) or _SORT_OTHER + ch for ch in folded) + "\x01" + text


def collate(a: str, b: str) -> int:
    """SQLite collation function (registered as ``TURKISH``)."""
    ka, kb = sort_key(a), sort_key(b)
    return (ka > kb) - (ka < kb)


def format_date(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def format_day(value) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    return format_date(value)


def format_money(value, symbol: bool = True) -> str:
    """``1234.5 → '1.234,50 ₺'``."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return str(value)
    sign = "-" if amount < 0 else ""
    whole, frac = f"{abs(amount):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = f"{sign}{'.'.join(groups)},{frac}"
    return f"{text} ₺" if symbol else text


# ASCII folding for keyboards without Turkish letters: ``isik`` finds ``Işık``.
_ASCII_TABLE = str.maketrans({"ç": "c", "ğ": "g", "ı": "i", "ö": "o", "ş": "s", "ü": "u"})
TURKISH_LETTERS = set("çğıöşüÇĞİÖŞÜ")
SQL_ASCII_FROM = "çğıöşü"
SQL_ASCII_TO = "cgiosu"


def ascii_fold(text) -> str:
    """The Turkish fold, then the six Turkish letters as their ASCII look-alikes."""
    return fold(text).translate(_ASCII_TABLE)


def has_turkish_letters(text) -> bool:
    """A query typed with Turkish letters is matched exactly (``ışık`` ≠ ``isik``)."""
    return any(ch in TURKISH_LETTERS for ch in str(text or ""))


# --- dates and times as a Turkish clerk writes them -----------------------------

DATE_FORMATS = ["%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%y"]
DATETIME_FORMATS = ["%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S",
                    "%Y-%m-%d %H:%M", "%d.%m.%Y"]
_TIME = re.compile(r"([01]?\d|2[0-3])(?:[:.]?([0-5]\d))?")


def parse_date_text(text):
    """'26.11.2026' (or ISO, 26/11/2026, 26.11.26) → date; None when it is not one."""
    import datetime as dt

    text = (text or "").strip()
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_datetime_text(text):
    """'26.11.2026 14:30' → datetime; the time may be written 14:30, 14.30,
    1430 or 14; a date alone is midnight. None when it is not a date and time."""
    import datetime as dt

    text = " ".join((text or "").replace("T", " ").split())
    if not text:
        return None
    date_part, _sep, time_part = text.partition(" ")
    day = parse_date_text(date_part)
    if day is None:
        return None
    if not time_part:
        return dt.datetime.combine(day, dt.time())
    for fmt in ("%H:%M:%S",):
        try:
            return dt.datetime.combine(day, dt.datetime.strptime(time_part, fmt).time())
        except ValueError:
            pass
    match = _TIME.fullmatch(time_part)
    if not match:
        return None
    return dt.datetime.combine(day, dt.time(int(match.group(1)), int(match.group(2) or 0)))
