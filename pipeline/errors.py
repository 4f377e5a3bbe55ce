"""The one kind of error a project lead is meant to read and act on."""
import difflib


class InputError(Exception):
    """Bad input: the message names the file, row, column, value and the rule broken.

    The command line prints the message alone (no traceback) and exits non-zero,
    before anything under ``output/`` or ``data/processed/`` has changed.
    """


def suggestion(value: str, valid: list[str]) -> str:
    """' (did you mean 'X'?)' when a close valid value exists, else ''."""
    close = difflib.get_close_matches(str(value), [str(v) for v in valid], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
