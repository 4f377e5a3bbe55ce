"""The report's running text under a calculator and a typography scan, as a reader would check it.

What is read. The visible text of ``output/report.html``, from which ``output/report.pdf`` is
printed: every paragraph (``p``), list item (``li``), figure caption (``figcaption``, with its
source line) and table caption (``caption``), outside the table of contents (``nav``), the
tables' cells and the figures' hidden data tables (``details``). Headings and table cells are
not sentences and are not read. A ``<br>`` ends a sentence (a caption and its source line are
two); a footnote mark (a ``sup`` holding only a number) is left out, so that '7,3 %¹' reads '7,3 %'.
A test below checks that every sentence the calculator reads is printed in the PDF too.

What a sentence is. A block's text is cut after '.', '!' or '?' (and a closing quote or
parenthesis) followed by a space and something that is not a lower-case letter, except after the
abbreviations in ``ABBREVIATIONS``. So 'Diagram 1a. Personalrörlighet …' is two sentences, the
first 'Diagram 1a.', and neither starts with a digit.

What a number is. Digits, with a no-break space before each group of three (``fmt.number``
writes '1 176' so) and a decimal comma: '117', '1 176', '27,7'. A number is
- a *percentage* when '%' follows it ('27,7 %');
- a *year* when it is four bare digits from 1900 to 2099: counts of a thousand or more are printed
  with a no-break space ('2 016'), so four bare digits are a year;
- a *label* when 'Tabell', 'Diagram', 'Bilaga', 'rad', 'punkt', 'sida', 's.', 'nr' or 'fråga' comes
  just before it ('Tabell 1');
- otherwise a *count*.
A number glued to letters ('HT2016', '1a'), to a slash ('4/26') or to a full stop ('3.1.1') is no number.

The calculator (test (a)), per sentence:
1. Every share 'X av Y … (Z %)', the words between Y and the parenthesis holding no digit:
   Z = X / Y, rounded half up to the decimals Z is printed with. A share 'X av Y' followed by a
   parenthesised percentage with another number between them ('117 av 573 2018 (20,4 %)') fails, and so
   does a percentage of one ('0 av 1 … (0,0 %)'), which the report says in words.
2. Every 'N procentenheter' must read '<direction> med N procentenheter' (direction: en minskning,
   en ökning, minskade, ökade, sjönk, steg) or 'N procentenheter högre/lägre'; between the end of the
   change before it (or the start of the sentence) and it stand exactly two percentages A, then B;
   N = |B − A| computed from A and B as printed, and the direction says whether B is below or above A.
3. Every 'N procent' must read '<direction> med N procent', with exactly two counts A, then B,
   before it as in rule 2: N = |B − A| / A in per cent, rounded half up to the decimals N is printed with.
   '<direction> med N %' is read by this rule too, so a change in points written with '%' fails.
A 'procent' or 'procentenheter' not preceded by a number (in digits or in words) names the unit
('andelen i procent') and states no figure. Any other sentence holding 'procent' or
'procentenheter' after a number fails, quoted, as one the calculator cannot read: no sentence escapes.

The typography scan (test (b)):
- no two numbers next to each other: a number, with or without '%', followed by spaces only and
  another number ('117 av 573 2018', 'i november 2016 100', '27,7 % 2016');
- no sentence starts with a digit (after any opening quote, parenthesis or dash).

Offenders are reported by chapter (the report's ``section.chapter-*``: the administrations'
sections together as 'administrations', everything outside the chapters named in ``CHAPTERS`` as
'other'), each chapter its own test, every offender in the message.
"""
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

import pdfcheck
import pytest
from bs4 import BeautifulSoup, NavigableString, Tag

