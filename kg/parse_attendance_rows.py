"""Rows of attendance lists: the group a row or a header line names, the marks that make a
listed person absent (a status at the row's end, standing in for someone), the row layouts
("ROLE  Surname, Given", "SURNAME, Given", runs of "Given Surname") and where the list ends.

Part of the parse stage, used by `kg.parse_attendance`.
"""

from __future__ import annotations

import dataclasses
import re

from kg.lexicon import NAME, UPPER, Lexicon, lexicon
from kg.models import AttendanceEntry, AttendanceStatus, PersonRef, Span
from kg.parse_refs import RefMatch, is_given_name

# Before the person a listed member stands in for: "Herr Kern (CDU) Vertretung für Herrn
# Roth", "Conzen, Tim vertritt: Schall, Simon", "Ida Lamm i. V. für Jan Roth".
_SUBSTITUTE_FOR_RE = re.compile(
    r"(?:i\.[ \t]?V\.[ \t]+für|(?:in[ \t]+)?Vertretung[ \t]+(?:für|von)|vertritt:?|"
    r"als[ \t]+Vertreter(?:in)?[ \t]+(?:für|von))[ \t]*(?:Herrn|Herr|Frau)?[ \t]*\Z"
)


# A row that ends in an absence: "Kern, Olaf (SPD) unentschuldigt", "Eva Roth – fehlt".
_ROW_ENDS_ABSENT = re.compile(
    r"[^\n,;]{0,40}(?<!\w)(?:abwesend|(?:un)?entschuldigt|fehlt|verhindert)[ \t.)–-]*(?=\n|\Z)",
    re.IGNORECASE,
)


def substitutes(text: str, entries: list[AttendanceEntry]) -> list[AttendanceEntry]:
    """Entries with the absences of members someone stands in for; a substitute without a
    faction of their own shares the one at the end of the row ("Stadtrat Kurz i. V. für
    Stadträtin Lang, CSU": both CSU)."""
    marked = [substituted(text, entry) for entry in entries]
    for i in range(len(marked) - 1):
        deputy, member = marked[i].person, marked[i + 1].person
        if (
            deputy.faction is None
            and member.faction is not None
            and marked[i + 1].status == "absent"
            and "\n" not in text[deputy.span.end : member.span.start]
            and _SUBSTITUTE_FOR_RE.search(text, deputy.span.end, member.span.start)
        ):
            person = dataclasses.replace(deputy, faction=member.faction)
            marked[i] = dataclasses.replace(marked[i], person=person)
    return marked


def substituted(text: str, entry: AttendanceEntry) -> AttendanceEntry:
    """The member someone stands in for was absent, as is one whose row ends in an absence."""
    start, end = entry.person.span.start, entry.person.span.end
    if entry.status == "absent" or not (
        _SUBSTITUTE_FOR_RE.search(text, max(0, start - 40), start)
        or _ROW_ENDS_ABSENT.match(text, end)
    ):
        return entry
    return AttendanceEntry(person=entry.person, status="absent", section=entry.section)


# A line of its own that may head a faction's names: "Fraktion Bürger für Tal", "Wir für Tal:".
GROUP_HEADER_RE = re.compile(
    r"(?m)^[ \t]*(?:Mitglieder[ \t]+(?:der[ \t]+)?)?"  # "Mitglieder Freie Wähler"
    r"(?P<fraktion>(?:Rats|Kreistags)?[Ff]raktion[ \t]+(?:der[ \t]+)?|Gruppe[ \t]+)?"
    r"(?P<group>[A-ZÄÖÜ][^\n:();,]{1,50}?)[ \t]*:?[ \t]*$"
)


def group_header(m: re.Match[str], lex: Lexicon) -> bool:
    """A line that heads a local group's names (a known party is read as a faction)."""
    name = m.group("group")
    if m.group("fraktion") and re.fullmatch(r"[A-ZÄÖÜ]{2,6}", name):
        return True  # "Fraktion WGH"
    return lex.local_group(name)


