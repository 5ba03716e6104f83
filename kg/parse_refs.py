"""Person references in protocol text: "Herr Dr. Meier (SPD)", "RM Grote", "Ratsfrau Lindner".

Part of the parse stage; extract reads them too. A reference is an address or role word, an
optional title, a name and an optional bracket (a faction, when it names one).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from kg.lexicon import INITIAL, NAME, Lexicon, lexicon
from kg.models import PersonRef, Span


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
            ref = _cached_ref(m, lex)
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
        ref = _cached_ref(m, lex) if m is not None else None
        if ref is not None and (best is None or ref.end > best.end):
            best = ref
    return best


def first_person_ref(text: str, start: int, end: int) -> RefMatch | None:
    """The first of `person_refs(text, start, end)` without collecting the others."""
    return scan_person_ref(text, start, end)[0]


def scan_person_ref(text: str, start: int, end: int) -> tuple[RefMatch | None, int]:
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
            ref = _cached_ref(m, lex)
            if ref is not None:
                if best is None or (ref.start, -ref.end) < (best.start, -best.end):
                    best = ref
                break
            pos = m.end() if m.end() > m.start() else m.start() + 1
    return best, first_seen


_TOKEN_RE = re.compile(r"\S+")
_INITIAL_RE = re.compile(INITIAL)
_NAME_END_RE = re.compile(r"[ \t]*(?:\(|\n|$)|,[ \t\n]|[ \t]{2}|\t")
_TITLE_WORDS = frozenset({"Dr.", "Prof.", "Dipl.", "Ing.", "med.", "phil.", "jur."})


# Parse and extract read the same references several times (a speaker at a sentence start,
# then every mention of the text); the answer depends only on the text, the pattern and where
# the match and its groups lie (and the lexicon). Kept for the text read last (so that no
# earlier document stays in memory) and bounded: cleared when another text comes or when full.
_RefKey = tuple[Lexicon, str, int, tuple[tuple[int, int], ...]]
_REF_CACHE: dict[_RefKey, RefMatch | None] = {}
_REF_CACHE_SIZE = 4096
_REF_CACHE_TEXT: list[str] = [""]  # the text read last


def _cached_ref(m: re.Match[str], lex: Lexicon) -> RefMatch | None:
    """`_ref_from_match(m, lex)`, remembered for the match's text, pattern and groups."""
    key = (lex, m.string, id(m.re), m.regs)  # hashing a pattern hashes its whole code
    if key in _REF_CACHE:
        return _REF_CACHE[key]
    ref = _ref_from_match(m, lex)
    if m.string is not _REF_CACHE_TEXT[0] or len(_REF_CACHE) >= _REF_CACHE_SIZE:
        _REF_CACHE.clear()
        _REF_CACHE_TEXT[0] = m.string
    _REF_CACHE[key] = ref
    return ref


