"""Swedish number and text formatting, used by every section of the report.

Decimal comma, a no-break space as thousands separator and before '%', en dash for
ranges, Swedish collation (Å, Ä, Ö after Z). One helper for all of it, tested once.
"""
import math
from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"
EN_DASH = "–"
_ALPHABET = "abcdefghijklmnopqrstuvwxyzåäö"


def round_half_up(value: float, decimals: int = 1) -> float:
    """Round as the report does (half up), not as Python's banker's rounding."""
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def number(value, decimals: int = 0) -> str:
    """'79 355', '9,49', '–' for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return EN_DASH
    rounded = round_half_up(float(value), decimals)
    text = f"{rounded:,.{decimals}f}"
    return text.replace(",", NBSP).replace(".", ",")


def percent(fraction, decimals: int = 1) -> str:
    """A fraction as Swedish per cent: 0.132 → '13,2 %'."""
    if fraction is None or (isinstance(fraction, float) and math.isnan(fraction)):
        return EN_DASH
    return number(float(fraction) * 100, decimals) + NBSP + "%"


def percent_points(value: float, decimals: int = 1) -> str:
    """A difference of two rates as percentage points: '3,1 procentenheter'."""
    return number(abs(value) * 100, decimals) + NBSP + "procentenheter"


def ratio(ended, headcount) -> str:
    """A turnover cell as the report prints it: '4/26'."""
    return f"{int(ended)}/{int(headcount)}"


def year_range(first, last) -> str:
    """'first–last' with an en dash and no spaces."""
    return f"{first}{EN_DASH}{last}" if first != last else str(first)


def sort_key(text: str) -> tuple:
    """Swedish collation: Å, Ä, Ö sort after Z; case and hyphens ignored."""
    key = []
    for char in text.lower():
        if char in _ALPHABET:
            key.append((0, _ALPHABET.index(char)))
        elif char.isalnum():
            key.append((1, ord(char)))
    return tuple(key)


def swedish_sorted(values) -> list:
    return sorted(values, key=sort_key)


def join_words(items: list[str]) -> str:
    """'a, b och c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " och " + items[-1]