# The next cell of a table row flattened to text, after a column gap.
# The next cell of a row: after a column gap of spaces or tabs, or a bar ("Ritter, Claudia | CDU").
NEXT_CELL_RE = re.compile(
    r"(?:[ \t]*\|[ \t]*|[ \t]{2,}|\t[ \t]*)(?P<cell>[^ \t\n|](?:[^\t\n |]|[ ](?![ \t|]))*)"
)
PARTY_CELL_RE = re.compile(r"[A-ZÄÖÜ][A-ZÄÖÜ/&-]{1,11}")


def header_faction(text: str, m: re.Match[str]) -> str:
    """A faction header as written, with local partners up to its colon: "Die PARTEI/Liste
    für Tal: StRin Roth" is one joint group."""
    tail = _HEADER_PARTNERS_RE.match(text, m.end())
    return text[m.start() : tail.start(1)] if tail else m.group(0)


_HEADER_PARTNERS_RE = re.compile(r"(?:[ \t]*/[ \t]*[A-ZÄÖÜ][^:/\n]{0,40})+?([ \t]*)(?::|(?=\n)|\Z)")


def remark(bracket: str) -> bool:
    """Whether a bracket after a listed name is a remark on substitution or time ("(Vertretung
    durch StR Roth)", "(ab 18:10 Uhr)"), which leaves the person under their list's faction
    header; other brackets ("(Elternvertretung)") say what the person represents."""
    return _REMARK_RE.match(bracket) is not None


_REMARK_RE = re.compile(r"(?:Vertretung|[Vv]ertreten|[Vv]ertritt|i\.[ \t]?V\.|für|ab|bis|\d)\b")


def group_cell(rest: str, section: str | None, town: str = "") -> str | None:
    """The rest of a listed name's row when it names a group: a party abbreviation ("SWG") or
    a local list ("Bürger für Tal"), maybe before a status ("entschuldigt"). Staff sections
    list employers and jobs there. Tabs may have been normalised to one space."""
    if section in lexicon().layout["staff_sections"]:
        return None
    role = _ROLE_APPOSITION_RE.match(rest)
    if role is not None and role.group("role") in lexicon().roles:
        rest = rest[role.end() :]  # "Frau Eva Roth, Bezirksbürgermeisterin      SPD"
    named = _COMMA_FRAKTION_RE.match(rest)  # "Frau Jana Kranz, Fraktion Wir für Tal"
    if named is not None and lexicon().local_group(named.group("name"), town):
        return named.group("name")
    if not rest[:1].isspace():
        return None
    cell = NEXT_CELL_RE.match(rest)
    if cell is None:  # no column gap: capitals alone may name a chamber ("Herr Roth IHK")
        name = _ROW_STATUS_TAIL.sub("", rest).strip()
        return name if lexicon().local_group(name, town) else None
    name = cell.group("cell")
    if PARTY_CELL_RE.fullmatch(name) or lexicon().faction_entry(name) is not None:
        return name  # "SPD", "AfD", "Bündnis 90/Die Grünen"
    return name if lexicon().local_group(name, town) else None


_COMMA_FRAKTION_RE = re.compile(
    r",[ \t]*(?:(?:Rats)?[Ff]raktion[ \t]+(?:der[ \t]+)?)?(?P<name>[^,;()\n]{2,50}?)[ \t]*$"
)
_ROLE_APPOSITION_RE = re.compile(r",[ \t]*(?P<role>[A-ZÄÖÜ][\wäöüß-]*)(?=[ \t])")
_ROW_STATUS_TAIL = re.compile(r"[ \t]+(?:abwesend|(?:un)?entschuldigt|fehlt|verhindert)[ \t.]*$")


# A role word before "Surname, Given" in a table row: "Ratsmitglied   Klose, Ansgar, Dr.   CDU".
_GIVEN_AFTER_RE = re.compile(
    rf"[ \t]*,[ \t]*(?P<given>{NAME}(?:-{NAME})?)"
    r"(?:[ \t]*,[ \t]*(?P<title>(?:(?:Prof\.|Dr\.)[ \t]*)+))?"
)


