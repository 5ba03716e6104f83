"""Replies: which earlier statement of the same agenda item a statement answers.

Part of the extract stage (`kg.extract` builds the statements). An answer goes to the
question it answers, a reply to the turn of the person it names ("entgegnet Herrn X", "auf
die Frage von Frau Y", "Herr B kritisiert die Darstellung von Herrn A"), or in a verbatim
protocol to the earlier speaker its speech opens by addressing ("Herr Krämer, das Gegenteil
ist richtig.").
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace

from kg.extract_entities import MentionIndex
from kg.lexicon import grouped_alternation, lexicon, load_yaml
from kg.models import Span, Statement, Turn
from kg.parse_refs import person_refs

_ANSWERISH = {"Information", "Confirmation", "Presentation"}
_WORD_RE = re.compile(r"[\wäöüÄÖÜß-]+")
# A sentence end that is not the period of a title or an initial ("Dr.", "Prof.", "B.").
# The end of a sentence, not of an abbreviation ("Dr.", "Prof.", "B."); what stands before the
# mark is checked after it, so that the engine looks behind only at . ! ?.
_FIRST_SENTENCE_END_RE = re.compile(
    r"[.!?](?<![A-Z][a-z][.!?])(?<![A-Z][.!?])(?<!Prof[.!?])(?<!Dipl[.!?])(?=\s|$)"
)


def link_reply(
    text: str,
    statement: Statement,
    earlier: list[Statement],
    first_in_item: int,
    index: MentionIndex,
    default_only: bool = False,
    to_latest: bool = False,
) -> Statement:
    """The statement with `reply_to` set when it answers or replies to an earlier one of its
    item (`earlier`: the statements so far, its item's from `first_in_item`). `default_only`:
    its acts are only the default Information; `to_latest`: its addressee was named after a
    reply verb, so the reply goes to that person's latest turn. A verbatim speech that opens
    by addressing a person ("Herr Krämer, das Gegenteil …") replies to that person."""
    statement = _with_reply(statement, earlier, first_in_item, index, default_only, to_latest)
    if statement.reply_to is None:
        target = _named_earlier_speaker(text, statement, earlier, first_in_item, index)
        statement = _replace(statement, reply_to=target) if target is not None else statement
    if statement.reply_to is None and statement.addressee is None:
        addressed = _vocative(text, statement, index)
        if addressed is not None:
            with_addressee = _replace(statement, addressee=addressed)
            replied = _with_reply(with_addressee, earlier, first_in_item, index, to_latest=True)
            statement = replied if replied.reply_to is not None else statement
    return statement


# After a speaker line's name: the colon, then a person addressed by name and a comma.
_VOCATIVE_RE = re.compile(r"[ \t]*:\s*(?=(?:Herr|Frau)[ \t])")


def _vocative(text: str, statement: Statement, index: MentionIndex) -> int | None:
    """The person a verbatim speech opens by addressing ("Stadträtin X (SPD): Herr Krämer, …"),
    not an office ("Frau Oberbürgermeisterin, …", "Herr Oberbürgermeister Kahl, …")."""
    speaker_end = index.mentions[statement.speaker].span.end
    m = _VOCATIVE_RE.match(text, speaker_end, statement.span.end)
    if m is None:
        return None
    person = index.person_at(m.end())
    if person is None or person == statement.speaker:
        return None
    mention = index.mentions[person]
    if (
        mention.person is None
        or mention.person.role
        or text[mention.span.end : mention.span.end + 1] != ","
    ):
        return None
    return person


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _with_reply(
    statement: Statement,
    earlier: list[Statement],
    first_in_item: int,
    index: MentionIndex,
    default_only: bool = False,
    to_latest: bool = False,
) -> Statement:
    """Link an answer to the turn it answers (same item, another speaker).

    A named addressee ("auf die Frage von Herrn X") picks X's latest turn; an addressee who
    did not speak before (a question only reported) gets no link; a reply to a named person
    ("entgegnet Herrn X", `to_latest`) picks X's latest turn. Otherwise an explicit answer
    goes to the latest question or request not answered yet, else to the turn just before it;
    a turn that only informs or confirms right after a question is taken as its answer.
    """
    own = index.mentions[statement.speaker].key
    others = [
        (i, s)
        for i, s in enumerate(earlier)
        if i >= first_in_item and index.mentions[s.speaker].key != own
    ]
    if not others:
        return statement
    answered = {s.reply_to for s in earlier[first_in_item:] if s.reply_to is not None}
    open_asks = [i for i, s in others if _asks(s) and i not in answered]
    target: int | None = None
    if statement.addressee is not None:
        addressed = index.mentions[statement.addressee].key
        spoke = [(i, s) for i, s in others if index.mentions[s.speaker].key == addressed]
        if not spoke:
            return statement
        asked = [i for i, s in spoke if _asks(s)]
        target = asked[-1] if asked and not to_latest else spoke[-1][0]
    acts = statement.acts
    previous = len(earlier) - 1
    if "Answer" in acts:
        if target is None:
            target = open_asks[-1] if open_asks else None
        if target is None and others[-1][0] == previous:
            target = previous
    elif (
        target is None
        and open_asks
        and open_asks[-1] == previous
        and "Question" in earlier[previous].acts
        and "Question" not in acts
        and set(acts) <= _ANSWERISH
    ):
        target = previous
        acts = ("Answer",) if default_only else ("Answer", *acts)
    if target is None:
        return statement
    order = lexicon().act_order
    return _replace(statement, acts=tuple(sorted(set(acts), key=order.index)), reply_to=target)


def _named_earlier_speaker(
    text: str, statement: Statement, earlier: list[Statement], first: int, index: MentionIndex
) -> int | None:
    """A reply that names an earlier speaker of the same item in its first sentence
    ("Herr B kritisiert die Darstellung von Herrn A", "Frau C schließt sich Herrn A an");
    the sentence goes on after a title ("sB Dr. Kaiser …", "… von Frau Dr. Roth")."""
    speaker_end = index.mentions[statement.speaker].span.end
    inside = statement.span.start < speaker_end <= statement.span.end
    start = speaker_end if inside else statement.span.start
    sentence_end = _FIRST_SENTENCE_END_RE.search(text, start, statement.span.end)
    end = sentence_end.end() if sentence_end else statement.span.end
    own = index.mentions[statement.speaker].key
    cues = lexicon().reply_cues
    named = {
        index.mentions[i].key
        for i in index.in_span(Span(statement.span.start, min(end, statement.span.end)), "person")
        if cues
        & set(
            _WORD_RE.findall(
                text[
                    max(statement.span.start, index.mentions[i].span.start - 40) : index.mentions[
                        i
                    ].span.start
                ]
            )
        )
    } - {own}
    for number in range(len(earlier) - 1, first - 1, -1):
        if index.mentions[earlier[number].speaker].key in named:
            return number
    return None


def _replace(statement: Statement, **changes: object) -> Statement:
    return replace(statement, **changes)  # type: ignore[arg-type]


def _asks(statement: Statement) -> bool:
    return "Question" in statement.acts or "Request" in statement.acts


def replied_person(text: str, turn: Turn, index: MentionIndex) -> int | None:
    """The person a reply verb names right after it ("Herr B entgegnet Herrn A, dass …",
    "Frau C sagt Herrn A eine Antwort zu"), not the speaker."""
    head = text[turn.span.start : min(turn.span.end, turn.span.start + 160)]
    speaker = index.person_at(turn.speaker.span.start)
    for m in _reply_verb_re().finditer(head):
        start = turn.span.start + m.end()
        ref = next(person_refs(text, start, turn.span.start + len(head)), None)
        if ref is None or ref.start != start or ref.start == turn.speaker.span.start:
            continue
        person = index.person_at(ref.start)
        if person is not None and (
            speaker is None or index.mentions[person].key != index.mentions[speaker].key
        ):
            return person
    return None


@functools.cache
def _reply_verb_re() -> re.Pattern[str]:
    """A reply verb, or one with the contribution replied to ("erwidert auf den Beitrag
    von"), before the person replied to."""
    cues = load_yaml("cues.yaml")
    verbs = grouped_alternation(  # (?<![\wäöüß]) checked after the verb's first letter
        sorted(cues["reply_verbs"], key=len, reverse=True), not_after=r"[\wäöüß]"
    )
    contribution = cues["reply_to_contribution"]
    articles, of = _alternation(contribution["articles"]), _alternation(contribution["of"])
    return re.compile(
        rf"(?:{verbs})[ \t]+(?:{contribution['preposition']}[ \t]+(?:{articles})"
        rf"[ \t]+\w+[ \t]+(?:{of})[ \t]+)?"
    )


def addressee(text: str, turn: Turn, index: MentionIndex) -> int | None:
    """The person a turn answers or addresses ("Auf die Frage von Herrn X antwortet …")."""
    head = text[turn.span.start : min(turn.span.end, turn.span.start + 160)]
    m = re.search(
        r"\b(?:Frage|Fragen|Nachfrage|Anfrage|Anmerkung|Hinweis)\s+(?:von|des|der)\s+", head
    )
    if m is None:
        return None
    ref = next(person_refs(text, turn.span.start + m.end(), turn.span.start + len(head)), None)
    return index.person_at(ref.start) if ref else None
