"""Administration staff: the unit a listed person works for, and who heads which unit.

Part of the extract stage. Attendance lists write a person's unit after the name ("Herr Dr.
Küpper WBF-Do", "Herr Potthast, Beteiligungscontrolling", "Weiskopf, Marlene (FBL 40 Schule
und Sport)"); running text says who leads a unit in appositions ("Frau X, Leiterin des
Fachbereichs Y", "Kämmereileiterin Susanne Schmitz", "unter der damaligen Leitung des
Stadtoberamtmannes Z") and who chairs a body ("legt den Vorsitz des Naturschutzbeirats
nieder", "Vorsitz führte: Petran, Matthias"). The words come from
`kg/patterns/departments.yaml` and `kg/patterns/persons.yaml`.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from kg.extract_chairs import STELLV_RE, at_word_start, chair_heads, head_claim
from kg.extract_row_heads import row_label_heads
from kg.ids import fold
from kg.lexicon import LOWER, UPPER, Lexicon
from kg.models import AttendanceEntry, Claim, Mention, PersonRef, Protocol, Span

if TYPE_CHECKING:
    from kg.extract_entities import MentionIndex

_SEGMENT_MAX = 160  # an affiliation never runs longer than this after the name
_LEADER_RE = re.compile(
    r"[\s,;:–-]*(?P<head>Fachbereich|Amt|Abteilung|Bereich)s?leiter(?:in)?\s+"
    rf"(?P<name>[{UPPER}][^()\n]{{2,70}})"
)
_LEADING_UNIT_RE = re.compile(
    r"(?P<sep>[ \t]*[,;:–][ \t]*|[ \t]+)(?P<unit>[^,;()\n]{2,80}?)[ \t]*(?=[,;(\n]|$)"
)
_BRACKET_RE = re.compile(r"[ \t]*\((?P<inner>[^()\n]{2,120})\)")
_CODE_RE = re.compile(r"\d{1,3}/\S")
# "Leiterin päd. Bereich", "stellv. Amtsleiter", "Leiter des Fachbereichs X": the words before
# the unit in an affiliation that say how the person relates to it.
_LEAD_PREFIX_RE = re.compile(
    r"(?:stellv\.?[ \t]*|stellvertretende[rn]?[ \t]+)?"
    r"(?:(?:(?:[A-ZÄÖÜ][a-zäöüß]*)?(?:[Ll]eiter(?:in)?|[Ll]eitung)\b|Ltr\.)[ \t]*"
    r"(?:(?:des|der|vom)[ \t]+)?)?"
)
# Units are noun phrases: lower-case words in them are joiners or abbreviations ("päd.").
_LOWER_WORD_RE = re.compile(r"(?<![\wäöüß.-])[a-zäöüß]+(?![\wäöüß.-])")
_DOUBLE_NAME_RE = re.compile(r"[A-ZÄÖÜ][a-zäöüß]+-[A-ZÄÖÜ][a-zäöüß]+")
# The text patterns below begin with a literal word, which lets the regex engine skip
# quickly to its occurrences; `at_word_start` stands in for a leading \b.
_APPOSITION_RE = re.compile(r"(?:Werkl|L)eit(?:er(?:in)?|ung)\s+(?:des|der|vom)\s+")
_BETWEEN_BEFORE_RE = re.compile(r"[\s,()–-]*")
_BETWEEN_AFTER_RE = re.compile(r"[ \t]*,[ \t]*")
_COMMA_OR_BRACKET_RE = re.compile(r"[ \t]*[,(][ \t]*")
_OF_UNIT_RE = re.compile(r"[ \t]+(?:vom|von[ \t]+der|aus[ \t]+dem)[ \t]+")
_LED_BY_RE = re.compile(
    r"unter[ \t]+(?:der[ \t]+)?(?:[a-zäöüß]+en[ \t]+)?Leitung[ \t]+(?:von|des|der)[ \t]+"
)
_UP_TO_TWO_WORDS_RE = re.compile(rf"(?:[{UPPER}][\w.-]*[ \t]+){{0,2}}")
_CHAIR_LABEL_RE = re.compile(r"Vorsitz(?:[ \t]+führte|[ \t]+hatte|[ \t]+hat)?[ \t]*:[ \t]*")
_SAME_LINE_BETWEEN_RE = re.compile(r"[ \t]*[,(]?[ \t]*")
# "unter der damaligen Leitung des Stadtoberamtmannes Körfer": an office in the genitive
# (masculine "des …manns/…meisters/…ors/…ers", feminine "der …in"; not "des Fachbereichs
# Jugend") and a surname that no role word announces.
_OFFICE_NAME_RE = re.compile(
    r"(?:(?P<masc>[A-ZÄÖÜ][a-zäöüß]*(?:mann|meister|or|er|rat)e?s)|(?P<fem>[A-ZÄÖÜ][a-zäöüß]{3,}in))"
    r"[ \t]+"
    rf"(?P<surname>[{UPPER}][{LOWER}]+(?:-[{UPPER}][{LOWER}]+)?)(?![\w-])"
)


# ---------------------------------------------------------------- units on attendance lines


def affiliation_units(
    protocol: Protocol, lex: Lexicon, unit_re: re.Pattern[str]
) -> Iterator[Mention]:
    """Units written after listed persons: "Herr Dr. Küpper WBF-Do", "Herr Volkmar, Recht",
    "Carmen Höft 57/FABIDO (Leiterin päd. Bereich)". Units the head-word pattern `unit_re`
    finds by itself are left to it (it normalises their case)."""
    text = protocol.document.text
    staff = {fold(s) for s in lex.layout["staff_sections"]}
    staff -= {fold(s) for s in lex.layout["guest_sections"]}
    sections = {e.section: fold(e.section or "") in staff for e in protocol.attendance}
    for entry, segment in _affiliation_segments(protocol):
        in_staff = sections[entry.section]
        rest = segment.quote(text)
        leader = _LEADER_RE.match(rest) if in_staff else None
        if leader:
            start = segment.start + leader.start("name")
            name = leader.group("name").strip()
            label = f"{leader.group('head')} {name}"
            yield Mention("department", Span(start, start + len(name)), fold(label), label)
            continue
        for offset, raw in _affiliation_parts(rest, in_staff):
            unit = _strip_lead(raw)
            start = segment.start + offset + (len(raw) - len(unit))
            covered = unit_re.match(unit)
            if covered and covered.end() == len(unit):
                continue
            if _looks_like_unit(unit, lex, in_staff):
                yield Mention("department", Span(start, start + len(unit)), fold(unit), unit)


def _affiliation_segments(protocol: Protocol) -> Iterator[tuple[AttendanceEntry, Span]]:
    """Each listed person with the text after the name, up to the line end or the next person.

    The segment begins at the person's bracket when the name pattern took it in
    ("Weiskopf, Marlene (FBL 40 Schule und Sport)")."""
    text = protocol.document.text
    starts = sorted(e.person.span.start for e in protocol.attendance if e.person.span.start > 0)
    starts = [s for s in starts if text[s - 1].isspace()]
    for entry in protocol.attendance:
        span = entry.person.span
        bracket = text.rfind("(", span.start, span.end) if entry.person.faction else -1
        begin = bracket if bracket > span.start else span.end
        line_end = text.find("\n", begin)
        end = min(len(text) if line_end < 0 else line_end, begin + _SEGMENT_MAX)
        if begin == end or text[begin:end].isspace():
            continue  # nothing after the name
        later = bisect.bisect_right(starts, begin)
        cut = starts[later] if later < len(starts) and starts[later] < end else end
        if text.count("(", begin, cut) > text.count(")", begin, cut):
            # a name-like word inside the bracket ("(Städt. Immobilienwirtschaft, ...)")
            close = text.find(")", cut, end)
            cut = close + 1 if close >= 0 else cut
        yield entry, Span(begin, cut)


def _affiliation_parts(rest: str, in_staff: bool) -> Iterator[tuple[int, str]]:
    """(offset, text) of the unit candidates in an affiliation: the words right after the
    name (only in staff sections, after a comma, or as a unit code) and the first part of
    a following bracket ("(Dez. II - Beigeordnete)" -> "Dez. II")."""
    lead, bracket = _affiliation_area(rest)
    if lead is not None:
        unit = lead.group("unit").strip()
        if in_staff or "," in lead.group("sep") or _CODE_RE.match(unit):
            yield lead.start("unit"), unit
    if bracket is not None:
        inner = bracket.group("inner")
        first = inner.split(",")[0]
        first = re.split(r"[ \t]+[–-][ \t]+(?=[A-ZÄÖÜ][a-zäöüß]+\b[ \t]*$)", first)[0].strip()
        yield bracket.start("inner") + (len(inner) - len(inner.lstrip())), first


def _affiliation_area(rest: str) -> tuple[re.Match[str] | None, re.Match[str] | None]:
    """The words right after a name (up to a comma or bracket) and the bracket after them;
    running text ("Frau Adler war beim Rechtsamt der Stadt unter ...") has neither."""
    lead = None
    if not rest.lstrip(" \t").startswith("("):
        lead = _LEADING_UNIT_RE.match(rest)
        if lead is None:
            return None, None
    return lead, _BRACKET_RE.match(rest, lead.end() if lead else 0)


def _area_end(rest: str) -> int:
    lead, bracket = _affiliation_area(rest)
    return bracket.end() if bracket else lead.end() if lead else 0


def _strip_lead(raw: str) -> str:
    """ "Leiterin päd. Bereich" -> "päd. Bereich"; "stellv. Amtsleiter" -> ""."""
    m = _LEAD_PREFIX_RE.match(raw)
    return raw[m.end() :].strip() if m and m.end() else raw


def _looks_like_unit(unit: str, lex: Lexicon, in_staff: bool) -> bool:
    """Unit codes and names ("WBF-Do", "6/Dez.", "Bürgermeisterkanzlei", "Recht"), not
    people, parties, roles or a bare head word ("Stabsstelle")."""
    spec = _unit_spec(lex)
    if (
        not unit
        or ":" in unit
        or unit in spec.bare_heads
        or unit.startswith(("Tagesordnung", "TOP"))
    ):
        return False
    named = unit in spec.short_units or unit.startswith(spec.prefixes) or _CODE_RE.match(unit)
    # "57/FABIDO", "WBF-Do", "dortmund-project"; not a double surname ("Reuter-Lang")
    coded = in_staff and (
        any(c.isdigit() for c in unit)
        or "/" in unit
        or ("-" in unit and not _DOUBLE_NAME_RE.fullmatch(unit))
    )
    if not (named or coded or spec.words.search(unit)):
        return False
    if any(w not in spec.joiners for w in _LOWER_WORD_RE.findall(unit)):
        return False  # a sentence ("begrüßt die Entwicklung in der Stabsstelle ..."), not a name
    if unit.split()[0] in lex.roles or unit.split()[0].endswith(("führer", "führerin")):
        return False  # "Bezirksstadträtin und Leiterin der Abteilung Schule": her offices
    return "raktion" not in unit and lex.faction_entry(unit) is None


class _UnitSpec:
    """The affiliation word lists of departments.yaml, compiled once."""

    def __init__(self, lex: Lexicon) -> None:
        deps = lex.departments
        words = "|".join(re.escape(w) for w in deps["unit_words"])
        self.words = re.compile(rf"(?:{words})(?![a-zäöüß])", re.I)
        self.short_units = frozenset(deps["short_units"])
        self.head_roles = frozenset(deps["unit_head_roles"])
        self.top_units = tuple(deps["top_units"])
        self.joiners = frozenset(deps["name_joiners"])
        leaders = "|".join(re.escape(w) for w in sorted(deps["leader_words"], key=len)[::-1])
        self.lead_words = re.compile(rf"(?<!\w)(?:{leaders})(?!\w)")
        self.prefixes = tuple(deps["unit_prefixes"])
        self.bare_heads = frozenset(
            form for spec in deps["head_words"].values() for form in spec["forms"]
        )
        endings = sorted(deps["unit_endings"], key=len, reverse=True)
        lower = "|".join(re.escape(e) for e in endings)
        whole = "|".join(re.escape(w) for w in deps["whole_units"])
        self.leader_compound = re.compile(
            rf"\b(?P<unit>[A-ZÄÖÜ][a-zäöüß]*(?:{lower})|{whole})(?:e?s)?leiter(?:in)?\b"
        )

        # "Planungs- und Baureferentin": "Planungs- und Bau" + "referat"
        self.referent = re.compile(
            r"\b(?P<unit>(?:[A-ZÄÖÜ][a-zäöüß]+-[ \t]+und[ \t]+)?"
            r"(?P<stem>[A-ZÄÖÜ][a-zäöüß]+?))referent(?:in)?\b"
        )
        self.not_referates = frozenset(deps["not_referates"])


@functools.cache
def _unit_spec(lex: Lexicon) -> _UnitSpec:
    return _UnitSpec(lex)


def leader_compound_units(text: str, lex: Lexicon) -> Iterator[Mention]:
    """The unit inside a compound leader word: "Kämmereileiterin" -> Kämmerei,
    "Jugendamtsleiter" -> Jugendamt, "Planungs- und Baureferentin" -> Planungs- und
    Baureferat."""
    for m, unit in _compound_leaders(text, lex):
        yield Mention("department", Span(m.start("unit"), m.end("unit")), fold(unit), unit)


def _compound_leaders(text: str, lex: Lexicon) -> Iterator[tuple[re.Match[str], str]]:
    """Compound leader words and the unit each names."""
    spec = _unit_spec(lex)
    if "leiter" in text:  # a cheap test before the pattern scans every word
        for m in spec.leader_compound.finditer(text):
            yield m, m.group("unit")
    if "referent" in text:
        for m in spec.referent.finditer(text):
            if m.group("stem") not in spec.not_referates:
                yield m, m.group("unit") + "referat"


def office_holder_refs(text: str, lex: Lexicon) -> Iterator[PersonRef]:
    """Persons named only where they lead something: "Vorsitz führte: Petran, Matthias",
    "unter der damaligen Leitung des Stadtoberamtmannes Körfer"."""
    if "Vorsitz" in text:
        for m in at_word_start(_CHAIR_LABEL_RE, text):
            pair = lex.surname_given_re.match(text, m.end())
            if pair and pair.group("surname") not in lex.not_surnames:
                span = Span(pair.start("surname"), pair.end("given"))
                yield PersonRef(pair.group("surname"), span, given=pair.group("given"))
    if "Leitung" in text:
        for m in at_word_start(_LED_BY_RE, text):
            office = _OFFICE_NAME_RE.match(text, m.end())
            if office is None or office.group("surname") in lex.not_surnames:
                continue
            if office.group("masc") and text[m.end() - 4 : m.end()].strip() != "des":
                continue
            address = "Herr" if office.group("masc") else "Frau"
            span = Span(office.start("surname"), office.end("surname"))
            yield PersonRef(office.group("surname"), span, address=address)


# ---------------------------------------------------------------- who heads what


def head_claims(protocol: Protocol, index: MentionIndex, lex: Lexicon) -> Iterator[Claim]:
    """head_of claims from affiliations, appositions, compound leader words and chairs; a
    "person" whose name overlaps the unit ("Fachbereichsleiterin Bauen und Umwelt" read as a
    role and a surname) heads nothing."""
    text = protocol.document.text
    claims = (
        *_affiliation_heads(protocol, index, lex),
        *_apposition_heads(text, index),
        *_compound_heads(text, index, lex),
        *_led_by_heads(text, index),
        *chair_heads(protocol, index),
        *_leader_word_heads(text, index, lex),
        *_role_unit_heads(text, index, lex),
        *row_label_heads(text, index, lex),
    )
    for claim in claims:
        person, org = index.mentions[claim.subject], index.mentions[claim.object].span
        surname = person.person.surname if person.person else person.label
        at = text.find(surname, person.span.start, person.span.end)
        if not org.start <= at < org.end:
            yield claim


def _affiliation_heads(protocol: Protocol, index: MentionIndex, lex: Lexicon) -> Iterator[Claim]:
    """ "(Dez. II - Beigeordnete)", "(FBL 40 Schule und Sport)", "57/FABIDO (Leiterin päd.
    Bereich)": the leader word names the unit right after it, else the one before it."""
    text = protocol.document.text
    spec = _unit_spec(lex)
    head_roles = spec.head_roles
    heading_roles = _heading_roles(protocol, head_roles)
    for entry, whole in _affiliation_segments(protocol):
        person = index.person_at(entry.person.span.start)
        segment = Span(whole.start, whole.start + _area_end(whole.quote(text)))
        has_lead = spec.lead_words.search(text, segment.start, segment.end) is not None
        role = entry.person.role or heading_roles.get(entry.person.span.start)
        if person is None or not (has_lead or role in head_roles):
            continue
        # the units of the whole line: "Dezernent, Dezernat X" names the unit past the comma
        near = index.in_span(Span(entry.person.span.start, segment.end + 80), "department")
        units = [u for u in near if index.mentions[u].span.start < segment.end]
        line_units = [u for u in near if index.mentions[u].span.start < whole.end]
        if units and role in head_roles:
            yield head_claim(index, person, units[0])  # "Frau Senatorin Borns, FB 4 Kultur"
        for lead in spec.lead_words.finditer(text, segment.start, segment.end):
            if STELLV_RE.search(text, max(segment.start, lead.start() - 16), lead.start()):
                continue
            unit = _unit_at_lead(index, units, lead, line_units)
            if unit is not None:
                yield head_claim(index, person, unit)


