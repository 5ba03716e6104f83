"""Entity mentions of one protocol: persons, factions, departments, initiatives, places, papers.

Part of the extract stage. Mentions are found with the gazetteers and head words of
`kg/patterns/`; each keeps its span. `MentionIndex` answers the look-ups the statement,
claim and vote rules need ("the faction inside this span", "the person just before here").
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Iterator

from kg.extract_departments import (
    department_mentions,
    merge_code_typos,
    unit_regex,
    with_named_variant,
)
from kg.extract_factions import faction_mentions, staff_person_starts
from kg.extract_initiatives import initiative_mentions
from kg.extract_staff import affiliation_units, leader_compound_units, office_holder_refs
from kg.ids import fold
from kg.lexicon import NAME, Lexicon
from kg.models import EntityKind, Mention, PersonRef, Protocol, Span
from kg.parse import person_refs
from kg.parse_attendance_rows import office_apposition
from kg.parse_refs import RefMatch, is_given_name

_PAPER_RE = re.compile(
    r"(?:Drucksache(?:n)?|Drucks\.|Vorlage|DS|Drs\.|Antrag|Anfrage|Beschlussvorlage)"
    r"(?:[-\s]?Nr\.?)?:?\s*(?:Nr\.?:?\s*)?(?P<num>\d{1,5}[-/]\d{2,4}(?:[A-Z]\b)?)"
)


class MentionIndex:
    """The mentions of one document, sorted by position, with look-up helpers."""

    def __init__(self, mentions: Iterable[Mention]) -> None:
        self.mentions = tuple(sorted(mentions, key=lambda m: (m.span.start, -m.span.end, m.kind)))
        self._starts = [m.span.start for m in self.mentions]
        self._person_by_start = {
            m.span.start: i for i, m in enumerate(self.mentions) if m.kind == "person"
        }

    def person_at(self, start: int) -> int | None:
        """Index of the person mention starting at `start`."""
        return self._person_by_start.get(start)

    def in_span(self, span: Span, *kinds: EntityKind) -> list[int]:
        """Indexes of mentions (of `kinds`, or all) lying inside `span`."""
        lo = bisect.bisect_left(self._starts, span.start)
        hi = bisect.bisect_left(self._starts, span.end)
        return [
            i
            for i in range(lo, hi)
            if self.mentions[i].span.end <= span.end
            and (not kinds or self.mentions[i].kind in kinds)
        ]

    def about(self, span: Span, exclude: int) -> tuple[int, ...]:
        """One mention per distinct entity inside `span`, the speaker excluded."""
        speaker_key = self.mentions[exclude].key
        seen: set[tuple[str, str]] = {("person", speaker_key)}
        found = []
        for i in self.in_span(span):
            mention = self.mentions[i]
            if (mention.kind, mention.key) not in seen:
                seen.add((mention.kind, mention.key))
                found.append(i)
        return tuple(found)

    def faction_in(self, span: Span, starting: bool = False) -> int | None:
        """The first faction mention inside `span` (at its start when `starting`)."""
        for i in self.in_span(span, "faction"):
            if not starting or self.mentions[i].span.start - span.start <= 2:
                return i
        return None

    def faction_for_person(self, person: int) -> int | None:
        """The faction mention for a person's bracket or list-section faction."""
        ref = self.mentions[person].person
        if ref is None or not ref.faction:
            return None
        inside = self.faction_in(self.mentions[person].span)
        if inside is not None:
            return inside
        key = _faction_key(ref.faction)
        return next(
            (i for i, m in enumerate(self.mentions) if m.kind == "faction" and m.key == key), None
        )

    def nearest_before(
        self, pos: int, kinds: EntityKind | tuple[EntityKind, ...], window: int
    ) -> int | None:
        """The mention of `kinds` ending closest before `pos` within `window` characters."""
        wanted = (kinds,) if isinstance(kinds, str) else kinds
        best = None
        for i in self.in_span(Span(max(0, pos - window), pos), *wanted):
            best = i
        return best

    def first_after(self, pos: int, kinds: tuple[EntityKind, ...], window: int) -> int | None:
        """The first mention of `kinds` starting within `window` characters after `pos`."""
        lo = bisect.bisect_left(self._starts, pos)
        for i in range(lo, len(self.mentions)):
            mention = self.mentions[i]
            if mention.span.start > pos + window:
                return None
            if mention.kind in kinds:
                return i
        return None


_FACTION_KEYS: dict[str, str] = {}


