"""SourceDocument -> Protocol: meeting metadata, attendance, agenda items and speaker turns.

Works on the layouts of ALLRIS single-TOP pages ("15.02.2022 - 3.2 Titel"), whole-meeting
Niederschriften (doRat, SessionNet, PDF) with "TOP 1"/"Ö 3"/"2.1" headings, and flattened text.
Every span points into `SourceDocument.text`. Agenda items are split by `kg.parse_agenda`, person
references read by `kg.parse_refs`, attendance lists by `kg.parse_attendance`.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator

from kg.ids import fold
from kg.lexicon import NAME, Lexicon, lexicon
from kg.models import (
    AgendaItem,
    AttendanceEntry,
    MeetingInfo,
    PersonRef,
    Protocol,
    SourceDocument,
    Span,
    Turn,
)
from kg.parse_agenda import MONTHS, split_items
from kg.parse_attendance import parse_attendance
from kg.parse_refs import first_person_ref as first_person_ref
from kg.parse_refs import person_ref_at
from kg.parse_refs import person_refs as person_refs

_DATE_RE = re.compile(r"\b(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})\b")
_LONG_DATE_RE = re.compile(
    r"\b(\d{1,2})\.\s*(Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|"
    r"November|Dezember)\s+(\d{4})\b"
)
_TIME_RE = r"(\d{1,2})[.:](\d{2})"
_DURATION_RE = re.compile(rf"Sitzungsdauer:?\s*{_TIME_RE}\s*(?:-|–|bis)\s*{_TIME_RE}")
# The word boundary written after the word ("Beginn(?<=\bBeginn)", the same as "\bBeginn"):
# a pattern that starts with a word lets the engine skip to its occurrences.
_BEGIN_RE = re.compile(rf"Beginn(?<=\bBeginn):?\s*{_TIME_RE}")
_END_RE = re.compile(rf"Ende(?<=\bEnde):?\s*{_TIME_RE}")
_CLOCK_RE = re.compile(rf"(?:Uhrzeit:?\s*-?\s*|,\s*){_TIME_RE}\s*(?:Uhr)?")
_BODY_RE = re.compile(
    r"(?:Sitzung|Niederschrift|Protokoll)\s+(?:über die \d+\.\s+Sitzung\s+)?"
    r"(?:des|der)\s+(?P<body>(?:Rates|Rats|Ausschusses|Bezirksvertretung|Stadtbezirksrates|"
    r"Ortsrates|Kreistages|Beirates|Hauptausschusses|Schul-|Betriebsausschusses|"
    r"[A-ZÄÖÜ][\w-]*ausschusses|[A-ZÄÖÜ][\w-]*beirates)"
    # a name goes on with a capital, a number or a joining word, not with a verb of the prose
    # ("als er die Sitzung der Bezirksvertretung schloss")
    r"(?!\s+(?!(?:für|der|des|und|von|zur|zum|am|vom|im|in)\b)[a-zäöüß])[^\n,]{0,80}?)"
    r"(?=\s+(?:am|vom|im|in)\b|,|\n|$)"
)
_GREMIUM_RE = re.compile(r"Gremium:\s*\n?\s*-?\s*(?P<body>[^\n]+)")
_PLACE_RE = re.compile(
    r"^(?P<place>(?:[^\n]{0,60},\s*)?(?:Rathaus|Ratssaal|Sitzungssaal|Saal|Bürgerhaus)[^\n]{0,80})$",
    re.MULTILINE,
)
# A break before a sentence or line: a line break or a space after . ! ? : ;, with the spaces
# after it (the break ends at the next character that is no space). It starts with a space,
# so that the engine skips from space to space.
_SENTENCE_BREAK = re.compile(r"(?:\n|\s(?<=[.!?:;]\s))\s*(?=\S)")
_NOT_SPACE = re.compile(r"\S")
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
    agenda = split_items(text, lex)
    headings = [(item.span.start, item.title) for item in agenda if item.number is not None]
    attendance = tuple(parse_attendance(text, lex, headings, document.municipality or ""))
    chair = _meeting_chair(text, attendance)
    items = tuple(_with_turns(text, item, lex, attendance, chair) for item in agenda)
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


# ---------------------------------------------------------------- speaker turns


def _with_turns(
    text: str,
    item: AgendaItem,
    lex: Lexicon,
    attendance: tuple[AttendanceEntry, ...],
    chair: PersonRef | None,
) -> AgendaItem:
    listed = {entry.person.span.start for entry in attendance}
    found = find_turns(text, item.span, lex, chair)
    turns = tuple(t for t in found if t.speaker.span.start not in listed)
    return AgendaItem(
        number=item.number, title=item.title, span=item.span, turns=turns, public=item.public
    )


# The meeting's chair in the protocol head: a label or heading line "Vorsitz:",
# "Vorsitzender: Landrat Dr. X", "Vorsitzende" over the name.
_CHAIR_LABEL_RE = re.compile(
    r"^[ \t]*Vorsitz(?:ende[rn]?)?[ \t]*(?::[ \t]*|\n[ \t]*)", re.MULTILINE
)
# The chair named by the role alone: "Der Vorsitzende sagt dies zu.", "Die Vorsitzende teilte
# mit, …".
_CHAIR_SUBJECT_RE = re.compile(r"(?:Der|Die)[ \t]+Vorsitzende[ \t]+(?P<verb>[a-zäöüß]+)")


def _meeting_chair(text: str, attendance: tuple[AttendanceEntry, ...]) -> PersonRef | None:
    """Who chairs the meeting: the person of a "Vorsitz" attendance section or the name after
    a "Vorsitzender:" label in the protocol head."""
    for entry in attendance:
        if fold(entry.section or "").startswith("vorsitz"):
            return entry.person
    label = _CHAIR_LABEL_RE.search(text, 0, 3000)
    if label is None:
        return None
    ref = first_person_ref(text, label.end(), label.end() + 100)
    return ref.ref if ref is not None and ref.start == label.end() else None


def _chair_speaker(
    text: str, pos: int, limit: int, lex: Lexicon, chair: PersonRef
) -> PersonRef | None:
    """ "Der Vorsitzende sagt dies zu.": the meeting's chair speaks."""
    m = _CHAIR_SUBJECT_RE.match(text, pos, limit)
    if m is None:
        return None
    verb = m.group("verb")
    if verb in _NOT_VERBS or verb in lex.not_turn_verbs:
        return None
    return PersonRef(
        surname=chair.surname,
        span=Span(pos, _rstrip(text, pos, m.start("verb"))),
        given=chair.given,
        address=chair.address,
        title=chair.title,
        role=chair.role,
    )