NBSP = "\u00a0"
BLOCKS = ["p", "li", "figcaption", "caption", "dd", "dt", "blockquote"]
SKIPPED = ["head", "nav", "details", "script", "style", "td", "th"]
ABBREVIATIONS = ("t.ex.", "bl.a.", "d.v.s.", "dvs.", "m.m.", "m.fl.", "o.s.v.", "s.", "ca.", "jfr.", "nr.", "kap.",
                 "resp.", "st.", "f.d.", "p.", "kl.", "inkl.", "exkl.", "t.o.m.", "fr.o.m.", "fr.", "ang.")
CHAPTERS = ["turnover", "survey", "consultants", "researcher", "administrations", "audit", "other"]

# A number: a digit group (more groups after a no-break space), a decimal comma; not glued to letters,
# a slash, a full stop or a comma.
_NUMBER = r"(?<![\w/.,])(?:\d{1,3}(?:\u00a0\d{3})+(?!\d)|\d+)(?:,\d+)?(?![\w/]|[.,]\d)"
NUMBER = re.compile(_NUMBER)
PERCENT_AFTER = re.compile(r"[ \u00a0]?%")
LABEL_BEFORE = re.compile(r"(?:\b(?:[Tt]abell|[Dd]iagram|[Bb]ilaga|rad|[Pp]unkt|[Ss]ida|s\.|nr|[Ff]råga))[ \u00a0]+$")
NUMBER_WORDS = ("en", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv",
                "tjugo", "trettio", "fyrtio", "femtio", "hundra", "halv", "några", "många")
DECREASE = ("en minskning", "minskade", "sjönk", "lägre")
INCREASE = ("en ökning", "ökade", "steg", "högre")
_DIRECTION = r"en minskning|en ökning|minskade|ökade|sjönk|steg"
POINTS = re.compile(rf"(?P<dir>{_DIRECTION})\s+med\s+(?P<amount>{_NUMBER})\s+procentenheter\b"
                    rf"|(?P<amount2>{_NUMBER})\s+procentenheter\s+(?P<dir2>högre|lägre)\b")
RELATIVE = re.compile(rf"(?P<dir>{_DIRECTION})\s+med\s+(?P<amount>{_NUMBER})(?:\s+procent\b|[ \u00a0]?%)")
SHARE = re.compile(rf"(?P<x>{_NUMBER})\s+av\s+(?P<y>{_NUMBER})(?!\s*%)")
PAREN_PERCENT = re.compile(rf"\(\s*(?P<z>{_NUMBER})[ \u00a0]?%\s*\)")


def value(text: str) -> Decimal:
    """'1 176' → 1176, '27,7' → 27.7, exactly."""
    return Decimal(text.replace(NBSP, "").replace(",", "."))


def decimals(text: str) -> int:
    return len(text.split(",")[1]) if "," in text else 0


def rounded(number: Decimal, places: int) -> Decimal:
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def numbers(sentence: str) -> list[dict]:
    """Every number in the sentence with its kind: percentage, year, label or count."""
    found = []
    for match in NUMBER.finditer(sentence):
        text, start, end = match.group(), match.start(), match.end()
        after = PERCENT_AFTER.match(sentence, end)
        if after:
            kind, end = "percentage", after.end()
        elif re.fullmatch(r"(?:19|20)\d\d", text):
            kind = "year"
        elif LABEL_BEFORE.search(sentence[:start]):
            kind = "label"
        else:
            kind = "count"
        found.append({"text": text, "value": value(text), "kind": kind, "start": start, "end": end})
    return found


# ---- reading the report ----------------------------------------------------------------------

def _chapter(element: Tag) -> str:
    section = element.find_parent("section", class_="chapter")
    if section is None:
        return "other"
    names = [c[len("chapter-"):] for c in section.get("class", []) if c.startswith("chapter-")]
    name = names[0] if names else "other"
    if name.startswith("admin-") or name == "forvaltningarna":
        return "administrations"
    return name if name in CHAPTERS else "other"


