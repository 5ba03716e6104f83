"""Attendance lists: who was present or absent, in which list section, for which faction.

Part of the parse stage. Lists come as one name per line under faction headers, as
"Name, Vorname" pairs, as PDF text flattened onto one line, or in the Hannover layout with the
faction on the line after a dash.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence

from kg.lexicon import NAME, Lexicon, lexicon
from kg.models import AttendanceEntry, AttendanceStatus, PersonRef, Span
from kg.parse_attendance_rows import (
    CAPS_ROW_RE,
    GROUP_HEADER_RE,
    NEXT_CELL_RE,
    STAND_IN_RE,
    caps_entry,
    given_after,
    given_surname_run,
    group_cell,
    group_header,
    header_faction,
    inside_phrase,
    line_label,
    office_apposition,
    opens_minutes,
    prose_before,
    remark,
    stand_in_entry,
    substitutes,
    trails_on_line,
    trails_previous,
)
from kg.parse_refs import (
    NOUN_SUFFIXES,
    RefMatch,
    first_person_ref,
    is_given_name,
    is_noun,
    is_unit_word,
    scan_person_ref,
)


def parse_attendance(
    text: str, lex: Lexicon, headings: Sequence[tuple[int, str | None]] = (), town: str = ""
) -> Iterator[AttendanceEntry]:
    """People on the attendance list with status (present/absent) and list section.

    `headings`: (start, title) of the agenda items; the list ends at the first one after it
    (a list section numbered like an item, "3. Verwaltung", does not end it). `town`: the
    municipality, whose name local groups often carry ("Mehrwertstadt Erfurt").
    """
    columns = _status_columns(text)
    for start, end, status, section in _attendance_regions(text, lex, headings):
        for entry in _attendance_entries(text, (start, end), status, section, lex, town):
            yield _row_status(text, entry, columns)


# A head row of two columns: "anwesend                 entschuldigt" over rows of names.
_STATUS_COLUMNS_RE = re.compile(
    r"(?im)^[ \t]*anwesend:?(?P<gap>[ \t]{3,})(?:entschuldigt|abwesend|es[ \t]+fehlten):?[ \t]*$"
)
_PART_TIME_RE = re.compile(r"\b(?:ab|bis)[ \t][^,;\n]{1,30}?\banwesend\b")
_CHECKBOX_RE = re.compile(r"[ \t]*\[(?P<mark>[xX✓ ])\]")


def _status_columns(text: str) -> list[tuple[int, int, int]]:
    """(start, end, column of the second) of each two-column attendance table: the rows up to
    the first empty line."""
    tables = []
    for m in _STATUS_COLUMNS_RE.finditer(text[:20000]):
        column = m.end("gap") - m.start()
        blank = text.find("\n\n", m.end())
        tables.append((m.end(), len(text) if blank < 0 else blank, column))
    return tables


def _row_status(
    text: str, entry: AttendanceEntry, columns: list[tuple[int, int, int]]
) -> AttendanceEntry:
    """The status the entry's row gives: listed as absent but "ab § 47 anwesend" is present
    for a part; an empty checkbox ("[ ] 10. Schwarz, Patrick   AfD") is absent, a ticked one
    present; a name in the right-hand ("entschuldigt") column of a two-column table absent."""
    at = entry.person.span.start
    line_start = text.rfind("\n", 0, at) + 1
    line_end = text.find("\n", at) % (len(text) + 1)
    status = entry.status
    box = _CHECKBOX_RE.match(text, line_start, at)
    if status == "absent" and _PART_TIME_RE.search(text, entry.person.span.end, line_end):
        status = "present"
    elif box is not None:
        status = "absent" if box.group("mark").isspace() else "present"
    elif any(s <= at < e and at - line_start >= column - 2 for s, e, column in columns):
        status = "absent"
    if status == entry.status:
        return entry
    return AttendanceEntry(person=entry.person, status=status, section=entry.section)


@functools.cache
def _headers(lex: Lexicon) -> tuple[tuple[str, AttendanceStatus, str], ...]:
    """(as written, status, bare name) of every attendance header."""
    statuses: tuple[AttendanceStatus, ...] = ("present", "absent")
    headers = [(h, s) for s in statuses for h in lex.layout["attendance_headers"][s]]
    headers += [(h, statuses[0]) for h in _line_headers(lex)]
    return tuple((header, status, header.rstrip(":")) for header, status in headers)


@functools.cache
def _line_headers(lex: Lexicon) -> tuple[str, ...]:
    """Labels whose list is the rest of their line: the chair's, the minute-taker's."""
    return (*lex.layout["chair_headers"], *lex.layout["line_headers"])


@functools.cache
def _headers_by_first_word(
    lex: Lexicon,
) -> tuple[tuple[str, tuple[tuple[str, AttendanceStatus, str], ...]], ...]:
    """The headers grouped by their first letters ("Anwesend", "Anwesend:", "Anwesende")."""
    groups: dict[str, list[tuple[str, AttendanceStatus, str]]] = {}
    for header in _headers(lex):
        groups.setdefault(header[0][:5], []).append(header)
    return tuple((word, tuple(group)) for word, group in groups.items())


_ENUMERATION = re.compile(r"^[ \t]*(?:[a-z0-9]{1,2}[.)][ \t]*)?")


# "Ich frage die Verwaltung: …" is a sentence, no list header ("von der Verwaltung:" is one).
_ARTICLE_BEFORE = re.compile(r"(?<![\w])(?<![Vv]on )(?:der|die|das|den|dem)[ \t]+$")


def _find_headers(text: str, lex: Lexicon) -> list[tuple[int, int, AttendanceStatus, str]]:
    """Attendance headers as written (word-bounded) or alone on a line ("3. Verwaltung")."""
    head = text[:20000]
    found: list[tuple[int, int, AttendanceStatus, str]] = []
    alone: dict[str, tuple[AttendanceStatus, str]] = {}
    sections: list[tuple[int, int, AttendanceStatus, str]] = []
    for written, status, bare in _headers(lex):
        if written not in _line_headers(lex):  # "Vorsitzende" alone is a section
            alone.setdefault(bare, (status, bare))
    for word, group in _headers_by_first_word(lex):  # one scan per shared beginning
        start = head.find(word)
        while start >= 0:
            before = head[start - 1] if start else " "
            if not (before.isalnum() or before in "_(") and (
                _ARTICLE_BEFORE.search(head, max(0, start - 5), start) is None
            ):
                for written, status, bare in group:
                    end = start + len(written)
                    after = head[end] if end < len(head) else " "
                    if head.startswith(written, start) and not (after.isalnum() or after == "_"):
                        found.append((start, end, status, bare))
            start = head.find(word, start + 1)
    pos = 0
    # "CSU:  StR Huber, StRin Aigner" under the chair's line opens the list of those present
    # when no header came before it (after "Abwesend:" it is a line of those absent)
    lists = [start for start, _, _, bare in found if f"{bare}:" not in _line_headers(lex)]
    grouped = False
    for line in head.split("\n"):
        if "   " in line and _STATUS_COLUMNS_RE.fullmatch(line):
            found.append((pos, pos + len(line), "present", "Anwesend"))  # two status columns
        if not grouped and _faction_line(line, lex):
            grouped = True
            if not any(start < pos for start in lists):
                found.append((pos, pos, "present", "Mitglieder"))
        body = line[_ENUMERATION.match(line).end() :].strip().rstrip(":").strip()  # type: ignore[union-attr]
        if body[:1].islower():  # a header alone on its line in lower case: "entschuldigt"
            body = body[:1].upper() + body[1:]
        if body in alone:
            found.append((pos, pos + len(line), *alone[body]))
        label, colon, _ = line.partition(":")
        if colon and label[:1].islower() and label[:1].upper() + label[1:] in alone:
            # a label written in lower case at a line start: "entschuldigt: Ida Lamm"
            found.append((pos, pos + len(label) + 1, *alone[label[:1].upper() + label[1:]]))
        elif line.lstrip(" \t")[:1] in _ROMAN and body not in alone:
            roman = _ROMAN_SECTION_RE.fullmatch(line)
            if roman is not None:
                sections.append((pos, pos + len(line), "present", roman.group("title")))
        pos += len(line) + 1
    if found:  # "II. Mitglieder des Rates" after "Entschuldigt ist:": a section of those present
        first = min(start for start, _, _, _ in found)
        found += [section for section in sections if section[0] > first]
    return sorted(set(found))


def _faction_line(line: str, lex: Lexicon) -> bool:
    """A line of a Fraktion's members under its label, without a header above the list:
    "CSU:              StR Korbinian Huber, StRin Theresa Gschwendtner"."""
    label, colon, rest = line.partition(":")
    if not colon or not 1 < len(label.strip()) <= 30 or label[:1].isspace():
        return False
    if lex.faction_entry(label.strip()) is None:
        return False
    words = _LOWER_WORD_RE.findall(re.sub(r"\([^()]*\)", " ", rest))
    if not set(words) <= _NAME_LIST_WORDS:
        return False  # a sentence: "SPD: Frau Lamm fragt, wann …"
    return first_person_ref(rest, 0, len(rest)) is not None


_LOWER_WORD_RE = re.compile(r"(?<![\w.])[a-zäöüß]+(?![\w.])")
_NAME_LIST_WORDS = frozenset({"von", "van", "de", "zu", "der", "den", "und", "vom", "ten", "ter"})


_ROMAN = frozenset("IVX")
_ROMAN_SECTION_RE = re.compile(r"[ \t]*[IVX]{1,4}\.[ \t]+(?P<title>[A-ZÄÖÜ][^\n:]{2,60}?)[ \t]*")


def _attendance_regions(
    text: str, lex: Lexicon, headings: Sequence[tuple[int, str | None]]
) -> list[tuple[int, int, AttendanceStatus, str]]:
    headers = _find_headers(text, lex)
    if not headers:
        return []
    headers.sort()
    chairs = {h.rstrip(":") for h in _line_headers(lex)}
    takers = {h.rstrip(":") for h in lex.layout["line_headers"]}
    if all(h[3] in takers for h in headers):
        return []  # a minute-taker's label alone opens no list
    first = next((h for h in headers if h[3] not in chairs), headers[0])
    limit = _attendance_end(text, first[1], lex)
    sections = {bare for _, _, bare in _headers(lex)} | set(lex.layout["staff_sections"])
    limit = min(
        [limit]
        + [
            start
            for start, title in headings
            if start > headers[0][1] and (title or "").rstrip(":") not in sections
        ]
    )
    regions: list[tuple[int, int, AttendanceStatus, str]] = []
    for i, (_, header_end, status, header) in enumerate(headers):
        if header_end >= limit:
            break
        nxt = headers[i + 1][0] if i + 1 < len(headers) else limit
        if header in chairs:  # the chair's line only, or the next when the label is alone
            line_end = text.find("\n", header_end)
            if line_end >= 0 and not text[header_end:line_end].strip():
                line_end = text.find("\n", line_end + 1)
            nxt = min(nxt, len(text) if line_end < 0 else line_end)
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
    rf"(?m)^[ \t]*(?P<title>(?:(?:Prof\.|Dr\.)[ \t]*)+)?(?P<given>{NAME})[ \t]+(?P<surname>{NAME})"
    r"(?=[ \t]*(?:,|$|\(|abwesend|entschuldigt|ab \d|bis \d|\d+/|[A-ZÄÖÜ]{2,}\b|"
    r"[A-ZÄÖÜ][a-zäöüß]*(?:führer|leiter|referent)(?:in)?\b)|[ \t]{2}|\t)"
)  # a job after the name: "Karl Hollmann Geschäftsführer Bezirksvertretung"
# An entry of a run of names with brackets after a header or comma: "Mitglieder: Malte Kurz
# (GRÜNE), Dr. Wiebke von Alten (CDU), Hakan Demir (SPD)".
_RUN_ENTRY_RE = re.compile(
    rf"(?m)(?:^|(?<=[,:;]))[ \t]*(?P<title>(?:(?:Prof\.|Dr\.)[ \t]*)+)?(?P<given>{NAME})[ \t]+"
    rf"(?P<particle>(?:von|van|de|zu|vom|ten|ter)[ \t]+(?:(?:der|den|dem)[ \t]+)?)?"
    rf"(?P<surname>{NAME})[ \t]*\((?P<bracket>[^()\n]{{1,60}})\)"
)
# Job titles of administration staff in attendance lists, before the surname.
_JOB_TITLE_RE = re.compile(
    rf"(?<![\w.])(?P<job>(?:Techn\.|Verw\.)?[ \t]*[A-ZÄÖÜ][\wäöüß]*(?:verwaltungsrat|amtsrat|"
    rf"amtsrätin|angestellter?|inspektor(?:in)?|sekretär(?:in)?|oberrat|oberrätin|direktor(?:in)?|"
    rf"amtmann|amtfrau|beauftragter?|referent(?:in)?)|St[A-Z]{{1,3}}|L?St[A-Z]{{1,3}}[`']in)"
    rf"[ \t]+(?:(?:Prof\.|Dr\.)[ \t]*)*"
    rf"(?:(?P<given>{NAME})[ \t]+(?={NAME}[ \t]*(?:\n|$|,|\()))?(?P<surname>{NAME})(?![\w.-])"
)
_ROW_STATUS_ABSENT = re.compile(
    r"[^,;()\n]*(?<!\w)(?:abwesend|(?:un)?entschuldigt|fehlt|verhindert)[ \t.]*", re.IGNORECASE
)
_ABSENT_WORDS = re.compile(r"\b(?:abwesend|(?:un)?entschuldigt|fehlt|verhindert)\b", re.IGNORECASE)


def _attendance_entries(
    text: str,
    region: tuple[int, int],
    status: AttendanceStatus,
    section: str,
    lex: Lexicon,
    town: str,
) -> list[AttendanceEntry]:
    """Scan a list section in text order: faction headers, named people, "Name, Vorname"."""
    entries: list[AttendanceEntry] = []
    faction: str | None = None
    pos, end = region
    named_line = -1  # start of the line of the last "Herr Given Surname" entry
    ahead = _Ahead(text, end, lex)
    while pos < end:
        found, person = ahead.next_matches(pos)
        matches = [(kind, m) for kind, m in found if m is not None]
        first = min(matches, key=lambda km: km[1].start()) if matches else None
        if person and (first is None or person.start <= first[1].start()):
            if opens_minutes(text, person, lex) or prose_before(text, pos, person.start):
                break
            faction = line_label(text, person.start, town) or faction
            previous = entries[-1].person.span.end if entries else None
            if office_apposition(text, person, previous, lex):
                pos = person.end  # "Herr Jan Kahl, Ortsvorsteher Markendorf": his district
                continue
            ref, pos = given_after(text, person, lex)
            entries.append(_entry(text, ref, status, faction, section, town))
            row_cell = NEXT_CELL_RE.match(text, pos)
            if ref.given and row_cell and row_cell.group("cell") == entries[-1].person.faction:
                pos = row_cell.end()  # "Ratsmitglied   Klose, Ansgar, Dr.   CDU": its cell
            named_line = text.rfind("\n", 0, person.start) + 1
            continue
        if first is None:
            break
        kind, m = first
        least, pos = pos + 1, max(m.end(), pos + 1)
        if kind == "faction":
            if entries and (
                trails_previous(text, m.start())
                or trails_on_line(text, entries[-1].person.span.end, m)
            ):
                entries[-1] = _with_faction(entries[-1], m.group(0))
            else:
                faction = header_faction(text, m)
        elif kind == "flipped":
            run = given_surname_run(text, m.start(), entries, lex)
            given = m.group("given").split()[0]
            if (
                is_unit_word(m.group("surname"))
                or m.group("surname") in lex.not_surnames  # "(siehe Anwesenheitsliste, Anlage 1)"
                or (is_noun(given) and not is_given_name(given, lex))
            ):  # "(Immobilienwirtschaft, Projektleiter Stabsstelle)": a unit and a job
                pos = max(m.end("surname"), least)
            elif run is not None:  # "Gäste: Ida Lamm, Jan Kahl (SPD)": no "Surname, Given"
                run_end, run_entries = run
                entries += [_entry(text, ref, status, faction, section) for ref in run_entries]
                pos = max(run_end, least)
            elif inside_phrase(text, m.start()):  # "Beigeordnete für Umwelt, Kultur und Sport"
                pos = max(m.end("surname"), least)
            elif text.rfind("\n", 0, m.start()) + 1 != named_line:
                line_end = text.find("\n", m.end())
                rest = text[m.end() : len(text) if line_end < 0 else line_end]
                cell = None if m.group("bracket") else group_cell(rest, section, town)
                entries.append(_flipped_entry(m, status, cell or faction, section))
                if cell is not None:  # "Kranz, Jana      Unabhängige Liste"
                    pos = max(m.end() + rest.index(cell) + len(cell), least)
            else:  # "Herr Uwe Kahl Dezernent, Dezernat Finanzen": his job, no "Surname, Given"
                pos = max(m.end("surname"), least)
        elif kind == "stand_in":
            stood_in = stand_in_entry(m, section, lex)
            entries += [stood_in] if stood_in is not None else []
            pos = max(m.end() if stood_in else m.start("given"), least)
        elif kind == "caps":
            caps, goes_on = caps_entry(text, m, status, section, faction)
            entries += [caps] if caps is not None else []
            pos = max(goes_on, least)
        elif kind == "job":
            entries.append(_job_entry(m, status, section))
        elif kind == "group":
            if group_header(m, lex):
                faction = m.group("group")
            else:  # any other short line: the other patterns read it
                pos = least
        elif kind == "run":
            if (entry := _run_entry(m, status, faction, (section, town), lex)) is not None:
                entries.append(entry)
            else:
                # a faction may begin there: "…, Freie Wählergemeinschaft (FWG)"
                pos = max(m.start("given"), least)
        elif _listed_name(text, m, lex):
            entry, pos = _line_entry(text, m, status, faction, (section, town))
            entries.append(entry)
        elif text.startswith("  ", m.end("given")):
            pos = max(m.start("surname"), least)  # "Schriftführung   Kowalski, Nina": a label
    return substitutes(text, entries)


class _Ahead:
    """The next match of each list pattern (and the next person reference) at or after a
    position, kept while it still lies ahead: a search from a later position up to that
    match would find the same one, so each pattern scans a list section once, not once per
    entry."""

    def __init__(self, text: str, end: int, lex: Lexicon) -> None:
        self.text, self.end = text, end
        self.patterns = (
            ("faction", lex.faction_re), ("flipped", lex.surname_given_re),
            ("run", _RUN_ENTRY_RE), ("line", _NAME_LINE_RE), ("job", _JOB_TITLE_RE),
            ("group", GROUP_HEADER_RE), ("caps", CAPS_ROW_RE), ("stand_in", STAND_IN_RE),
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
            self.person, self.person_until = scan_person_ref(self.text, pos, self.end)
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
        given=m.group("given"),
        address=address,
        role=title,
    )
    return AttendanceEntry(person=ref, status=status, section=section)


def _run_entry(
    m: re.Match[str],
    status: AttendanceStatus,
    faction: str | None,
    where: tuple[str, str],
    lex: Lexicon,
) -> AttendanceEntry | None:
    """'Malte Kurz (GRÜNE)' in a run of names: a first name, or a faction in the bracket.
    `where`: the list section and the town."""
    given, surname, bracket = m.group("given"), m.group("surname"), m.group("bracket")
    section = where[0]
    named_faction = lex.faction_entry(bracket) is not None or (
        is_given_name(given, lex) and lex.local_group(bracket.strip(), where[1])
    )
    task = bracket.strip() in lex.layout["staff_sections"] or bracket.strip().endswith(
        NOUN_SUFFIXES
    )  # "Niels Adomeit (Protokoll)", "Eva Roth (Ortsamtsleiterin)"
    if not (is_given_name(given, lex) or named_faction or task) or surname in lex.not_surnames:
        return None
    if is_noun(surname) and not is_given_name(given, lex):
        return None  # "Freie Wählergemeinschaft (FWG)" names a party; "Petra Hartung" is one
    if _ABSENT_WORDS.search(bracket):
        status = "absent"  # "Olaf Kuhn (entschuldigt)"
    particle = m.group("particle")
    ref = PersonRef(
        surname=f"{' '.join(particle.split())} {surname}" if particle else surname,
        span=Span(m.start("given"), m.end("surname")),
        given=given,
        title=(m.group("title") or "").strip() or None,
        faction=bracket.strip() if named_faction else faction,
    )
    return AttendanceEntry(person=ref, status=status, section=section)


def _with_faction(entry: AttendanceEntry, faction: str) -> AttendanceEntry:
    ref = entry.person
    if ref.faction:
        return entry
    person = PersonRef(
        surname=ref.surname, span=ref.span, given=ref.given, address=ref.address,
        title=ref.title, role=ref.role, faction=faction,
    )  # fmt: skip
    return AttendanceEntry(person=person, status=entry.status, section=entry.section)


def _listed_name(text: str, m: re.Match[str], lex: Lexicon) -> bool:
    """A 'Given Surname' line is a person when the first name is known, or when the two words
    (and a title) are the whole line or its first cell and read as no list heading."""
    given, surname = m.group("given"), m.group("surname")
    if surname in lex.not_surnames or given in lex.not_surnames:
        return False
    if is_given_name(given, lex):
        return True
    if _CELL_BEFORE_FLIPPED_RE.match(text, m.end()):
        return False  # "Sachbearbeiterin Ratsangelegenheiten   Pätz, Yvonne": a job cell
    if given in lex.roles or given in lex.addresses or given in _ARTICLES:
        return False  # "Rm Günther", "Die Linke", "Der Paritätische"
    # the whole line, or the first cell of a table row ("Wendelin Auer     CSU     anwesend")
    whole_line = text.startswith(("\n", "  ", "\t"), m.end()) or m.end() == len(text)
    return (
        whole_line
        and not is_noun(surname)
        and not given.endswith(_ADJECTIVE_ENDINGS)
        and surname not in _LIST_HEADING_NOUNS
    )


_CELL_BEFORE_FLIPPED_RE = re.compile(rf"[ \t]{{2,}}{NAME},[ \t]*{NAME}")
# A list heading of two words: an adjective and a plural noun ("Stimmberechtigte Mitglieder",
# "Beratende Mitglieder", "Weitere Teilnehmende", "Sachkundige Einwohner").
_ADJECTIVE_ENDINGS = ("ige", "ende", "te", "ere", "che", "cher", "ene")
_ARTICLES = frozenset({"Der", "Die", "Das", "Den", "Dem", "Des", "Ein", "Eine"})
_LIST_HEADING_NOUNS = frozenset(
    {"Teilnehmer", "Teilnehmende", "Anwesende", "Gäste", "Vertreter", "Vertreterinnen",
     "Mitglieder", "Einwohner", "Einwohnerinnen", "Bürger", "Sachverständige", "Verwaltung"}
)  # fmt: skip


def _line_entry(
    text: str,
    m: re.Match[str],
    status: AttendanceStatus,
    faction: str | None,
    where: tuple[str, str],
) -> tuple[AttendanceEntry, int]:
    """A 'Given Surname' line, and where the list goes on: after the faction column of a
    table row ("Jutta Brehm      Die Grünen – Rosa Liste      anwesend"). `where`: the list
    section and the town."""
    line_end = text.find("\n", m.end())
    rest = text[m.end() : len(text) if line_end < 0 else line_end]
    if _ABSENT_WORDS.search(rest):
        status = "absent"
    bracket = re.match(r"[ \t]*\(([^()\n]{1,60})\)", rest)
    if bracket:
        named = lexicon().faction_entry(bracket.group(1)) or lexicon().local_group(
            bracket.group(1), where[1]
        )
        faction = bracket.group(1) if named else None
    goes_on = m.end()
    cell = NEXT_CELL_RE.match(rest)
    if cell and (
        lexicon().faction_re.match(cell.group("cell")) or group_cell(rest, *where) is not None
    ):
        faction, goes_on = cell.group("cell"), m.end() + cell.end()
    ref = PersonRef(
        surname=m.group("surname"),
        span=Span(m.start("given"), m.end("surname")),
        given=m.group("given"),
        faction=faction,
    )
    return AttendanceEntry(person=ref, status=status, section=where[0]), goes_on


def _entry(
    text: str,
    ref: PersonRef,
    status: AttendanceStatus,
    faction: str | None,
    section: str | None,
    town: str = "",
) -> AttendanceEntry:
    line_start = text.rfind("\n", 0, ref.span.start) + 1
    before = text[line_start : ref.span.start]
    after = text[ref.span.end : text.find("\n", ref.span.end) % (len(text) + 1)]
    after = _TRAILING_TITLE_RE.sub("", after, count=1)  # "Klose, Ansgar, Dr.   CDU"
    opened = before.strip().startswith("(") and before.count("(") > before.count(")")
    if opened and ")" in text[ref.span.start : ref.span.end + 2]:
        status = "absent"
        bracket = re.match(r"\)\s*\(([^()\n]{1,60})\)", text[ref.span.end :])
        if bracket and ref.faction is None:
            faction = bracket.group(1)
    if re.match(r"\s*i\.\s?V\.", after) is None and re.search(r"i\.\s?V\.\s+(?:für\s*)?$", before):
        status = "absent"
    if _ROW_STATUS_ABSENT.fullmatch(after) or _MISSED_BEFORE_RE.search(before):
        status = "absent"  # a status column: "Herr Jan Kahl   FDP   entschuldigt"
    if ref.faction is None and (cell := group_cell(after, section, town)) is not None:
        faction = cell  # the faction column of a table row: "Herr Jan Kahl   Bürger für Tal"
    if faction is not None and (ref.faction is None or remark(ref.faction)):
        ref = PersonRef(
            surname=ref.surname, span=ref.span, given=ref.given, address=ref.address,
            title=ref.title, role=ref.role, faction=faction,
        )  # fmt: skip
    return AttendanceEntry(person=ref, status=status, section=section)


# "Es fehlte entschuldigt Herr Dennis Rahn;" in a sentence of the list.
_MISSED_BEFORE_RE = re.compile(
    r"\b[Ee]s[ \t]+fehlten?(?:[ \t]+(?:un)?entschuldigt)?[ \t]*:?[ \t]*$"
)
_TRAILING_TITLE_RE = re.compile(r"^[ \t]*,[ \t]*(?:(?:Prof\.|Dr\.)[ \t]*)+(?=[ \t]{2}|$)")


def _flipped_entry(
    m: re.Match[str], status: AttendanceStatus, faction: str | None, section: str
) -> AttendanceEntry:
    surname = m.group("surname")
    if m.group("particle"):
        surname = f"{m.group('particle')} {surname}"
    bracket = m.group("bracket")
    if bracket and _ABSENT_WORDS.search(bracket):
        status, bracket = "absent", None  # "Thon, Karsten   (entschuldigt)"
    ref = PersonRef(
        surname=surname,
        span=Span(m.start(), m.end()),
        given=m.group("given"),
        faction=bracket or faction,
    )
    return AttendanceEntry(person=ref, status=status, section=section)