def find_turns(
    text: str, span: Span, lex: Lexicon, chair: PersonRef | None = None
) -> tuple[Turn, ...]:
    """Speaker turns inside `span`: from a named speaker taking the floor to the next one;
    `chair`, the meeting's chair, speaks where the minutes name only the role."""
    starts = list(_turn_starts(text, span, lex, chair))
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


def _turn_starts(
    text: str, span: Span, lex: Lexicon, chair: PersonRef | None
) -> Iterator[tuple[int, PersonRef]]:
    finite = _finite_cues(lex)
    verbs = [m.start() for m in _WORD.finditer(text, span.start, span.end) if m[0] in finite]
    for pos, line_start in _sentence_starts(text, span):
        ref = (
            (_speaker_line(text, pos, span.end, lex) if line_start else None)
            or _subject_speaker(text, pos, span.end, lex)
            or _inverted_speaker(text, pos, span.end, lex, verbs)
            or (_chair_speaker(text, pos, span.end, lex, chair) if chair else None)
        )
        if ref is not None:
            yield pos, ref


def _sentence_starts(text: str, span: Span) -> Iterator[tuple[int, bool]]:
    """Where sentences and lines begin inside `span` (at their first character that is no
    space), in order, each once, and whether a line begins there."""
    start = span.start
    if (start == 0 or text[start - 1] == "\n") and _NOT_SPACE.match(text, start, span.end):
        yield start, True
    for m in _SENTENCE_BREAK.finditer(text, start, span.end):
        yield m.end(), "\n" in m.group(0) or m.start() == 0 or text[m.start() - 1] == "\n"


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


