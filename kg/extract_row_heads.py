"""Heads of units named in the first cell of an attendance row, before the person's name.

Part of the extract stage, used by `kg.extract_staff.head_claims`. Tables flattened to text put
the function first and the name after a column gap: "Amtsleiterin Umweltamt   Vogt, Annette",
"Fachbereichsleiter Ordnung und Sicherheit   Möbius, Torsten", "Dezernent für Umwelt
(Dezernat V)   Stratmann, Uwe". A unit alone in the first cell ("Fachbereich Finanzen   Kahl,
Jan") says where the person works, not that they lead it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from kg.lexicon import Lexicon
from kg.models import Claim, Span

if TYPE_CHECKING:
    from kg.extract_entities import MentionIndex

# The cell's words before the unit: a leader word ("Amtsleiterin", "Sachgebietsleiter"), or a
# Dezernent's title whose bracket names the Dezernat.
_LEADER_PREFIX_RE = re.compile(
    r"[ \t]*(?:(?:[A-ZÄÖÜ][a-zäöüß-]*)?[Ll]eiter(?:in)?[ \t]+"
    r"|(?:Dezernent|Beigeordnete)(?:in|r)?\b[^\n()]*\([ \t]*)"
)
_GAP_RE = re.compile(r"[ \t]*\)?(?:[ \t]{2,}|[ \t]*\t)")
_STELLV_RE = re.compile(r"stellv", re.IGNORECASE)


def row_label_heads(text: str, index: MentionIndex, lex: Lexicon) -> Iterator[Claim]:
    """The person after a column gap heads the unit a leader's cell names before it."""
    if "eiter" not in text and "Dezernent" not in text and "Beigeordnete" not in text:
        return  # no leader's title: a cheap test spares most texts the loop
    leaders = tuple(lex.departments["leader_heads"])
    units = [(i, m) for i, m in enumerate(index.mentions) if m.kind == "department"]
    for unit, mention in units:
        span = mention.span
        line_start = text.rfind("\n", 0, span.start) + 1
        prefix = text[line_start : span.start]
        if _STELLV_RE.search(prefix) or not (
            _LEADER_PREFIX_RE.fullmatch(prefix)
            or (not prefix.strip() and text.startswith(leaders, span.start))
        ):
            continue
        gap = _GAP_RE.match(text, span.end)
        if gap is None:
            continue
        person = index.first_after(gap.end(), ("person",), window=0)
        if person is None or index.mentions[person].span.start != gap.end():
            continue
        person_span = index.mentions[person].span
        yield Claim(
            "head_of", person, unit, Span(min(span.start, person_span.start), person_span.end)
        )