def _heading_roles(protocol: Protocol, head_roles: frozenset[str]) -> dict[int, str]:
    """Listed persons under a heading line that is a role word heading units ("Beigeordnete"
    over "Frau Dr. Eva Lutz<TAB>Geschäftsbereich Soziales"), by the start of their name; the
    next heading that is no such role word ends them."""
    text = protocol.document.text
    starts = sorted(e.person.span.start for e in protocol.attendance)
    entry_lines = {text.rfind("\n", 0, start) + 1 for start in starts}
    roles: dict[int, str] = {}
    role = None
    for start in starts:
        line_start = text.rfind("\n", 0, start) + 1
        above_start = text.rfind("\n", 0, max(0, line_start - 1)) + 1
        above = text[above_start : max(0, line_start - 1)].strip()
        if line_start > 0 and above and above_start not in entry_lines:
            role = above if above in head_roles else None
        if role is not None:
            roles[start] = role
    return roles


def _unit_at_lead(
    index: MentionIndex, units: list[int], lead: re.Match[str], line_units: list[int]
) -> int | None:
    after = [u for u in line_units if 0 <= index.mentions[u].span.start - lead.start() <= 24]
    if after:
        return after[0]
    before = [u for u in units if index.mentions[u].span.end <= lead.start()]
    return before[-1] if before else None