# After the name on a speaker line: an optional apposition, the colon, then the line end or
# the first words of the speech ("Ich …", "Vielen Dank.", "„Wir …").
_SPEAKER_COLON_RE = re.compile(r"[ \t]*(?:,[^\n:]{1,100})?:[ \t]*(?:\n|$|[A-ZÄÖÜ„\"])")


def _speaker_line(text: str, pos: int, limit: int, lex: Lexicon) -> PersonRef | None:
    """A Wortprotokoll speaker line: 'Bezirksverordneter Jonas Hübner (SPD):', 'Stadträtin
    Lenz, Dezernentin für Soziales:', 'Herr Meier: Ich …' (`pos` starts a line)."""
    line_end = text.find("\n", pos, limit)
    line_end = limit if line_end < 0 else line_end
    if text.find(":", pos, line_end) < 0:
        return None
    first = _WORD.match(text, pos)
    if first is None or first.group(0) not in lex.ref_openers:
        return _bare_speaker_line(text, pos, line_end, lex)
    ref = person_ref_at(text, pos, line_end)
    if ref is None or _SPEAKER_COLON_RE.match(text, ref.end, min(limit, line_end + 2)) is None:
        return None
    return ref.ref


_BARE_SPEAKER_RE = re.compile(
    rf"(?P<title>(?:(?:Prof\.|Dr\.)[ \t]*)+)?(?:(?P<given>{NAME})[ \t]+)?(?P<surname>{NAME})"
    r"[ \t]*\((?P<bracket>[^()\n]{1,60})\):[ \t]*$"
)


def _bare_speaker_line(text: str, pos: int, line_end: int, lex: Lexicon) -> PersonRef | None:
    """A speaker line with no role word, only the name and a faction: 'Dr. Anja Roth (SPD):'."""
    m = _BARE_SPEAKER_RE.match(text, pos, line_end)
    if m is None or lex.faction_entry(m.group("bracket")) is None:
        return None
    given, surname = m.group("given"), m.group("surname")
    if surname in lex.not_surnames or given in lex.not_surnames or given in lex.roles:
        return None
    if given in _PRONOUNS or given in ("Der", "Die", "Den", "Dem"):
        return None  # "Die Linke (Gruppe):" names no person
    return PersonRef(
        surname=surname,
        span=Span(pos, m.end("bracket") + 1),
        given=given,
        title=(m.group("title") or "").strip() or None,
        faction=m.group("bracket").strip(),
    )


def _subject_speaker(text: str, pos: int, limit: int, lex: Lexicon) -> PersonRef | None:
    """'Herr Meier erklärt …', 'Der Fachbereichsleiter Thomas Voerste erläutert …'.

    The person must be the sentence subject and be followed by a finite verb: a known cue
    verb, or any lower-case word that is not a function word ("Herr X liest … vor").
    """
    lead = _LEAD_RE.match(text, pos, pos + 100)
    start = lead.end() if lead else pos
    first = _WORD.match(text, start)
    if first is None or first.group(0) not in lex.ref_openers:
        return _titled_speaker(text, start, limit, lex)
    if first.group(0) == "Herrn":
        return None  # dative or accusative, no subject: "Herrn Kahl möchte ich entgegnen, …"
    ref = person_ref_at(text, start, min(limit, start + 160))
    if ref is None:
        return None
    rest = text[ref.end : min(limit, ref.end + 120)]
    if _GIVES_FLOOR_RE.match(rest):
        return None  # the chair gives the floor: "Frau Lenz, bitte."
    if rest.lstrip().startswith(","):
        rest = _after_apposition(rest, lex, closes_lead=lead is not None and "," in lead[0])
    rest = _ORIGIN_RE.sub(" ", rest, count=1)  # "Herr Kahl aus Elze fragt …"
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