def _own_text(block: Tag) -> str:
    """The block's text without the text of blocks nested in it; a <br> as a paragraph separator."""
    parts = []
    for node in block.descendants:
        if isinstance(node, Tag) and node.name == "br" and node.find_parent(BLOCKS) is block:
            parts.append("\u2029")
        elif type(node) is NavigableString and node.find_parent(BLOCKS) is block:
            parts.append(str(node))
    return re.sub(r"[ \t\r\n]+", " ", "".join(parts)).strip()


def running_text(html: str) -> list[tuple[str, str]]:
    """(chapter, text) of every block of running text, in reading order."""
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(SKIPPED) + soup.select(".trace-note"):  # a figure's tooltip is not running text
        if not element.decomposed:
            element.decompose()
    for mark in soup.find_all("sup"):
        if re.fullmatch(r"\s*[\d,\s]+\s*", mark.get_text()):
            mark.decompose()
    return [(_chapter(block), text) for block in soup.find_all(BLOCKS) if (text := _own_text(block))]


def sentences(text: str) -> list[str]:
    """The sentences of a block, cut as the module's docstring says."""
    found = []
    for paragraph in text.split("\u2029"):
        pieces = re.split(r"(?<=[.!?])([\"'”»)]?)\s+(?=[^\sa-zåäö])", paragraph.strip())
        current = ""
        for i in range(0, len(pieces), 2):
            current += pieces[i] + (pieces[i + 1] if i + 1 < len(pieces) else "")
            if any(current.lower().endswith(" " + a) or current.lower() == a for a in ABBREVIATIONS) \
                    and i + 2 < len(pieces):
                current += " "
                continue
            if current.strip():
                found.append(current.strip())
            current = ""
        if current.strip():
            found.append(current.strip())
    return found


# ---- the calculator --------------------------------------------------------------------------

def _sign_ok(direction: str, before: Decimal, after: Decimal) -> bool:
    if direction in DECREASE:
        return after < before
    return after > before


def _between(found: list[dict], start: int, end: int, kind: str) -> list[dict]:
    return [n for n in found if n["kind"] == kind and start <= n["start"] and n["end"] <= end]


def calculator(sentence: str) -> tuple[list[str], list[str]]:
    """(what was checked, what is wrong or unreadable) for one sentence, by the rules of the docstring."""
    checked, wrong = [], []
    found = numbers(sentence)

    # 1. shares 'X av Y … (Z %)'
    shares = list(SHARE.finditer(sentence))
    for i, share in enumerate(shares):
        stop = shares[i + 1].start() if i + 1 < len(shares) else len(sentence)
        paren = PAREN_PERCENT.search(sentence, share.end(), stop)
        if not paren:
            continue
        between = sentence[share.end():paren.start()]
        if re.search(r"\d", between) or "(" in between:
            wrong.append(f"a share 'X av Y' and its percentage have other figures between them: "
                         f"'{sentence[share.start():paren.end()]}'")
            continue
        x, y, z = value(share.group("x")), value(share.group("y")), paren.group("z")
        if y <= 1:
            wrong.append(f"a percentage of {share.group('y')}, to be said in words: "
                         f"'{sentence[share.start():paren.end()]}'")
            continue
        expected = rounded(x / y * 100, decimals(z))
        checked.append("share")
        if value(z) != expected:
            wrong.append(f"{share.group('x')} av {share.group('y')} is {expected} %, the sentence says {z} %")

    # 2. and 3. changes in percentage points and in per cent
    for pattern, unit, kind in ((POINTS, "procentenheter", "percentage"), (RELATIVE, "procent", "count")):
        phrases = list(pattern.finditer(sentence))
        covered = set()
        previous = 0
        for phrase in phrases:
            direction = phrase.group("dir") or phrase.groupdict().get("dir2")
            amount = phrase.group("amount") or phrase.groupdict().get("amount2")
            covered.add(sentence.find(unit, phrase.start(), phrase.end()))
            figures = _between(found, previous, phrase.start(), kind)
            previous = phrase.end()
            what = "percentages" if kind == "percentage" else "counts"
            if len(figures) != 2:
                wrong.append(f"'{phrase.group()}' has {len(figures)} {what} before it, not two: "
                             f"{[f['text'] for f in figures]}")
                continue
            before, after = figures[0]["value"], figures[1]["value"]
            if unit == "procentenheter":
                expected = abs(after - before)
            elif before == 0:
                wrong.append(f"'{phrase.group()}' is a change from 0")
                continue
            else:
                expected = rounded(abs(after - before) / before * 100, decimals(amount))
            checked.append(unit)
            if value(amount) != expected:
                wrong.append(f"from {figures[0]['text']} to {figures[1]['text']} is {expected} {unit}, "
                             f"the sentence says {amount}")
            if not _sign_ok(direction, before, after):
                wrong.append(f"from {figures[0]['text']} to {figures[1]['text']} is not '{direction}'")
        for word in re.finditer(rf"\b{unit}\b", sentence, re.I):
            if word.start() in covered:
                continue
            before_word = sentence[:word.start()].rstrip()
            last_word = before_word.split(" ")[-1].split(NBSP)[-1].lower() if before_word else ""
            if re.search(r"\d$", before_word) or last_word in NUMBER_WORDS:
                wrong.append(f"'{unit}' after a number, in no form the calculator reads")
    return checked, wrong