def _apposition_heads(text: str, index: MentionIndex) -> Iterator[Claim]:
    """ "Frau X, Leiterin des Fachbereichs Y", "der Leiter des Amtes für Z, Herr Y" and "Herr Y,
    Werkleiter des Eigenbetriebs Z"."""
    if "eit" not in text:  # cheap tests like this one spare the scan of most texts
        return
    for m in at_word_start(_APPOSITION_RE, text):
        if STELLV_RE.search(text, max(0, m.start() - 16), m.start()):
            continue
        unit = index.first_after(m.end(), ("department",), window=1)
        if unit is None:
            continue
        around = _person_around(index, m.start())
        if around is not None and text[: m.start()].rstrip(" \t").endswith("("):
            yield head_claim(index, around, unit)  # "Herr X (Leiter des Amtes für Y)"
            continue
        person = index.nearest_before(m.start(), "person", window=60)
        if person is not None and _BETWEEN_BEFORE_RE.fullmatch(
            text, index.mentions[person].span.end, m.start()
        ):
            yield head_claim(index, person, unit)
            continue
        unit_end = index.mentions[unit].span.end
        after = _BETWEEN_AFTER_RE.match(text, unit_end)
        person = index.first_after(after.end(), ("person",), window=0) if after else None
        if person is not None:
            yield head_claim(index, person, unit)