_TITLED_SUBJECT_RE = re.compile(
    rf"(?P<title>(?:(?:Prof\.|Dr\.)[ \t]*)+)(?:(?P<given>{NAME})[ \t]+)?(?P<surname>{NAME})"
    r"[ \t]+(?P<verb>[a-zäöüß]+)"
)


def _titled_speaker(text: str, pos: int, limit: int, lex: Lexicon) -> PersonRef | None:
    """'Prof. Dr. Kahl erwidert …': a name with an academic title and no address, followed
    by a speech verb."""
    m = _TITLED_SUBJECT_RE.match(text, pos, limit)
    if m is None or m.group("verb") not in lex.cue_heads or m.group("verb") in lex.not_turn_verbs:
        return None
    given, surname = m.group("given"), m.group("surname")
    if surname in lex.not_surnames or given in lex.roles or given in lex.not_surnames:
        return None
    return PersonRef(
        surname=surname,
        span=Span(pos, m.end("surname")),
        given=given,
        title=" ".join(m.group("title").split()),
    )


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


def _after_apposition(rest: str, lex: Lexicon, closes_lead: bool) -> str:
    """The text after the name's apposition: "Herr X, Leiter des Amtes, antwortet" and
    "Herr X, Leiter des Dezernats II – Soziales, Gesundheit und Krankenhäuser, entgegnet";
    after "Der Präsident der Bürgerschaft, Herr X," the comma only closes the lead."""
    if closes_lead:
        return " " + rest.lstrip()[1:]
    for comma in _COMMA_WORD_RE.finditer(rest, rest.index(",") + 1):
        if comma.group(1) is None:
            break  # the sentence ends
        if comma.group(1) in lex.cue_heads:
            return " " + rest[comma.start(1) :]
    return re.sub(r"^\s*,[^,.;:]{1,80},", " ", rest)


# "Der Präsident der Bürgerschaft, Herr …", "Der Beigeordnete für Kultur, Schule und Sport,
# Frau …", "Der Oberbürgermeister, Herr …", "Erster Beigeordneter …".
_LEAD_RE = re.compile(
    r"(?:Der|Die)\s+(?:[A-ZÄÖÜ][\w-]+\s*,\s*|[A-ZÄÖÜ][^.;:!?]{0,90}?,\s*(?=(?:Herr|Frau)\s))?"
    r"|(?:Erste|Zweite|Dritte)r?\s+(?=[A-ZÄÖÜ])"
)
_GIVES_FLOOR_RE = re.compile(r"\s*,\s*bitte(?:\s+schön)?\s*[.!]")
_COMMA_WORD_RE = re.compile(r",\s*([a-zäöüß]+)|[.;:!?]\s")
# Between the name and the verb, where a citizen comes from or whom a guest represents:
# "aus Elze", "aus Bad Pyrmont", "von der Stabsstelle Regionalstadtbahn", "vom Landesamt".
_ORIGIN_RE = re.compile(
    rf"^[ \t]+(?:aus|von[ \t]+der|von[ \t]+dem|vom)[ \t]+{NAME}(?:[ \t]+{NAME}){{0,2}}"
    r"(?=[ \t]+[a-zäöüß])"
)
_SENTENCE_END_RE = re.compile(r"[.!?]\s")
_SPACES_RE = re.compile(r"\s*")


@functools.cache
def _finite_cues(lex: Lexicon) -> frozenset[str]:
    """Cue verbs in the indicative ("antwortet", "erklärt")."""
    return frozenset(h for h in lex.cue_heads if h.endswith("t"))
