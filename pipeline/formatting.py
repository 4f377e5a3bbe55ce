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
    """A difference of two rates as percentage points: '3,1 procentenheter'.

    To state the change between two printed percentages, use ``point_change`` or
    ``change_in_points``, which compute it from the percentages as printed.
    """
    return number(abs(value) * 100, decimals) + NBSP + "procentenheter"


def printed_percent(fraction, decimals: int = 1) -> Decimal:
    """The per cent ``percent`` prints for a fraction, as an exact number: 0.27655 → Decimal('27.7')."""
    return Decimal(repr(round_half_up(float(fraction) * 100, decimals))).quantize(Decimal(1).scaleb(-decimals))


def point_change(first, last, decimals: int = 1) -> float:
    """The change in percentage points from ``first`` to ``last`` (fractions), from the two percentages as printed.

    A reader checks '27,7 % … 20,4 %, en minskning med 7,3 procentenheter' with a calculator from the
    printed figures, so the difference is taken after rounding each rate, not before
    (0.2766 and 0.2042 differ by 7,2 points unrounded, but print as 27,7 % and 20,4 %).
    """
    return float(printed_percent(last, decimals) - printed_percent(first, decimals))


def change_in_points(first, last, decimals: int = 1) -> str:
    """'en minskning med 7,3 procentenheter', 'en ökning med 0,2 procentenheter', or '' when both print alike."""
    points = point_change(first, last, decimals)
    if points == 0:
        return ""
    word = "en minskning" if points < 0 else "en ökning"
    return f"{word} med {number(abs(points), decimals)}{NBSP}procentenheter"


def relative_change(first: int, last: int) -> int:
    """The change from count ``first`` to count ``last`` in whole per cent of ``first``: 100 → 34 gives -66."""
    if first <= 0:
        raise ValueError("a relative change needs a first count above 0")
    change = (Decimal(int(last)) - Decimal(int(first))) * 100 / Decimal(int(first))
    magnitude = int(abs(change).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return -magnitude if change < 0 else magnitude


def change_in_percent(first: int, last: int) -> str:
    """'en minskning med 66 procent' from two printed counts, or '' when they are equal."""
    change = relative_change(first, last)
    if change == 0:
        return ""
    return f"{'en minskning' if change < 0 else 'en ökning'} med {number(abs(change))} procent"


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
