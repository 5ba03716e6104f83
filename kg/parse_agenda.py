"""Agenda items of a protocol: the headings that open them and the text ranges they own.

Layouts: ALLRIS single-TOP pages ("15.02.2022 - 3.2 Titel"), a "TOP: 3" field, and whole-meeting
Niederschriften with "TOP 1", "Ö 3", "zu Ö 3", "2.1", "Nr. 61", "§ 7", "Punkt 7 der
Tagesordnung:" or "5)" headings (see `_HEADING_RE`).
"""

from __future__ import annotations

import re

from kg.lexicon import Lexicon
from kg.models import AgendaItem, Span

MONTHS = {
    "januar": 1, "februar": 2, "märz": 3, "maerz": 3, "april": 4, "mai": 5, "juni": 6,
    "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11, "dezember": 12,
}  # fmt: skip

_ALLRIS_HEADER_RE = re.compile(
    r"^\s*(?P<date>\d{2}\.\d{2}\.\d{4})\s+-\s+(?:[ÖN]\s*)?(?P<num>[\dIVX]+(?:\.\d+)*)\.?\s+"
    r"(?P<title>\S.*)$"
)
# "TOP 3 Titel", "Ö 3 Titel", "Zu TOP 6: Titel", "zu 4  Titel", "Zu 3. Titel: Der …",
# "Tagesordnungspunkt 9" or "Punkt 7 der Tagesordnung:" with the title on the next line,
# "Nr. 61  Titel" (Kreistag), "§ 7 Titel" (Baden-Württemberg), a bare "2.1 Titel" or "5) Titel".
_HEADING_RE = re.compile(
    r"^[ \t]*(?:(?:(?P<top>(?:[Zz]u\s+)?(?:TOP|Top|Punkt|Tagesordnungspunkt))|(?P<zu>[Zz]u)[ \t]"
    r"|(?P<mark>Nr\.|§))"
    r"\s*(?P<tpn>[ÖN]\s*)?|(?P<pn>[ÖN])\s+)?"
    r"(?P<num>\d{1,3}(?:\.\d{1,2}){0,2})(?:[ \t]+der[ \t]+Tagesordnung)?(?P<sep>[.:)])?"
    r"(?:(?P<gap>[ \t]+)(?P<title>[A-ZÄÖÜ„\"(].{2,})"
    r"|[ \t]*\n[ \t]*(?P<next>[A-ZÄÖÜ„\"(][^\n]{2,}))$",
    re.MULTILINE,
)
# The agenda item of a single-item page given as a field: "TOP:   3", "Tagesordnungspunkt: 4",
# "TOP: Ö 14.3" (Ö/N: public or not).
_TOP_FIELD_RE = re.compile(
    r"^[ \t]*(?:TOP|Tagesordnungspunkt)[ \t]*:[ \t]*(?:(?P<pn>[ÖN])[ \t]+)?"
    r"(?P<num>\d{1,2}(?:\.\d{1,2}){0,2})\.?[ \t]*$",
    re.MULTILINE,
)
_SUBJECT_FIELD_RE = re.compile(
    r"^[ \t]*(?:Betreff|Gegenstand|Titel)[ \t]*:[ \t]*(?P<title>\S[^\n]*)$", re.MULTILINE
)


def split_items(text: str, lex: Lexicon) -> list[AgendaItem]:
    """Agenda items with their text ranges; a single-TOP page is one item."""
    header = _first_line_header(text)
    if header is not None:
        number, title = header
        return [AgendaItem(number=number, title=title, span=Span(0, len(text)))]
    field = _TOP_FIELD_RE.search(text, 0, 1000)
    if field is not None:
        subject = _SUBJECT_FIELD_RE.search(text, 0, 3000)
        subject_title = subject.group("title").strip() if subject else None
        span = Span(0, len(text))
        public = field.group("pn") != "N"
        number = field.group("num")
        return [AgendaItem(number=number, title=subject_title, span=span, public=public)]
    headings = _headings(text, lex)
    if not headings:
        return [AgendaItem(number=None, title=None, span=Span(0, len(text)))]
    items: list[AgendaItem] = []
    if headings[0][0] > 0:
        items.append(AgendaItem(number=None, title=None, span=Span(0, headings[0][0])))
    for i, (start, number, title, public) in enumerate(headings):
        end = headings[i + 1][0] if i + 1 < len(headings) else len(text)
        items.append(AgendaItem(number=number, title=title, span=Span(start, end), public=public))
    return items


def _first_line_header(text: str) -> tuple[str, str] | None:
    for line in text.split("\n", 5)[:5]:
        if line.strip():
            m = _ALLRIS_HEADER_RE.match(line)
            return (m.group("num"), m.group("title").strip()) if m else None
    return None


