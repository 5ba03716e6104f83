"""Names as resolution compares them: surnames, first names, forms of address, factions.

Umlauts and ß are folded (Müller = Mueller, Strauß = Strauss), case is ignored, particles
(`von`) are dropped from surnames, and dashes or spaces in double names count alike. What
words tell (a first name implies Herr or Frau; "Ratsherr" is no first name) is data in
kg/patterns/resolution.yaml and persons.yaml.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from kg.ids import entity_key, fold
from kg.lexicon import UPPER

ADDRESSES = ("Herr", "Frau")
_DASHES = re.compile(r"\s*[-‐‑–—]\s*")
_INITIALS = re.compile(rf"^(?:[{UPPER}]\.\s*-?\s*)+$")
_LOCAL_GROUP = re.compile(r"[A-ZÄÖÜ][A-ZÄÖÜ&./ -]{1,12}")


@functools.lru_cache(maxsize=16384)  # the same surnames recur in every document of a town
def surname_key(surname: str) -> str:
    """The bucket of a surname: folded, name particles dropped, dashes and spaces as "-".

    >>> surname_key("Müller") == surname_key("MUELLER")
    True
    >>> surname_key("von Schwartzenberg"), surname_key("Klingenburg – Pülm")
    ('schwartzenberg', 'klingenburg-puelm')
    """
    from kg.lexicon import lexicon

    words = _DASHES.sub("-", surname.strip()).split()
    particles = lexicon().particles
    while len(words) > 1 and words[0].lower() in particles:
        words.pop(0)
    return fold("-".join(words))


def is_initial(given: str) -> bool:
    """True for first names given only as initials ("F.", "H.-P.").

    >>> is_initial("H.-P."), is_initial("Hans")
    (True, False)
    """
    return bool(_INITIALS.match(given.strip()))


def given_key(given: str) -> str:
    """Normal form of a first name; "Hans-Peter" and "Hans Peter" are equal.

    >>> given_key("Hans-Peter") == given_key("hans peter")
    True
    """
    return " ".join(_DASHES.sub(" ", fold(given)).replace(".", ". ").split())


def initials(given: str) -> str:
    """The initials of a first name.

    >>> initials("Hans-Peter"), initials("H.-P."), initials("Jens")
    ('hp', 'hp', 'j')
    """
    return "".join(part[0] for part in given_key(given).replace(".", "").split() if part)


def given_fits(mention: str | None, known: str | None) -> bool:
    """Whether a mention's first name (or initial) can be the known first name.

    >>> given_fits("J.", "Jens"), given_fits("Jens", "Jan"), given_fits(None, "Jan")
    (True, False, True)
    """
    if mention is None or known is None:
        return True
    if is_initial(mention) or is_initial(known):
        short, long = sorted((initials(mention), initials(known)), key=len)
        return long.startswith(short)
    return given_key(mention) == given_key(known)


@functools.cache
def _gendered_names() -> dict[str, str]:
    from kg.lexicon import load_yaml

    data = load_yaml("resolution.yaml")["given_names"]
    return {fold(name): address for address in ADDRESSES for name in data.get(address, [])}


def address_of_given(given: str | None) -> str | None:
    """Form of address a first name implies (from kg/patterns/resolution.yaml), if known.

    >>> address_of_given("Claudia"), address_of_given("Hans-Peter"), address_of_given("F.")
    ('Frau', 'Herr', None)
    """
    if not given or is_initial(given):
        return None
    first = _DASHES.sub(" ", given).split()[0]
    return _gendered_names().get(fold(first))


@functools.cache
def _not_given() -> tuple[frozenset[str], tuple[str, ...]]:
    from kg.lexicon import lexicon, load_yaml

    lex = lexicon()
    words = {fold(w) for w in (*lex.roles, *lex.not_surnames, *lex.addresses)}
    suffixes = tuple(fold(s) for s in load_yaml("resolution.yaml")["not_given_names"]["endings"])
    return frozenset(words), suffixes


def clean_given(given: str | None) -> str | None:
    """A first name as written, or None when the "first name" is a role or function word.

    Layouts like "Riedel, Ratsherr" or "Fraktionssprecher Locker" put such words where a
    first name stands; they must not make a person of their own.

    >>> clean_given("Jens"), clean_given("Ratsherr"), clean_given("Fraktionssprecher")
    ('Jens', None, None)
    """
    if not given or not given.strip():
        return None
    if is_initial(given):
        return given
    words, endings = _not_given()
    first = fold(_DASHES.sub(" ", given).split()[0])
    if first in words or fold(given) in words or first.endswith(endings):
        return None
    return given


@functools.lru_cache(maxsize=16384)
def faction_key(text: str | None) -> str | None:
    """The folded key of a faction named in brackets or a roster; None for non-factions.

    >>> faction_key("Bündnis 90/Die Grünen"), faction_key("SPD-Fraktion"), faction_key("Vorsitz")
    ('gruene', 'spd', None)
    """
    from kg.lexicon import lexicon

    if not text or not text.strip():
        return None
    lex = lexicon()
    entry = lex.faction_entry(text)
    if entry is not None:
        return fold(entry.abbreviation)
    name = text.strip()
    if fold(name) in lex.non_factions or not _LOCAL_GROUP.fullmatch(name):
        return None
    return fold(name)


@functools.lru_cache(maxsize=16384)
def person_key(municipality: str, surname: str, qualifier: str | None = None) -> str:
    """IRI key of a person: surname, plus first name (or other qualifier) when needed.

    >>> person_key("Hagen", "Keller")
    'hagen/person/keller'
    >>> person_key("Hagen", "Meier", "Jens")
    'hagen/person/meier-jens'
    """
    name = f"{surname} {qualifier}" if qualifier else surname
    return entity_key(municipality, "person", name)


def best_spelling(names: Iterable[str]) -> str | None:
    """The spelling to show: umlauts over ASCII, full over short, then alphabetical.

    >>> best_spelling(["Mueller", "Müller"]), best_spelling(["H.", "Hans"])
    ('Müller', 'Hans')
    """
    ranked = sorted(set(names), key=lambda n: (-sum(not c.isascii() for c in n), -len(n), n))
    return ranked[0] if ranked else None