def given_after(text: str, person: RefMatch, lex: Lexicon) -> tuple[PersonRef, int]:
    """The reference and where the list goes on, with the first name (and a title) that a
    "Surname, Given" entry after a role word puts behind the surname."""
    ref = person.ref
    m = _GIVEN_AFTER_RE.match(text, person.end)
    if ref.given or ref.faction or m is None or m.group("given") in lex.not_surnames:
        return ref, person.end
    if ref.role is None or text.startswith(tuple(lex.addresses), person.start):
        return ref, person.end  # "Herr Kahl, Recht": his unit
    known = is_given_name(m.group("given"), lex) or m.group("title")
    if not known and not text.startswith(("  ", "\n"), m.end("given")):
        return ref, person.end  # an unknown word counts as a first name only before a gap
    title = " ".join((m.group("title") or "").split()) or ref.title
    ref = PersonRef(
        surname=ref.surname, span=Span(ref.span.start, m.end("given")), given=m.group("given"),
        address=ref.address, title=title, role=ref.role,
    )  # fmt: skip
    title_end = m.start("title") + len(m.group("title").rstrip()) if m.group("title") else 0
    end = title_end or m.end("given")
    return ref, end


# "WOLLENBERG, Sebastian      Die Linke", "HEINZE-BLUM, Karin, Dr.      CDU": a surname in
# capitals at a row start; also the member a substitute stands in for ("Vertreter für
# PIETSCH, Heiko").
CAPS_ROW_RE = re.compile(
    rf"(?m)(?:^[ \t]*(?P<title>(?:(?:Prof\.|Dr\.)[ \t]*)+)?|"
    rf"(?P<stand_in>(?:Vertreter(?:in)?|Vertretung|i\.[ \t]?V\.)[ \t]+für[ \t]+))"
    rf"(?P<surname>[{UPPER}]{{2,}}(?:[ \t]?-[ \t]?[{UPPER}]{{2,}})?),[ \t]*"
    rf"(?P<given>{NAME}(?: {NAME})?)(?![\w])"
    r"(?:[ \t]*,[ \t]*(?P<title2>(?:Prof\.|Dr\.)(?:[ \t]?(?:Prof\.|Dr\.))*))?"
)


def caps_entry(
    text: str, m: re.Match[str], status: AttendanceStatus, section: str, faction: str | None
) -> tuple[AttendanceEntry | None, int]:
    """The entry of a row whose surname is in capitals, in the case the prose uses
    ("HEINZE-BLUM" is Frau Heinze-Blum), and where the list goes on: after its faction cell."""
    lex = lexicon()
    surname = m.group("surname")
    if lex.faction_entry(surname) is not None or m.group("given") in lex.not_surnames:
        return None, m.end("surname")
    name_end = m.end("title2") if m.group("title2") else m.end("given")
    line_end = text.find("\n", name_end)
    rest = text[name_end : len(text) if line_end < 0 else line_end]
    goes_on = name_end
    if m.group("stand_in"):
        status = "absent"
        faction = None  # the member's faction only from their own row or header
    else:
        cell = NEXT_CELL_RE.match(rest)
        if cell and (lex.faction_re.fullmatch(cell.group("cell")) or group_cell(rest, section)):
            faction, goes_on = cell.group("cell"), name_end + cell.end()
        if _ROW_STATUS_TAIL.search(rest):
            status = "absent"
    title = " ".join((m.group("title") or m.group("title2") or "").split()) or None
    ref = PersonRef(
        surname="-".join(part.strip().capitalize() for part in surname.split("-")),
        span=Span(m.start("surname"), m.end("given")),
        given=m.group("given"),
        title=title,
        faction=faction,
    )
    return AttendanceEntry(person=ref, status=status, section=section), goes_on


def office_apposition(text: str, person: RefMatch, previous: int | None, lex: Lexicon) -> bool:
    """A chair's, mayor's or leader's title after a listed name (ending at `previous`) and a
    comma names the place or unit they head ("Herr Jan Kahl, Ortsvorsteher Markendorf", "Frau
    Eva Roth, Fachbereichsleiterin Stadtentwicklung und Bauen"), no second person."""
    ref = person.ref
    role = lex.roles.get(ref.role or "")
    if role is None or ref.given or previous is None:
        return False
    if role.category not in ("chair", "mayor") and not role.word.endswith(("leiter", "leiterin")):
        return False
    return re.fullmatch(r"[ \t]*,[ \t]*", text[previous : person.start]) is not None


