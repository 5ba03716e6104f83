"""Deterministic keys and IRIs: the same input and settings always give the same IRIs.

Keys are built only from the characters `[a-z0-9-]` and `/`, so every IRI is valid whatever
the names in a protocol contain (quotes, spaces, emoji, control characters).
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

_FOLD = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ẞ": "SS"}
)
# Letters that Unicode does not decompose into a base letter and a mark ("Yılmaz", "Łukasz",
# "Søren"): spelled as their usual Latin transcription so that names keep every letter.
_FOLD_UNDECOMPOSED = str.maketrans(
    {
        "ı": "i", "ł": "l", "Ł": "L", "ø": "oe", "Ø": "Oe", "æ": "ae", "Æ": "Ae", "œ": "oe",
        "Œ": "Oe", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ħ": "h",
        "Ħ": "H", "ŀ": "l", "Ŀ": "L",
    }
)  # fmt: skip
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_MAX_SLUG = 80


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case- and umlaut-insensitive normal form used to compare names.

    Umlauts and ß become their two-letter spellings, so "Müller" and "Mueller" fold alike;
    other accents are dropped and letters without a decomposition transcribed.

    >>> fold("Strauß") == fold("STRAUSS")
    True
    >>> fold("Müller") == fold("Mueller")
    True
    >>> fold("Kılıç-Wagner"), fold("Łukasz Søndergård")
    ('kilic-wagner', 'lukasz soendergard')
    """
    text = unicodedata.normalize("NFC", text).translate(_FOLD).translate(_FOLD_UNDECOMPOSED)
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(ascii_only.lower().split())


def slug(text: str) -> str:
    """A short lowercase ASCII slug; long or empty slugs get a hash so keys stay unique.

    >>> slug("Fachbereich Jugend & Soziales")
    'fachbereich-jugend-soziales'
    >>> slug('<script>"x"</script>')
    'script-x-script'
    >>> slug("")[:2]
    'x-'
    """
    base = _NON_SLUG.sub("-", fold(text)).strip("-")
    if not base:
        return "x-" + short_hash(text)
    if len(base) > _MAX_SLUG:
        return base[:_MAX_SLUG].rstrip("-") + "-" + short_hash(text)
    return base


def short_hash(text: str, length: int = 10) -> str:
    """A short stable hex digest of `text` (not for security).

    >>> short_hash("Hagen")
    '0a654b3032'
    """
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def municipality_key(municipality: str) -> str:
    """The IRI path segment of a municipality.

    >>> municipality_key("Kreis Rendsburg-Eckernförde")
    'kreis-rendsburg-eckernfoerde'
    """
    return slug(municipality)


def entity_key(municipality: str, kind: str, name: str) -> str:
    """Key of a canonical entity of a municipality, e.g. `hagen/faction/spd`.

    >>> entity_key("Hagen", "person", "Keller")
    'hagen/person/keller'
    """
    return f"{municipality_key(municipality)}/{kind}/{slug(name)}"


def document_key(municipality: str, source_key: str) -> str:
    """Key of a source document (and its named graph), stable across content changes.

    >>> document_key("Hagen", "protokoll-3.2.txt")
    'hagen/doc/protokoll-3-2-txt-c6f8863d96'
    """
    return f"{municipality_key(municipality)}/doc/{slug(source_key)[:60]}-{short_hash(source_key)}"


def meeting_key(municipality: str, date: str | None, body: str | None, fallback: str) -> str:
    """Key of a meeting: the same body on the same date is the same meeting in every document.

    >>> meeting_key("Hagen", "2022-02-15", "Rat der Stadt Hagen", "doc")
    'hagen/meeting/2022-02-15-rat-der-stadt-hagen'
    """
    if date and body:
        return f"{municipality_key(municipality)}/meeting/{date}-{slug(body)}"
    return f"{municipality_key(municipality)}/meeting/{slug(fallback)}"