def _compound_heads(text: str, index: MentionIndex, lex: Lexicon) -> Iterator[Claim]:
    """ "Kämmereileiterin Susanne Schmitz", "Herr Brandt, Jugendamtsleiter" and "Eva Roth
    (Bezirksamtsleiterin)"."""
    for m, _ in _compound_leaders(text, lex):
        if STELLV_RE.search(text, max(0, m.start() - 16), m.start()):
            continue
        unit = index.first_after(m.start("unit"), ("department",), window=0)
        if unit is None:
            continue
        person = _person_around(index, m.start())
        if person is None:  # the name mention took in the role word's end ("Baureferentin")
            person = _person_around(index, m.end() - 1)
        if person is None:
            person = _named_after(text, index, m.end())
        if person is None:
            before = index.nearest_before(m.start(), "person", window=60)
            if before is not None and _COMMA_OR_BRACKET_RE.fullmatch(
                text, index.mentions[before].span.end, m.start()
            ):
                person = before
        if person is not None:
            yield head_claim(index, person, unit)


def _named_after(text: str, index: MentionIndex, pos: int) -> int | None:
    """The person right after a leader word, also past a title or given names the name
    mention left out ("Bezirksamtsleiterin Dr. Eva Lutz"), or in apposition ("die
    Kämmereileiterin, Frau Schmitz,")."""
    person = index.first_after(pos, ("person",), window=40)
    if person is None:
        return None
    between = text[pos : index.mentions[person].span.start].removeprefix(",")
    if between[:1] in ("", " ", "\t") and _UP_TO_TWO_WORDS_RE.fullmatch(between.lstrip(" \t")):
        return person
    return None