def inside_phrase(text: str, pos: int) -> bool:
    """A "Surname, Given" match after a lower-case word of the same line ("für Umwelt, Kultur")
    continues a phrase; a list's label ends in a colon ("vertritt: Schall, Simon")."""
    line_start = text.rfind("\n", 0, pos) + 1
    before = text[max(line_start, pos - 30) : pos].split()
    return bool(before) and before[-1][:1].islower() and not before[-1].endswith(":")


def opens_minutes(text: str, person: RefMatch, lex: Lexicon) -> bool:
    """After a blank line, a sentence with a speech verb after the person ("Ortsvorsteherin
    Roth eröffnet um 18 Uhr die Sitzung und stellt …") starts the minutes: the list is over."""
    line_start = text.rfind("\n", 0, person.start) + 1
    lead = text[line_start : person.start]
    if not text.endswith("\n\n", 0, line_start) or (
        lead.strip() and _CHAIR_LEAD_RE.fullmatch(lead) is None
    ):
        return False
    line_end = text.find("\n", person.end)
    rest = text[person.end : len(text) if line_end < 0 else line_end].lstrip(" ,").split()
    return len(rest) >= 5 and rest[0] in lex.cue_heads and rest[0] not in lex.not_turn_verbs


# "Der Vorsitzende, Herr Dr. Kahl, eröffnet …": the chair named by the article and role first.
_CHAIR_LEAD_RE = re.compile(r"(?:Der|Die)[ \t]+[A-ZÄÖÜ][\wäöüß-]+,?[ \t]+")


# A paragraph of the minutes: an article, a role noun and a verb ("Die Ortsvorsteherin
# eröffnet die Sitzung …").
_PROSE_LINE_RE = re.compile(r"(?:Der|Die)[ \t]+[A-ZÄÖÜ][\wäöüß-]+[ \t]+[a-zäöüß]{3,}[ \t]")


def prose_before(text: str, pos: int, start: int) -> bool:
    """Whether a paragraph of the minutes begins between `pos` and a person at `start`."""
    blank = text.rfind("\n\n", pos, start)
    return blank >= 0 and _PROSE_LINE_RE.match(text, blank + 2) is not None


_LINE_LABEL_RE = re.compile(
    r"[ \t]*(?P<label>[A-ZÄÖÜ][\wäöüß/&.-]*(?:[ \t][\wäöüß/&.-]+){0,3}):[ \t]*"
)


def line_label(text: str, start: int, town: str) -> str | None:
    """A local group labelling the names of its line ("FBG:   Herr Heinz Mayer"); a known
    party label is read as a faction by the caller."""
    line_start = text.rfind("\n", 0, start) + 1
    if text.find(":", line_start, start) < 0:
        return None
    m = _LINE_LABEL_RE.fullmatch(text, line_start, start)
    if m is None:
        return None
    label = m.group("label")
    if label in lexicon().layout["staff_sections"] or lexicon().faction_entry(label):
        return None
    if PARTY_CELL_RE.fullmatch(label) or lexicon().local_group(label, town):
        return label
    return None


# Between a listed name and a faction on the same line: "RM Axel Thieme DVU",
# "RM Nursen Konak Fraktion „Die Linken im Rat“", "RM Joachim Fischer (SPD" (bracket unclosed).
# Also after a comma or a table column gap, and a long form before the bracketed abbreviation:
# "Ratsherr Olaf Kuhn, CDU", "Jutta Brehm      Die Grünen", "Lena Arndt, Freie Liste (FL)".
_TRAILING_FACTION_RE = re.compile(
    r"[ \t]*,?[ \t]*(?:(?:Rats)?[Ff]raktion[ \t]*)?(?:(?:[A-ZÄÖÜ][\w-]*[ \t]+){1,3}\()?[„\"(]?"
)
# The rest of a row after its faction: a status column, no further name.
_ROW_REST_RE = re.compile(rf"[^\n]*?(?:{NAME}|[A-ZÄÖÜ]{{2,}})[ \t]+{NAME}")


