"""SourceDocument -> Protocol: meeting metadata, attendance, agenda items and speaker turns.

Works on the layouts of ALLRIS single-TOP pages ("15.02.2022 - 3.2 Titel"), whole-meeting
Niederschriften (doRat, SessionNet, PDF) with "TOP 1"/"Ö 3"/"2.1" headings, and flattened text.
Every span points into `SourceDocument.text`.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from kg.ids import fold
from kg.lexicon import NAME, Lexicon, lexicon
from kg.models import (
    AgendaItem,
    AttendanceEntry,
    AttendanceStatus,
    MeetingInfo,
    PersonRef,
    Protocol,
    SourceDocument,
    Span,
    Turn,
)

MONTHS = {
    "januar": 1, "februar": 2, "märz": 3, "maerz": 3, "april": 4, "mai": 5, "juni": 6,
    "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11, "dezember": 12,
}  # fmt: skip
_DATE_RE = re.compile(r"\b(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})\b")
_LONG_DATE_RE = re.compile(
    r"\b(\d{1,2})\.\s*(Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|"
    r"November|Dezember)\s+(\d{4})\b"
)
_ALLRIS_HEADER_RE = re.compile(
    r"^\s*(?P<date>\d{2}\.\d{2}\.\d{4})\s+-\s+(?:[ÖN]\s*)?(?P<num>[\dIVX]+(?:\.\d+)*)\.?\s+"
    r"(?P<title>\S.*)$"
)
_HEADING_RE = re.compile(
    r"^[ \t]*(?:(?P<top>(?:[Zz]u\s+)?(?:TOP|Top|Punkt))\s*(?P<tpn>[ÖN]\s*)?|(?P<pn>[ÖN])\s+)?"
    r"(?P<num>\d{1,2}(?:\.\d{1,2}){0,2})\.?(?:[ \t]+(?P<title>[A-ZÄÖÜ„\"(].{2,})"
    r"|[ \t]*\n[ \t]*(?P<next>[A-ZÄÖÜ„\"(][^\n]{2,}))$",
    re.MULTILINE,
)
_TIME_RE = r"(\d{1,2})[.:](\d{2})"
_DURATION_RE = re.compile(rf"Sitzungsdauer:?\s*{_TIME_RE}\s*(?:-|–|bis)\s*{_TIME_RE}")
_BEGIN_RE = re.compile(rf"\bBeginn:?\s*{_TIME_RE}")
_END_RE = re.compile(rf"\bEnde:?\s*{_TIME_RE}")
_CLOCK_RE = re.compile(rf"(?:Uhrzeit:?\s*-?\s*|,\s*){_TIME_RE}\s*(?:Uhr)?")
_BODY_RE = re.compile(
    r"(?:Sitzung|Niederschrift|Protokoll)\s+(?:über die \d+\.\s+Sitzung\s+)?"
    r"(?:des|der)\s+(?P<body>(?:Rates|Rats|Ausschusses|Bezirksvertretung|Stadtbezirksrates|"
    r"Ortsrates|Kreistages|Beirates|Hauptausschusses|Schul-|Betriebsausschusses|"
    r"[A-ZÄÖÜ][\w-]*ausschusses|[A-ZÄÖÜ][\w-]*beirates)[^\n,]{0,80}?)"
    r"(?=\s+(?:am|vom|im|in)\b|,|\n|$)"
)
_GREMIUM_RE = re.compile(r"Gremium:\s*\n?\s*-?\s*(?P<body>[^\n]+)")
_PLACE_RE = re.compile(
    r"^(?P<place>(?:[^\n]{0,60},\s*)?(?:Rathaus|Ratssaal|Sitzungssaal|Saal|Bürgerhaus)[^\n]{0,80})$",
    re.MULTILINE,
)
_SENTENCE_START = re.compile(r"(?:^|(?<=[.!?:;])\s+|\n\s*)(?=\S)", re.MULTILINE)
_WORD = re.compile(r"[\wäöüÄÖÜß]+")
_GENITIVE_BODY = (
    ("Rates", "Rat"), ("Rats", "Rat"), ("Ausschusses", "Ausschuss"),
    ("Stadtbezirksrates", "Stadtbezirksrat"), ("Ortsrates", "Ortsrat"),
    ("Kreistages", "Kreistag"), ("Beirates", "Beirat"), ("ausschusses", "ausschuss"),
    ("beirates", "beirat"),
)  # fmt: skip


def parse(document: SourceDocument) -> Protocol:
    """Parse a normalised document into a protocol (never raises on odd text).

    >>> from kg.models import EXAMPLE_DOCUMENT
    >>> protocol = parse(EXAMPLE_DOCUMENT)
    >>> [t.speaker.surname for t in protocol.items[0].turns]
    ['Meier', 'Keller']
    """
    lex = lexicon()
    text = document.text
    attendance = tuple(parse_attendance(text, lex))
    items = tuple(_with_turns(text, item, lex, attendance) for item in split_items(text, lex))
    return Protocol(
        document=document,
        meeting=parse_meeting(document),
        items=items,
        attendance=attendance,
    )


# ---------------------------------------------------------------- meeting metadata


def parse_meeting(document: SourceDocument) -> MeetingInfo:
    """Body, date, times and place from the text, with sidecar metadata taking precedence."""
    head = document.text[:4000]
    duration = _DURATION_RE.search(head)
    begin, end = _BEGIN_RE.search(head), _END_RE.search(head)
    start_time = _hhmm(duration.group(1), duration.group(2)) if duration else None
    end_time = _hhmm(duration.group(3), duration.group(4)) if duration else None
    if begin and not start_time:
        start_time = _hhmm(begin.group(1), begin.group(2))
    if end and not end_time:
        end_time = _hhmm(end.group(1), end.group(2))
    if not start_time and (clock := _CLOCK_RE.search(head[:600])):
        start_time = _hhmm(clock.group(1), clock.group(2))
    place = _PLACE_RE.search(head)
    return MeetingInfo(
        body=document.body or find_body(head),
        date=document.date or find_date(head),
        start_time=start_time,
        end_time=end_time,
        place=place.group("place").strip() if place else None,
    )


def _hhmm(hours: str, minutes: str) -> str | None:
    h, m = int(hours), int(minutes)
    return f"{h:02d}:{m:02d}" if h < 24 and m < 60 else None


def find_date(text: str) -> str | None:
    """The first plausible meeting date in ISO form.

    >>> find_date("Montag, 09. September 2019 , 18:00 Uhr")
    '2019-09-09'
    >>> find_date("am 21.04.2004")
    '2004-04-21'
    """
    candidates: list[tuple[int, str]] = []
    for m in _DATE_RE.finditer(text):
        iso = _iso(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if iso:
            candidates.append((m.start(), iso))
    for m in _LONG_DATE_RE.finditer(text):
        iso = _iso(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
        if iso:
            candidates.append((m.start(), iso))
    return min(candidates)[1] if candidates else None


def _iso(year: int, month: int, day: int) -> str | None:
    if 1945 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def find_body(text: str) -> str | None:
    """The council body (Gremium) in nominative form, if the text names it.

    >>> find_body("Niederschrift über die 37. Sitzung des Ausschusses für Wirtschaft am 1.1.2004")
    'Ausschuss für Wirtschaft'
    >>> find_body("Sitzung des Rates der Stadt Hagen")
    'Rat der Stadt Hagen'
    """
    gremium = _GREMIUM_RE.search(text)
    if gremium:
        return gremium.group("body").strip(" -")
    match = _BODY_RE.search(text)
    if not match:
        return None
    body = " ".join(match.group("body").split())
    first, _, rest = body.partition(" ")
    for genitive, nominative in _GENITIVE_BODY:
        if first.endswith(genitive):
            first = first[: -len(genitive)] + nominative
            break
    return f"{first} {rest}".strip()


# ---------------------------------------------------------------- person references


@dataclass(frozen=True, slots=True)
class RefMatch:
    """A person reference found at `start:end` (end includes a faction bracket)."""

    ref: PersonRef
    start: int
    end: int


def person_refs(text: str, start: int = 0, end: int | None = None) -> Iterator[RefMatch]:
    """Person references ("Herr Dr. Meier (SPD)", "RM Grote") in `text[start:end]`, in order.

    >>> [m.ref.surname for m in person_refs("Frau Keller dankt Herrn Oberbürgermeister Schulz.")]
    ['Keller', 'Schulz']
    """
    lex = lexicon()
    end = len(text) if end is None else end
    found: list[RefMatch] = []
    for pattern in (lex.address_ref_re, lex.role_ref_re):
        for m in pattern.finditer(text, start, end):
            ref = _ref_from_match(m, lex)
            if ref is not None:
                found.append(ref)
    found.sort(key=lambda r: (r.start, -r.end))
    last_end = -1
    for ref in found:
        if ref.start >= last_end:
            last_end = ref.end
            yield ref


def person_ref_at(text: str, start: int, end: int) -> RefMatch | None:
    """The person reference beginning exactly at `start` (the longest), if any; the same as
    the first of `person_refs(text, start, end)` when that begins at `start`.

    >>> person_ref_at("Herr Dr. Meier (SPD) fragt", 0, 26).ref.faction
    'SPD'
    """
    lex = lexicon()
    best: RefMatch | None = None
    for pattern in (lex.address_ref_re, lex.role_ref_re):
        m = pattern.match(text, start, end)
        ref = _ref_from_match(m, lex) if m is not None else None
        if ref is not None and (best is None or ref.end > best.end):
            best = ref
    return best


def first_person_ref(text: str, start: int, end: int) -> RefMatch | None:
    """The first of `person_refs(text, start, end)` without collecting the others."""
    return _first_person_ref(text, start, end)[0]


def _first_person_ref(text: str, start: int, end: int) -> tuple[RefMatch | None, int]:
    """The first reference and where the first candidate match began: a search from any
    position up to there gives the same answer (beyond it, a match that is no reference may
    hide one that starts inside it: "Rm Günther\nRm Wendt")."""
    lex = lexicon()
    best: RefMatch | None = None
    first_seen = end
    for pattern in (lex.address_ref_re, lex.role_ref_re):
        pos = start
        while (m := pattern.search(text, pos, end)) is not None:
            if best is not None and m.start() > best.start:
                break
            first_seen = min(first_seen, m.start())
            ref = _ref_from_match(m, lex)
            if ref is not None:
                if best is None or (ref.start, -ref.end) < (best.start, -best.end):
                    best = ref
                break
            pos = m.end() if m.end() > m.start() else m.start() + 1
    return best, first_seen


_TOKEN_RE = re.compile(r"\S+")
_INITIAL_RE = re.compile(r"[A-ZÄÖÜ]\.")
_NAME_END_RE = re.compile(r"[ \t]*(?:\(|\n|$)")


def _ref_from_match(m: re.Match[str], lex: Lexicon) -> RefMatch | None:
    offset = m.start("names")
    tokens = [(t.group(0), offset + t.end()) for t in _TOKEN_RE.finditer(m.group("names"))]
    particle: list[str] = []
    while tokens and tokens[0][0] in lex.particles:
        particle.append(tokens.pop(0)[0])
    if not tokens:
        return None
    given: str | None = None
    if (
        len(tokens) >= 2
        and not tokens[1][0].endswith(_NOUN_SUFFIXES)
        and (_is_given(tokens[0][0], lex) or _ends_name(m.string, tokens[1][1]))
    ):
        given = tokens.pop(0)[0]
    surname, end = tokens[0]
    if surname in lex.not_surnames or surname in lex.roles or len(surname) < 2:
        return None
    faction = None
    bracket = m.group("bracket")
    if bracket and len(tokens) == 1:
        faction, end = bracket.strip(), m.end()
    role = lex.roles.get(m.group("role") or "")
    address = lex.addresses.get(m.groupdict().get("addr") or "") or (role.address if role else None)
    ref = PersonRef(
        surname=" ".join([*particle, surname]),
        span=Span(m.start(), end),
        given=given,
        address=address,
        title=(m.group("title") or "").strip() or None,
        role=role.word if role else None,
        faction=faction,
    )
    return RefMatch(ref, m.start(), end)


_NOUN_SUFFIXES = (
    "stelle", "ung", "heit", "keit", "schaft", "amt", "kanzlei", "ausschuss", "verwaltung",
    "behörde", "rat", "bereich", "büro", "zeitung",
)  # fmt: skip


def _ends_name(text: str, pos: int) -> bool:
    """Two capitalised words then a line end or bracket: "Ratsherr Emre Kaya (CDU)"."""
    return _NAME_END_RE.match(text[pos : pos + 3]) is not None


def _is_given(word: str, lex: Lexicon) -> bool:
    return word in lex.given_names or _INITIAL_RE.fullmatch(word) is not None


# ---------------------------------------------------------------- attendance


def parse_attendance(text: str, lex: Lexicon) -> Iterator[AttendanceEntry]:
    """People on the attendance list with status (present/absent) and list section."""
    for start, end, status, section in _attendance_regions(text, lex):
        yield from _attendance_entries(text, start, end, status, section, lex)


@functools.cache
def _headers(lex: Lexicon) -> tuple[tuple[str, AttendanceStatus, str], ...]:
    """(as written, status, bare name) of every attendance header."""
    return tuple(
        (header, status, header.rstrip(":"))
        for status in ("present", "absent")
        for header in lex.layout["attendance_headers"][status]
    )


_ENUMERATION = re.compile(r"^[ \t]*(?:[a-z0-9]{1,2}[.)][ \t]*)?")


def _find_headers(text: str, lex: Lexicon) -> list[tuple[int, int, AttendanceStatus, str]]:
    """Attendance headers as written (word-bounded) or alone on a line ("3. Verwaltung")."""
    head = text[:20000]
    found: list[tuple[int, int, AttendanceStatus, str]] = []
    alone: dict[str, tuple[AttendanceStatus, str]] = {}
    for written, status, bare in _headers(lex):
        alone.setdefault(bare, (status, bare))
        start = head.find(written)
        while start >= 0:
            end = start + len(written)
            before = head[start - 1] if start else " "
            after = head[end] if end < len(head) else " "
            if not (before.isalnum() or before in "_(") and not (after.isalnum() or after == "_"):
                found.append((start, end, status, bare))
            start = head.find(written, start + 1)
    pos = 0
    for line in head.split("\n"):
        body = line[_ENUMERATION.match(line).end() :].strip().rstrip(":").strip()  # type: ignore[union-attr]
        if body in alone:
            found.append((pos, pos + len(line), *alone[body]))
        pos += len(line) + 1
    return sorted(set(found))


def _attendance_regions(text: str, lex: Lexicon) -> list[tuple[int, int, AttendanceStatus, str]]:
    headers = _find_headers(text, lex)
    if not headers:
        return []
    headers.sort()
    limit = _attendance_end(text, headers[0][1], lex)
    regions: list[tuple[int, int, AttendanceStatus, str]] = []
    for i, (_, header_end, status, header) in enumerate(headers):
        if header_end >= limit:
            break
        nxt = headers[i + 1][0] if i + 1 < len(headers) else limit
        regions.append((header_end, min(nxt, limit), status, header))
    return regions


def _attendance_end(text: str, start: int, lex: Lexicon) -> int:
    m = _end_of_attendance_re(lex).search(text, start)
    return min([*([m.start()] if m else []), start + 6000, len(text)])


@functools.cache
def _end_of_attendance_re(lex: Lexicon) -> re.Pattern[str]:
    """A marker that ends the attendance part, at a line start or before a colon."""
    markers = "|".join(re.escape(m) for m in lex.layout["end_of_attendance"])
    return re.compile(rf"(?m)^\s*(?:{markers})|(?:{markers}):")


_NAME_LINE_RE = re.compile(
    rf"(?m)^[ \t]*(?P<given>{NAME})[ \t]+(?P<surname>{NAME})"
    r"(?=[ \t]*(?:,|$|\(|abwesend|entschuldigt|ab \d|bis \d|\d+/|[A-ZÄÖÜ]{2,}\b))"
)
# Job titles of administration staff in attendance lists, before the surname.
_JOB_TITLE_RE = re.compile(
    rf"(?<![\w.])(?P<job>(?:Techn\.|Verw\.)?[ \t]*[A-ZÄÖÜ][\wäöüß]*(?:verwaltungsrat|amtsrat|"
    rf"amtsrätin|angestellter?|inspektor(?:in)?|sekretär(?:in)?|oberrat|oberrätin|direktor(?:in)?|"
    rf"amtmann|amtfrau|beauftragter?|referent(?:in)?)|St[A-Z]{{1,3}}|L?St[A-Z]{{1,3}}[`']in)"
    rf"[ \t]+(?P<surname>{NAME})(?![\w-])"
)
# Between a listed name and a faction on the same line: "RM Axel Thieme DVU",
# "RM Nursen Konak Fraktion „Die Linken im Rat“", "RM Joachim Fischer (SPD" (bracket unclosed).
_TRAILING_FACTION_RE = re.compile(r"[ \t]*(?:(?:Rats)?[Ff]raktion[ \t]*)?[„\"(]?")
_ABSENT_WORDS = re.compile(r"\b(?:abwesend|entschuldigt|fehlt|verhindert)\b", re.IGNORECASE)


def _attendance_entries(
    text: str, start: int, end: int, status: AttendanceStatus, section: str, lex: Lexicon
) -> list[AttendanceEntry]:
    """Scan a list section in text order: faction headers, named people, "Name, Vorname"."""
    entries: list[AttendanceEntry] = []
    faction: str | None = None
    pos = start
    ahead = _Ahead(text, end, lex)
    while pos < end:
        found, person = ahead.next_matches(pos)
        matches = [(kind, m) for kind, m in found if m is not None]
        first = min(matches, key=lambda km: km[1].start()) if matches else None
        if person and (first is None or person.start <= first[1].start()):
            entries.append(_entry(text, person.ref, status, faction, section))
            pos = person.end
            continue
        if first is None:
            break
        kind, m = first
        pos = max(m.end(), pos + 1)
        if kind == "faction":
            if entries and (
                _trails_previous(text, m.start())
                or _trails_on_line(text, entries[-1].person.span.end, m)
            ):
                entries[-1] = _with_faction(entries[-1], m.group(0))
            else:
                faction = m.group(0)
        elif kind == "flipped":
            entries.append(_flipped_entry(m, status, faction, section))
        elif kind == "job":
            entries.append(_job_entry(m, status, section))
        elif _is_given(m.group("given"), lex) and m.group("surname") not in lex.not_surnames:
            entries.append(_line_entry(text, m, status, faction, section))
    return entries


class _Ahead:
    """The next match of each list pattern (and the next person reference) at or after a
    position, kept while it still lies ahead: a search from a later position up to that
    match would find the same one, so each pattern scans a list section once, not once per
    entry."""

    def __init__(self, text: str, end: int, lex: Lexicon) -> None:
        self.text, self.end = text, end
        self.patterns = (
            ("faction", lex.faction_re), ("flipped", lex.surname_given_re),
            ("line", _NAME_LINE_RE), ("job", _JOB_TITLE_RE),
        )  # fmt: skip
        self.matches: list[re.Match[str] | None] = []
        self.person: RefMatch | None = None
        self.person_until = -1  # positions up to here give the same next person
        self.searched_from = -1

    def next_matches(
        self, pos: int
    ) -> tuple[list[tuple[str, re.Match[str] | None]], RefMatch | None]:
        if self.searched_from < 0:
            self.matches = [p.search(self.text, pos, self.end) for _, p in self.patterns]
        else:
            self.matches = [
                m if m is None or m.start() >= pos else p.search(self.text, pos, self.end)
                for (_, p), m in zip(self.patterns, self.matches, strict=True)
            ]
        if pos > self.person_until:
            self.person, self.person_until = _first_person_ref(self.text, pos, self.end)
        self.searched_from = pos
        return [
            (kind, m) for (kind, _), m in zip(self.patterns, self.matches, strict=True)
        ], self.person


def _job_entry(m: re.Match[str], status: AttendanceStatus, section: str) -> AttendanceEntry:
    """'Gemeindeamtsrätin Wacker', 'StOVR Feuler': staff named by their job title."""
    title = m.group("job")
    address = "Frau" if re.search(r"(?:in|frau|\x60in)$", title) else None
    ref = PersonRef(
        surname=m.group("surname"),
        span=Span(m.start("job"), m.end("surname")),
        address=address,
        role=title,
    )
    return AttendanceEntry(person=ref, status=status, section=section)


def _trails_on_line(text: str, name_end: int, m: re.Match[str]) -> bool:
    """A faction right after a listed name, ending its line ("RM Axel Thieme DVU"); in a list
    flattened onto one line a faction is a header for the names after it."""
    line_end = text.find("\n", m.end())
    rest = (len(text) if line_end < 0 else line_end) - m.end()
    return rest <= 15 and _TRAILING_FACTION_RE.fullmatch(text, name_end, m.start()) is not None


def _trails_previous(text: str, pos: int) -> bool:
    """A faction on the line after "-" belongs to the person above (Hannover layout)."""
    return (
        re.search(r"\n[ \t]*-[ \t]*\n[ \t]*(?:Fraktion[ \t]+)?$", text[max(0, pos - 20) : pos])
        is not None
    )


def _with_faction(entry: AttendanceEntry, faction: str) -> AttendanceEntry:
    ref = entry.person
    if ref.faction:
        return entry
    person = PersonRef(
        surname=ref.surname, span=ref.span, given=ref.given, address=ref.address,
        title=ref.title, role=ref.role, faction=faction,
    )  # fmt: skip
    return AttendanceEntry(person=person, status=entry.status, section=entry.section)


def _line_entry(
    text: str, m: re.Match[str], status: AttendanceStatus, faction: str | None, section: str
) -> AttendanceEntry:
    line_end = text.find("\n", m.end())
    rest = text[m.end() : len(text) if line_end < 0 else line_end]
    if _ABSENT_WORDS.search(rest):
        status = "absent"
    bracket = re.match(r"[ \t]*\(([^()\n]{1,60})\)", rest)
    if bracket:
        faction = bracket.group(1) if lexicon().faction_entry(bracket.group(1)) else None
    ref = PersonRef(
        surname=m.group("surname"),
        span=Span(m.start("given"), m.end("surname")),
        given=m.group("given"),
        faction=faction,
    )
    return AttendanceEntry(person=ref, status=status, section=section)


def _entry(
    text: str, ref: PersonRef, status: AttendanceStatus, faction: str | None, section: str | None
) -> AttendanceEntry:
    line_start = text.rfind("\n", 0, ref.span.start) + 1
    before = text[line_start : ref.span.start]
    after = text[ref.span.end : text.find("\n", ref.span.end) % (len(text) + 1)]
    if before.strip().startswith("(") and ")" in text[ref.span.start : ref.span.end + 2]:
        status = "absent"
        bracket = re.match(r"\)\s*\(([^()\n]{1,60})\)", text[ref.span.end :])
        if bracket and ref.faction is None:
            faction = bracket.group(1)
    if re.match(r"\s*i\.\s?V\.", after) is None and re.search(r"i\.\s?V\.\s+für\s*$", before):
        status = "absent"
    if ref.faction is None and faction is not None:
        ref = PersonRef(
            surname=ref.surname, span=ref.span, given=ref.given, address=ref.address,
            title=ref.title, role=ref.role, faction=faction,
        )  # fmt: skip
    return AttendanceEntry(person=ref, status=status, section=section)


def _flipped_entry(
    m: re.Match[str], status: AttendanceStatus, faction: str | None, section: str
) -> AttendanceEntry:
    surname = m.group("surname")
    if m.group("particle"):
        surname = f"{m.group('particle')} {surname}"
    ref = PersonRef(
        surname=surname,
        span=Span(m.start(), m.end()),
        given=m.group("given"),
        faction=m.group("bracket") or faction,
    )
    return AttendanceEntry(person=ref, status=status, section=section)


# ---------------------------------------------------------------- agenda items


def split_items(text: str, lex: Lexicon) -> list[AgendaItem]:
    """Agenda items with their text ranges; a single-TOP page is one item."""
    header = _first_line_header(text)
    if header is not None:
        number, title = header
        return [AgendaItem(number=number, title=title, span=Span(0, len(text)))]
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
    found = []
    for m in _HEADING_RE.finditer(text):
        prefix = m.group("pn") or (m.group("tpn") or "").strip()
        title = m.group("title") or m.group("next")
        if m.group("next") and not (m.group("top") or prefix):
            continue
        if not m.group("top") and not prefix and not _isolated(text, m):
            continue
        if title.startswith("Sitzung"):
            continue
        public = prefix != "N" and m.start() < nonpublic_at
        found.append((m.start(), m.group("num"), title.strip(), public))
    return _last_occurrences(found)


def _last_occurrences(
    headings: list[tuple[int, str, str, bool]],
) -> list[tuple[int, str, str, bool]]:
    """A number listed in the Tagesordnung and again before its minutes is one item: the
    later heading starts the item, the earlier list entry is only part of the agenda."""
    last = {number: start for start, number, _, _ in headings}
    return [h for h in headings if last[h[1]] == h[0]]


def _isolated(text: str, m: re.Match[str]) -> bool:
    """A bare "2.1 Titel" line counts as a heading only between blank lines or headings."""
    before = text[max(0, m.start() - 2) : m.start()]
    return before in ("", "\n\n") or before.endswith("\n\n") or m.start() == 0


# ---------------------------------------------------------------- speaker turns


def _with_turns(
    text: str, item: AgendaItem, lex: Lexicon, attendance: tuple[AttendanceEntry, ...]
) -> AgendaItem:
    turns = find_turns(text, item.span, lex)
    return AgendaItem(
        number=item.number, title=item.title, span=item.span, turns=turns, public=item.public
    )


def find_turns(text: str, span: Span, lex: Lexicon) -> tuple[Turn, ...]:
    """Speaker turns inside `span`: from a named speaker taking the floor to the next one."""
    starts = list(_turn_starts(text, span, lex))
    stops = sorted(_stop_positions(text, span, lex))
    turns: list[Turn] = []
    for i, (start, ref) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else span.end
        end = min([s for s in stops if start < s < end] + [end])
        end = _rstrip(text, start, end)
        if turns and fold(turns[-1].speaker.surname) == fold(ref.surname):
            turns[-1] = Turn(speaker=turns[-1].speaker, span=Span(turns[-1].span.start, end))
            continue
        turns.append(Turn(speaker=ref, span=Span(start, end)))
    return tuple(turns)


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _stop_positions(text: str, span: Span, lex: Lexicon) -> Iterator[int]:
    longest = _artefact_words(lex)
    pos = span.start
    for line in text[span.start : span.end].split("\n"):
        words = line.split()
        if words and len(words) <= longest:  # only short lines can be page artefacts
            stripped = fold(" ".join(words))
            if stripped in lex.artefacts or stripped.rstrip(":") in lex.artefacts:
                yield pos
        pos += len(line) + 1


@functools.cache
def _artefact_words(lex: Lexicon) -> int:
    """Most words in a page artefact ("Zusammenfassung des Diskussionsergebnisses:")."""
    return max((len(a.split()) for a in lex.artefacts), default=0)


def _turn_starts(text: str, span: Span, lex: Lexicon) -> Iterator[tuple[int, PersonRef]]:
    finite = _finite_cues(lex)
    verbs = [m.start() for m in _WORD.finditer(text, span.start, span.end) if m[0] in finite]
    for m in _SENTENCE_START.finditer(text, span.start, span.end):
        pos = m.end()
        ref = _subject_speaker(text, pos, span.end, lex) or _inverted_speaker(
            text, pos, span.end, lex, verbs
        )
        if ref is not None:
            yield pos, ref


_PRONOUNS = frozenset({"Er", "Sie", "Es", "Man", "Ihr", "Sein", "Seine", "Ihre", "Dies", "Das"})
_NOT_VERBS = frozenset(
    {
        "als",
        "und",
        "oder",
        "von",
        "vom",
        "zu",
        "zum",
        "zur",
        "für",
        "mit",
        "aus",
        "in",
        "im",
        "am",
        "an",
        "auf",
        "bei",
        "nach",
        "sowie",
        "wie",
        "der",
        "die",
        "das",
        "des",
        "dem",
        "den",
        "ein",
        "eine",
        "einer",
        "eines",
        "sich",
        "ist",
        "war",
        "i",
        "v",
    }
)


def _subject_speaker(text: str, pos: int, limit: int, lex: Lexicon) -> PersonRef | None:
    """'Herr Meier erklärt …', 'Der Fachbereichsleiter Thomas Voerste erläutert …'.

    The person must be the sentence subject and be followed by a finite verb: a known cue
    verb, or any lower-case word that is not a function word ("Herr X liest … vor").
    """
    lead = _LEAD_RE.match(text, pos, pos + 60)
    start = lead.end() if lead else pos
    first = _WORD.match(text, start)
    if first is None or first.group(0) not in lex.ref_openers:
        return None
    ref = person_ref_at(text, start, min(limit, start + 160))
    if ref is None:
        return None
    rest = text[ref.end : min(limit, ref.end + 120)]
    if rest.lstrip().startswith(","):
        rest = re.sub(r"^\s*,[^,.;:]{1,80},", " ", rest)
    verb = _WORD.search(rest)
    if verb is None or verb.start() > 2:
        return None
    word = verb.group(0)
    if word in lex.cue_heads:
        return ref.ref
    plain = word[0].islower() and word.isalpha() and len(word) > 2
    if plain and word not in _NOT_VERBS and word not in lex.not_turn_verbs:
        end = verb.end()
        if rest[end : end + 1] not in ("-", "/"):
            return ref.ref
    return None


def _inverted_speaker(
    text: str, pos: int, limit: int, lex: Lexicon, verbs: list[int]
) -> PersonRef | None:
    """'Auf die Frage von Herrn Meier antwortet Frau Keller …', 'Hierzu erklärt Herr X …'.

    `verbs`: start positions of the indicative cue verbs of the text region, in order.
    """
    first = _WORD.match(text, pos)
    if first is None or not first.group(0)[0].isupper() or first.group(0) in _PRONOUNS:
        return None
    window_end = min(limit, pos + 160)
    at = bisect.bisect_left(verbs, first.end())
    if at == len(verbs) or verbs[at] >= window_end:
        return None
    sentence_end = _SENTENCE_END_RE.search(text, pos, window_end)
    window_end = sentence_end.start() if sentence_end else window_end
    verb = _WORD.match(text, verbs[at])
    if verb is None or verb.end() > window_end:
        return None
    after = _SPACES_RE.match(text, verb.end(), window_end)
    ref = person_ref_at(text, after.end() if after else verb.end(), window_end)
    return ref.ref if ref is not None else None


_LEAD_RE = re.compile(r"(?:Der|Die)\s+(?:[A-ZÄÖÜ][\w-]+\s*,\s*)?")
_SENTENCE_END_RE = re.compile(r"[.!?]\s")
_SPACES_RE = re.compile(r"\s*")


@functools.cache
def _finite_cues(lex: Lexicon) -> frozenset[str]:
    """Cue verbs in the indicative ("antwortet", "erklärt")."""
    return frozenset(h for h in lex.cue_heads if h.endswith("t"))