# ---- the typography scan ---------------------------------------------------------------------

def typography(sentence: str) -> list[str]:
    """Two numbers next to each other, or a digit first."""
    wrong = []
    found = numbers(sentence)
    for one, other in zip(found, found[1:]):
        gap = sentence[one["end"]:other["start"]]
        if gap and not gap.strip(" " + NBSP):
            wrong.append(f"two numbers next to each other: '{sentence[one['start']:other['end']]}'")
    start = re.match(r"[\s\"'“”„«»(\[–—-]*", sentence).end()
    if start < len(sentence) and sentence[start].isdigit():
        wrong.append("starts with a digit")
    return wrong


# ---- the built report -------------------------------------------------------------------------

@lru_cache(maxsize=4)
def _read(path: str) -> list[tuple[str, str]]:
    """(chapter, sentence) of the report's running text."""
    html = Path(path).read_text(encoding="utf-8")
    return [(chapter, sentence) for chapter, text in running_text(html) for sentence in sentences(text)]


@pytest.fixture(scope="module")
def report(built_project) -> list[tuple[str, str]]:
    return _read(str(built_project / "output" / "report.html"))


def _offenders(report, chapter: str, check) -> list[str]:
    return [f"{problem}\n    «{sentence}»" for own, sentence in report if own == chapter for problem in check(sentence)]


@pytest.mark.build
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_figure_in_a_sentence_holds_under_a_calculator(report, chapter):
    offenders = _offenders(report, chapter, lambda s: calculator(s)[1])
    assert not offenders, f"{len(offenders)} in chapter {chapter}:\n" + "\n".join(offenders)


@pytest.mark.build
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_numbers_run_together_and_no_sentence_starts_with_a_digit(report, chapter):
    offenders = _offenders(report, chapter, typography)
    assert not offenders, f"{len(offenders)} in chapter {chapter}:\n" + "\n".join(offenders)


@pytest.mark.build
def test_the_calculator_reads_the_report_s_changes_and_shares(report):
    """It is not vacuous: the turnover chapter's changes and shares, and the consultants' change, are read."""
    kinds = {chapter: [] for chapter in CHAPTERS}
    for chapter, sentence in report:
        kinds[chapter] += calculator(sentence)[0]
    assert kinds["turnover"].count("procentenheter") >= 2 and kinds["turnover"].count("share") >= 4
    assert "procent" in kinds["consultants"]
    assert sum(len(k) for k in kinds.values()) >= 30