def _faction_key(text: str) -> str:
    from kg.lexicon import lexicon

    entry = lexicon().faction_entry(text)
    if entry:
        return fold(entry.abbreviation)
    # a header kept as written names a local group ("Fraktion SPD/Grüne", "Fraktion WGH")
    return fold(_FRAKTION_PREFIX_RE.sub("", text))


_FRAKTION_PREFIX_RE = re.compile(r"^(?:Rats|Kreistags)?[Ff]raktion[ \t]+(?:der[ \t]+)?")


def collect_mentions(protocol: Protocol, lex: Lexicon) -> MentionIndex:
    """All entity mentions of a protocol."""
    text = protocol.document.text
    municipality = protocol.document.municipality
    mentions: list[Mention] = []
    mentions += _person_mentions(protocol, lex)
    staff = staff_person_starts(protocol, lex)
    listed = [m for m in mentions if m.span.start not in staff]
    mentions += faction_mentions(text, listed, lex, municipality or "")
    mentions += department_mentions(text, municipality, lex, protocol.meeting.body or "")
    mentions += initiative_mentions(text, lex)
    mentions += _place_mentions(text, municipality, lex)
    mentions += _paper_mentions(text)
    mentions += _body_mentions(protocol)
    mentions += affiliation_units(protocol, lex, unit_regex(lex))
    mentions += leader_compound_units(text, lex)
    return MentionIndex(_drop_overlaps(merge_code_typos(with_named_variant(mentions))))