def _person_around(index: MentionIndex, pos: int) -> int | None:
    """The person mention whose span holds `pos` ("Kämmereileiterin Susanne Schmitz")."""
    for i in index.in_span(Span(max(0, pos - 80), pos + 200), "person"):
        if index.mentions[i].span.start <= pos < index.mentions[i].span.end:
            return i
    return None


def _led_by_heads(text: str, index: MentionIndex) -> Iterator[Claim]:
    """ "beim Rechtsamt der Stadt unter der damaligen Leitung des Stadtoberamtmannes Körfer"."""
    if "Leitung" not in text:
        return
    for m in at_word_start(_LED_BY_RE, text):
        person = index.first_after(m.end(), ("person",), window=40)
        if person is None:
            continue
        if not _UP_TO_TWO_WORDS_RE.fullmatch(text, m.end(), index.mentions[person].span.start):
            continue
        org = index.nearest_before(m.start(), ("department", "initiative"), window=80)
        if org is not None:
            yield head_claim(index, person, org)


def _leader_word_heads(text: str, index: MentionIndex, lex: Lexicon) -> Iterator[Claim]:
    """ "Stadträtin Ott, Dezernentin für Schule und Sport", "Frau Eva Lutz  Fachbereichsleiterin
    Finanzen und Personal": a unit named by its leader word is led by the person before it."""
    leaders = tuple(lex.departments["leader_heads"])
    for unit in (i for i, m in enumerate(index.mentions) if m.kind == "department"):
        span = index.mentions[unit].span
        if not text.startswith(leaders, span.start):
            continue
        if STELLV_RE.search(text, max(0, span.start - 16), span.start):
            continue
        person = _person_around(index, span.start)
        if person is not None and text[: span.start].rstrip(" \t").endswith("("):
            # "Bürgermeister X (Dezernent für Y)": the bracket is part of the name mention
            yield head_claim(index, person, unit)
            continue
        person = index.nearest_before(span.start, "person", window=80)
        if person is not None and _SAME_LINE_BETWEEN_RE.fullmatch(
            text, index.mentions[person].span.end, span.start
        ):
            yield head_claim(index, person, unit)


def _role_unit_heads(text: str, index: MentionIndex, lex: Lexicon) -> Iterator[Claim]:
    """ "Herr Bürgermeister Ott, Dezernat II, antwortet": a unit right after a person whose
    role heads units (departments.yaml `unit_head_roles`) is the unit that person leads;
    after "vom" only a top unit (`top_units`: "Bürgermeister Ott vom Dezernat V")."""
    spec = _unit_spec(lex)
    for person, mention in enumerate(index.mentions):
        if mention.person is None or mention.person.role not in spec.head_roles:
            continue
        after = _BETWEEN_AFTER_RE.match(text, mention.span.end)
        of = None if after else _OF_UNIT_RE.match(text, mention.span.end)
        start = after.end() if after else of.end() if of else -1
        unit = index.first_after(start, ("department",), window=0) if start >= 0 else None
        if unit is None or index.mentions[unit].span.start != start:
            continue
        if after or index.mentions[unit].label.startswith(spec.top_units):
            yield head_claim(index, person, unit)
