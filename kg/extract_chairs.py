"""Chairs of a meeting's body and of other bodies, as the protocol head and the minutes name
them ("Vorsitz: …", "Vorsitzender" cells, "legt den Vorsitz des Beirats nieder").

Part of the extract stage, used by `kg.extract_staff.head_claims`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from kg.ids import fold
from kg.lexicon import UPPER
from kg.models import Claim, Protocol, Span

if TYPE_CHECKING:
    from kg.extract_entities import MentionIndex

STELLV_RE = re.compile(r"stellv|stellvertret", re.IGNORECASE)
_SENTENCE_END_RE = re.compile(r"[.!?]\s")
_CHAIR_OF_RE = re.compile(r"Vorsitz(?:es)?[ \t]+(?:des|der|im)[ \t]+")
# Who chairs the meeting, in the head of a protocol: a label "Vorsitz:" before the name (also
# with a role word between, "Vorsitz: Stadtverordnetenvorsteherin X"), or a heading line
# "Vorsitz" / "Vorsitzender des Kreistages" over it; "(of)" is the body a heading names.
_CHAIR_HEADING_RE = re.compile(
    # also the Präsident(in) of a Bürgerschaft ("Präsident der Bürgerschaft" over the name)
    r"(?:Vorsitz(?:ende[rn]?)?|Präsident(?:in)?(?=[ \t]+de[rs][ \t]))"
    r"(?:[ \t]+(?:führte|hatte|hat))?"
    r"(?:[ \t]+(?:des|der)[ \t]+(?P<of>[A-ZÄÖÜ][\wäöüß-]*)[^\n:]{0,60}?)?"
    r"(?P<end>[ \t]*:[ \t]*(?:\n[ \t]*)?|[ \t]*\n[ \t]*)"
)
# A role word (or a form of address) between a chair label and the name it introduces.
_BEFORE_NAME_RE = re.compile(rf"(?:[{UPPER}][\w.-]*[ \t]+)?")
# "Frau Lenz eröffnet als Vorsitzende die Sitzung" (a deputy says "als stellv. Vorsitzende").
_AS_CHAIR_RE = re.compile(
    r"als[ \t]+Vorsitzende[rn]?\b(?:[ \t]+(?:des|der)[ \t]+(?P<of>[A-ZÄÖÜ][\wäöüß-]*))?"
)
# "Benedikt Muster   Grüne   anwesend (Vorsitz)": a marker on the chair's own list line.
# Also a function column after a gap: "Stv. Jan Kahl      SPD      Vorsitzender" (a deputy's
# cell reads "stellv. Vorsitzender").
_CHAIR_MARK_RE = re.compile(
    r"\((?:Vorsitz|Vorsitzende[rn]?)\)"
    r"|(?<=[ \t]{2})(?:Ausschuss)?[Vv]orsitzende[rn]?(?=[ \t]*(?:\n|$|[ \t]{2}))"
)


def at_word_start(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Matches of `pattern` that begin a word."""
    for m in pattern.finditer(text):
        if m.start() == 0 or not (text[m.start() - 1].isalnum() or text[m.start() - 1] == "_"):
            yield m


def head_claim(index: MentionIndex, person: int, org: int) -> Claim:
    """A head_of claim spanning the person and the unit or body."""
    spans = (index.mentions[person].span, index.mentions[org].span)
    return Claim(
        "head_of", person, org, Span(min(s.start for s in spans), max(s.end for s in spans))
    )


def chair_heads(protocol: Protocol, index: MentionIndex) -> Iterator[Claim]:
    """ "Frau Selter legt den Vorsitz des Naturschutzbeirats nieder"; the meeting's chair
    in the protocol head (see `_meeting_chairs`)."""
    text = protocol.document.text
    if "Vorsitz" not in text and "Präsident" not in text:
        return
    for m in at_word_start(_CHAIR_OF_RE, text):
        if STELLV_RE.search(text, max(0, m.start() - 16), m.start()):
            continue
        body = index.first_after(m.end(), ("body",), window=0)
        person = index.nearest_before(m.start(), "person", window=80)
        if body is None or person is None:
            continue
        if not _SENTENCE_END_RE.search(text, index.mentions[person].span.end, m.start()):
            yield head_claim(index, person, body)
    own = fold(protocol.meeting.body or "")
    bodies = [i for i, mention in enumerate(index.mentions) if mention.kind == "body"]
    meeting_body = next((i for i in bodies if index.mentions[i].key == own), None)
    if meeting_body is not None:
        for person in _meeting_chairs(text, index, (protocol.meeting.body or "").split()[0]):
            yield head_claim(index, person, meeting_body)


def _meeting_chairs(text: str, index: MentionIndex, body_head: str) -> Iterator[int]:
    """Persons the protocol head names as the meeting's chair: "Vorsitz führte: Petran,
    Matthias", "Vorsitz: Ratsvorsitzende Anna Muster (SPD)", a heading line "Vorsitz" or
    "Vorsitzende des Kreistages" over the name, "Name  Partei  anwesend (Vorsitz)", "Frau
    Lenz eröffnet als Vorsitzende die Sitzung". A heading
    that names another body ("Vorsitzender des Seniorenbeirats") is not the meeting's chair."""
    for m in at_word_start(_CHAIR_HEADING_RE, text):
        if STELLV_RE.search(text, max(0, m.start() - 16), m.start()):
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        heading = ":" in m.group("end") or not text[line_start : m.start()].strip()
        of = m.group("of")
        if not heading or (of and not fold(of).startswith(fold(body_head)[:6])):
            continue
        person = index.first_after(m.end(), ("person",), window=60)
        if person is not None and _BEFORE_NAME_RE.fullmatch(
            text, m.end(), index.mentions[person].span.start
        ):
            yield person
    for m in at_word_start(_AS_CHAIR_RE, text):
        if m.group("of") and not fold(m.group("of")).startswith(fold(body_head)[:6]):
            continue
        person = index.nearest_before(m.start(), "person", window=60)
        if person is not None and not _SENTENCE_END_RE.search(
            text, index.mentions[person].span.end, m.start()
        ):
            yield person
    for m in _CHAIR_MARK_RE.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        person = index.first_after(line_start, ("person",), window=8)
        if person is not None and index.mentions[person].span.end <= m.start():
            yield person
        elif m.group(0).startswith("("):  # "Anwesend waren Frau Eva Lenz (Vorsitzende), …"
            person = index.nearest_before(m.end(), "person", window=80)
            if person is not None and index.mentions[person].span.end in (m.start(), m.end()):
                yield person
