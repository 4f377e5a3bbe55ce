"""The one kind of error a project lead is meant to read and act on, and how its values are shown.

Every stage quotes the offending value in its message. A value can be long (a whole
line of a junk file) or hold characters that cannot be seen (a zero-width space, a
no-break space, a letter in two parts as macOS may save it) or digits that only look
like digits ('２０１９'). ``show`` quotes a value so that the message stays short and says
what is there that the eye does not see; ``suggestion`` never proposes a valid value
that looks exactly like the one refused.
"""
import difflib
import unicodedata

WIDTH = 40  # characters of a value quoted in a message
LISTED = 3  # odd characters named by code point before '…'

_NAMES = {"\t": "tab", "\n": "line feed", "\r": "carriage return", "\x00": "NUL"}


class InputError(Exception):
    """Bad input: the message names the file, row, column, value and the rule broken.

    The command line prints the message alone (no traceback) and exits non-zero,
    before anything under ``output/`` or ``data/processed/`` has changed.
    """


def printed(exc: BaseException) -> tuple[str, int] | None:
    """What the command line prints for an error a user can act on, and its exit code; None for others.

    ``make preview`` shows the same text in the browser.
    """
    if isinstance(exc, InputError):
        return f"error: {exc}", 2
    if isinstance(exc, OSError):  # a full disk, a file another program holds: the build's own I/O failed
        where = f" {exc.filename}" if exc.filename else ""
        return (f"error: could not read or write{where}: {exc.strerror or exc}. Free disk space or close the program "
                "holding the file, then run the command again. Nothing was published; output/ is unchanged.", 1)
    if isinstance(exc, RuntimeError):
        return f"error: {exc}\nNothing was published; output/ is unchanged.", 1
    return None


def shorten(value: str, width: int = WIDTH) -> str:
    """The first ``width`` characters of ``value``, and '…' when there were more."""
    value = str(value)
    return value if len(value) <= width else value[:width] + "…"


def _invisible(ch: str) -> bool:
    """A character a reader cannot see in a message: controls, format characters, spaces other than ' '."""
    return ch != " " and not ch.isprintable()


def _combining(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Me")


def _foreign_digit(ch: str) -> bool:
    """A digit other than 0-9: full-width '２', Arabic-Indic '٢', superscript '²' …

    Python's int() and the regex \\d accept some of them, so they must be caught by name.
    """
    return ch.isdigit() and not ch.isascii()


def code_point(ch: str) -> str:
    """'U+200B (zero width space)'."""
    name = _NAMES.get(ch) or unicodedata.name(ch, "").lower() or (
        "control character" if unicodedata.category(ch) == "Cc" else "unnamed character")
    return f"U+{ord(ch):04X} ({name})"


def _listed(chars: list[str]) -> str:
    distinct = list(dict.fromkeys(chars))
    named = ", ".join(code_point(ch) for ch in distinct[:LISTED])
    return named + (", …" if len(distinct) > LISTED else "")


def oddities(value: str) -> str:
    """What a reader cannot see in ``value``, in words with code points; '' when nothing.

    E.g. "contains an invisible character U+200B (zero width space); retype the value".
    """
    value = str(value)
    invisible = [ch for ch in value if _invisible(ch)]
    combining = [ch for ch in value if _combining(ch)]
    digits = [ch for ch in value if _foreign_digit(ch)]
    said = []
    if invisible:
        said.append(f"contains {'an invisible character' if len(set(invisible)) == 1 else 'invisible characters'} "
                    f"{_listed(invisible)}")
    if combining:
        said.append(f"has a letter written in two parts, a base letter and the combining mark {_listed(combining)} "
                    "(decomposed Unicode, as macOS may save it)")
    if digits:
        said.append(f"is written with digits other than 0-9: {_listed(digits)}")
    if not said:
        return ""
    fix = "type the digits 0-9" if digits and not (invisible or combining) else "retype the value"
    return "; ".join(said) + f"; {fix}"


def _visible(value: str, width: int) -> str:
    """``value`` with every invisible character and combining mark written as its code point in brackets,
    in at most about ``width`` characters, '…' when shortened."""
    out = ""
    for ch in value:
        piece = f"[U+{ord(ch):04X}]" if _invisible(ch) or _combining(ch) else ch
        if len(out) + len(piece) > width:
            return out + "…"
        out += piece
    return out


def show(value, width: int = WIDTH) -> str:
    """A value quoted for a message: "'Bromma'", shortened, with what cannot be seen named.

    "'Skarp[U+200B]näck' (contains an invisible character U+200B (zero width space); retype the value)".
    """
    value = str(value)
    quoted = f"'{_visible(value, width)}'"
    odd = oddities(value)
    return f"{quoted} ({odd})" if odd else quoted


def plain(value: str) -> str:
    """``value`` as it reads: composed letters, no invisible characters, ordinary spaces and digits 0-9."""
    out = []
    for ch in unicodedata.normalize("NFC", str(value)):
        if unicodedata.category(ch) == "Zs":
            out.append(" ")
        elif _foreign_digit(ch) and unicodedata.digit(ch, None) is not None:
            out.append(str(unicodedata.digit(ch)))
        elif not _invisible(ch):
            out.append(ch)
    return "".join(out)


def suggestion(value: str, valid: list[str]) -> str:
    """' (did you mean 'X'?)' when a close valid value exists, else ''.

    A value that reads exactly like a valid one but is not the same text (an invisible
    character, a letter in two parts, other digits) gets no 'did you mean': there is
    nothing visible to change, so the hint says the value only looks valid.
    """
    value = str(value)
    valid = [str(v) for v in valid]
    if len(value) > 2 * WIDTH:
        return ""  # not a typo of a name: and comparing long texts is slow
    if oddities(value) and plain(value) in valid:
        return f" (it looks like the valid '{plain(value)}' but is not the same text)"
    close = difflib.get_close_matches(plain(value), valid, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