def _drop_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Keep persons always; among other kinds a longer mention wins over one inside it."""
    ordered = sorted(mentions, key=lambda m: (m.kind != "person", -(m.span.end - m.span.start)))
    taken: list[Span] = []
    kept = []
    for mention in ordered:
        inside = any(s.start <= mention.span.start and mention.span.end <= s.end for s in taken)
        if mention.kind != "person" and inside:
            continue
        kept.append(mention)
        if mention.kind != "person":
            taken.append(mention.span)
    return kept


# ---------------------------------------------------------------- persons


def _person_mentions(protocol: Protocol, lex: Lexicon) -> Iterator[Mention]:
    refs: dict[int, PersonRef] = {}
    for entry in protocol.attendance:
        refs[entry.person.span.start] = entry.person
    for item in protocol.items:
        for turn in item.turns:
            refs.setdefault(turn.speaker.span.start, turn.speaker)
    text = protocol.document.text
    listed_ends = {entry.person.span.end for entry in protocol.attendance}
    for match in person_refs(text):
        if match.start not in refs and _after_listed_name(text, match, listed_ends, lex):
            continue  # "Herr Jan Kahl, Ortsvorsteher Markendorf": his district, no person
        refs.setdefault(match.start, match.ref)
        for ref in _coordinated_refs(text, match, lex):
            refs.setdefault(ref.span.start, ref)
    taken = [r.span for r in refs.values()]
    for ref in office_holder_refs(protocol.document.text, lex):
        if not any(s.start < ref.span.end and ref.span.start < s.end for s in taken):
            refs[ref.span.start] = ref
    for ref in refs.values():
        yield person_mention(ref)


# The next name of a list after a plural role word: "die Bezirksvorsteher Erich Eilers, Erwin
# Eilers, Krause, Rüther und Tammen", "die Fachbereichsleiter (FBL) Kock und Rosendahl".
_NEXT_IN_LIST_RE = re.compile(
    rf"(?:,[ \t]*|[ \t]+und[ \t]+)(?:(?P<given>{NAME})[ \t]+)?(?P<surname>{NAME})"
    r"(?=[ \t]*(?:,|und\b|sowie\b|[.;]|$))"
)
_PLURAL_ARTICLE_RE = re.compile(r"(?:^|\s)(?:die|den)[ \t]+$")


def _coordinated_refs(text: str, match: RefMatch, lex: Lexicon) -> Iterator[PersonRef]:
    """The other names of a list that a plural role word heads ("die Bezirksvorsteher A, B
    und C"): each a person with that role; the list ends at anything that is no plain name."""
    role = match.ref.role
    if role is None or not _PLURAL_ARTICLE_RE.search(text, max(0, match.start - 6), match.start):
        return
    end = match.end
    while (m := _NEXT_IN_LIST_RE.match(text, end)) is not None:
        given, surname = m.group("given"), m.group("surname")
        words = [w for w in (given, surname) if w]
        if any(w in lex.roles or w in lex.addresses or w in lex.not_surnames for w in words):
            return
        if given is not None and not is_given_name(given, lex):
            return
        yield PersonRef(
            surname=surname,
            span=Span(m.start("given" if given else "surname"), m.end()),
            given=given,
            role=role,
        )
        end = m.end()


def _after_listed_name(text: str, match: RefMatch, listed_ends: set[int], lex: Lexicon) -> bool:
    if not listed_ends:
        return False
    start = max(0, match.start - 8)
    before = text[start : match.start].rstrip(" \t")
    if not before.endswith(","):
        return False
    previous = start + len(before[:-1].rstrip(" \t"))
    return previous in listed_ends and office_apposition(text, match, previous, lex)


def person_mention(ref: PersonRef) -> Mention:
    """A person mention keyed by the folded surname; the label is the fullest name given."""
    label = " ".join(p for p in (ref.given, ref.surname) if p)
    return Mention(
        kind="person", span=ref.span, key=surname_key(ref.surname), label=label, person=ref
    )


def surname_key(surname: str) -> str:
    """Resolution key of a surname: folded, name particles dropped.

    >>> surname_key("von Schwartzenberg") == surname_key("Schwartzenberg")
    True
    """
    return fold(surname.split()[-1])


# ---------------------------------------------------------------- places and papers


def _place_mentions(text: str, municipality: str, lex: Lexicon) -> Iterator[Mention]:
    names = list(lex.places["districts"].get(fold(municipality).replace(" ", "-"), []))
    if municipality and municipality != "unbekannt":
        names.append(municipality.split()[-1])
    if names:
        for m in _place_name_regex(tuple(sorted(set(names), key=len, reverse=True))).finditer(text):
            yield Mention("place", Span(m.start(), m.end()), fold(m.group(0)), m.group(0))
    for m in _place_cue_regex(lex).finditer(text):
        name = m.group("name")
        yield Mention("place", Span(m.start("name"), m.end("name")), fold(name), name)


# The place patterns check what stands before a word after the word ("Dorf(?<=\bDorf)", the
# same as "\bDorf"): a pattern that starts with words is searched by their first letters.


@functools.lru_cache(maxsize=256)
def _place_name_regex(names: tuple[str, ...]) -> re.Pattern[str]:
    """One of `names` (in this order of preference) as a whole word, hyphens included."""
    words = [re.escape(name) for name in names]
    alternation = "|".join(rf"{word}(?<![\w-]{word})" for word in words)
    return re.compile(rf"(?:{alternation})(?![\w-])")


@functools.cache
def _place_cue_regex(lex: Lexicon) -> re.Pattern[str]:
    """A cue word ("Stadtteil", "Ortschaft") and the capitalised place name after it."""
    words = [re.escape(word) for word in lex.places["cue_words"]]
    alternation = "|".join(rf"{word}(?<=\b{word})" for word in words)
    return re.compile(rf"(?:{alternation})\s+(?P<name>[A-ZÄÖÜ][\wäöüß-]+)")


def _body_mentions(protocol: Protocol) -> Iterator[Mention]:
    """The council body where the text names it ("Rat der Samtgemeinde Grasleben"), also in
    the genitive ("des Rates der Gemeinde Inden", "den Vorsitz des Naturschutzbeirats")."""
    body = protocol.meeting.body
    text = protocol.document.text
    if not body or body.partition(" ")[0] not in text:
        return
    for m in _body_regex(body).finditer(text):
        before = text[m.start() - 1] if m.start() else " "
        if not (before.isalnum() or before in "_-"):
            yield Mention("body", Span(m.start(), m.end()), fold(body), body)


@functools.lru_cache(maxsize=256)
def _body_regex(body: str) -> re.Pattern[str]:
    head, _, tail = body.partition(" ")
    if head.endswith("-") and tail:  # "des Haupt- und Finanzausschusses": the last word declines
        pattern = re.escape(head) + r"\s+" + re.escape(tail) + r"(?:es|s)?"
    else:
        pattern = re.escape(head) + r"(?:es|s)?" + (r"\s+" + re.escape(tail) if tail else "")
    return re.compile(rf"{pattern}(?![\w-])")  # begins with the literal head: a fast scan


def _paper_mentions(text: str) -> Iterator[Mention]:
    for m in _PAPER_RE.finditer(text):
        number = m.group("num")
        yield Mention("paper", Span(m.start("num"), m.end("num")), fold(number), number)
