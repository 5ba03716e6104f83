"""Faction mentions of one protocol: gazetteer factions, joint groups, and local voter groups
and lists written where a faction goes (brackets after a person, an attendance table's faction
column, after "Fraktion").

Part of the extract stage, used by `kg.extract_entities`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.ids import fold
from kg.lexicon import Lexicon
from kg.models import Mention, Protocol, Span

_COMPOSITE_JOIN = re.compile(r"[ \t]*[/&][ \t]*")
# Local partners after a known party: "SPD/Tierschutzpartei/Volt", "Grüne/future!"; a partner
# of several words only where the name ends: "(FDP/Bürger für Tal)", "CSU/Mehr für Au:".
_COMPOSITE_TAIL = re.compile(
    r"(?:[ \t]*/[ \t]*(?P<tail>[A-ZÄÖÜ]?[\wäöüß]+!?"
    r"(?:[ \t]+(?:für|in)[ \t]+[A-ZÄÖÜ][\wäöüß]+(?=[ \t]*(?:[):\n]|$)))?))+"
)
# A joint group of local lists in brackets: "(Gartenpartei/Tierschutzallianz)".
_LOCAL_JOINT_RE = re.compile(r"[A-ZÄÖÜ][\wäöüß]+(?:/[A-ZÄÖÜ][\wäöüß]+)+")
_PARTY_ENDINGS = ("partei", "allianz", "liste", "bündnis", "wähler", "gemeinschaft")


def staff_person_starts(protocol: Protocol, lex: Lexicon) -> set[int]:
    """Where staff, press and guests are listed: their brackets name employers, not groups."""
    staff = {fold(s) for s in lex.layout["staff_sections"]}
    return {e.person.span.start for e in protocol.attendance if fold(e.section or "") in staff}


def faction_mentions(
    text: str, persons: list[Mention], lex: Lexicon, town: str = ""
) -> Iterator[Mention]:
    """Known factions (alone or joined), then local groups after "Fraktion" and in the
    brackets or faction column of listed persons (`town`: the municipality)."""
    matches = [
        m for m in lex.faction_re.finditer(text) if lex.faction_entry(m.group("a") or m.group("b"))
    ]
    for group in _composites(text, matches):
        partner = _dash_partner(text, group[-1].end(), lex)
        if partner is not None:
            yield _composite_mention(text, group, lex, end=partner)
            continue
        if len(group) == 1 and not _COMPOSITE_TAIL.match(text, group[0].end()):
            entry = lex.faction_entry(group[0].group("a") or group[0].group("b"))
            assert entry is not None
            span = Span(group[0].start(), group[0].end())
            yield Mention("faction", span, fold(entry.abbreviation), entry.label)
            continue
        yield _composite_mention(text, group, lex)
    known_spans = {(m.start(), m.end()) for m in matches}
    yield from _named_local_groups(text, lex)
    for person in persons:
        yield from _unknown_bracket_faction(text, person, known_spans, lex, town)


def _composites(text: str, matches: list[re.Match[str]]) -> Iterator[list[re.Match[str]]]:
    """Group faction names joined by "/" or "&" ("BfHo/Piraten", "SPD / Grüne")."""
    group: list[re.Match[str]] = []
    for m in matches:
        if group and _COMPOSITE_JOIN.fullmatch(text, group[-1].end(), m.start()):
            group.append(m)
            continue
        if group:
            yield group
        group = [m]
    if group:
        yield group


def _dash_partner(text: str, end: int, lex: Lexicon) -> int | None:
    """Where a local list joined to a party by a dash ends: "Die Grünen – Rosa Liste"."""
    m = _DASH_PARTNER_RE.match(text, end)
    return m.end() if m is not None and lex.local_group(m.group("partner")) else None


_DASH_PARTNER_RE = re.compile(
    r"[ \t]+[–-][ \t]+(?P<partner>[A-ZÄÖÜ][\wäöüß-]*(?:[ \t]+[A-ZÄÖÜ][\wäöüß-]*){0,2})"
)


def _composite_mention(
    text: str, group: list[re.Match[str]], lex: Lexicon, end: int | None = None
) -> Mention:
    """A joint group of several parties: one faction named as written (up to `end`)."""
    start = group[0].start()
    if end is None:
        end = group[-1].end()
        tail = _COMPOSITE_TAIL.match(text, end)
        if tail is not None:
            end = tail.end()
    written = re.sub(r"^(?:Rats)?[Ff]raktion(?:en)?\s+(?:der\s+)?", "", text[start:end]).strip()
    entry = lex.faction_entry(written)
    if entry is not None:
        return Mention("faction", Span(start, end), fold(entry.abbreviation), entry.label)
    return Mention("faction", Span(start, end), fold(written), f"Fraktion {written}")


def _unknown_bracket_faction(
    text: str, person: Mention, known: set[tuple[int, int]], lex: Lexicon, town: str
) -> Iterator[Mention]:
    """A local group that the gazetteer does not know, in brackets after a person ("Herr X
    (WGH)") or in the faction column of their attendance row ("Frau Y     Bürger für Tal")."""
    ref = person.person
    if ref is None or not ref.faction or lex.faction_entry(ref.faction) is not None:
        return
    name = ref.faction.strip()
    if fold(name) in lex.non_factions:
        return
    bracket = text.rfind("(", person.span.start, person.span.end)
    if bracket >= 0:
        start = text.find(name, bracket + 1)
    else:
        line_end = text.find("\n", person.span.end)
        start = text.find(name, person.span.end, len(text) if line_end < 0 else line_end)
        if start < 0 and lex.local_group(name, town):  # a header line above: "Bürger für Tal"
            start = text.rfind(name, max(0, person.span.start - 3000), person.span.start)
    if start < 0:
        return
    local_group = (
        re.fullmatch(r"[A-ZÄÖÜ][A-ZÄÖÜ&./ -]{1,12}|.+-(?:Rats)?[Ff]raktion", name) is not None
        or lex.local_group(name, town)
        or (
            _LOCAL_JOINT_RE.fullmatch(name) is not None
            and any(part.lower().endswith(_PARTY_ENDINGS) for part in name.split("/"))
        )
    )
    if local_group and (start, start + len(name)) not in known:
        label = name if "raktion" in name else f"Fraktion {name}"
        yield Mention("faction", Span(start, start + len(name)), fold(name), label)


# The word Fraktion, found by its letters (a pattern that starts with a letter class would be
# tried at every capital of the page); the name after it up to the first lower-case word, or
# an abbreviation before it: "Fraktion Bürger für Tal", "Fraktion „Wir für Tal“", "BfM-Fraktion".
_FRAKTION_RE = re.compile(r"raktion(?![\w-])")
_NAME_AFTER_RE = re.compile(
    r"[ \t]+(?:der[ \t]+)?(?:„(?P<quoted>[^“”\"\n]{2,50})[“”\"]|(?P<name>[A-ZÄÖÜ][\wäöüß-]*!?"
    r"(?:[ \t]+(?:(?:für|in|und|&)[ \t]+)?[A-ZÄÖÜ][\wäöüß-]*!?){0,4}))"
)
_WORD_BEFORE_RE = re.compile(
    r"(?<![\w-])(?:(?P<short>[A-ZÄÖÜ][A-Za-zÄÖÜäöü]{1,5})-(?:Rats|Kreistags)?[Ff]"
    r"|(?:Rats|Kreistags|Stadtrats|Gemeinderats)f|F)\Z"
)
_JOINED_RE = re.compile(r"[ \t]*[/&]")


def _named_local_groups(text: str, lex: Lexicon) -> Iterator[Mention]:
    """Local groups the gazetteer does not know, named beside the word Fraktion."""
    for hit in _FRAKTION_RE.finditer(text):
        before = _WORD_BEFORE_RE.search(text, max(0, hit.start() - 20), hit.start())
        if before is None:
            continue
        after = _NAME_AFTER_RE.match(text, hit.end())
        if before.group("short"):
            group, m, start = "short", before, before.start()
        elif after is not None:
            group = "quoted" if after.group("quoted") else "name"
            m, start = after, before.start()
        else:
            continue
        name = _group_name(m.group(group), group == "name", lex)
        joined = _JOINED_RE.match(text, m.start(group) + len(name))  # "Fraktion BVB / FW"
        if not name or joined or lex.faction_entry(name) or lex.faction_re.match(name):
            continue
        if re.fullmatch(r"[A-ZÄÖÜ]{2,6}", name) or lex.local_group(name):
            end = m.start(group) + len(name)
            yield Mention("faction", Span(start, end), fold(name), f"Fraktion {name}")


def _group_name(written: str, open_ended: bool, lex: Lexicon) -> str:
    """The name in capitalised words after "Fraktion": German nouns are capitalised too, so
    the longest run of words that reads as a group, before a person ("Fraktion Wir für Tal
    Zustimmung", "Fraktion Bürger für Tal Herr Roth")."""
    words = written.split()
    if not open_ended:
        return written
    cut = next((i for i, w in enumerate(words) if w in lex.addresses or w in lex.roles), None)
    words = words[:cut]
    for end in range(len(words), 0, -1):
        if lex.local_group(" ".join(words[:end])):
            return " ".join(words[:end])
    return " ".join(words)