@pytest.mark.build
def test_every_sentence_the_calculator_reads_is_printed_in_the_pdf(built_project, report):
    """The PDF is printed from the HTML read here: each checked sentence is in its text too."""
    pdf = pdfcheck.text(built_project / "output" / "report.pdf")
    if pdf is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")

    def squeezed(text: str) -> str:   # line breaks, and the hyphen a line break can take, do not count
        return re.sub(r"[\s\u00ad\-]", "", unicodedata.normalize("NFKC", text))

    printed = squeezed(pdf)
    missing = [s for _, s in report if calculator(s)[0] and squeezed(s) not in printed]
    assert not missing, "read in report.html but not printed in report.pdf:\n" + "\n".join(missing)


# ---- the rules themselves, on sentences written for them --------------------------------------

@pytest.mark.parametrize("sentence", [
    "Personalrörligheten gick från 27,7 % år 2016 till 20,4 % år 2018, en minskning med 7,3 procentenheter.",
    "Personalrörligheten i Bromma gick från 36,6 % år 2016 till 36,8 % år 2018, en ökning med 0,2 procentenheter.",
    "Sjönk antalet från 100 i november 2016 till 34 i november 2018, en minskning med 66 procent.",
    "I alla stadsdelar slutade 72 av 457 tillsvidareanställda (15,8 %) år 2013 och 244 av 1\u00a0176 (20,7 %) år 2018.",
    "Andelen var 70,1 % HT2016 och 65,2 % HT2018, 4,9 procentenheter lägre.",
    "Tabellen visar andelen i procent.",
    "Procent och totalt är beräknade från antalen.",
])
def test_the_calculator_accepts_sentences_that_hold(sentence):
    checked, wrong = calculator(sentence)
    assert not wrong
    assert typography(sentence) == []


@pytest.mark.parametrize("sentence, problem", [
    ("Personalrörligheten var 27,7 % 2016 och 20,4 % 2018, en minskning med 7,2 procentenheter.", "is 7.3"),
    ("Den gick från 36,6 % år 2016 till 36,8 % år 2018, en ökning med 0,3 procentenheter.", "is 0.2"),
    ("Den gick från 27,7 % år 2016 till 20,4 % år 2018, en ökning med 7,3 procentenheter.", "is not 'en ökning'"),
    ("Från april 2016 till november 2018 minskade antalet från 88 till 34, en minskning med 66 procent.", "is 61"),
    ("Antalet gick från 100 i november 2016 till 34 i november 2018, en minskning med 61\u00a0%.", "is 66"),
    ("Andelen gick från 27,7 % till 20,4 %, en minskning med 7,3 %.", "0 counts"),
    ("Antalet gick från 100 till 34, en minskning med 61 procent.", "is 66"),
    ("Slutade 117 av 573 (20,5 %).", "is 20.4"),
    ("Slutade 117 av 573 2018 (20,4 %).", "other figures between"),
    ("År 2018 slutade 0 av 1 anställda (0,0 %).", "a percentage of 1"),
    ("Andelen var 66,0 % HT2016, 70,5 % HT2018 och 70,0 % VT2019, 4,0 procentenheter högre.", "3 percentages"),
    ("Andelen minskade med 5,0 procentenheter.", "0 percentages"),
    ("Var femte, 20 procent av de svarande, svarade ja.", "in no form"),
    ("Andelen sjönk med sju procentenheter.", "in no form"),
])
def test_the_calculator_reports_what_does_not_hold_or_cannot_be_read(sentence, problem):
    wrong = calculator(sentence)[1]
    assert any(problem in w for w in wrong), wrong


@pytest.mark.parametrize("sentence, problem", [
    ("I alla stadsdelar slutade 72 av 457 2013 (15,8 %).", "'457 2013'"),
    ("Antalet var i november 2016 100, i november 2017 60.", "'2016 100'"),
    ("Den var 27,7 % 2016.", "'27,7 % 2016'"),
    ("2018 slutade 117 av 573.", "starts with a digit"),
    ("Så var det. 117 av 573 slutade.", "starts with a digit"),
    ("(2018) slutade fler.", "starts with a digit"),
])
def test_the_typography_scan_reports_numbers_run_together_and_a_digit_first(sentence, problem):
    assert any(problem in w for s in sentences(sentence) for w in typography(s)), sentence