def _headings(text: str, lex: Lexicon) -> list[tuple[int, str, str, bool]]:
    nonpublic_at = min(
        (text.find(m) for m in lex.layout["nonpublic_markers"] if m in text), default=len(text)
    )
    found: list[tuple[int, str, str, bool]] = []
    previous_end, previous_number = -1, ""
    for m in _HEADING_RE.finditer(text):
        prefix = m.group("pn") or (m.group("tpn") or "").strip()
        title = m.group("title") or m.group("next")
        number = m.group("num")
        marked = m.group("mark") is not None and (m.group("next") or _isolated(text, m))
        block = m.group("next") is not None and _numbered_block(text, m, lex)
        block = block or _follows_heading(text, m, previous_end, previous_number)
        if m.group("mark") and not marked:
            continue  # "Nr. 3 BauGB …", "§ 35 BauGB …" inside a paragraph
        zu_alone = m.group("zu") is not None and m.group("next") is not None
        if m.group("next") and not (m.group("top") or prefix or block or marked or zu_alone):
            continue
        if m.group("sep") == ":" and not m.group("top"):
            continue  # "3: …" is no heading, "TOP 3: …" is
        if len(number.partition(".")[0]) > 2 and not (m.group("top") or marked):
            continue  # "100 Jahre Stadtpark": long numbers need "TOP" or "Nr."
        if m.group("zu") and not (m.group("sep") or zu_alone or _wide_or_isolated(text, m)):
            continue  # "zu 2 Punkten …" in a sentence; "zu 2  Titel", "Zu 2. Titel" head items
        if title.split(maxsplit=1)[0].lower() in MONTHS:
            continue  # a wrapped date: "… tritt\nzu 1. Januar 2025 in Kraft"
        if not (m.group("top") or m.group("zu") or prefix or block or marked or _isolated(text, m)):
            continue
        if title.startswith("Sitzung"):
            continue
        public = prefix != "N" and m.start() < nonpublic_at
        if zu_alone:  # "zu Ö 3" alone on its line: the title is the agenda's
            title = next((t for _, n, t, _ in found if n == number), "") or title
        found.append((m.start(), number, _heading_title(title), public))
        previous_end, previous_number = m.end(), number
    return _last_occurrences(found)


def _follows_heading(text: str, m: re.Match[str], previous_end: int, previous: str) -> bool:
    """A numbered line right below a heading is one too when it is that heading's first
    sub-item or its next sibling ("8. Beschlussvorlagen" then "8.2 Förderprogramm …")."""
    if previous_end < 0 or text.count("\n", previous_end, m.start()) != 1:
        return False
    number = m.group("num")
    parent, _, _ = number.rpartition(".")
    return parent == previous or (parent != "" and parent == previous.rpartition(".")[0])


_WIDE_GAP_RE = re.compile(r"[ \t]{4,}")


def _heading_title(title: str) -> str:
    """The title of a heading; when the minutes follow on the same line ("Zu 3. Haushalt:
    Frau Keller stellt den Entwurf vor."), the part before the colon."""
    title = _WIDE_GAP_RE.split(title.strip(), maxsplit=1)[0]  # "Titel      DS0233/24"
    head, colon, rest = title.partition(": ")
    return head if colon and rest[:1].isupper() and title.endswith(".") else title


def _last_occurrences(
    headings: list[tuple[int, str, str, bool]],
) -> list[tuple[int, str, str, bool]]:
    """A number listed in the Tagesordnung and again before its minutes is one item: the
    later heading starts the item, the earlier list entry is only part of the agenda."""
    last = {number: start for start, number, _, _ in headings}
    return [h for h in headings if last[h[1]] == h[0]]


def _numbered_block(text: str, m: re.Match[str], lex: Lexicon) -> bool:
    """A number alone on its line ("2.") over a title line heads an item when it opens a
    block: after a blank line or a section line such as "Öffentliche Sitzung"."""
    if m.group("sep") != ".":
        return False
    if _isolated(text, m):
        return True
    previous = text[text.rfind("\n", 0, max(0, m.start() - 1)) + 1 : m.start()].strip()
    sections = lex.layout["end_of_attendance"] + lex.layout["nonpublic_markers"]
    return previous.rstrip(":") in sections


def _wide_or_isolated(text: str, m: re.Match[str]) -> bool:
    """ "zu 2  Titel" (a wide gap) or "zu 2.1 Titel" opening a block."""
    return len(m.group("gap") or "") > 1 or _isolated(text, m)


def _isolated(text: str, m: re.Match[str]) -> bool:
    """A bare "2.1 Titel" line counts as a heading only between blank lines or headings."""
    before = text[max(0, m.start() - 2) : m.start()]
    return before in ("", "\n\n") or before.endswith("\n\n") or m.start() == 0