def _ref_from_match(m: re.Match[str], lex: Lexicon) -> RefMatch | None:
    offset = m.start("names")
    tokens = [(t.group(0), offset + t.end()) for t in _TOKEN_RE.finditer(m.group("names"))]
    particle: list[str] = []
    while tokens and tokens[0][0] in lex.particles:
        particle.append(tokens.pop(0)[0])
    if not tokens:
        return None
    misspelt = _misspelt_role(tokens[0][0], lex)
    if misspelt:  # "Herr Oberbürgermister Schulz": a role word with a typo, then the name
        tokens = tokens[1:]
        if not tokens:
            return None
    if "\n" in m.group("names") and not (
        is_given_name(tokens[0][0], lex)
        and tokens[-1][0] not in lex.roles
        and tokens[-1][0] not in lex.addresses
        and tokens[-1][0] not in lex.not_surnames
    ):
        tokens = tokens[:1]  # only a known first name goes on across a line break
    given: str | None = None
    inner = [t for t, _ in tokens[1:-1]]
    if len(tokens) >= 3 and all(t in lex.particles for t in inner):
        # "Frau Anna von Berg", "Herr Moritz von der Heide  CDU"; not "Herr Kahl von der Stadt"
        last = tokens[-1]
        if not is_noun(last[0]) and (
            is_given_name(tokens[0][0], lex) or _ends_name(m.string, last[1], lex, verbs=False)
        ):
            given, particle, tokens = tokens[0][0], inner, [last]
        else:
            tokens = tokens[:1]
    elif third := _surname_after_two_given_names(tokens, m, lex):
        # "Ratsfrau Lisa Kristin Radke sagt", "Herr Hans Peter Müller (SPD)": the pattern
        # takes two words, the surname is the third
        given, tokens = f"{tokens[0][0]} {tokens[1][0]}", [third]
    elif (
        len(tokens) >= 2
        and tokens[1][0] not in lex.particles
        and not is_noun(tokens[1][0])
        and tokens[1][0].lower() not in NOUN_SUFFIXES  # "Frau Rabe Bereich Stadtplanung"
        and (is_given_name(tokens[0][0], lex) or _ends_name(m.string, tokens[1][1], lex))
    ):
        given = tokens.pop(0)[0]
    surname, end = tokens[0]
    if surname in lex.not_surnames or surname in lex.roles or len(surname) < 2:
        return None
    if is_unit_word(surname if given is None else given):
        # "Amtsleiter Ordnungsamt  Kahl, Jan": the unit, then the name; "Werkleiter
        # Abfallwirtschaftsbetrieb Musterstadt" names the unit only
        return None
    if given in lex.not_surnames:
        return None  # "Bürgermeisterin Gemeinde Barkelsby" names a place, not a person
    if _is_role_compound(surname, lex) or (given is not None and _is_role_compound(given, lex)):
        return None  # "Herr Stadtkämmerer, …", "Frau Bezirksamtsleiterin …" is no name
    if m.string.startswith(".", end) and f"{surname}." in _TITLE_WORDS:
        return None  # a title whose name did not match: "Frau Dr." is no Frau "Dr"
    faction = None
    bracket = m.group("bracket")
    if bracket and _STAND_IN_BRACKET_RE.match(bracket):
        bracket = None  # "StR Wimmer (i. V. für StRin Stadler)": whom he stands in for
    if bracket and len(tokens) == 1:
        faction, end = bracket.strip(), m.end()
    elif end > m.end():  # the surname after the match: its bracket too
        after = _BRACKET_RE.match(m.string, end)
        faction, end = (after.group(1).strip(), after.end()) if after else (None, end)
    role = lex.roles.get(m.group("role") or misspelt or "")
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


def _surname_after_two_given_names(
    tokens: list[tuple[str, int]], m: re.Match[str], lex: Lexicon
) -> tuple[str, int] | None:
    """The surname and its end after two known first names on one line, where a name ends."""
    if len(tokens) != 2 or not all(is_given_name(token, lex) for token, _ in tokens):
        return None
    if "\n" in m.group("names") or m.group("bracket"):
        return None
    after = _THIRD_NAME_RE.match(m.string, tokens[1][1])
    if after is None:
        return None
    surname, end = after.group(1), after.end(1)
    plain = not (
        surname in lex.particles
        or surname in lex.roles
        or surname in lex.not_surnames
        or surname in lex.addresses
        or is_noun(surname)
        or _is_role_compound(surname, lex)
    )
    return (surname, end) if plain and _ends_name(m.string, end, lex) else None


_STAND_IN_BRACKET_RE = re.compile(r"\s*(?:i\.\s?V\.|Vertretung|Vertreter(?:in)?)\s+für\s")
_BRACKET_RE = re.compile(r"\s*\(([^()\n]{1,60})\)")
_THIRD_NAME_RE = re.compile(rf"[ \t]+({NAME})(?![\w.])")


NOUN_SUFFIXES = (
    "stelle", "ung", "heit", "keit", "schaft", "amt", "kanzlei", "ausschuss", "verwaltung",
    "behörde", "rat", "bereich", "büro", "zeitung", "leiter", "leiterin", "kammer", "verband",
    "verein",
)  # fmt: skip


def _is_role_compound(word: str, lex: Lexicon) -> bool:
    """A compound ending in a role word: "Stadtkämmerer", "Bezirksamtsleiterin"."""
    return word.lower().endswith(_role_tails(lex))


@functools.cache
def _role_tails(lex: Lexicon) -> tuple[str, ...]:
    return tuple(w.lower() for w in lex.roles if len(w) >= 6 and w.isalpha() and w[0].isupper())


