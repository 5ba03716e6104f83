"""Attendance stated in the minutes' prose rather than in a list: "Ratsmitglied Gläser fehlt.",
"in Vertretung für den abwesenden Herrn Bögemann", "begrüßt Herrn Huyeng, der das erste Mal an
einer Sitzung teilnimmt".

Part of the extract stage, used by `kg.extract`. Each person mention is looked at in a few words
around it; the list entries of the parse stage come first and are never overridden.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.extract_entities import MentionIndex
from kg.models import AttendanceStatus, Protocol, Span

# After the person: "Ratsmitglied Gläser fehlt.", "Frau Roth ist entschuldigt",
# "Herr Lang nimmt an der Sitzung nicht teil".
_ABSENT_AFTER_RE = re.compile(
    r"[ \t]+(?:fehlt|fehlte|fehlt[ \t]+entschuldigt|ist[ \t]+entschuldigt|war[ \t]+entschuldigt|"
    r"ist[ \t]+verhindert|war[ \t]+verhindert|hat[ \t]+sich[ \t]+entschuldigt|"
    r"(?:nimmt|nahm)(?:[ \t]+an[ \t]+der[ \t]+Sitzung)?[ \t]+nicht[ \t]+teil)\b"
)
# Before the person: "für den abwesenden Herrn Bögemann", "die verhinderte Frau Roth".
_ABSENT_BEFORE_RE = re.compile(
    r"(?<!\w)(?:abwesenden?|verhinderten?|entschuldigten?)[ \t]+(?:(?:Herrn?|Frau)[ \t]+)?\Z"
)
# A relative clause after the person: "Herrn Huyeng, der das erste Mal … teilnimmt."
_PRESENT_AFTER_RE = re.compile(
    r",[ \t]+(?:der|die)[ \t][^.;:!?\n]{0,100}?(?:teilnimmt|teilnahm|anwesend[ \t]+ist)\b"
)


def prose_attendance(
    protocol: Protocol, index: MentionIndex, listed: set[str]
) -> Iterator[tuple[int, AttendanceStatus]]:
    """(person mention, status) for people the prose says were absent or present, when the
    attendance list does not name them (`listed`: their mention keys)."""
    text = protocol.document.text
    for i, mention in enumerate(index.mentions):
        if mention.kind != "person" or mention.key in listed:
            continue
        start, end = mention.span.start, mention.span.end
        if _ABSENT_AFTER_RE.match(text, end) or _ABSENT_BEFORE_RE.search(
            text, max(0, start - 30), start
        ):
            listed.add(mention.key)
            yield i, "absent"
        elif _PRESENT_AFTER_RE.match(text, end):
            listed.add(mention.key)
            yield i, "present"
    yield from _welcomed_by_name(text, index, listed)


# "begrüßt alle Anwesenden. Namentlich begrüßt er Bürgermeister Huber, …": the people a
# chair welcomes by name are there (a bare "begrüßt Herrn X" is no attendance).
_BY_NAME_RE = re.compile(r"[Nn]amentlich[ \t]+begrüßt[ \t]+(?:er|sie)\b|begrüßt[ \t]+namentlich\b")
_SENTENCE_END_RE = re.compile(r"\.(?=\s|\Z)")


def _welcomed_by_name(
    text: str, index: MentionIndex, listed: set[str]
) -> Iterator[tuple[int, AttendanceStatus]]:
    if "amentlich" not in text:
        return
    for m in _BY_NAME_RE.finditer(text):
        end = _SENTENCE_END_RE.search(text, m.end())
        sentence_end = end.start() if end else len(text)
        for i in index.in_span(Span(m.end(), sentence_end), "person"):
            key = index.mentions[i].key
            if key not in listed:
                listed.add(key)
                yield i, "present"