def trails_on_line(text: str, name_end: int, m: re.Match[str]) -> bool:
    """A faction right after a listed name, ending its line ("RM Axel Thieme DVU"); in a list
    flattened onto one line a faction is a header for the names after it."""
    line_end = text.find("\n", m.end())
    line_end = len(text) if line_end < 0 else line_end
    if _TRAILING_FACTION_RE.fullmatch(text, name_end, m.start()) is None:
        return False
    return (
        line_end - m.end() <= 15
        or _ROW_REST_RE.match(text, m.end(), min(line_end, m.end() + 200)) is None
    )


def trails_previous(text: str, pos: int) -> bool:
    """A faction on the line after "-" belongs to the person above (Hannover layout)."""
    return (
        re.search(r"\n[ \t]*-[ \t]*\n[ \t]*(?:Fraktion[ \t]+)?$", text[max(0, pos - 20) : pos])
        is not None
    )


# "Ansgar Kleff (Beschäftigtenvertreter) i. V. für Michael Gdanietz": the member stood in for,
# named without a form of address.
STAND_IN_RE = re.compile(
    rf"(?:i\.[ \t]?V\.|Vertretung|Vertreter(?:in)?)[ \t]+für[ \t]+"
    rf"(?P<given>{NAME})[ \t]+(?P<surname>{NAME})(?![\w-])"
)


def stand_in_entry(m: re.Match[str], section: str, lex: Lexicon) -> AttendanceEntry | None:
    """The absent member a substitute stands in for, when the first name is known."""
    if not is_given_name(m.group("given"), lex) or m.group("surname") in lex.not_surnames:
        return None
    ref = PersonRef(
        surname=m.group("surname"),
        span=Span(m.start("given"), m.end("surname")),
        given=m.group("given"),
    )
    return AttendanceEntry(person=ref, status="absent", section=section)


_RUN_PIECE_RE = re.compile(
    rf"[ \t]*(?P<title>(?:(?:Prof\.|Dr\.)[ \t]*)+)?(?P<given>{NAME})[ \t]+"
    rf"(?P<particle>(?:von|van|de|zu|vom|ten|ter)[ \t]+(?:(?:der|den|dem)[ \t]+)?)?"
    rf"(?P<surname>{NAME})[ \t]*(?:\((?P<bracket>[^()\n]{{1,60}})\))?[ \t]*"
)


def given_surname_run(
    text: str, pos: int, entries: list[AttendanceEntry], lex: Lexicon
) -> tuple[int, list[PersonRef]] | None:
    """The people of a comma-separated run of "Given Surname" after a line start or label
    ("Mitglieder: Ida Lamm, Dr. Jan Kahl, Eva Roth"), when a "Surname, Given" match at `pos`
    falls inside it: the run's first and last entries are two name words, where a run of
    "Surname, Given" begins with one ("Lamm, Ida Kahl, Jan")."""
    line_start = text.rfind("\n", 0, pos) + 1
    start = max(line_start, text.rfind(":", line_start, pos) + 1)
    if entries and entries[-1].person.span.end > start:
        return None
    line_end = text.find("\n", pos)
    line_end = len(text) if line_end < 0 else line_end
    pieces = text[start:line_end].split(",")
    if len(pieces) < 2 or not all(_RUN_PIECE_RE.fullmatch(p) for p in (pieces[0], pieces[-1])):
        return None
    refs: list[PersonRef] = []
    offset = start
    for piece in pieces:
        m = _RUN_PIECE_RE.fullmatch(piece)
        if m is not None and m.group("surname") not in lex.not_surnames:
            bracket = m.group("bracket")
            particle = " ".join((m.group("particle") or "").split())
            refs.append(
                PersonRef(
                    surname=f"{particle} {m.group('surname')}".strip(),
                    span=Span(offset + m.start("given"), offset + m.end("surname")),
                    given=m.group("given"),
                    title=(m.group("title") or "").strip() or None,
                    faction=bracket if bracket and lex.faction_entry(bracket) else None,
                )
            )
        offset += len(piece) + 1
    return line_end, refs