@functools.lru_cache(maxsize=4096)
def _misspelt_role(word: str, lex: Lexicon) -> str | None:
    """The long role word (10 letters or more) that `word` misspells by one letter left out,
    added, changed or two letters swapped ("Oberbürgermister"), else None. Shorter role words
    are too close to surnames for this ("Rathe" is one letter from "Rat")."""
    if len(word) < 10 or word in lex.roles:
        return None
    for role in _long_roles(lex):
        if abs(len(role) - len(word)) <= 1 and role[:2] == word[:2] and _one_edit(role, word):
            return role
    return None


@functools.cache
def _long_roles(lex: Lexicon) -> tuple[str, ...]:
    return tuple(w for w in lex.roles if len(w) >= 10 and w.isalpha() and w[0].isupper())


def _one_edit(a: str, b: str) -> bool:
    """Whether two different words are one deletion, insertion, change or swap apart.

    >>> _one_edit("Oberbürgermeister", "Oberbürgermister"), _one_edit("Ratsherr", "Ratsherrin")
    (True, False)
    """
    if a == b:
        return False
    start = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    if len(a) == len(b):
        swapped = a[start + 1 : start + 2] + a[start : start + 1]
        return a[start + 1 :] == b[start + 1 :] or (
            swapped == b[start : start + 2] and a[start + 2 :] == b[start + 2 :]
        )
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer[start + 1 :] == shorter[start:]


# Endings of administrative units, never of a surname ("Siebdrat" ends like "Rat").
_UNIT_SUFFIXES = (
    "amt", "stelle", "bereich", "büro", "verwaltung", "behörde", "dienst", "referat", "ung",
    "betrieb", "betriebe",
)  # fmt: skip


def is_unit_word(word: str) -> bool:
    """A long word ending like an administrative unit ("Ordnungsamt", "Stabsstelle")."""
    return len(word) > 8 and word.endswith(_UNIT_SUFFIXES)


def is_noun(word: str) -> bool:
    """A compound noun by its ending ("Bezirksverwaltungsstelle", "Wählergemeinschaft"), not
    a short surname that ends alike ("Jung", "Hartung", "Ebert")."""
    return any(word.endswith(s) and len(word) > len(s) + 4 for s in NOUN_SUFFIXES)


def _ends_name(text: str, pos: int, lex: Lexicon, verbs: bool = True) -> bool:
    """Two capitalised words then a line end, bracket or table column gap: "Ratsherr Emre
    Kaya (CDU)", "Herr Jannes Brodersen  Gemeinde Damp"; or then what follows a name in a
    row whose column gaps were lost or in a sentence: a party ("Herr Ole Brandt SPD",
    "Frau Ida Lamm Bündnis 90/Die Grünen"), a job ("Frau Ida Lamm Teamleiterin"), "i. V."
    or a speech verb ("Frau Ida Lamm erklärt …")."""
    if _NAME_END_RE.match(text[pos : pos + 3]) is not None:
        return True
    if not text.startswith(" ", pos):
        return False
    after = _NEXT_WORD_RE.match(text, pos + 1)
    if after is None:
        return False
    word = after.group(0)
    return (
        _PARTY_WORD_RE.fullmatch(word) is not None
        or (verbs and word in lex.cue_heads)
        or word in lex.roles
        or _is_role_compound(word, lex)
        or word.endswith(NOUN_SUFFIXES)
        or lex.faction_re.match(text, pos + 1) is not None
        or text.startswith(("i. V.", "i.V."), pos + 1)
        or _ORIGIN_AFTER_NAME_RE.match(text, pos) is not None
    )


# Where a citizen comes from, after the name: "Herr Jörn Feddersen aus Mürwik fragt".
_ORIGIN_AFTER_NAME_RE = re.compile(r" (?:aus|vom|von der) [A-ZÄÖÜ]")


_NEXT_WORD_RE = re.compile(r"[\wäöüÄÖÜß-]+")
_PARTY_WORD_RE = re.compile(r"[A-ZÄÖÜ]{2,}(?:-[A-ZÄÖÜ]+)?")


def is_given_name(word: str, lex: Lexicon) -> bool:
    """A known first name, two joined by a hyphen, or an initial ("Petra", "Kai-Uwe", "F.")."""
    if word in lex.given_names or _INITIAL_RE.fullmatch(word) is not None:
        return True
    parts = word.split("-")
    return len(parts) > 1 and all(part in lex.given_names for part in parts)