def test_a_caption_s_number_a_thousand_and_a_ratio_are_not_read_as_offenders():
    text = ("Diagram 1a. Personalrörlighet, 2013–2018.\u2029Källa: Tabell 1. I Bromma slutade 4/26 år 2013; "
            "totalt 1\u00a0176 anställda, t.ex. 3 av dem. Se s. 12 i Bilaga 2.")
    found = sentences(text)
    assert found[:2] == ["Diagram 1a.", "Personalrörlighet, 2013–2018."]
    assert [w for s in found for w in typography(s)] == []
    assert [n["kind"] for n in numbers("Tabell 1 visar 1\u00a0176 av 2\u00a0016 år 2018 (58,3 %), HT2016, 4/26")] == \
        ["label", "count", "count", "year", "percentage"]


def test_running_text_reads_paragraphs_captions_and_sources_but_not_cells_or_the_contents():
    html = ("<nav><ol><li>2. Innehåll 2016 2018</li></ol></nav><section class='chapter chapter-turnover'>"
            "<p>Rörligheten var 20,4<sup>1</sup> % år 2018.</p><figure><img alt='x'><figcaption>Diagram 1a. "
            "Text.<br><span class='source'>Källa: Tabell 1.</span></figcaption><details><table><tr><td>2013 2014"
            "</td></tr></table></details></figure><div class='table-wrap'><table><caption>Tabell 1. Antal."
            "</caption><tr><th>2013</th><td>117 573</td></tr></table><p class='source'>Källa: x.</p></div>"
            "</section><section class='chapter chapter-admin-bromma'><p>I Bromma.</p></section>")
    assert running_text(html) == [("turnover", "Rörligheten var 20,4 % år 2018."),
                                  ("turnover", "Diagram 1a. Text.\u2029Källa: Tabell 1."),
                                  ("turnover", "Tabell 1. Antal."), ("turnover", "Källa: x."),
                                  ("administrations", "I Bromma.")]


# ---- the consultants' sentences, written from Tabell 3 ------------------------------------------

def _consultants(counts: dict) -> "pd.DataFrame":
    import pandas as pd
    from pipeline.process import consultants
    raw = pd.DataFrame([{"year": y, "month": m, "consultants": n} for (y, m), n in counts.items()])
    return consultants.tidy(raw)


def test_the_consultants_change_is_measured_between_novembers_from_the_printed_counts():
    from pipeline.present import consultants_views, trace
    # Tabell 3: April 88, 83, 58 and November 100, 60, 34 in 2016–2018; by hand (100 − 34) / 100 = 66 %
    rows = _consultants({(2016, "april"): 88, (2016, "november"): 100, (2017, "april"): 83,
                         (2017, "november"): 60, (2018, "april"): 58, (2018, "november"): 34})
    first, change = [trace.plain(sentence) for sentence in consultants_views.summary_sentences(rows)]
    assert first == "I verksamheterna arbetade 100 konsulter i november 2016, 60 i november 2017 och 34 i november 2018."
    assert change.endswith("från 100 i november 2016 till 34 i november 2018, en minskning med 66 procent.")
    assert "april" not in change and "88" not in change
    for sentence in (first, change):
        assert typography(sentence) == []
        assert calculator(sentence)[1] == []
    assert calculator(change)[0] == ["procent"]


def test_the_consultants_sentences_say_in_words_when_nothing_changed():
    from pipeline.present import consultants_views, trace
    rows = _consultants({(2017, "november"): 60, (2018, "april"): 58, (2018, "november"): 60})
    assert trace.plain(consultants_views.summary_sentences(rows)[1]) == "Antalet var detsamma i november 2017 som i november 2018."
